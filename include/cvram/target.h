/* SPDX-License-Identifier: GPL-2.0-only */
/* Targets: where device memory comes from and how pages are moved there.
 * One file per target in lib/targets/, one static ops struct each, and one
 * explicit list in lib/target.c. Adding a target = one file + one line. */
#ifndef CVRAM_TARGET_H
#define CVRAM_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a target can do; workloads test these bits, never target names. */
enum cvram_cap {
	CVRAM_CAP_MIGRATE = 1u << 0,	    /* pages can be moved to the device and back */
	CVRAM_CAP_CPU_IN_PLACE = 1u << 1,   /* CPU loads/stores hit device pages in place */
	CVRAM_CAP_CPU_FAULTS_BACK = 1u << 2, /* a CPU touch migrates the page back */
	CVRAM_CAP_PAGE_OUTCOME = 1u << 3,   /* per-page outcome of a migration is known */
	CVRAM_CAP_PAGE_LOCATION = 1u << 4,  /* per-page location can be queried */
	/* How device migration treats pages that are not plain anonymous
	 * memory (lib/targets/ say which applies; stress/partial.c tests it). */
	CVRAM_CAP_ANON_ONLY = 1u << 5,	    /* only private anonymous pages move (migrate_vma) */
	CVRAM_CAP_HOLE_STOPS = 1u << 6,	    /* an unmapped page ends the call: later pages stay */
	CVRAM_CAP_FILLS_EMPTY = 1u << 7,    /* a never-touched page gets a zeroed device page */
	CVRAM_CAP_SMALL_FIXED = 1u << 8,    /* device memory is small and fixed: fill all of it */
	CVRAM_CAP_FAIL_ALLOC = 1u << 9,	    /* the next device allocation can be made to fail (probed) */
	CVRAM_CAP_RELEASE = 1u << 10,	    /* the device can be told to give back all its memory */
};

/* What kind of memory the device is. */
enum cvram_kind {
	CVRAM_KIND_NONE,	/* no device: system RAM only (host) */
	CVRAM_KIND_PRIVATE,	/* MEMORY_DEVICE_PRIVATE: CPU cannot touch it */
	CVRAM_KIND_COHERENT,	/* MEMORY_DEVICE_COHERENT: CPU touches it in place */
	CVRAM_KIND_NUMA,	/* a CPU-less NUMA node of ordinary memory */
};

/* Where one page is. */
enum cvram_loc {
	CVRAM_LOC_UNKNOWN = 0,
	CVRAM_LOC_NONE,		/* not populated (never touched, or a hole) */
	CVRAM_LOC_SYSTEM,	/* system RAM */
	CVRAM_LOC_DEVICE,	/* on this target's device */
	CVRAM_LOC_OTHER_DEVICE,	/* on some other device */
};

/* Per-page outcome of one migration call. */
enum cvram_outcome {
	CVRAM_OUT_UNKNOWN = 0,
	CVRAM_OUT_MOVED,	/* at the destination after the call */
	CVRAM_OUT_STAYED,	/* not at the destination after the call */
};

enum cvram_dir { CVRAM_TO_DEVICE, CVRAM_TO_SYSTEM };

struct cvram_migration {
	size_t requested, migrated, failed;
	uint8_t *outcome;	/* optional, npages entries of enum cvram_outcome */
};

/* How target selection and opening can end. */
enum cvram_open_status {
	CVRAM_OPEN_OK,
	CVRAM_OPEN_UNAVAILABLE,	/* not on this machine: skip (exit 77) */
	CVRAM_OPEN_BAD_DEVICE,	/* the device the user named does not exist (exit 2) */
	CVRAM_OPEN_ERROR,	/* unexpected failure (exit 99) */
};

struct cvram_target_config {
	const char *device;	/* --device, or NULL for the target's default */
	int node;		/* --node, or -1 */
};

struct cvram_target;

/* Preflight results: an array of checks and the number that failed. */
struct cvram_preflight {
	void *checks;		/* json_object array */
	unsigned failed, passed;
	int absent;		/* the device is not on this machine at all */
};

void cvram_preflight_add(struct cvram_preflight *pf, const char *check, const char *status,
			 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

struct cvram_target_ops {
	const char *name;
	const char *description;
	const char *validation;	/* where this code path has really run */
	bool takes_node;	/* --node chooses its device (others refuse it) */
	/* Open the device described by cfg; fill kind, caps, device, mem_bytes.
	 * On failure fill reason. */
	enum cvram_open_status (*open)(struct cvram_target *t);
	void (*close)(struct cvram_target *t);
	/* Move npages from page-aligned addr. Returns 0 when the call ran (even
	 * if only some pages moved: see m), -errno when it could not run at all
	 * (-EOPNOTSUPP when the target cannot migrate). */
	int (*migrate)(struct cvram_target *t, void *addr, size_t npages,
		       enum cvram_dir dir, struct cvram_migration *m);
	/* Optional: the bare system call(s) a migration needs, with no
	 * bookkeeping; the reference the harness's own overhead is measured
	 * against (cvram-bench self). Returns 0 or -errno. */
	int (*migrate_bare)(struct cvram_target *t, void *addr, size_t npages, enum cvram_dir dir);
	/* Optional: one thing another process can do that moves the owner's
	 * device pages behind its back (test_hmm: open and close the device,
	 * which evicts every page of it; numa: migrate_pages(2) of the owner
	 * off the node). Called in a child process. Returns 0 or -errno. */
	int (*disturb)(struct cvram_target *t, int owner_pid);
	/* Optional: checks before a run on delivered hardware, appended to
	 * checks as {check, status: pass|fail|info, detail}. Never fails hard:
	 * each unmet condition is a "fail" entry with its reason. */
	void (*preflight)(const struct cvram_target_config *cfg, struct cvram_preflight *pf);
	/* Fill loc[npages] with enum cvram_loc values. Returns 0 or -errno. */
	int (*locate)(struct cvram_target *t, const void *addr, size_t npages, uint8_t *loc);
	/* Optional (CVRAM_CAP_FAIL_ALLOC): make the next device page
	 * allocation of this process fail, once. Returns 0 or -errno. */
	int (*fail_next_alloc)(struct cvram_target *t);
	/* Optional: find out what this kernel's driver does (fills probes,
	 * may add capability bits). Called once per run by the worker, not
	 * by every child that opens the target. */
	void (*probe)(struct cvram_target *t);
	/* Optional (CVRAM_CAP_RELEASE): move every page of the device, every
	 * process's, back to system memory and free the device's memory
	 * (test_hmm: HMM_DMIRROR_RELEASE). Returns 0 or -errno. */
	int (*release)(struct cvram_target *t);
};

struct cvram_target {
	const struct cvram_target_ops *ops;
	struct cvram_target_config cfg;
	enum cvram_kind kind;
	unsigned caps;
	char device[128];	/* e.g. "/dev/hmm_dmirror2", "node1", "system" */
	uint64_t mem_bytes;	/* device memory size, 0 if unknown or unbounded */
	char mem_source[96];	/* where mem_bytes comes from */
	char location_source[96]; /* how locate() knows, and how exact it is */
	char migrate_note[192];	/* what a migration call really does (and costs) */
	char location_hint[192]; /* said once when pages are not where expected */
	/* What this kernel was found to do at open, never assumed from its
	 * version: "key=value" words (results: context.target.probes). */
	char probes[256];
	char reason[256];	/* why open failed */
	void *priv;
};

/* The explicit list of targets, NULL-terminated. */
extern const struct cvram_target_ops *const cvram_targets[];

const struct cvram_target_ops *cvram_target_find(const char *name);
/* Open: t is zeroed and filled. */
enum cvram_open_status cvram_target_open(struct cvram_target *t, const struct cvram_target_ops *ops,
					 const struct cvram_target_config *cfg);
void cvram_target_close(struct cvram_target *t);

/* Anonymous private memory for a target's workloads, page-aligned; NULL on
 * failure. cvram_unmap releases it. */
void *cvram_map(size_t bytes);
void cvram_unmap(void *p, size_t bytes);

/* Migrate and fill m (outcome array optional). -EOPNOTSUPP without
 * CVRAM_CAP_MIGRATE. */
int cvram_migrate(struct cvram_target *t, void *addr, size_t npages, enum cvram_dir dir,
		  struct cvram_migration *m);
/* The target's bare migration calls (cvram-bench self); -EOPNOTSUPP if it
 * cannot migrate or has none. */
int cvram_migrate_bare(struct cvram_target *t, void *addr, size_t npages, enum cvram_dir dir);
bool cvram_has_bare_migration(const struct cvram_target *t);
/* The next device page allocation fails, once; -EOPNOTSUPP without
 * CVRAM_CAP_FAIL_ALLOC. */
int cvram_fail_next_alloc(struct cvram_target *t);
/* The device gives all its memory back; -EOPNOTSUPP without CVRAM_CAP_RELEASE. */
int cvram_release_device(struct cvram_target *t);
/* Run the target's probes, if it has any. */
void cvram_target_probe(struct cvram_target *t);
/* Where each page is (enum cvram_loc); -EOPNOTSUPP without
 * CVRAM_CAP_PAGE_LOCATION. */
int cvram_locate(struct cvram_target *t, const void *addr, size_t npages, uint8_t *loc);

const char *cvram_kind_name(enum cvram_kind k);
const char *cvram_loc_name(enum cvram_loc l);
/* Space-separated names of the capability bits, into buf. */
void cvram_caps_format(unsigned caps, char *buf, size_t len);

#endif
