/* SPDX-License-Identifier: GPL-2.0-only */
/* dmirror: the kernel's test_hmm driver (/dev/hmm_dmirrorN).
 *
 * Devices 0 and 1 are device-private, 2 and 3 device-coherent in 6.1, but
 * the kind is learnt at open time by migrating one page and reading the
 * driver's SNAPSHOT, never assumed from the minor or the kernel version.
 * Driver surprises this file respects (docs/facts.md, section 1):
 * - one fd per process, kept for the whole run: closing any fd of a device
 *   evicts every page of that device (6.1.176 and later);
 * - MIGRATE_TO_DEV copies the range back into cmd.ptr, so it needs a buffer
 *   of npages pages, and that copy is part of what a timing measures;
 * - a partial migration fails with ENOENT and cpages is then not copied out:
 *   SNAPSHOT is the only truth. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/results.h"
#include "cvram/target.h"

/* lib/test_hmm_uapi.h is not installed as a uapi header: carry our own. */
struct hmm_dmirror_cmd {
	uint64_t addr;
	uint64_t ptr;
	uint64_t npages;
	uint64_t cpages;
	uint64_t faults;
};

#define HMM_DMIRROR_MIGRATE_TO_DEV _IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS _IOWR('H', 0x03, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_SNAPSHOT _IOWR('H', 0x04, struct hmm_dmirror_cmd)
/* Evict every page of the device and remove its memory (6.0 and later). */
#define HMM_DMIRROR_RELEASE _IOWR('H', 0x07, struct hmm_dmirror_cmd)
/* Later kernels (7.x): per-fd flags, in cmd.npages; bit 0 fails the next
 * device allocation once. An older driver answers EINVAL. */
#define HMM_DMIRROR_FLAGS _IOWR('H', 0x08, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_FLAG_FAIL_ALLOC 1ull
/* An unused flag bit: setting it has no effect, so it probes for FLAGS (the
 * driver refuses npages 0 for every command). */
#define HMM_DMIRROR_FLAG_PROBE 2ull

enum {
	SNAP_ERROR = 0xff,
	SNAP_WHERE_MASK = 0xf0,
	SNAP_ZERO = 0x10,
	SNAP_PRIVATE_LOCAL = 0x20,
	SNAP_PRIVATE_REMOTE = 0x30,
	SNAP_COHERENT_LOCAL = 0x40,
	SNAP_COHERENT_REMOTE = 0x50,
	SNAP_RW_MASK = 0x03,
	SNAP_PMD = 0x04,
};

/* The driver's DEVMEM_CHUNK_SIZE: a coherent device has exactly one chunk. */
#define DMIRROR_COHERENT_BYTES (256ull << 20)

/* A read-back buffer that was outgrown; kept mapped until close because
 * another thread's ioctl may still be copying into it. */
struct retired {
	void *buf;
	size_t pages;
	struct retired *next;
};

struct dmirror_priv {
	int fd;
	pthread_mutex_t lock;	/* guards the bounce buffer's growth */
	void *bounce;		/* MIGRATE_TO_DEV's read-back buffer (shared: its contents are never read) */
	size_t bounce_pages;
	struct retired *retired;
};

static int dmirror_ioctl(int fd, unsigned long req, void *addr, void *ptr, size_t npages,
			 struct hmm_dmirror_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->addr = (uintptr_t)addr;
	cmd->ptr = (uintptr_t)ptr;
	cmd->npages = npages;
	return ioctl(fd, req, cmd) ? -errno : 0;
}

/* A buffer of at least npages for MIGRATE_TO_DEV's read-back. Threads that
 * migrate at once share it: the kernel's copies into it are never read. */
static void *bounce_reserve(struct dmirror_priv *p, size_t npages)
{
	struct retired *old;
	void *b;

	pthread_mutex_lock(&p->lock);
	if (npages > p->bounce_pages) {
		b = cvram_map(npages * CVRAM_PAGE_SIZE);
		old = b && p->bounce ? malloc(sizeof(*old)) : NULL;
		if (old) {
			*old = (struct retired){ p->bounce, p->bounce_pages, p->retired };
			p->retired = old;
		} else if (b) {
			cvram_unmap(p->bounce, p->bounce_pages * CVRAM_PAGE_SIZE);
		}
		if (b) {
			p->bounce = b;
			p->bounce_pages = npages;
		}
	}
	b = npages <= p->bounce_pages ? p->bounce : NULL;
	pthread_mutex_unlock(&p->lock);
	return b;
}

static enum cvram_loc loc_from_snapshot(uint8_t b)
{
	if (b == SNAP_ERROR)
		return CVRAM_LOC_UNKNOWN;
	switch (b & SNAP_WHERE_MASK) {
	case 0:
		return (b & SNAP_RW_MASK) ? CVRAM_LOC_SYSTEM : CVRAM_LOC_NONE;
	case SNAP_ZERO:
		return CVRAM_LOC_NONE;
	case SNAP_PRIVATE_LOCAL:
	case SNAP_COHERENT_LOCAL:
		return CVRAM_LOC_DEVICE;
	case SNAP_PRIVATE_REMOTE:
	case SNAP_COHERENT_REMOTE:
		return CVRAM_LOC_OTHER_DEVICE;
	}
	return CVRAM_LOC_UNKNOWN;
}

static int dmirror_snapshot(int fd, const void *addr, size_t npages, uint8_t *out)
{
	struct hmm_dmirror_cmd cmd;

	return dmirror_ioctl(fd, HMM_DMIRROR_SNAPSHOT, (void *)addr, out, npages, &cmd);
}

static int dmirror_locate(struct cvram_target *t, const void *addr, size_t npages, uint8_t *loc)
{
	struct dmirror_priv *p = t->priv;
	int rc = dmirror_snapshot(p->fd, addr, npages, loc);

	if (rc)
		return rc;
	for (size_t i = 0; i < npages; i++)
		loc[i] = (uint8_t)loc_from_snapshot(loc[i]);
	return 0;
}

/* Count (and optionally record) pages that are where dir wanted them. */
static int tally_from_snapshot(struct cvram_target *t, void *addr, size_t npages,
			       enum cvram_dir dir, struct cvram_migration *m)
{
	uint8_t *loc = m->outcome ? m->outcome : malloc(npages);
	enum cvram_loc want = dir == CVRAM_TO_DEVICE ? CVRAM_LOC_DEVICE : CVRAM_LOC_SYSTEM;
	int rc;

	if (!loc)
		return -ENOMEM;
	rc = dmirror_locate(t, addr, npages, loc);
	if (rc == 0) {
		m->migrated = 0;
		for (size_t i = 0; i < npages; i++) {
			/* A page that was never populated is not "stayed": it has no
			 * data to move, and to_system leaves it absent. */
			int ok = loc[i] == want || (dir == CVRAM_TO_SYSTEM && loc[i] == CVRAM_LOC_NONE);

			m->migrated += ok;
			loc[i] = ok ? CVRAM_OUT_MOVED : CVRAM_OUT_STAYED;
		}
		m->failed = npages - m->migrated;
	}
	if (!m->outcome)
		free(loc);
	return rc;
}

static int dmirror_migrate(struct cvram_target *t, void *addr, size_t npages,
			   enum cvram_dir dir, struct cvram_migration *m)
{
	struct dmirror_priv *p = t->priv;
	struct hmm_dmirror_cmd cmd;
	int rc;

	if (dir == CVRAM_TO_DEVICE) {
		void *bounce = bounce_reserve(p, npages);

		if (!bounce)
			return -ENOMEM;
		rc = dmirror_ioctl(p->fd, HMM_DMIRROR_MIGRATE_TO_DEV, addr, bounce, npages, &cmd);
	} else {
		rc = dmirror_ioctl(p->fd, HMM_DMIRROR_MIGRATE_TO_SYS, addr, NULL, npages, &cmd);
	}
	/* ENOENT: only some pages got a device page (partial migration). */
	if (rc && rc != -ENOENT)
		return rc;
	/* Fast path for timed loops: a call that fully succeeded moved every
	 * page. cpages is never read as a page count unless it says all of
	 * them: 6.1 counts pages, 7.x counts folios on the way back (4 for
	 * four THPs of 2048 pages). Anything else: SNAPSHOT is the truth. */
	if (rc == 0 && !m->outcome && (dir == CVRAM_TO_DEVICE || cmd.cpages == npages)) {
		m->migrated = npages;
		m->failed = 0;
		return 0;
	}
	return tally_from_snapshot(t, addr, npages, dir, m);
}

static int dmirror_migrate_bare(struct cvram_target *t, void *addr, size_t npages, enum cvram_dir dir)
{
	struct dmirror_priv *p = t->priv;
	struct hmm_dmirror_cmd cmd = { (uintptr_t)addr, (uintptr_t)p->bounce, npages, 0, 0 };

	if (dir == CVRAM_TO_DEVICE && npages > p->bounce_pages)
		return -ENOBUFS;	/* the caller reserves by one cvram_migrate first */
	return ioctl(p->fd, dir == CVRAM_TO_DEVICE ? HMM_DMIRROR_MIGRATE_TO_DEV : HMM_DMIRROR_MIGRATE_TO_SYS,
		     &cmd) ? -errno : 0;
}

static int dmirror_set_flags(struct dmirror_priv *p, uint64_t flags)
{
	struct hmm_dmirror_cmd cmd = { CVRAM_PAGE_SIZE, 0, flags, 0, 0 };

	return ioctl(p->fd, HMM_DMIRROR_FLAGS, &cmd) ? -errno : 0;
}

static int dmirror_release(struct cvram_target *t)
{
	struct dmirror_priv *p = t->priv;
	struct hmm_dmirror_cmd cmd = { CVRAM_PAGE_SIZE, 0, 1, 0, 0 };	/* the driver wants a valid range */

	return ioctl(p->fd, HMM_DMIRROR_RELEASE, &cmd) ? -errno : 0;
}

static int dmirror_fail_next_alloc(struct cvram_target *t)
{
	return dmirror_set_flags(t->priv, HMM_DMIRROR_FLAG_FAIL_ALLOC);
}

/* Does a THP reach a device-private device as one huge page (SNAPSHOT's
 * PMD bit), or is it split? "no-thp" when the kernel gave no THP to start
 * with (THP off). Coherent devices are not probed: 7.2 warns for every THP
 * migrated to one (vm/known-defects-7.2), partial's thp-mixed reason
 * measures it there. */
static const char *thp_on_device(struct cvram_target *t)
{
	struct dmirror_priv *p = t->priv;
	size_t thp = 2u << 20, npages = thp / CVRAM_PAGE_SIZE;
	char *map = cvram_map(2 * thp), *buf;
	struct hmm_dmirror_cmd cmd;
	uint8_t before = 0, after = 0;
	const char *what = "unknown";

	if (!map || !bounce_reserve(p, npages)) {
		cvram_unmap(map, 2 * thp);
		return what;
	}
	buf = (char *)(((uintptr_t)map + thp - 1) & ~(uintptr_t)(thp - 1));
	madvise(buf, thp, MADV_HUGEPAGE);
	memset(buf, 0x3c, thp);
	if (dmirror_snapshot(p->fd, buf, 1, &before) == 0 && !(before & SNAP_PMD)) {
		what = "no-thp";
	} else if (dmirror_ioctl(p->fd, HMM_DMIRROR_MIGRATE_TO_DEV, buf, p->bounce, npages, &cmd) == 0 &&
		   dmirror_snapshot(p->fd, buf, 1, &after) == 0) {
		what = (after & SNAP_PMD) ? "huge" : "split";
	}
	dmirror_ioctl(p->fd, HMM_DMIRROR_MIGRATE_TO_SYS, buf, NULL, npages, &cmd);
	cvram_unmap(map, 2 * thp);
	return what;
}

/* What this driver and kernel do, found out now (context.target.probes). */
static void probe_driver(struct cvram_target *t)
{
	struct dmirror_priv *p = t->priv;
	bool flags = dmirror_set_flags(p, HMM_DMIRROR_FLAG_PROBE) == 0;

	if (flags)
		t->caps |= CVRAM_CAP_FAIL_ALLOC;
	snprintf(t->probes, sizeof(t->probes), "flags_command=%s thp_on_device=%s", flags ? "yes" : "no",
		 t->kind == CVRAM_KIND_PRIVATE ? thp_on_device(t) : "not-probed-on-coherent");
}

/* Closing a fd of the device evicts every page of it (6.1.176 and later). */
static int dmirror_disturb(struct cvram_target *t, int owner_pid)
{
	int fd = open(t->device, O_RDWR | O_CLOEXEC);

	(void)owner_pid;
	if (fd < 0)
		return -errno;
	return close(fd) ? -errno : 0;
}

/* "/dev/hmm_dmirrorN" or "N" -> path. */
static void device_path(const char *arg, char *path, size_t len)
{
	if (strchr(arg, '/'))
		snprintf(path, len, "%s", arg);
	else
		snprintf(path, len, "/dev/hmm_dmirror%s", arg);
}

static int any_dmirror_device(void)
{
	glob_t g;
	int found = glob("/dev/hmm_dmirror*", 0, NULL, &g) == 0 && g.gl_pathc > 0;

	if (found)
		globfree(&g);
	return found;
}

static void explain_missing(struct cvram_target *t)
{
	const char *src, *hmm = cvram_kernel_config("CONFIG_TEST_HMM", &src);
	const char *priv = cvram_kernel_config("CONFIG_DEVICE_PRIVATE", &src);

	if (strcmp(hmm, "y") == 0)
		snprintf(t->reason, sizeof(t->reason),
			 "no /dev/hmm_dmirror* although CONFIG_TEST_HMM=y (devtmpfs not mounted?)");
	else if (strcmp(hmm, "m") == 0)
		snprintf(t->reason, sizeof(t->reason),
			 "no /dev/hmm_dmirror*: test_hmm is a module here; load it (modprobe test_hmm spm_addr_dev0=... spm_addr_dev1=...)");
	else
		snprintf(t->reason, sizeof(t->reason),
			 "no /dev/hmm_dmirror*: this kernel has CONFIG_TEST_HMM=%s, CONFIG_DEVICE_PRIVATE=%s (%s); run inside the VM (make check-vm)",
			 hmm, priv, src);
}

/* Migrate one page there and back; SNAPSHOT says what kind of memory it went to. */
static int detect_kind(struct cvram_target *t)
{
	struct dmirror_priv *p = t->priv;
	void *page = cvram_map(CVRAM_PAGE_SIZE);
	struct hmm_dmirror_cmd cmd;
	uint8_t snap = 0;
	int rc;

	if (!page)
		return -ENOMEM;
	memset(page, 0x5a, CVRAM_PAGE_SIZE);
	rc = bounce_reserve(p, 1) ? 0 : -ENOMEM;
	if (!rc)
		rc = dmirror_ioctl(p->fd, HMM_DMIRROR_MIGRATE_TO_DEV, page, p->bounce, 1, &cmd);
	if (!rc)
		rc = dmirror_snapshot(p->fd, page, 1, &snap);
	dmirror_ioctl(p->fd, HMM_DMIRROR_MIGRATE_TO_SYS, page, NULL, 1, &cmd);
	cvram_unmap(page, CVRAM_PAGE_SIZE);
	if (rc)
		return rc;
	switch (snap & SNAP_WHERE_MASK) {
	case SNAP_PRIVATE_LOCAL:
		t->kind = CVRAM_KIND_PRIVATE;
		return 0;
	case SNAP_COHERENT_LOCAL:
		t->kind = CVRAM_KIND_COHERENT;
		return 0;
	}
	return -EPROTO;
}

static void describe_kind(struct cvram_target *t)
{
	/* test_hmm migrates with migrate_vma: anonymous pages only, empty
	 * entries filled, and its ioctl stops with EINVAL at a hole. */
	unsigned common = CVRAM_CAP_MIGRATE | CVRAM_CAP_PAGE_OUTCOME | CVRAM_CAP_PAGE_LOCATION | CVRAM_CAP_ANON_ONLY |
			  CVRAM_CAP_HOLE_STOPS | CVRAM_CAP_FILLS_EMPTY | CVRAM_CAP_RELEASE;

	if (t->kind == CVRAM_KIND_COHERENT) {
		t->caps = common | CVRAM_CAP_CPU_IN_PLACE | CVRAM_CAP_SMALL_FIXED;
		t->mem_bytes = DMIRROR_COHERENT_BYTES;
		snprintf(t->mem_source, sizeof(t->mem_source),
			 "test_hmm DEVMEM_CHUNK_SIZE (one chunk per coherent device)");
	} else {
		t->caps = common | CVRAM_CAP_CPU_FAULTS_BACK;
		t->mem_bytes = 0;
		snprintf(t->mem_source, sizeof(t->mem_source),
			 "unbounded: test_hmm adds private chunks on demand");
	}
	snprintf(t->location_source, sizeof(t->location_source),
		 "HMM_DMIRROR_SNAPSHOT: exact per page at the time of the call");
	snprintf(t->migrate_note, sizeof(t->migrate_note),
		 "test_hmm ioctls; MIGRATE_TO_DEV also copies the whole range back into a user buffer, "
		 "and that read-back is part of its time");
}

static void dmirror_close(struct cvram_target *t)
{
	struct dmirror_priv *p = t->priv;

	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	cvram_unmap(p->bounce, p->bounce_pages * CVRAM_PAGE_SIZE);
	while (p->retired) {
		struct retired *next = p->retired->next;

		cvram_unmap(p->retired->buf, p->retired->pages * CVRAM_PAGE_SIZE);
		free(p->retired);
		p->retired = next;
	}
	pthread_mutex_destroy(&p->lock);
	free(p);
	t->priv = NULL;
}

static enum cvram_open_status dmirror_open(struct cvram_target *t)
{
	struct dmirror_priv *p;
	char path[96];
	struct stat st;
	int rc;

	if (!any_dmirror_device()) {
		explain_missing(t);
		return CVRAM_OPEN_UNAVAILABLE;
	}
	if (t->cfg.device)
		device_path(t->cfg.device, path, sizeof(path));
	else /* the first coherent device of the 6.1 driver, else the first one */
		snprintf(path, sizeof(path), access("/dev/hmm_dmirror2", F_OK) == 0 ?
			 "/dev/hmm_dmirror2" : "/dev/hmm_dmirror0");
	if (stat(path, &st) || !S_ISCHR(st.st_mode)) {
		snprintf(t->reason, sizeof(t->reason), "--device '%s': no such test_hmm device (%s)",
			 t->cfg.device ? t->cfg.device : path, path);
		return CVRAM_OPEN_BAD_DEVICE;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return CVRAM_OPEN_ERROR;
	pthread_mutex_init(&p->lock, NULL);
	t->priv = p;
	p->fd = open(path, O_RDWR | O_CLOEXEC);
	if (p->fd < 0) {
		snprintf(t->reason, sizeof(t->reason), "cannot open %s: %s", path, strerror(errno));
		dmirror_close(t);
		return errno == EACCES || errno == EPERM ? CVRAM_OPEN_UNAVAILABLE : CVRAM_OPEN_ERROR;
	}
	snprintf(t->device, sizeof(t->device), "%s", path);
	rc = detect_kind(t);
	if (rc) {
		snprintf(t->reason, sizeof(t->reason), "%s: cannot learn the device kind (migrate + SNAPSHOT of one page): %s",
			 path, strerror(-rc));
		dmirror_close(t);
		return CVRAM_OPEN_ERROR;
	}
	describe_kind(t);
	return CVRAM_OPEN_OK;
}

const struct cvram_target_ops cvram_target_dmirror = {
	.name = "dmirror",
	.description = "test_hmm devices: private (CPU faults pages back) and coherent (CPU in place)",
	.validation = "run in the VM on Linux 6.1 test_hmm (make check-vm)",
	.open = dmirror_open,
	.close = dmirror_close,
	.migrate = dmirror_migrate,
	.migrate_bare = dmirror_migrate_bare,
	.fail_next_alloc = dmirror_fail_next_alloc,
	.probe = probe_driver,
	.release = dmirror_release,
	.disturb = dmirror_disturb,
	.locate = dmirror_locate,
};
