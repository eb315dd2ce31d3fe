/* SPDX-License-Identifier: GPL-2.0-only */
/* touch-lat: dependent loads chasing a random cyclic permutation of cache
 * lines, within each page or across pages, on device-resident pages and on
 * system RAM. Batches of dependent loads are timed; each batch gives one
 * ns/access sample, and median and p99 are over all batches. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cvram/cvram.h"
#include "cvram/results.h"
#include "cvram/stats.h"
#include "cvram/rng.h"
#include "cvram/verify.h"
#include "cvram/workload.h"
#include "workloads.h"

#define LINE 64u
#define LINES_PER_PAGE (CVRAM_PAGE_SIZE / LINE)
#define BATCH 256u		/* dependent loads per timed batch */
#define MIN_STEPS (1u << 16)	/* loads per rep at least, whatever the size */

enum pattern { IN_PAGE, CROSS_PAGE, NPATTERNS };

static const char *const pattern_names[NPATTERNS] = { "in-page", "cross-page" };

struct chase {
	struct cvram_run *run;
	size_t npages;
	enum pattern pattern;
	uint64_t rng;
};

static void shuffle(size_t *v, size_t n, uint64_t *rng)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(cvram_rng_next(rng) % i), tmp = v[i - 1];

		v[i - 1] = v[j];
		v[j] = tmp;
	}
}

/* Line order of the cycle: random within each page, pages in order; or
 * random over the whole buffer. */
static size_t *line_order(struct chase *c)
{
	size_t n = c->npages * LINES_PER_PAGE, *order = malloc(n * sizeof(*order));

	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	if (c->pattern == CROSS_PAGE) {
		shuffle(order, n, &c->rng);
		return order;
	}
	for (size_t p = 0; p < c->npages; p++)
		shuffle(order + p * LINES_PER_PAGE, LINES_PER_PAGE, &c->rng);
	return order;
}

static void build_chain(void *buf, size_t bytes, void *arg)
{
	struct chase *c = arg;
	size_t n = bytes / LINE, *order = line_order(c);
	char *base = buf;

	if (!order)
		return;
	for (size_t i = 0; i < n; i++)
		*(void **)(base + order[i] * LINE) = base + order[(i + 1) % n] * LINE;
	free(order);
}

/* Follow the chain for nbatches batches, one ns/access sample per batch. */
static void *chase_batches(void *p, size_t nbatches, double *out)
{
	for (size_t b = 0; b < nbatches; b++) {
		uint64_t t0 = cvram_now_ns();

		for (unsigned i = 0; i < BATCH; i++)
			p = *(void *volatile *)p;
		out[b] = (double)(cvram_now_ns() - t0) / BATCH;
	}
	return p;
}

/* Records a metric with every unflagged batch; -1 if placing failed. */
static int measure(struct chase *c, enum cvram_loc where, double *median, double *p99)
{
	struct cvram_target *t = c->run->target;
	size_t reps = c->run->opts->reps, lines = c->npages * LINES_PER_PAGE;
	size_t nbatches = (lines > MIN_STEPS ? lines : MIN_STEPS) / BATCH;
	double *samples = malloc(reps * nbatches * sizeof(double));
	size_t kept = 0, flagged = 0;
	void *buf = samples ? cvram_map_placed(t, c->npages, where, build_chain, c) : NULL, *p = buf;
	struct cvram_summary s = { 0 };
	json_object *m;

	if (!buf) {
		free(samples);
		return -1;
	}
	p = chase_batches(p, nbatches, samples);	/* warm-up */
	for (size_t r = 0; r < reps && !cvram_stopped(c->run); r++) {
		size_t before = cvram_count_at(t, buf, c->npages, where);

		p = chase_batches(p, nbatches, samples + kept);
		if (before == c->npages && cvram_count_at(t, buf, c->npages, where) == c->npages)
			kept += nbatches;
		else
			flagged++;
		cvram_progress(c->run, "touch-lat %s %s: rep %zu/%zu", pattern_names[c->pattern],
			       cvram_loc_name(where), r + 1, reps);
	}
	m = cvram_metric(c->run, "latency", "ns/access", CVRAM_LOWER_BETTER, samples, kept, "pattern=%s placement=%s",
			 pattern_names[c->pattern], where == CVRAM_LOC_DEVICE ? "device" : "system");
	json_object_object_add(m, "flagged_reps", json_object_new_int64((int64_t)flagged));
	cvram_summarize(samples, kept, &s);
	*median = s.median;
	*p99 = s.p99;
	cvram_unmap(buf, c->npages * CVRAM_PAGE_SIZE);
	free(samples);
	return 0;
}

static double clock_overhead_ns(void)
{
	double best = 1e9;

	for (int i = 0; i < 1000; i++) {
		uint64_t a = cvram_now_ns(), b = cvram_now_ns();

		best = (double)(b - a) < best ? (double)(b - a) : best;
	}
	return best;
}

static int touch_lat_run(struct cvram_run *run)
{
	const struct cvram_opts *o = run->opts;
	struct cvram_target *t = run->target;
	bool device = (t->caps & CVRAM_CAP_MIGRATE) && (t->caps & CVRAM_CAP_CPU_IN_PLACE);
	size_t npages = (size_t)(o->sizes[0] / CVRAM_PAGE_SIZE);

	json_object_put(cvram_bind_threads(o->bind, 1));
	cvram_param(run, "size_bytes", json_object_new_int64((int64_t)o->sizes[0]));
	cvram_param(run, "batch_loads", json_object_new_int(BATCH));
	cvram_param(run, "line_bytes", json_object_new_int(LINE));
	cvram_param(run, "clock_overhead_ns", json_object_new_double(clock_overhead_ns()));
	if (!device)
		cvram_detail(run, "device_not_measured",
			     json_object_new_string("target cannot hold pages on a device the CPU reads in place"));
	printf("touch-lat: target %s %s (%s), %zu pages, ns per dependent load (batches of %u)\n", t->ops->name,
	       t->device, cvram_kind_name(t->kind), npages, BATCH);
	printf("  %-10s %-7s %10s %10s\n", "pattern", "where", "median", "p99");
	for (int pat = 0; pat < NPATTERNS && !cvram_stopped(run); pat++) {
		for (int w = 0; w < (device ? 2 : 1); w++) {
			enum cvram_loc where = w ? CVRAM_LOC_DEVICE : CVRAM_LOC_SYSTEM;
			struct chase c = { run, npages, (enum pattern)pat, o->seed | 1 };
			double median = 0, p99 = 0;

			if (measure(&c, where, &median, &p99))
				return CVRAM_EXIT_ERROR;
			printf("  %-10s %-7s %10.2f %10.2f\n", pattern_names[pat], w ? "device" : "system", median, p99);
		}
	}
	return CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_bench_touch_lat = {
	.name = "touch-lat",
	.summary = "dependent-load latency (pointer chase) on device-resident pages vs system RAM",
	.needs = 0,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_REPS | CVRAM_USES_BIND | CVRAM_USES_SEED | CVRAM_USES_DEVICE_SIZE,
	.quick_size = 8u << 20,
	.run = touch_lat_run,
};
