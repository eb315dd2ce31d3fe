/* SPDX-License-Identifier: GPL-2.0-only */
/* migrate: throughput and per-call latency of migration to the device and
 * back, over sizes from one page up, and with N threads migrating disjoint
 * ranges at once. Data is verified after every size. What one call really
 * does on this target (for test_hmm: a read-back copy) is in the results. */
#include <omp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "cvram/results.h"
#include "cvram/stats.h"
#include "cvram/verify.h"
#include "cvram/workload.h"
#include "workloads.h"

#define SMALL_CALLS_PAGES 1024	/* small sizes repeat calls up to this many pages per rep */
#define MAX_CALLS_PER_REP 64

struct direction_stats {
	double *secs, *gbps;
	size_t n;
	size_t partial;		/* calls where not every page moved */
	struct cvram_hist hist;	/* per-call latency, ns */
};

struct mig {
	struct cvram_run *run;
	struct cvram_target *t;
	uint32_t writer;
	size_t bad;
	json_object *failures;
};

static int stats_alloc(struct direction_stats *d, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->secs = calloc(n, sizeof(double));
	d->gbps = calloc(n, sizeof(double));
	return d->secs && d->gbps ? 0 : -1;
}

static void stats_free(struct direction_stats *d)
{
	free(d->secs);
	free(d->gbps);
}

/* One timed call; returns -1 if it could not run at all. */
static int timed_call(struct mig *m, char *buf, size_t npages, enum cvram_dir dir, struct direction_stats *d)
{
	struct cvram_migration r = { 0 };
	uint64_t t0 = cvram_now_ns();
	int rc = cvram_migrate(m->t, buf, npages, dir, &r);
	uint64_t ns = cvram_now_ns() - t0;

	if (rc) {
		cvram_err("migration of %zu pages failed: %s", npages, strerror(-rc));
		return -1;
	}
	d->secs[d->n] = (double)ns / 1e9;
	d->gbps[d->n] = (double)(npages * CVRAM_PAGE_SIZE) / (double)ns;
	d->n++;
	d->partial += r.failed != 0;
	cvram_hist_add(&d->hist, ns);
	return 0;
}

/* Per direction and size: call time (with its histogram) and throughput. */
static void direction_metrics(struct cvram_run *run, const struct direction_stats *d, const char *to, uint64_t bytes)
{
	json_object *m = cvram_metric(run, "call-time", "s", CVRAM_LOWER_BETTER, d->secs, d->n,
				      "to=%s size_bytes=%llu", to, (unsigned long long)bytes);

	json_object_object_add(m, "histogram", cvram_hist_json(&d->hist, "ns"));
	json_object_object_add(m, "partial_calls", json_object_new_int64((int64_t)d->partial));
	cvram_metric(run, "throughput", "GB/s", CVRAM_HIGHER_BETTER, d->gbps, d->n, "to=%s size_bytes=%llu", to,
		     (unsigned long long)bytes);
}

/* Sizes to sweep: the --size list as given, or powers of 4 pages from one
 * page up to --size. */
static size_t sweep_sizes(const struct cvram_opts *o, uint64_t *out)
{
	size_t n = 0;

	if (o->nsizes > 1) {
		memcpy(out, o->sizes, o->nsizes * sizeof(*out));
		return o->nsizes;
	}
	for (uint64_t s = CVRAM_PAGE_SIZE; s < o->sizes[0] && n < CVRAM_LIST_MAX - 1; s *= 4)
		out[n++] = s;
	out[n++] = o->sizes[0];
	return n;
}

static int measure_size(struct mig *m, uint64_t bytes, json_object *arr)
{
	size_t npages = (size_t)(bytes / CVRAM_PAGE_SIZE), reps = m->run->opts->reps;
	size_t per_rep = SMALL_CALLS_PAGES / npages, calls;
	struct direction_stats to_dev, to_sys;
	char *buf = cvram_map(bytes);
	json_object *o;
	int rc = 0;

	per_rep = per_rep < 1 ? 1 : per_rep > MAX_CALLS_PER_REP ? MAX_CALLS_PER_REP : per_rep;
	calls = reps * per_rep;
	if (!buf || stats_alloc(&to_dev, calls) || stats_alloc(&to_sys, calls)) {
		cvram_unmap(buf, bytes);
		return -1;
	}
	cvram_pattern_fill_range(buf, npages, 1, m->writer);
	timed_call(m, buf, npages, CVRAM_TO_DEVICE, &to_dev);	/* warm-up */
	timed_call(m, buf, npages, CVRAM_TO_SYSTEM, &to_sys);
	to_dev.n = to_sys.n = 0;
	memset(&to_dev.hist, 0, sizeof(to_dev.hist));
	memset(&to_sys.hist, 0, sizeof(to_sys.hist));
	to_dev.partial = to_sys.partial = 0;
	for (size_t c = 0; c < calls && rc == 0 && !cvram_stopped(m->run); c++) {
		rc = timed_call(m, buf, npages, CVRAM_TO_DEVICE, &to_dev);
		if (rc == 0)
			rc = timed_call(m, buf, npages, CVRAM_TO_SYSTEM, &to_sys);
		cvram_progress(m->run, "migrate %llu bytes: call %zu/%zu", (unsigned long long)bytes, c + 1, calls);
	}
	m->bad += cvram_verify_data("after the migration calls", buf, npages, 1, NULL, m->writer, m->failures);
	o = json_object_new_object();
	json_object_object_add(o, "size_bytes", json_object_new_int64((int64_t)bytes));
	json_object_object_add(o, "pages", json_object_new_int64((int64_t)npages));
	json_object_object_add(o, "calls", json_object_new_int64((int64_t)to_dev.n));
	json_object_array_add(arr, o);
	direction_metrics(m->run, &to_dev, "device", bytes);
	direction_metrics(m->run, &to_sys, "system", bytes);
	printf("  %10llu %6zu %10.3f %12.1f %10.3f %12.1f %7zu\n", (unsigned long long)bytes, to_dev.n,
	       cvram_percentile(to_dev.gbps, to_dev.n, 50), cvram_percentile(to_dev.secs, to_dev.n, 99) * 1e6,
	       cvram_percentile(to_sys.gbps, to_sys.n, 50), cvram_percentile(to_sys.secs, to_sys.n, 99) * 1e6,
	       to_dev.partial + to_sys.partial);
	stats_free(&to_dev);
	stats_free(&to_sys);
	cvram_unmap(buf, bytes);
	return rc;
}

/* nthreads threads each migrate their own slice at the same moment; one
 * sample per rep is the aggregate rate over the slowest thread's time. */
static int measure_threads(struct mig *m, uint64_t bytes, int nthreads)
{
	size_t npages = (size_t)(bytes / CVRAM_PAGE_SIZE), slice = npages / (size_t)nthreads;
	size_t reps = m->run->opts->reps;
	double *dev = calloc(reps, sizeof(double)), *sys = calloc(reps, sizeof(double));
	char *buf = cvram_map(bytes);
	size_t done = 0;
	int failed = 0;

	if (!buf || !dev || !sys || slice == 0) {
		free(dev);
		free(sys);
		cvram_unmap(buf, bytes);
		return slice == 0 ? 0 : -1;
	}
	json_object_put(cvram_bind_threads(m->run->opts->bind, nthreads));
	cvram_pattern_fill_range(buf, npages, 2, m->writer);
	for (; done < reps && !failed && !cvram_stopped(m->run); done++) {
		for (int d = 0; d < 2; d++) {
			uint64_t t0 = 0;

#pragma omp parallel num_threads(nthreads) reduction(| : failed)
			{
				struct cvram_migration r = { 0 };
				int i = omp_get_thread_num();

#pragma omp barrier
#pragma omp single
				t0 = cvram_now_ns();
				failed |= cvram_migrate(m->t, buf + (size_t)i * slice * CVRAM_PAGE_SIZE, slice,
							d ? CVRAM_TO_SYSTEM : CVRAM_TO_DEVICE, &r) != 0;
			}
			(d ? sys : dev)[done] = (double)(slice * (size_t)nthreads * CVRAM_PAGE_SIZE) /
						(double)(cvram_now_ns() - t0);
		}
	}
	m->bad += cvram_verify_data("after concurrent migrations", buf, npages, 2, NULL, m->writer, m->failures);
	for (int d = 0; d < 2; d++)
		cvram_metric(m->run, "concurrent-throughput", "GB/s", CVRAM_HIGHER_BETTER, d ? sys : dev, done,
			     "to=%s size_bytes=%llu threads=%d", d ? "system" : "device", (unsigned long long)bytes,
			     nthreads);
	printf("  %4d threads x %zu pages: to device %.3f GB/s, to system %.3f GB/s (medians of %zu reps)\n", nthreads,
	       slice, cvram_percentile(dev, done, 50), cvram_percentile(sys, done, 50), done);
	free(dev);
	free(sys);
	cvram_unmap(buf, bytes);
	return failed ? -1 : 0;
}

#define THP_BYTES (2u << 20)

static bool thp_possible(void)
{
	char mode[96] = "";

	cvram_read_line("/sys/kernel/mm/transparent_hugepage/enabled", mode, sizeof(mode));
	return mode[0] && !strstr(mode, "[never]");
}

/* One 2 MiB range, fresh each rep, backed by one THP or by 4 KiB pages:
 * seconds to the device and back into to[r], back[r]. */
static int thp_rep(struct mig *m, bool thp, double *to, double *back)
{
	size_t npages = THP_BYTES / CVRAM_PAGE_SIZE;
	char *map = cvram_map(2 * THP_BYTES), *buf;
	uint64_t t0;
	int rc;

	if (!map)
		return -1;
	buf = (char *)(((uintptr_t)map + THP_BYTES - 1) & ~(uintptr_t)(THP_BYTES - 1));
	madvise(buf, THP_BYTES, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	cvram_pattern_fill_range(buf, npages, 3, m->writer);
	t0 = cvram_now_ns();
	rc = cvram_migrate(m->t, buf, npages, CVRAM_TO_DEVICE, &(struct cvram_migration){ 0 });
	*to = (double)(cvram_now_ns() - t0) / 1e9;
	t0 = cvram_now_ns();
	rc |= cvram_migrate(m->t, buf, npages, CVRAM_TO_SYSTEM, &(struct cvram_migration){ 0 });
	*back = (double)(cvram_now_ns() - t0) / 1e9;
	m->bad += cvram_verify_data(thp ? "after a THP range went to the device and back" :
				    "after a 4 KiB-page range went to the device and back",
				    buf, npages, 3, NULL, m->writer, m->failures);
	cvram_unmap(map, 2 * THP_BYTES);
	return rc ? -1 : 0;
}

/* 2 MiB ranges backed by one THP against the same ranges of 4 KiB pages, in
 * both directions (what the kernel's benchmark_thp_migration reports as
 * S->D and D->S), reps interleaved, with cvram's statistics. Whether the
 * THP stays huge on the device is the target's probe (context). */
static int measure_thp(struct mig *m)
{
	size_t reps = m->run->opts->reps;
	double *s[2][2], gbps = (double)THP_BYTES / 1e9;	/* [backing][direction] */
	static const char *const backing[2] = { "small", "thp" }, *const to[2] = { "device", "system" };
	int rc = 0;

	if (!thp_possible()) {
		cvram_detail(m->run, "thp_ranges", json_object_new_string("not measured: THP is 'never' here"));
		return 0;
	}
	for (int b = 0; b < 2; b++)
		for (int d = 0; d < 2; d++)
			s[b][d] = calloc(reps, sizeof(double));
	for (size_t r = 0; r < reps && rc == 0 && !cvram_stopped(m->run); r++)
		for (int b = 0; b < 2 && rc == 0; b++) {
			int which = (int)((r + (size_t)b) % 2);	/* alternate which backing goes first */

			rc = s[which][0] && s[which][1] ? thp_rep(m, which, &s[which][0][r], &s[which][1][r]) : -1;
		}
	for (int b = 0; b < 2; b++)
		for (int d = 0; d < 2; d++) {
			for (size_t r = 0; rc == 0 && r < reps; r++)
				s[b][d][r] = s[b][d][r] > 0 ? gbps / s[b][d][r] : 0;
			if (rc == 0)
				cvram_metric(m->run, "thp-range-throughput", "GB/s", CVRAM_HIGHER_BETTER, s[b][d], reps,
					     "to=%s backing=%s size_bytes=%u", to[d], backing[b], THP_BYTES);
		}
	for (int d = 0; rc == 0 && d < 2; d++) {
		double ratio = cvram_percentile(s[1][d], reps, 50) / cvram_percentile(s[0][d], reps, 50);

		cvram_value(m->run, "thp-over-small", "ratio", CVRAM_HIGHER_BETTER, ratio, "to=%s", to[d]);
		printf("  2 MiB to %s: THP %.3f GB/s, 4 KiB pages %.3f GB/s (medians of %zu reps), THP/small %.2f\n",
		       to[d], cvram_percentile(s[1][d], reps, 50), cvram_percentile(s[0][d], reps, 50), reps, ratio);
	}
	for (int b = 0; b < 2; b++)
		for (int d = 0; d < 2; d++)
			free(s[b][d]);
	return rc;
}

static int migrate_run(struct cvram_run *run)
{
	struct mig m = { run, run->target, (uint32_t)getpid(), 0, json_object_new_array() };
	const struct cvram_opts *o = run->opts;
	uint64_t sizes[CVRAM_LIST_MAX], largest = 0;
	size_t nsizes = sweep_sizes(o, sizes);
	json_object *by_size = json_object_new_array();
	int rc = 0;

	for (size_t i = 0; i < nsizes; i++)
		largest = sizes[i] > largest ? sizes[i] : largest;
	cvram_param(run, "reps", json_object_new_int64((int64_t)o->reps));
	cvram_param(run, "what_a_call_does", json_object_new_string(m.t->migrate_note));
	printf("migrate: target %s %s (%s): %s\n", m.t->ops->name, m.t->device, cvram_kind_name(m.t->kind),
	       m.t->migrate_note);
	printf("  %10s %6s %10s %12s %10s %12s %7s\n", "bytes", "calls", "dev GB/s", "dev p99 us", "sys GB/s",
	       "sys p99 us", "partial");
	for (size_t i = 0; i < nsizes && rc == 0 && !cvram_stopped(run); i++)
		rc = measure_size(&m, sizes[i], by_size);
	for (size_t i = 0; i < o->nthreads && rc == 0 && !cvram_stopped(run); i++)
		if (o->threads[i] > 1)
			rc = measure_threads(&m, largest, (int)o->threads[i]);
	if (rc == 0 && !cvram_stopped(run) && cvram_check_fits(m.t, THP_BYTES) == 0)
		rc = measure_thp(&m);
	cvram_detail(run, "sizes", by_size);
	cvram_integrity(run, m.bad, m.failures);
	if (rc)
		return CVRAM_EXIT_ERROR;
	return m.bad ? CVRAM_EXIT_FAIL : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_bench_migrate = {
	.name = "migrate",
	.summary = "migration throughput (GB/s) and per-call latency, sizes from one page up, N threads",
	.needs = CVRAM_CAP_MIGRATE,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_SIZE_LIST | CVRAM_USES_THREADS | CVRAM_USES_THREAD_LIST |
		CVRAM_USES_REPS | CVRAM_USES_BIND | CVRAM_USES_DEVICE_SIZE,
	.quick_size = 4u << 20,
	.run = migrate_run,
};
