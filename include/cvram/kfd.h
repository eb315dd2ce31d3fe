/* SPDX-License-Identifier: GPL-2.0-only */
/* amdkfd: the KFD topology in sysfs and the SVM ioctl arguments, kept apart
 * from the target so that both are tested without the hardware. */
#ifndef CVRAM_KFD_H
#define CVRAM_KFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CVRAM_KFD_TOPOLOGY "/sys/class/kfd/kfd/topology"
#define CVRAM_KFD_MAX_GPUS 32

/* Values from linux/kfd_sysfs.h (which cannot share a translation unit
 * with libhsakmt's headers, so they are repeated here and checked
 * against it in tests/test-kfd.c). */
#define CVRAM_KFD_CAP_SVMAPI 0x08000000ull
#define CVRAM_KFD_CAP_COHERENTHOSTACCESS 0x10000000ull
#define CVRAM_KFD_HEAP_FB_PUBLIC 1
#define CVRAM_KFD_HEAP_FB_PRIVATE 2
#define CVRAM_KFD_IOLINK_PCIE 2
#define CVRAM_KFD_IOLINK_XGMI 11

struct cvram_kfd_gpu {
	unsigned node;			/* topology node index */
	uint32_t gpu_id;
	char name[64];
	uint32_t gfx_target_version;	/* decimal encoding: 90010 = GC 9.4.2 */
	uint32_t drm_render_minor;
	uint64_t capability;
	uint64_t hive_id;
	uint64_t vram_bytes;		/* FB_PUBLIC or FB_PRIVATE bank */
	int vram_heap;			/* 1 public (CPU-visible), 2 private, -1 none */
	bool svm;			/* HSA_CAP_SVMAPI_SUPPORTED */
	bool coherent_host_access;	/* HSA_CAP_FLAGS_COHERENTHOSTACCESS (6.12+) */
	bool xgmi_to_cpu;		/* an XGMI io_link to a CPU node */
	bool cpu_in_hive;		/* a CPU node shares the GPU's hive_id */
	bool xnack_possible;		/* GC < 10.1.1 */
};

struct cvram_kfd_topology {
	struct cvram_kfd_gpu gpu[CVRAM_KFD_MAX_GPUS];
	size_t ngpus;
	unsigned ncpu_nodes;
	char error[640];		/* file and line of what did not parse */
};

/* Read the topology under root (CVRAM_KFD_TOPOLOGY on a real system, a
 * fixture tree in the tests). 0, or -1 with error filled. */
int cvram_kfd_topology_read(const char *root, struct cvram_kfd_topology *t);

/* VRAM the CPU reaches coherently: SVM with either the 6.12 capability bit,
 * or (6.1) an XGMI link to a CPU of the same hive and all of VRAM public. */
bool cvram_kfd_gpu_coherent(const struct cvram_kfd_gpu *g);
/* Find a GPU by gpu_id or by index ("0", "1", ...); NULL if none. */
const struct cvram_kfd_gpu *cvram_kfd_find_gpu(const struct cvram_kfd_topology *t, const char *spec);

/* SVM ioctl: the attribute bytes go into the command's size field. */
struct cvram_kfd_attr {
	uint32_t type;
	uint32_t value;
};

unsigned long cvram_kfd_svm_cmd(uint32_t nattr);
/* Lay out kfd_ioctl_svm_args with nattr attributes into buf (len bytes).
 * Returns the bytes used, or 0 if buf is too small or the range is not
 * page-aligned and non-empty. */
size_t cvram_kfd_svm_args(void *buf, size_t len, uint64_t start, uint64_t size, uint32_t op,
			  const struct cvram_kfd_attr *attrs, uint32_t nattr);

#endif
