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

/* One placement's chain and its kept batches. */
struct chain {
	enum cvram_loc where;
	void *buf, *p;
	double *samples;
	size_t kept, flagged;
};

static void chain_free(struct chain *ch, size_t npages)
{
	cvram_unmap(ch->buf, npages * CVRAM_PAGE_SIZE);
	free(ch->samples);
}

/* One rep on one chain: its median ns/access, or -1 if pages moved. */
static double chain_rep(struct chase *c, struct chain *ch, size_t nbatches)
{
	struct cvram_target *t = c->run->target;
	size_t before = cvram_count_at(t, ch->buf, c->npages, ch->where);
	double *rep = ch->samples + ch->kept;

	ch->p = chase_batches(ch->p, nbatches, rep);
	if (before != c->npages || cvram_count_at(t, ch->buf, c->npages, ch->where) != c->npages) {
		ch->flagged++;
		return -1;
	}
	ch->kept += nbatches;
	return cvram_percentile(rep, nbatches, 50);
}

static void chain_metric(struct chase *c, const struct chain *ch, double *median, double *p99)
{
	struct cvram_summary s = { 0 };
	json_object *m = cvram_metric(c->run, "latency", "ns/access", CVRAM_LOWER_BETTER, ch->samples, ch->kept,
				      "pattern=%s placement=%s", pattern_names[c->pattern],
				      ch->where == CVRAM_LOC_DEVICE ? "device" : "system");

	json_object_object_add(m, "flagged_reps", json_object_new_int64((int64_t)ch->flagged));
	cvram_summarize(ch->samples, ch->kept, &s);
	*median = s.median;
	*p99 = s.p99;
}

/* The device/system ratio of the reps' medians, with its interval. */
static void ratio_metric(struct chase *c, const double *ratios, size_t n, char *text, size_t len)
{
	struct cvram_ratio r;
	json_object *m;

	snprintf(text, len, "-");
	if (cvram_ratio_summarize(ratios, n, &r))
		return;
	m = cvram_metric(c->run, "device-over-system", "ratio", CVRAM_LOWER_BETTER, ratios, n, "pattern=%s",
			 pattern_names[c->pattern]);
	cvram_metric_ratio(m, &r);
	json_object_object_add(m, "unreliable", json_object_new_boolean(cvram_ratio_unreliable(&r)));
	snprintf(text, len, "%.3f [%.3f, %.3f]%s", r.gmean, r.ci95_lo, r.ci95_hi,
		 cvram_ratio_unreliable(&r) ? " unreliable" : "");
}

/* Both placements of one pattern, the same cycle on each, reps interleaved
 * (taking turns at going first). Returns 0, or -1 if placing failed. */
static int measure_pattern(struct chase *c, int nplaces)
{
	size_t reps = c->run->opts->reps, lines = c->npages * LINES_PER_PAGE;
	size_t nbatches = (lines > MIN_STEPS ? lines : MIN_STEPS) / BATCH, nratios = 0;
	struct chain ch[2] = { { CVRAM_LOC_SYSTEM, NULL, NULL, NULL, 0, 0 }, { CVRAM_LOC_DEVICE, NULL, NULL, NULL, 0, 0 } };
	double *ratios = calloc(reps ? reps : 1, sizeof(double)), median[2] = { 0, 0 }, p99[2] = { 0, 0 };
	char ratio[96] = "-";
	int rc = ratios ? 0 : -1;

	for (int w = 0; w < nplaces && rc == 0; w++) {
		struct chase same = *c;	/* the same seed: the same cycle on both */

		ch[w].samples = malloc((reps + 1) * nbatches * sizeof(double));
		ch[w].buf = ch[w].samples ? cvram_map_placed(c->run->target, c->npages, ch[w].where, build_chain, &same) :
					    NULL;
		ch[w].p = ch[w].buf;
		if (!ch[w].buf)
			rc = -1;
		else
			ch[w].p = chase_batches(ch[w].p, nbatches, ch[w].samples);	/* warm-up */
	}
	for (size_t r = 0; r < reps && rc == 0 && !cvram_stopped(c->run); r++) {
		double med[2] = { -1, -1 };

		for (int turn = 0; turn < nplaces; turn++) {
			int w = nplaces == 1 ? 0 : (int)((r + (size_t)turn) % 2);

			med[w] = chain_rep(c, &ch[w], nbatches);
		}
		if (nplaces == 2 && med[0] > 0 && med[1] > 0)
			ratios[nratios++] = med[1] / med[0];
		cvram_progress(c->run, "touch-lat %s: rep %zu/%zu", pattern_names[c->pattern], r + 1, reps);
	}
	for (int w = 0; w < nplaces && rc == 0; w++)
		chain_metric(c, &ch[w], &median[w], &p99[w]);
	if (rc == 0 && nplaces == 2)
		ratio_metric(c, ratios, nratios, ratio, sizeof(ratio));
	for (int w = 0; w < nplaces && rc == 0; w++)
		printf("  %-10s %-7s %10.2f %10.2f  %s\n", pattern_names[c->pattern], w ? "device" : "system", median[w],
		       p99[w], w ? ratio : "");
	for (int w = 0; w < nplaces; w++)
		chain_free(&ch[w], c->npages);
	free(ratios);
	return rc;
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
	cvram_param(run, "placements", json_object_new_string(
		"interleaved: each rep chases the same cycle on both placements, taking turns at going first"));
	printf("  %-10s %-7s %10s %10s  %s\n", "pattern", "where", "median", "p99",
	       device ? "dev/sys of the reps' medians (geometric mean, 95% CI)" : "");
	for (int pat = 0; pat < NPATTERNS && !cvram_stopped(run); pat++) {
		struct chase c = { run, npages, (enum pattern)pat, o->seed | 1 };

		if (measure_pattern(&c, device ? 2 : 1))
			return CVRAM_EXIT_ERROR;
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
