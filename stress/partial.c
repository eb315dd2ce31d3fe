/* SPDX-License-Identifier: GPL-2.0-only */
/* partial: ranges built so that only some pages can migrate, each page's
 * outcome checked against what is expected for its reason, and every
 * page's data verified whether it moved or not.
 *
 * Expectations come from the target's capability bits, never from its
 * name or kind (6.1 behaviour, see README): with CVRAM_CAP_ANON_ONLY
 * (migrate_vma) only private anonymous pages move, so file-backed and
 * shared pages stay; pages that are long-term pinned (io_uring fixed
 * buffers) stay everywhere; with CVRAM_CAP_FILLS_EMPTY a never-touched
 * page gets a zeroed device page; with CVRAM_CAP_HOLE_STOPS a hole ends
 * the call (pages before it moved, after it not), else just the hole is
 * skipped (move_pages); THPs are split and move. A CVRAM_CAP_SMALL_FIXED
 * device is exhausted: the pages beyond its size stay behind, and 6.1
 * warns "Conflicting mapping in same section" once per attempt (a known
 * defect, reported with the kernel's lines). */
#include "config.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "cvram/verify.h"
#include "cvram/workload.h"
#include "workloads.h"

#define REGION_PAGES 64
#define THP_BYTES (2u << 20)

enum expect { EXPECT_MOVED, EXPECT_STAYED };

struct region {
	char *buf;		/* what is migrated */
	size_t npages;
	char *map;		/* what was mapped (may be larger: alignment) */
	size_t map_bytes;
	int fd;			/* memfd or io_uring, closed at teardown */
	uint8_t *expect;	/* enum expect per page */
	uint8_t *zero;		/* 1: the page must read as zeros */
	size_t hole;		/* index of the unmapped page, or SIZE_MAX */
	const char *note;
};

struct partial {
	struct cvram_run *run;
	struct cvram_target *t;
	uint32_t writer;
	size_t bad;
	json_object *failures;
};

struct reason {
	const char *name;
	const char *what;
	/* Build the region and its expectations; -1 with a note = not applicable. */
	int (*setup)(struct partial *p, struct region *r);
};

static bool has(const struct partial *p, unsigned cap)
{
	return (p->t->caps & cap) != 0;
}

static void fill(struct partial *p, struct region *r)
{
	for (size_t i = 0; i < r->npages; i++)
		if (i != r->hole && !r->zero[i]) {
			struct cvram_stamp s = { i, 1, p->writer };

			cvram_pattern_fill(r->buf + i * CVRAM_PAGE_SIZE, &s);
		}
}

static void expect_all(struct region *r, enum expect e)
{
	memset(r->expect, e, r->npages);
}

static int map_anon(struct region *r, size_t npages, int flags)
{
	r->npages = npages;
	r->map_bytes = npages * CVRAM_PAGE_SIZE;
	r->map = mmap(NULL, r->map_bytes, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
	r->buf = r->map;
	return r->map == MAP_FAILED ? -1 : 0;
}

static int setup_anon(struct partial *p, struct region *r)
{
	if (map_anon(r, REGION_PAGES, MAP_PRIVATE))
		return -1;
	fill(p, r);
	expect_all(r, EXPECT_MOVED);
	return 0;
}

static int setup_mlock(struct partial *p, struct region *r)
{
	if (setup_anon(p, r))
		return -1;
	if (mlock(r->buf, r->map_bytes)) {
		r->note = "mlock failed (RLIMIT_MEMLOCK?)";
		return -1;
	}
	return 0;
}

/* The region is registered as an io_uring fixed buffer: a long-term pin. */
static int setup_pinned(struct partial *p, struct region *r)
{
	struct io_uring_params params = { 0 };
	struct iovec iov;

	if (setup_anon(p, r))
		return -1;
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &params);
	if (r->fd < 0) {
		r->note = "io_uring_setup failed (io_uring disabled?)";
		return -1;
	}
	iov = (struct iovec){ r->buf, r->map_bytes };
	if (syscall(__NR_io_uring_register, r->fd, IORING_REGISTER_BUFFERS, &iov, 1)) {
		r->note = "IORING_REGISTER_BUFFERS failed (RLIMIT_MEMLOCK?)";
		return -1;
	}
	expect_all(r, EXPECT_STAYED);
	return 0;
}

/* A memfd written with the pattern, mapped with the given flags. */
static int map_memfd(struct partial *p, struct region *r, int flags)
{
	char page[CVRAM_PAGE_SIZE];

	r->npages = REGION_PAGES;
	r->map_bytes = REGION_PAGES * CVRAM_PAGE_SIZE;
	r->fd = memfd_create("cvram-partial", MFD_CLOEXEC);
	if (r->fd < 0)
		return -1;
	for (size_t i = 0; i < r->npages; i++) {
		struct cvram_stamp s = { i, 1, p->writer };

		cvram_pattern_fill(page, &s);
		if (pwrite(r->fd, page, sizeof(page), (off_t)(i * CVRAM_PAGE_SIZE)) != (ssize_t)sizeof(page))
			return -1;
	}
	r->map = mmap(NULL, r->map_bytes, PROT_READ | PROT_WRITE, flags, r->fd, 0);
	r->buf = r->map;
	if (r->map == MAP_FAILED)
		return -1;
	for (size_t i = 0; i < r->npages; i++)	/* map the page cache pages in */
		(void)*(volatile char *)(r->buf + i * CVRAM_PAGE_SIZE);
	/* Device migration takes only anonymous memory; move_pages moves
	 * page cache pages mapped by one process. */
	expect_all(r, has(p, CVRAM_CAP_ANON_ONLY) ? EXPECT_STAYED : EXPECT_MOVED);
	return 0;
}

static int setup_file_shared(struct partial *p, struct region *r)
{
	return map_memfd(p, r, MAP_SHARED);
}

static int setup_file_private(struct partial *p, struct region *r)
{
	return map_memfd(p, r, MAP_PRIVATE);
}

static int setup_shared_anon(struct partial *p, struct region *r)
{
	if (map_anon(r, REGION_PAGES, MAP_SHARED))
		return -1;
	fill(p, r);
	expect_all(r, has(p, CVRAM_CAP_ANON_ONLY) ? EXPECT_STAYED : EXPECT_MOVED);
	return 0;
}

/* One 2 MiB-aligned THP candidate followed by small pages. */
static int setup_thp(struct partial *p, struct region *r)
{
	size_t want = THP_BYTES + REGION_PAGES * CVRAM_PAGE_SIZE;
	uintptr_t aligned;

	r->map_bytes = want + THP_BYTES;
	r->map = mmap(NULL, r->map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r->map == MAP_FAILED)
		return -1;
	aligned = ((uintptr_t)r->map + THP_BYTES - 1) & ~(uintptr_t)(THP_BYTES - 1);
	r->buf = (char *)aligned;
	r->npages = want / CVRAM_PAGE_SIZE;
	madvise(r->buf, THP_BYTES, MADV_HUGEPAGE);
	madvise(r->buf + THP_BYTES, want - THP_BYTES, MADV_NOHUGEPAGE);
	fill(p, r);
	expect_all(r, EXPECT_MOVED);	/* 6.1 splits the THP and moves its pages */
	return 0;
}

static int setup_untouched(struct partial *p, struct region *r)
{
	if (map_anon(r, REGION_PAGES, MAP_PRIVATE))
		return -1;
	memset(r->zero, 1, r->npages);
	/* migrate_vma gives an empty entry a zeroed device page; move_pages has nothing to move. */
	expect_all(r, has(p, CVRAM_CAP_FILLS_EMPTY) ? EXPECT_MOVED : EXPECT_STAYED);
	return 0;
}

static int setup_hole(struct partial *p, struct region *r)
{
	if (setup_anon(p, r))
		return -1;
	r->hole = r->npages / 2;
	munmap(r->buf + r->hole * CVRAM_PAGE_SIZE, CVRAM_PAGE_SIZE);
	expect_all(r, EXPECT_MOVED);
	if (has(p, CVRAM_CAP_HOLE_STOPS))
		memset(r->expect + r->hole, EXPECT_STAYED, r->npages - r->hole);
	return 0;
}

/* The device allocation fails once (test_hmm's HMM_DMIRROR_FLAG_FAIL_ALLOC,
 * 7.x): the driver allocates in address order, so the first page stays and
 * every other one moves. Armed last, right before the migration. */
static int setup_alloc_fail(struct partial *p, struct region *r)
{
	int rc;

	if (!has(p, CVRAM_CAP_FAIL_ALLOC)) {
		r->note = "the driver cannot fail an allocation on demand (no HMM_DMIRROR_FLAGS; probed)";
		return -1;
	}
	if (map_anon(r, REGION_PAGES, MAP_PRIVATE))
		return -1;
	madvise(r->buf, r->map_bytes, MADV_NOHUGEPAGE);	/* small pages: one fails, not a folio */
	fill(p, r);
	expect_all(r, EXPECT_MOVED);
	r->expect[0] = EXPECT_STAYED;
	rc = cvram_fail_next_alloc(p->t);
	if (rc) {
		r->note = "arming the allocation failure failed";
		return -1;
	}
	return 0;
}

/* The whole coherent device plus 64 pages. */
static int setup_exhaust(struct partial *p, struct region *r)
{
	size_t capacity = (size_t)(p->t->mem_bytes / CVRAM_PAGE_SIZE);

	if (!has(p, CVRAM_CAP_SMALL_FIXED) || !capacity) {
		r->note = "only a device with small, fixed memory is exhausted";
		return -1;
	}
	if (map_anon(r, capacity + REGION_PAGES, MAP_PRIVATE))
		return -1;
	fill(p, r);
	expect_all(r, EXPECT_MOVED);
	memset(r->expect + capacity, EXPECT_STAYED, REGION_PAGES);
	cvram_expect_kernel_log(p->run, "Conflicting mapping in same section");
	cvram_expect_kernel_log(p->run, "WARNING: .* at mm/memremap.c");	/* 6.x */
	cvram_expect_kernel_log(p->run, "WARNING: mm/memremap.c:[0-9]+ at memremap_pages");	/* 7.x */
	return 0;
}

static const struct reason reasons[] = {
	{ "anonymous", "private anonymous pages (control)", setup_anon },
	{ "mlocked", "mlock(2)ed pages", setup_mlock },
	{ "pinned", "long-term pinned by an io_uring fixed buffer", setup_pinned },
	{ "file-shared", "MAP_SHARED file pages (memfd)", setup_file_shared },
	{ "file-private", "MAP_PRIVATE file pages, read only (page cache)", setup_file_private },
	{ "shared-anon", "MAP_SHARED anonymous (shmem) pages", setup_shared_anon },
	{ "thp-mixed", "a THP next to small pages", setup_thp },
	{ "untouched", "never-touched pages", setup_untouched },
	{ "hole", "a range with an unmapped page in the middle", setup_hole },
	{ "alloc-fail", "the device allocation fails for one page", setup_alloc_fail },
	{ "exhaustion", "more pages than the device has", setup_exhaust },
	{ NULL, NULL, NULL },
};

static void teardown(struct region *r)
{
	if (r->map && r->map != MAP_FAILED)
		munmap(r->map, r->map_bytes);
	if (r->fd >= 0)
		close(r->fd);
	free(r->expect);
	free(r->zero);
}

static size_t check_data(struct partial *p, struct region *r, const char *reason, const char *when)
{
	size_t bad = 0;
	char what[96];

	snprintf(what, sizeof(what), "%s: %s", reason, when);
	for (size_t i = 0; i < r->npages; i++) {
		struct cvram_stamp s = { i, 1, p->writer };
		struct cvram_mismatch m;
		const char *pg = r->buf + i * CVRAM_PAGE_SIZE;
		int ok = 1;

		if (i == r->hole)
			continue;
		if (r->zero[i]) {
			for (size_t w = 0; w < CVRAM_PAGE_SIZE / 8 && ok; w++)
				ok = ((const volatile uint64_t *)pg)[w] == 0;
		} else {
			ok = cvram_pattern_check(pg, &s, &m) == 0;
		}
		if (!ok && bad++ < CVRAM_VERIFY_REPORT_MAX)
			cvram_err("data mismatch %s: page %zu", what, i);
	}
	if (bad) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "kind", json_object_new_string("data"));
		json_object_object_add(f, "when", json_object_new_string(what));
		json_object_object_add(f, "bad_pages", json_object_new_int64((int64_t)bad));
		json_object_array_add(p->failures, f);
	}
	return bad;
}

/* Per page: where it is after the call against where it should be. */
static json_object *compare(struct partial *p, struct region *r, const struct reason *rs, int rc, size_t *wrong)
{
	uint8_t *loc = calloc(r->npages, 1);
	size_t expected_moved = 0, moved = 0, stayed = 0;
	json_object *o = json_object_new_object();

	*wrong = 0;
	for (size_t i = 0; i < r->npages; i++) {
		int here;

		if (i == r->hole)
			continue;
		if (!loc || cvram_locate(p->t, r->buf + i * CVRAM_PAGE_SIZE, 1, &loc[i]))
			loc[i] = CVRAM_LOC_UNKNOWN;
		here = loc[i] == CVRAM_LOC_DEVICE;
		moved += here;
		stayed += !here;
		expected_moved += r->expect[i] == EXPECT_MOVED;
		if (here != (r->expect[i] == EXPECT_MOVED) && (*wrong)++ < CVRAM_VERIFY_REPORT_MAX)
			cvram_err("%s: page %zu: expected %s, found %s", rs->name, i,
				  r->expect[i] == EXPECT_MOVED ? "moved" : "stayed", cvram_loc_name(loc[i]));
	}
	free(loc);
	json_object_object_add(o, "reason", json_object_new_string(rs->name));
	json_object_object_add(o, "what", json_object_new_string(rs->what));
	json_object_object_add(o, "pages", json_object_new_int64((int64_t)(r->npages - (r->hole != SIZE_MAX))));
	json_object_object_add(o, "expected_moved", json_object_new_int64((int64_t)expected_moved));
	json_object_object_add(o, "moved", json_object_new_int64((int64_t)moved));
	json_object_object_add(o, "stayed", json_object_new_int64((int64_t)stayed));
	json_object_object_add(o, "call_result", json_object_new_string(rc ? strerror(-rc) : "ok"));
	json_object_object_add(o, "unexpected_pages", json_object_new_int64((int64_t)*wrong));
	printf("  %-13s %6zu %9zu %6zu %6zu %-16s", rs->name, r->npages - (r->hole != SIZE_MAX), expected_moved, moved,
	       stayed, rc ? strerror(-rc) : "ok");
	return o;
}

static json_object *run_reason(struct partial *p, const struct reason *rs)
{
	struct region r = { .fd = -1, .hole = SIZE_MAX };
	struct cvram_migration m = { 0 };
	json_object *o;
	size_t wrong, bad;
	int rc;

	/* Per-page arrays large enough for any region, before setup fills them. */
	size_t most = (size_t)(p->t->mem_bytes / CVRAM_PAGE_SIZE) + THP_BYTES / CVRAM_PAGE_SIZE + 2 * REGION_PAGES;

	r.expect = calloc(most, 1);
	r.zero = calloc(most, 1);
	if (!r.expect || !r.zero || rs->setup(p, &r)) {
		if (!r.note)
			r.note = "setup failed";
		goto not_applicable;
	}
	rc = cvram_migrate(p->t, r.buf, r.npages, CVRAM_TO_DEVICE, &m);
	o = compare(p, &r, rs, rc, &wrong);
	bad = check_data(p, &r, rs->name, "after migrating to the device");
	cvram_migrate(p->t, r.buf, r.npages, CVRAM_TO_SYSTEM, &m);
	bad += check_data(p, &r, rs->name, "after migrating back");
	printf(" %s\n", wrong || bad ? "FAIL" : "ok");
	json_object_object_add(o, "bad_data_pages", json_object_new_int64((int64_t)bad));
	p->bad += wrong + bad;
	teardown(&r);
	return o;

not_applicable:
	printf("  %-13s not applicable: %s\n", rs->name, r.note);
	o = json_object_new_object();
	json_object_object_add(o, "reason", json_object_new_string(rs->name));
	json_object_object_add(o, "not_applicable", json_object_new_string(r.note));
	teardown(&r);
	return o;
}

static int partial_run(struct cvram_run *run)
{
	struct partial p = { run, run->target, (uint32_t)getpid(), 0, json_object_new_array() };
	json_object *table = json_object_new_array();
	printf("partial: target %s %s (%s): expected vs actual outcome per reason\n", p.t->ops->name, p.t->device,
	       cvram_kind_name(p.t->kind));
	printf("  %-13s %6s %9s %6s %6s %-16s\n", "reason", "pages", "exp.moved", "moved", "stayed", "call");
	for (size_t i = 0; reasons[i].name && !cvram_stopped(run); i++)
		json_object_array_add(table, run_reason(&p, &reasons[i]));
	cvram_detail(run, "reasons", table);
	cvram_integrity(run, p.bad, p.failures);
	printf("partial: %s\n", p.bad ? "FAIL" : "PASS");
	return p.bad ? CVRAM_EXIT_FAIL : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_stress_partial = {
	.name = "partial",
	.summary = "ranges where only some pages can move: outcome per reason against expectations, data intact",
	.needs = CVRAM_CAP_MIGRATE | CVRAM_CAP_PAGE_LOCATION,
	.run = partial_run,
};
