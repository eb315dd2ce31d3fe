/* SPDX-License-Identifier: GPL-2.0-only */
/* self: benchmark of the harness itself, measured side by side in one run.
 * 1. cvram's triad (lib/touch.c, what touch-bw runs) against a plain
 *    OpenMP triad loop compiled here with the same compiler and flags, on
 *    the same buffer, reps interleaved. Ratio = cvram / reference bandwidth.
 * 2. cvram's migration path (cvram_migrate: counts, outcome bookkeeping)
 *    against a bare loop of the target's own system calls, interleaved.
 *    Overhead = cvram time / bare time - 1.
 * Which of the pair runs first alternates from rep to rep, so that neither
 * always gets the warm (or cold) caches and page tables.
 * Aims: triad ratio >= 1.0, migration overhead <= 3%. The numbers are
 * printed as measured; nothing here asserts them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/results.h"
#include "cvram/stats.h"
#include "cvram/touch.h"
#include "cvram/workload.h"
#include "workloads.h"

#define SELF_MIN_REPS 20

/* The reference: the textbook OpenMP triad (as in STREAM). */
static void reference_triad(double *a, const double *b, const double *c, size_t n, int nthreads)
{
	const double s = 3.0;

#pragma omp parallel for num_threads(nthreads) schedule(static)
	for (size_t i = 0; i < n; i++)
		a[i] = b[i] + s * c[i];
}

static size_t self_reps(const struct cvram_opts *o)
{
	return o->reps < SELF_MIN_REPS ? SELF_MIN_REPS : (size_t)o->reps;
}

static int compare_triad(struct cvram_run *run)
{
	size_t bytes = (size_t)run->opts->sizes[0], reps = self_reps(run->opts);
	size_t n = bytes / sizeof(double) / 3 / 8 * 8;
	int threads = (int)run->opts->threads[0];
	double *buf = cvram_map(bytes), *ours = calloc(reps, sizeof(double)), *ref = calloc(reps, sizeof(double));
	double ratio;

	if (!buf || !ours || !ref) {
		cvram_err("self: cannot allocate %zu bytes for the triad", bytes);
		cvram_unmap(buf, bytes);
		free(ours);
		free(ref);
		return -1;
	}
	json_object_put(cvram_bind_threads(run->opts->bind, threads));
	cvram_touch_init(buf, bytes, threads);
	cvram_touch(CVRAM_TOUCH_TRIAD, buf, bytes, threads, false);	/* warm-up both */
	reference_triad(buf, buf + n, buf + 2 * n, n, threads);
	for (size_t r = 0; r < reps && !cvram_stopped(run); r++) {
		for (int turn = 0; turn < 2; turn++) {
			uint64_t t0 = cvram_now_ns();

			if ((turn + r) % 2 == 0) {
				uint64_t moved = cvram_touch(CVRAM_TOUCH_TRIAD, buf, bytes, threads, false);

				ours[r] = (double)moved / (double)(cvram_now_ns() - t0);
			} else {
				reference_triad(buf, buf + n, buf + 2 * n, n, threads);
				ref[r] = (double)(3 * n * sizeof(double)) / (double)(cvram_now_ns() - t0);
			}
		}
	}
	ratio = cvram_percentile(ours, reps, 50) / cvram_percentile(ref, reps, 50);
	cvram_metric(run, "triad-bandwidth", "GB/s", CVRAM_HIGHER_BETTER, ours, reps, "impl=cvram");
	cvram_metric(run, "triad-bandwidth", "GB/s", CVRAM_HIGHER_BETTER, ref, reps, "impl=reference");
	cvram_value(run, "triad-ratio", "ratio", CVRAM_HIGHER_BETTER, ratio, NULL);
	cvram_detail(run, "triad_aim", json_object_new_string(">= 1.0"));
	printf("  triad, %zu bytes, %d threads: cvram %.3f GB/s, reference %.3f GB/s, ratio %.3f (aim >= 1.0)\n",
	       bytes, threads, cvram_percentile(ours, reps, 50), cvram_percentile(ref, reps, 50), ratio);
	cvram_unmap(buf, bytes);
	free(ours);
	free(ref);
	return 0;
}

/* Alternate bare and cvram calls in the same direction order. */
static int compare_migration(struct cvram_run *run)
{
	struct cvram_target *t = run->target;
	size_t bytes = (size_t)run->opts->sizes[0], npages = bytes / CVRAM_PAGE_SIZE, reps = self_reps(run->opts);
	double *ours = calloc(reps, sizeof(double)), *bare = calloc(reps, sizeof(double));
	char *buf = cvram_map(bytes);
	struct cvram_migration m = { 0 };
	int rc = 0;
	double overhead;

	if (!buf || !ours || !bare) {
		cvram_err("self: cannot allocate %zu bytes for the migration loop", bytes);
		rc = -1;
		goto out;
	}
	memset(buf, 1, bytes);
	/* Warm-up, and lets the target size its buffers before the bare loop. */
	rc = cvram_migrate(t, buf, npages, CVRAM_TO_DEVICE, &m) ||
	     cvram_migrate(t, buf, npages, CVRAM_TO_SYSTEM, &m);
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
	if (rc) {
		cvram_err("self: migration calls failed");
		goto out;
	}
	overhead = cvram_percentile(ours, reps, 50) / cvram_percentile(bare, reps, 50) - 1;
	cvram_metric(run, "round-trip-time", "s", CVRAM_LOWER_BETTER, ours, reps, "impl=cvram");
	cvram_metric(run, "round-trip-time", "s", CVRAM_LOWER_BETTER, bare, reps, "impl=bare");
	cvram_value(run, "migration-overhead", "fraction", CVRAM_LOWER_BETTER, overhead, NULL);
	cvram_detail(run, "migration_aim", json_object_new_string("<= 0.03"));
	cvram_detail(run, "round_trip", json_object_new_string("to device and back, one call each way"));
	printf("  migration round trip, %zu pages: cvram %.6f s, bare calls %.6f s, overhead %+.2f%% (aim <= 3%%)\n",
	       npages, cvram_percentile(ours, reps, 50), cvram_percentile(bare, reps, 50), 100 * overhead);
out:
	cvram_unmap(buf, bytes);
	free(ours);
	free(bare);
	return rc ? -1 : 0;
}

static int self_run(struct cvram_run *run)
{
	int rc;

	printf("self: the harness against plain loops, medians of %zu interleaved reps\n", self_reps(run->opts));
	rc = compare_triad(run);
	if (rc == 0 && cvram_has_bare_migration(run->target))
		rc = compare_migration(run);
	else if (rc == 0)
		printf("  migration: target %s cannot migrate; run on dmirror or numa (make bench-self does, in the VM)\n",
		       run->target->ops->name);
	return rc ? CVRAM_EXIT_ERROR : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_bench_self = {
	.name = "self",
	.summary = "the harness's own overhead: triad vs a plain loop, migration vs bare system calls",
	.needs = 0,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_REPS | CVRAM_USES_THREADS | CVRAM_USES_BIND,
	.quick_size = 16u << 20,
	.not_in_all = true,
	.run = self_run,
};
