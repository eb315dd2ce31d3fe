/* SPDX-License-Identifier: GPL-2.0-only */
/* The kfd target without the hardware: the topology parser against
 * fixture trees built from the documented sysfs format, every ioctl
 * argument byte for byte against the kernel header's layout, and probing
 * on this machine (a skip with a reason unless a GPU is really there). */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/kfd.h"
#include "cvram/target.h"
#include "tap.h"

#ifdef HAVE_KFD_IOCTL
#include <linux/kfd_ioctl.h>
#include <linux/kfd_sysfs.h>
#endif

static const char *srcdir(void)
{
	const char *s = getenv("CVRAM_SRCDIR");

	return s && *s ? s : ".";
}

static int load(const char *tree, struct cvram_kfd_topology *t)
{
	char root[512];

	snprintf(root, sizeof(root), "%s/tests/fixtures/kfd/%s", srcdir(), tree);
	return cvram_kfd_topology_read(root, t);
}

static void test_topologies(void)
{
	struct cvram_kfd_topology t;
	const struct cvram_kfd_gpu *g;

	tap_ok(load("mi250x-coherent", &t) == 0 && t.ngpus == 2 && t.ncpu_nodes == 1, "MI250X: 2 GCDs, 1 CPU node");
	g = &t.gpu[0];
	tap_ok(g->gpu_id == 41234 && g->gfx_target_version == 90010 && g->drm_render_minor == 128 &&
	       !strcmp(g->name, "aldebaran"), "MI250X: gpu_id, gfx version, render minor, name");
	tap_ok(g->svm && g->xgmi_to_cpu && g->cpu_in_hive && g->vram_heap == 1 && g->vram_bytes == 68702699520ull,
	       "MI250X: SVM, xGMI to a CPU of its hive, 64 GiB FB_PUBLIC");
	tap_ok(cvram_kfd_gpu_coherent(g) && g->xnack_possible, "MI250X: VRAM coherent with the CPU, XNACK possible");
	tap_ok(cvram_kfd_find_gpu(&t, "41235") == &t.gpu[1] && cvram_kfd_find_gpu(&t, "1") == &t.gpu[1] &&
	       cvram_kfd_find_gpu(&t, "7") == NULL && cvram_kfd_find_gpu(&t, "x") == NULL,
	       "--device by gpu_id or index; unknown ones not found");

	tap_ok(load("dgpu-pcie", &t) == 0 && t.ngpus == 1 && t.gpu[0].svm && !t.gpu[0].xgmi_to_cpu &&
	       t.gpu[0].vram_heap == 2 && !cvram_kfd_gpu_coherent(&t.gpu[0]),
	       "MI100 on PCIe: SVM but device-private (FB_PRIVATE, no xGMI)");
	tap_ok(load("apu", &t) == 0 && t.gpu[0].coherent_host_access && cvram_kfd_gpu_coherent(&t.gpu[0]),
	       "APU (6.12): COHERENTHOSTACCESS makes it coherent");
	tap_ok(load("navi-xnack-off", &t) == 0 && t.gpu[0].svm && !t.gpu[0].xnack_possible &&
	       !cvram_kfd_gpu_coherent(&t.gpu[0]), "RDNA2: SVM, private, XNACK impossible (GC >= 10.1.1)");
	tap_ok(load("no-svm", &t) == 0 && !t.gpu[0].svm && !cvram_kfd_gpu_coherent(&t.gpu[0]),
	       "stock kernel: no SVM capability");
	tap_ok(load("malformed-property", &t) == -1 &&
	       strstr(t.error, "nodes/1/properties:11: 'drm_render_minor' is not a number"),
	       "malformed property: file and line named (%s)", t.error);
	tap_ok(load("malformed-gpu-id", &t) == -1 && strstr(t.error, "nodes/1/gpu_id:1: 'x12' is not a number"),
	       "malformed gpu_id: file named (%s)", t.error);
	tap_ok(load("empty", &t) == -1 && strstr(t.error, "no nodes/N/properties"), "no nodes: said so (%s)",
	       t.error);
	tap_ok(load("does-not-exist", &t) == -1, "a missing tree is an error");
}

#ifdef HAVE_KFD_IOCTL
static void test_abi(void)
{
	struct cvram_kfd_attr attrs[2] = { { KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, 41234 },
					   { KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, 41234 } };
	unsigned char ours[64];
	struct kfd_ioctl_svm_args *theirs = calloc(1, sizeof(*theirs) + 2 * sizeof(theirs->attrs[0]));
	size_t n = cvram_kfd_svm_args(ours, sizeof(ours), 0x7f0000000000ull, 1ull << 21, KFD_IOCTL_SVM_OP_SET_ATTR,
				      attrs, 2);

	tap_ok(sizeof(struct kfd_ioctl_svm_args) == 24 && offsetof(struct kfd_ioctl_svm_args, size) == 8 &&
	       offsetof(struct kfd_ioctl_svm_args, op) == 16 && offsetof(struct kfd_ioctl_svm_args, nattr) == 20 &&
	       offsetof(struct kfd_ioctl_svm_args, attrs) == 24 && sizeof(struct kfd_ioctl_svm_attribute) == 8,
	       "kfd_ioctl_svm_args layout as cvram writes it");
	theirs->start_addr = 0x7f0000000000ull;
	theirs->size = 1ull << 21;
	theirs->op = KFD_IOCTL_SVM_OP_SET_ATTR;
	theirs->nattr = 2;
	theirs->attrs[0] = (struct kfd_ioctl_svm_attribute){ KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, 41234 };
	theirs->attrs[1] = (struct kfd_ioctl_svm_attribute){ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, 41234 };
	tap_ok(n == 40 && memcmp(ours, theirs, 40) == 0, "SET_ATTR with 2 attributes: 40 bytes, identical to the header's struct");
	free(theirs);
	tap_ok(cvram_kfd_svm_cmd(0) == AMDKFD_IOC_SVM && cvram_kfd_svm_cmd(0) == 0xc0184b20ul,
	       "SVM command with no attributes is AMDKFD_IOC_SVM (0xc0184b20)");
	tap_ok(cvram_kfd_svm_cmd(2) == 0xc0284b20ul, "two attributes add 16 bytes to the size field (0xc0284b20)");
	tap_ok(AMDKFD_IOC_GET_VERSION == 0x80084b01ul && AMDKFD_IOC_ACQUIRE_VM == 0x40084b15ul &&
	       AMDKFD_IOC_SET_XNACK_MODE == 0xc0044b21ul, "GET_VERSION, ACQUIRE_VM, SET_XNACK_MODE numbers");
	tap_ok(sizeof(struct kfd_ioctl_get_version_args) == 8 && sizeof(struct kfd_ioctl_acquire_vm_args) == 8 &&
	       offsetof(struct kfd_ioctl_acquire_vm_args, gpu_id) == 4 &&
	       sizeof(struct kfd_ioctl_set_xnack_mode_args) == 4, "version, acquire-VM and XNACK argument layouts");
	tap_ok(cvram_kfd_svm_args(ours, sizeof(ours), 4097, 4096, 0, attrs, 1) == 0 &&
	       cvram_kfd_svm_args(ours, sizeof(ours), 4096, 0, 0, attrs, 1) == 0 &&
	       cvram_kfd_svm_args(ours, 30, 4096, 4096, 0, attrs, 2) == 0,
	       "unaligned start, empty range and a short buffer are refused");
	tap_ok(CVRAM_KFD_CAP_SVMAPI == HSA_CAP_SVMAPI_SUPPORTED &&
	       CVRAM_KFD_CAP_COHERENTHOSTACCESS == HSA_CAP_FLAGS_COHERENTHOSTACCESS &&
	       CVRAM_KFD_HEAP_FB_PUBLIC == HSA_MEM_HEAP_TYPE_FB_PUBLIC &&
	       CVRAM_KFD_HEAP_FB_PRIVATE == HSA_MEM_HEAP_TYPE_FB_PRIVATE &&
	       CVRAM_KFD_IOLINK_XGMI == HSA_IOLINK_TYPE_XGMI && CVRAM_KFD_IOLINK_PCIE == HSA_IOLINK_TYPE_PCIEXPRESS,
	       "sysfs constants match linux/kfd_sysfs.h");
	tap_ok(KFD_IOCTL_SVM_LOCATION_SYSMEM == 0 && KFD_IOCTL_SVM_LOCATION_UNDEFINED == 0xffffffffu,
	       "SVM location values");
}
#endif

static void test_probe(void)
{
	struct cvram_target t;
	struct cvram_target_config cfg = { NULL, -1 };
	enum cvram_open_status st = cvram_target_open(&t, cvram_target_find("kfd"), &cfg);

	if (st == CVRAM_OPEN_OK)
		tap_ok(1, "kfd opened a real GPU: %s (%s)", t.device, cvram_kind_name(t.kind));
	else
		tap_ok(st == CVRAM_OPEN_UNAVAILABLE && t.reason[0], "kfd probe here: unavailable with a reason (%s)",
		       t.reason);
	cvram_target_close(&t);
}

int main(void)
{
#ifdef HAVE_KFD_IOCTL
	tap_plan(23);
	test_topologies();
	test_abi();
#else
	tap_plan(14);
	test_topologies();
#endif
	test_probe();
	return tap_done();
}
