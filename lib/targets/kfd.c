/* SPDX-License-Identifier: GPL-2.0-only */
/* kfd: AMD GPUs through amdkfd's shared virtual memory (SVM) interface, the
 * delivered hardware. Ranges move with SVM attributes (preferred and
 * prefetch location); on GPUs whose VRAM is registered as device-coherent
 * (MI200 with xGMI to the CPU) the CPU then touches VRAM in place, on PCIe
 * GPUs (device-private) a CPU touch migrates the page back.
 *
 * Never run on real hardware yet: the topology parser and every ioctl
 * argument are tested against fixtures and the kernel header
 * (tests/test-kfd.c). Facts it relies on: docs/facts.md, section 3.
 * - SVM needs a VM acquired through the GPU's render node first;
 * - the SVM ioctl's size field carries the attribute bytes;
 * - a forked child cannot use the parent's /dev/kfd fd: each process opens
 *   its own (cvram's workers and their children do);
 * - GET_ATTR reports policy (preferred/prefetch location), not residency. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/kfd.h"
#include "cvram/results.h"
#include "cvram/target.h"

#ifdef HAVE_KFD_IOCTL
#include <linux/kfd_ioctl.h>

#define KFD_MIN_MINOR 5		/* SVM arrived in KFD ioctl 1.5 */
#define SVM_MAX_ATTRS 4

struct kfd_priv {
	int kfd, render;
	struct cvram_kfd_gpu gpu;
	int xnack;			/* -1 unknown */
	uint32_t minor;
};

static const char *topology_root(void)
{
	const char *env = getenv("CVRAM_KFD_TOPOLOGY");	/* fixtures in tests */

	return env && *env ? env : CVRAM_KFD_TOPOLOGY;
}

static int svm_call(int fd, uint64_t start, uint64_t size, uint32_t op, struct cvram_kfd_attr *attrs,
		    uint32_t nattr)
{
	unsigned char buf[24 + SVM_MAX_ATTRS * 8];
	size_t used = cvram_kfd_svm_args(buf, sizeof(buf), start, size, op, attrs, nattr);

	if (!used)
		return -EINVAL;
	if (ioctl(fd, cvram_kfd_svm_cmd(nattr), buf))
		return -errno;
	for (uint32_t i = 0; i < nattr; i++)	/* GET_ATTR writes its answers back */
		memcpy(&attrs[i], buf + 24 + i * 8, 8);
	return 0;
}

static int kfd_migrate(struct cvram_target *t, void *addr, size_t npages, enum cvram_dir dir,
		       struct cvram_migration *m)
{
	struct kfd_priv *p = t->priv;
	uint32_t loc = dir == CVRAM_TO_DEVICE ? p->gpu.gpu_id : KFD_IOCTL_SVM_LOCATION_SYSMEM;
	struct cvram_kfd_attr attrs[] = {
		{ KFD_IOCTL_SVM_ATTR_PREFERRED_LOC, loc },
		{ KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, loc },
		{ KFD_IOCTL_SVM_ATTR_ACCESS, p->gpu.gpu_id },
	};
	int rc = svm_call(p->kfd, (uintptr_t)addr, npages * CVRAM_PAGE_SIZE, KFD_IOCTL_SVM_OP_SET_ATTR, attrs,
			  dir == CVRAM_TO_DEVICE ? 3 : 2);

	if (rc)
		return rc;
	/* The prefetch either happened or the call failed: no per-page answer. */
	m->migrated = npages;
	m->failed = 0;
	return 0;
}

/* Policy per page: where the range is meant to be, which is where a prefetch
 * put it unless the CPU (private VRAM) or an eviction moved it since. */
static int kfd_locate(struct cvram_target *t, const void *addr, size_t npages, uint8_t *loc)
{
	struct kfd_priv *p = t->priv;

	for (size_t i = 0; i < npages; i++) {
		struct cvram_kfd_attr a = { KFD_IOCTL_SVM_ATTR_PREFETCH_LOC, 0 };
		int rc = svm_call(p->kfd, (uintptr_t)addr + i * CVRAM_PAGE_SIZE, CVRAM_PAGE_SIZE,
				  KFD_IOCTL_SVM_OP_GET_ATTR, &a, 1);

		if (rc)
			return rc;
		loc[i] = a.value == p->gpu.gpu_id ? CVRAM_LOC_DEVICE :
			 a.value == KFD_IOCTL_SVM_LOCATION_SYSMEM ? CVRAM_LOC_SYSTEM :
			 a.value == KFD_IOCTL_SVM_LOCATION_UNDEFINED ? CVRAM_LOC_UNKNOWN : CVRAM_LOC_OTHER_DEVICE;
	}
	return 0;
}

static void kfd_close(struct cvram_target *t)
{
	struct kfd_priv *p = t->priv;

	if (!p)
		return;
	if (p->render >= 0)
		close(p->render);
	if (p->kfd >= 0)
		close(p->kfd);
	free(p);
	t->priv = NULL;
}

static void explain_no_kfd(struct cvram_target *t)
{
	const char *src, *svm = cvram_kernel_config("CONFIG_HSA_AMD_SVM", &src);
	const char *priv = cvram_kernel_config("CONFIG_DEVICE_PRIVATE", &src);

	snprintf(t->reason, sizeof(t->reason),
		 "no /dev/kfd (%s): no amdgpu GPU here, or amdkfd not loaded; kernel has CONFIG_HSA_AMD_SVM=%s, "
		 "CONFIG_DEVICE_PRIVATE=%s (%s)", strerror(errno), svm, priv, src);
}

/* /dev/kfd, its version, and the chosen GPU from the topology. */
static enum cvram_open_status open_kfd(struct cvram_target *t, struct kfd_priv *p, struct cvram_kfd_topology *topo)
{
	struct kfd_ioctl_get_version_args v = { 0 };
	const struct cvram_kfd_gpu *g;

	p->kfd = open("/dev/kfd", O_RDWR | O_CLOEXEC);
	if (p->kfd < 0) {
		explain_no_kfd(t);
		return errno == ENOENT || errno == ENODEV || errno == EACCES || errno == EPERM ? CVRAM_OPEN_UNAVAILABLE :
												   CVRAM_OPEN_ERROR;
	}
	if (ioctl(p->kfd, AMDKFD_IOC_GET_VERSION, &v) || v.major_version != 1 || v.minor_version < KFD_MIN_MINOR) {
		snprintf(t->reason, sizeof(t->reason), "KFD ioctl version %u.%u: SVM needs 1.%d or later",
			 v.major_version, v.minor_version, KFD_MIN_MINOR);
		return CVRAM_OPEN_UNAVAILABLE;
	}
	p->minor = v.minor_version;
	if (cvram_kfd_topology_read(topology_root(), topo)) {
		snprintf(t->reason, sizeof(t->reason), "KFD topology: %.200s", topo->error);
		return CVRAM_OPEN_ERROR;
	}
	if (topo->ngpus == 0) {
		snprintf(t->reason, sizeof(t->reason), "KFD topology has no GPU node");
		return CVRAM_OPEN_UNAVAILABLE;
	}
	g = t->cfg.device ? cvram_kfd_find_gpu(topo, t->cfg.device) : &topo->gpu[0];
	if (!g) {
		snprintf(t->reason, sizeof(t->reason), "--device '%s': no GPU with that gpu_id or index (%zu GPUs)",
			 t->cfg.device, topo->ngpus);
		return CVRAM_OPEN_BAD_DEVICE;
	}
	p->gpu = *g;
	if (!g->svm) {
		snprintf(t->reason, sizeof(t->reason), "GPU %u (%s): no SVM support (no device memory registered: "
			 "CONFIG_HSA_AMD_SVM or CONFIG_DEVICE_PRIVATE off, or GC < 9.0.1)", g->gpu_id, g->name);
		return CVRAM_OPEN_UNAVAILABLE;
	}
	return CVRAM_OPEN_OK;
}

/* SVM needs the process's VM on that GPU, acquired through its render node. */
static enum cvram_open_status acquire_vm(struct cvram_target *t, struct kfd_priv *p)
{
	struct kfd_ioctl_acquire_vm_args vm = { 0 };
	struct kfd_ioctl_set_xnack_mode_args x = { -1 };
	char path[64];

	snprintf(path, sizeof(path), "/dev/dri/renderD%u", p->gpu.drm_render_minor);
	p->render = open(path, O_RDWR | O_CLOEXEC);
	if (p->render < 0) {
		snprintf(t->reason, sizeof(t->reason), "cannot open %s: %s", path, strerror(errno));
		return CVRAM_OPEN_UNAVAILABLE;
	}
	vm.drm_fd = (uint32_t)p->render;
	vm.gpu_id = p->gpu.gpu_id;
	if (ioctl(p->kfd, AMDKFD_IOC_ACQUIRE_VM, &vm)) {
		snprintf(t->reason, sizeof(t->reason), "AMDKFD_IOC_ACQUIRE_VM on GPU %u: %s", p->gpu.gpu_id,
			 strerror(errno));
		return CVRAM_OPEN_ERROR;
	}
	p->xnack = ioctl(p->kfd, AMDKFD_IOC_SET_XNACK_MODE, &x) ? -1 : x.xnack_enabled;
	return CVRAM_OPEN_OK;
}

static void describe(struct cvram_target *t, struct kfd_priv *p)
{
	bool coherent = cvram_kfd_gpu_coherent(&p->gpu);

	t->kind = coherent ? CVRAM_KIND_COHERENT : CVRAM_KIND_PRIVATE;
	/* No PAGE_LOCATION: GET_ATTR tells the policy, not where pages are. */
	/* amdkfd migrates with migrate_vma too: anonymous pages only. VRAM is
	 * large (tens of GiB): never SMALL_FIXED. */
	t->caps = CVRAM_CAP_MIGRATE | CVRAM_CAP_ANON_ONLY |
		  (coherent ? CVRAM_CAP_CPU_IN_PLACE : CVRAM_CAP_CPU_FAULTS_BACK);
	snprintf(t->device, sizeof(t->device), "gpu_id %u (%s, gfx %u)", p->gpu.gpu_id, p->gpu.name,
		 p->gpu.gfx_target_version);
	t->mem_bytes = p->gpu.vram_bytes;
	snprintf(t->mem_source, sizeof(t->mem_source), "KFD topology mem_banks (%s)",
		 p->gpu.vram_heap == CVRAM_KFD_HEAP_FB_PUBLIC ? "FB_PUBLIC" : "FB_PRIVATE");
	snprintf(t->location_source, sizeof(t->location_source),
		 "SVM GET_ATTR prefetch location: policy, not residency (approximate)");
	snprintf(t->migrate_note, sizeof(t->migrate_note),
		 "AMDKFD_IOC_SVM SET_ATTR preferred+prefetch location (KFD 1.%u, XNACK %s); not yet run on real hardware",
		 p->minor, p->xnack < 0 ? "unknown" : p->xnack ? "on" : "off");
}

static enum cvram_open_status kfd_open(struct cvram_target *t)
{
	struct cvram_kfd_topology *topo = calloc(1, sizeof(*topo));
	struct kfd_priv *p = calloc(1, sizeof(*p));
	enum cvram_open_status st;

	if (!topo || !p) {
		free(topo);
		free(p);
		return CVRAM_OPEN_ERROR;
	}
	p->kfd = p->render = -1;
	t->priv = p;
	st = open_kfd(t, p, topo);
	if (st == CVRAM_OPEN_OK)
		st = acquire_vm(t, p);
	free(topo);
	if (st != CVRAM_OPEN_OK) {
		kfd_close(t);
		return st;
	}
	describe(t, p);
	return CVRAM_OPEN_OK;
}

static void preflight_kernel(struct cvram_preflight *pf)
{
	static const char *const options[] = { "CONFIG_ZONE_DEVICE", "CONFIG_DEVICE_PRIVATE", "CONFIG_HSA_AMD_SVM" };

	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		const char *src, *v = cvram_kernel_config(options[i], &src);

		cvram_preflight_add(pf, options[i] + 7, !strcmp(v, "y") ? "pass" : !strcmp(v, "unknown") ? "info" : "fail",
				    "%s=%s (%s)%s", options[i], v, src,
				    !strcmp(v, "n") ? ": SVM is off, no VRAM is device memory (stock Debian kernels)" : "");
	}
}

/* IOMMU groups and their translation types, and the kernel parameters. */
static void preflight_iommu(struct cvram_preflight *pf)
{
	char cmdline[1024] = "", type[32];
	unsigned groups = 0, identity = 0;
	const char *param;

	for (unsigned g = 0; g < 4096; g++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/type", g);
		if (cvram_read_line(path, type, sizeof(type)))
			continue;
		groups++;
		identity += strcmp(type, "identity") == 0;
	}
	cvram_read_line("/proc/cmdline", cmdline, sizeof(cmdline));
	param = strstr(cmdline, "iommu=");
	cvram_preflight_add(pf, "iommu", "info", "%u IOMMU groups, %u identity (passthrough); cmdline %.40s",
			    groups, identity, param ? param : "has no iommu= parameter");
	if (cvram_read_line("/sys/module/amdgpu/parameters/noretry", type, sizeof(type)) == 0)
		cvram_preflight_add(pf, "amdgpu.noretry", "info", "%s (-1 auto; 0 lets GFX9 before MI200 use XNACK)", type);
}

static void preflight_gpu(struct cvram_preflight *pf, struct cvram_target *t, struct kfd_priv *p)
{
	const struct cvram_kfd_gpu *g = &p->gpu;
	bool coherent = cvram_kfd_gpu_coherent(g);

	cvram_preflight_add(pf, "gpu", "info", "gpu_id %u, %s, gfx_target_version %u, render node %u", g->gpu_id,
			    g->name, g->gfx_target_version, g->drm_render_minor);
	cvram_preflight_add(pf, "vram", g->vram_bytes ? "pass" : "fail", "%llu MiB %s",
			    (unsigned long long)(g->vram_bytes >> 20),
			    g->vram_heap == CVRAM_KFD_HEAP_FB_PUBLIC ? "FB_PUBLIC (all CPU-visible)" : "FB_PRIVATE");
	cvram_preflight_add(pf, "coherent-with-cpu", "info", "%s", coherent ?
			    "yes: VRAM is device-coherent; touch-bw/touch-lat measure the CPU on VRAM in place" :
			    "no: VRAM is device-private (PCIe); a CPU touch migrates back: fault runs, touch-bw device side does not");
	cvram_preflight_add(pf, "xgmi-to-cpu", "info", "%s, CPU in the GPU's hive: %s", g->xgmi_to_cpu ? "yes" : "no",
			    g->cpu_in_hive ? "yes" : "no");
	if (acquire_vm(t, p) == CVRAM_OPEN_OK) {
		cvram_preflight_add(pf, "acquire-vm", "pass", "render node opened, VM acquired");
		cvram_preflight_add(pf, "xnack", "info", "%s%s", p->xnack < 0 ? "unknown" : p->xnack ? "on" : "off",
				    g->xnack_possible ? "" : " (impossible on GC 10.1.1 and later)");
	} else {
		cvram_preflight_add(pf, "acquire-vm", "fail", "%s", t->reason);
	}
}

static void kfd_preflight(const struct cvram_target_config *cfg, struct cvram_preflight *pf)
{
	struct cvram_kfd_topology *topo = calloc(1, sizeof(*topo));
	struct kfd_priv p = { -1, -1, { 0 }, -1, 0 };
	struct cvram_target t = { .cfg = *cfg };
	enum cvram_open_status st;

	preflight_kernel(pf);
	preflight_iommu(pf);
	st = topo ? open_kfd(&t, &p, topo) : CVRAM_OPEN_ERROR;
	pf->absent = p.kfd < 0;
	if (p.kfd < 0) {
		cvram_preflight_add(pf, "kfd", "fail", "%s", t.reason);
	} else {
		cvram_preflight_add(pf, "kfd", "pass", "/dev/kfd opened");
		cvram_preflight_add(pf, "kfd-version", p.minor >= KFD_MIN_MINOR ? "pass" : "fail", "ioctl 1.%u (SVM needs 1.%d)",
				    p.minor, KFD_MIN_MINOR);
		cvram_preflight_add(pf, "svm", st == CVRAM_OPEN_OK ? "pass" : "fail", "%s",
				    st == CVRAM_OPEN_OK ? "GPU reports SVM support" : t.reason);
		if (st == CVRAM_OPEN_OK)
			preflight_gpu(pf, &t, &p);
	}
	if (p.render >= 0)
		close(p.render);
	if (p.kfd >= 0)
		close(p.kfd);
	free(topo);
}

const struct cvram_target_ops cvram_target_kfd = {
	.name = "kfd",
	.description = "AMD GPU VRAM through amdkfd SVM (coherent on MI200 with xGMI to the CPU)",
	.validation = "not yet run on real hardware: parser and ioctl layouts tested against fixtures and the header",
	.preflight = kfd_preflight,
	.open = kfd_open,
	.close = kfd_close,
	.migrate = kfd_migrate,
	.locate = kfd_locate,
};

#else /* !HAVE_KFD_IOCTL */

static enum cvram_open_status kfd_open(struct cvram_target *t)
{
	snprintf(t->reason, sizeof(t->reason), "cvram was built without linux/kfd_ioctl.h (configure --with-kfd)");
	return CVRAM_OPEN_UNAVAILABLE;
}

const struct cvram_target_ops cvram_target_kfd = {
	.name = "kfd",
	.description = "AMD GPU VRAM through amdkfd SVM (coherent on MI200 with xGMI to the CPU)",
	.validation = "not built",
	.open = kfd_open,
};
#endif
