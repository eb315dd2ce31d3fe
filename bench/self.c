/* SPDX-License-Identifier: GPL-2.0-only */
/* self: benchmark of the harness itself, measured side by side in one run.
 * 1. cvram's touch kernels (lib/touch.c, what touch-bw runs: read, write,
 *    copy, triad over one buffer) against the textbook OpenMP loops over
 *    separately allocated arrays (as STREAM), compiled here with the same
 *    compiler and flags. By default at the sizes users measure: four times
 *    the last-level cache (hwloc), and a cache-resident size as a second,
 *    labelled row; 1, 2, 4 ... threads up to every PU unless --threads says.
 *    Ratio = cvram / reference bandwidth, per interleaved pair of reps.
 * 2. cvram's migration path (cvram_migrate: counts, outcome bookkeeping)
 *    against a bare loop of the target's own system calls, at 1, 64 and
 *    1024 pages. Overhead = cvram time / bare time - 1.
 * Which of a pair runs first alternates from rep to rep, so that neither
 * always gets the warm (or cold) caches and page tables; each ratio comes
 * with its own 95% confidence interval (over the pairs). Aims: every ratio
 * >= 1.0, migration overhead <= 3%. Printed as measured; nothing asserts. */
#include <omp.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/affinity.h"
#include "cvram/cvram.h"
#include "cvram/results.h"
#include "cvram/stats.h"
#include "cvram/touch.h"
#include "cvram/workload.h"
#include "workloads.h"

#define SELF_MIN_REPS 20
#define DRAM_FACTOR 4		/* the real size: this many times the LLC */
#define FALLBACK_LLC (32ull << 20)
static const size_t migrate_pages[] = { 1, 64, 1024 };

/* ------------------------------------------------------ references --- */

/* The plain loops, over arrays of n doubles each (a, b, c allocated apart). */
struct ref_arrays {
	double *a, *b, *c;
	size_t n[CVRAM_TOUCH_KINDS];	/* elements per array, per kernel */
};

static volatile double ref_sink;

static uint64_t reference(enum cvram_touch_kind k, struct ref_arrays *r, int threads)
{
	double *a = r->a, *b = r->b, *c = r->c, sum = 0;
	size_t n = r->n[k];

	switch (k) {
	case CVRAM_TOUCH_READ:
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : sum)
		for (size_t i = 0; i < n; i++)
			sum += a[i];
		ref_sink = sum;
		return n * sizeof(double);
	case CVRAM_TOUCH_WRITE:
#pragma omp parallel for num_threads(threads) schedule(static)
		for (size_t i = 0; i < n; i++)
			a[i] = 1.0;
		return n * sizeof(double);
	case CVRAM_TOUCH_COPY:
#pragma omp parallel for num_threads(threads) schedule(static)
		for (size_t i = 0; i < n; i++)
			a[i] = b[i];
		return 2 * n * sizeof(double);
	case CVRAM_TOUCH_TRIAD:
#pragma omp parallel for num_threads(threads) schedule(static)
		for (size_t i = 0; i < n; i++)
			a[i] = b[i] + 3.0 * c[i];
		return 3 * n * sizeof(double);
	case CVRAM_TOUCH_KINDS:
		break;
	}
	return 0;
}

/* Arrays for a working set of bytes in every kernel: read and write touch
 * one array of bytes, copy two of bytes/2, triad three of bytes/3. Plain
 * malloc, as STREAM and the users' own loops have them. */
static int ref_alloc(struct ref_arrays *r, size_t bytes, int threads)
{
	size_t whole = bytes / sizeof(double);

	r->a = malloc(bytes);
	r->b = malloc(bytes / 2);
	r->c = malloc(bytes / 2);
	if (!r->a || !r->b || !r->c)
		return -1;
	r->n[CVRAM_TOUCH_READ] = r->n[CVRAM_TOUCH_WRITE] = whole;
	r->n[CVRAM_TOUCH_COPY] = whole / 2;
	r->n[CVRAM_TOUCH_TRIAD] = whole / 3;
	/* First touch by the threads that use them, as STREAM does. */
#pragma omp parallel for num_threads(threads) schedule(static)
	for (size_t i = 0; i < whole; i++) {
		r->a[i] = 1.0;
		if (i < whole / 2) {
			r->b[i] = 2.0;
			r->c[i] = 0.5;
		}
	}
	return 0;
}

static void ref_free(struct ref_arrays *r)
{
	free(r->a);
	free(r->b);
	free(r->c);
}

/* ------------------------------------------------------ touch kernels --- */

struct pair_samples {
	double ours[CVRAM_TOUCH_KINDS][1000], ref[CVRAM_TOUCH_KINDS][1000], ratio[CVRAM_TOUCH_KINDS][1000];
	size_t n;
};

static size_t self_reps(const struct cvram_opts *o)
{
	size_t r = o->reps < SELF_MIN_REPS ? SELF_MIN_REPS : (size_t)o->reps;

	return r > 1000 ? 1000 : r;
}

/* Interleaved reps of every kernel, ours and the reference in turn. */
static void measure_pairs(struct cvram_run *run, void *buf, size_t bytes, struct ref_arrays *r, int threads,
			  struct pair_samples *p)
{
	size_t reps = self_reps(run->opts);

	for (int k = 0; k < CVRAM_TOUCH_KINDS; k++) {	/* warm-up of both */
		cvram_touch((enum cvram_touch_kind)k, buf, bytes, threads, false);
		reference((enum cvram_touch_kind)k, r, threads);
	}
	for (p->n = 0; p->n < reps && !cvram_stopped(run); p->n++) {
		for (int k = 0; k < CVRAM_TOUCH_KINDS; k++) {
			for (int turn = 0; turn < 2; turn++) {
				uint64_t t0 = cvram_now_ns(), moved;
				bool ours = (turn + p->n + (size_t)k) % 2 == 0;

				moved = ours ? cvram_touch((enum cvram_touch_kind)k, buf, bytes, threads, false) :
					       reference((enum cvram_touch_kind)k, r, threads);
				(ours ? p->ours : p->ref)[k][p->n] = (double)moved / (double)(cvram_now_ns() - t0);
			}
			p->ratio[k][p->n] = p->ours[k][p->n] / p->ref[k][p->n];
		}
		cvram_progress(run, "self: %zu bytes, %d threads: rep %zu/%zu", bytes, threads, p->n + 1, reps);
	}
}

static void report_pairs(struct cvram_run *run, const char *regime, size_t bytes, int threads,
			 const struct pair_samples *p)
{
	for (int k = 0; k < CVRAM_TOUCH_KINDS; k++) {
		const char *name = cvram_touch_name((enum cvram_touch_kind)k);
		struct cvram_ratio s;
		json_object *m;

		cvram_metric(run, "bandwidth", "GB/s", CVRAM_HIGHER_BETTER, p->ours[k], p->n,
			     "impl=cvram kernel=%s regime=%s size_bytes=%zu threads=%d", name, regime, bytes, threads);
		cvram_metric(run, "bandwidth", "GB/s", CVRAM_HIGHER_BETTER, p->ref[k], p->n,
			     "impl=reference kernel=%s regime=%s size_bytes=%zu threads=%d", name, regime, bytes,
			     threads);
		m = cvram_metric(run, "ratio", "ratio", CVRAM_HIGHER_BETTER, p->ratio[k], p->n,
				 "kernel=%s regime=%s size_bytes=%zu threads=%d", name, regime, bytes, threads);
		if (cvram_ratio_summarize(p->ratio[k], p->n, &s))
			continue;
		cvram_metric_ratio(m, &s);
		printf("  %-6s %10zu %4d  %-6s %10.3f %10.3f %8.3f [%6.3f, %6.3f]%s\n", regime, bytes, threads, name,
		       cvram_percentile(p->ours[k], p->n, 50), cvram_percentile(p->ref[k], p->n, 50), s.gmean,
		       s.ci95_lo, s.ci95_hi, s.ci95_hi < 1.0 ? "  below 1.00" : "");
	}
}

/* One size and thread count: ours on one buffer (as touch-bw), the
 * reference on its own arrays. */
static int compare_kernels(struct cvram_run *run, const char *regime, size_t bytes, int threads)
{
	struct pair_samples *p = calloc(1, sizeof(*p));
	struct ref_arrays r = { 0 };
	void *buf = cvram_map(bytes);
	int rc = -1;

	if (!p || !buf || ref_alloc(&r, bytes, threads)) {
		cvram_err("self: cannot allocate %zu bytes (three times, for cvram and the reference)", bytes);
		goto out;
	}
	json_object_put(cvram_bind_threads(run->opts->bind, threads));
	cvram_touch_init(buf, bytes, threads);
	measure_pairs(run, buf, bytes, &r, threads, p);
	report_pairs(run, regime, bytes, threads, p);
	rc = 0;
out:
	ref_free(&r);
	cvram_unmap(buf, bytes);
	free(p);
	return rc;
}

/* The sizes to run: --size as given, else DRAM_FACTOR x LLC and LLC/4. */
static size_t self_sizes(struct cvram_run *run, size_t sizes[], const char *regimes[])
{
	const char *source = "";
	unsigned long long llc = cvram_llc_bytes(&source);

	if (run->opts->size_given) {
		for (size_t i = 0; i < run->opts->nsizes; i++) {
			sizes[i] = (size_t)run->opts->sizes[i];
			regimes[i] = llc && sizes[i] <= llc / 2 ? "cache" : "given";
		}
		return run->opts->nsizes;
	}
	if (!llc) {
		llc = FALLBACK_LLC;
		source = "unknown: assumed 32 MiB";
	}
	cvram_detail(run, "llc_bytes", json_object_new_uint64(llc));
	cvram_detail(run, "llc_source", json_object_new_string(source));
	sizes[0] = (size_t)((DRAM_FACTOR * llc + (4u << 20) - 1) / (4u << 20) * (4u << 20));
	regimes[0] = "dram";
	sizes[1] = (size_t)(llc / 4 / CVRAM_PAGE_SIZE * CVRAM_PAGE_SIZE);
	regimes[1] = "cache";
	return sizes[1] >= 3 * CVRAM_PAGE_SIZE ? 2 : 1;
}

/* --threads as given, else 1, 2, 4 ... and every PU of the machine. */
static size_t self_threads(const struct cvram_opts *o, int threads[])
{
	if (!o->threads_given) {
		int pus = cvram_pu_count(), n = 0;

		for (int t = 1; t < pus && n < CVRAM_LIST_MAX - 1; t *= 2)
			threads[n++] = t;
		threads[n++] = pus;
		return (size_t)n;
	}
	for (size_t i = 0; i < o->nthreads; i++)
		threads[i] = (int)o->threads[i];
	return o->nthreads;
}

/* QEMU's TCG says "TCGTCGTCGTCG" in the hypervisor CPUID leaf. There the
 * touch kernels measure how fast QEMU translates each instruction mix
 * (measured in cvram's VM: copy 0.3 of the reference loop, which becomes
 * a memcpy call), not memory: said, and recorded, next to the figures. */
static bool under_tcg(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;
	char vendor[13];

	__cpuid(0x40000000, a, b, c, d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &c, 4);
	memcpy(vendor + 8, &d, 4);
	vendor[12] = '\0';
	return strcmp(vendor, "TCGTCGTCGTCG") == 0;
#else
	return false;
#endif
}

static int compare_all_kernels(struct cvram_run *run)
{
	size_t sizes[CVRAM_LIST_MAX], nsizes;
	const char *regimes[CVRAM_LIST_MAX];
	int threads[CVRAM_LIST_MAX];
	size_t nthreads = self_threads(run->opts, threads);

	nsizes = self_sizes(run, sizes, regimes);
	cvram_detail(run, "cpu_emulated_by_tcg", json_object_new_boolean(under_tcg()));
	if (under_tcg())
		printf("self: the CPU is QEMU TCG: the kernels' ratios below measure instruction translation, not memory\n");
	printf("self: cvram's touch kernels against plain OpenMP loops, %zu interleaved pairs (ratio: geometric mean of the pairs, 95%% CI)\n",
	       self_reps(run->opts));
	printf("  %-6s %10s %4s  %-6s %10s %10s %8s %16s\n", "regime", "bytes", "thr", "kernel", "cvram", "reference",
	       "ratio", "95% CI");
	for (size_t si = 0; si < nsizes; si++)
		for (size_t ti = 0; ti < nthreads && !cvram_stopped(run); ti++)
			if (compare_kernels(run, regimes[si], sizes[si], threads[ti]))
				return -1;
	cvram_detail(run, "ratio_aim", json_object_new_string(">= 1.0 for every kernel at every size"));
	return 0;
}

/* -------------------------------------------------------- migration --- */

/* Pairs of round trips for npages: small calls are fast and noisy, so
 * they get more pairs. */
static size_t migration_reps(const struct cvram_opts *o, size_t npages)
{
	size_t r = self_reps(o) * (npages == 1 ? 10 : npages <= 64 ? 4 : 1);

	return r > 1000 ? 1000 : r;
}

/* Alternate bare and cvram calls in the same direction order. */
static int migration_pair(struct cvram_run *run, char *buf, size_t npages, double *ours, double *bare)
{
	struct cvram_target *t = run->target;
	struct cvram_migration m = { 0 };
	size_t reps = migration_reps(run->opts, npages);
	int rc = cvram_migrate(t, buf, npages, CVRAM_TO_DEVICE, &m) || cvram_migrate(t, buf, npages, CVRAM_TO_SYSTEM, &m);

	for (size_t r = 0; r < reps && rc == 0 && !cvram_stopped(run); r++) {
		for (int turn = 0; turn < 2 && rc == 0; turn++) {
			uint64_t t0 = cvram_now_ns();

			if ((turn + r) % 2 == 0) {
				rc = cvram_migrate_bare(t, buf, npages, CVRAM_TO_DEVICE) ||
				     cvram_migrate_bare(t, buf, npages, CVRAM_TO_SYSTEM);
				bare[r] = (double)(cvram_now_ns() - t0) / 1e9;
			} else {
				rc = cvram_migrate(t, buf, npages, CVRAM_TO_DEVICE, &m) ||
				     cvram_migrate(t, buf, npages, CVRAM_TO_SYSTEM, &m);
				ours[r] = (double)(cvram_now_ns() - t0) / 1e9;
			}
		}
	}
	return rc;
}

static int compare_migration(struct cvram_run *run)
{
	double *ours = calloc(1000, sizeof(double)), *bare = calloc(1000, sizeof(double));
	double *ratio = calloc(1000, sizeof(double));
	int rc = ours && bare && ratio ? 0 : -1;

	for (size_t i = 0; i < sizeof(migrate_pages) / sizeof(migrate_pages[0]) && rc == 0; i++) {
		size_t npages = migrate_pages[i], bytes = npages * CVRAM_PAGE_SIZE;
		char *buf = cvram_map(bytes);
		struct cvram_ratio overhead;
		size_t reps;

		if (!buf) {
			cvram_err("self: cannot allocate %zu bytes for the migration loop", bytes);
			rc = -1;
			break;
		}
		memset(buf, 1, bytes);
		rc = migration_pair(run, buf, npages, ours, bare);
		cvram_unmap(buf, bytes);
		if (rc) {
			cvram_err("self: migration calls of %zu pages failed", npages);
			break;
		}
		reps = migration_reps(run->opts, npages);
		for (size_t r = 0; r < reps; r++)
			ratio[r] = ours[r] / bare[r];
		if (cvram_ratio_summarize(ratio, reps, &overhead)) {
			cvram_err("self: migration round trips of %zu pages took no measurable time", npages);
			rc = -1;
			break;
		}
		cvram_metric(run, "round-trip-time", "s", CVRAM_LOWER_BETTER, ours, reps, "impl=cvram pages=%zu", npages);
		cvram_metric(run, "round-trip-time", "s", CVRAM_LOWER_BETTER, bare, reps, "impl=bare pages=%zu", npages);
		cvram_metric_ratio(cvram_metric(run, "migration-ratio", "ratio", CVRAM_LOWER_BETTER, ratio, reps,
						"pages=%zu", npages), &overhead);
		cvram_value(run, "migration-overhead", "fraction", CVRAM_LOWER_BETTER, overhead.gmean - 1, "pages=%zu",
			    npages);
		printf("  migration round trip, %4zu pages, %4zu pairs: cvram %.6f s, bare %.6f s (medians); "
		       "overhead %+.2f%% [%+.2f%%, %+.2f%%] (aim <= 3%%)\n", npages, reps, cvram_percentile(ours, reps, 50),
		       cvram_percentile(bare, reps, 50), 100 * (overhead.gmean - 1), 100 * (overhead.ci95_lo - 1),
		       100 * (overhead.ci95_hi - 1));
	}
	cvram_detail(run, "migration_aim", json_object_new_string("<= 0.03"));
	cvram_detail(run, "round_trip", json_object_new_string(
		"to device and back, one call each way; overhead: geometric mean of the interleaved pairs' ratios - 1"));
	free(ours);
	free(bare);
	free(ratio);
	return rc;
}

static int self_run(struct cvram_run *run)
{
	int rc = compare_all_kernels(run);

	if (rc == 0 && cvram_has_bare_migration(run->target))
		rc = compare_migration(run);
	else if (rc == 0)
		printf("  migration: target %s cannot migrate; run on dmirror or numa (make bench-self does, in the VM)\n",
		       run->target->ops->name);
	return rc ? CVRAM_EXIT_ERROR : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_bench_self = {
	.name = "self",
	.summary = "the harness's own overhead: touch kernels vs plain loops at real sizes, migration vs bare calls",
	.needs = 0,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_SIZE_LIST | CVRAM_USES_REPS | CVRAM_USES_THREADS | CVRAM_USES_THREAD_LIST |
		CVRAM_USES_BIND,
	.not_in_all = true,
	.run = self_run,
};
