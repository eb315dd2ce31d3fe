/* SPDX-License-Identifier: GPL-2.0-only */
/* touch-bw: CPU read, write, copy and triad bandwidth over pages resident on
 * the device, against the same run on system RAM, side by side. Residency
 * is checked per page before and after every repetition; a repetition in
 * which pages moved is flagged and kept out of the summary. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/results.h"
#include "cvram/stats.h"
#include "cvram/touch.h"
#include "cvram/verify.h"
#include "cvram/workload.h"
#include "workloads.h"

#define MAX_REPS 1000

enum placement { ON_SYSTEM, ON_DEVICE, NPLACES };

static const char *const place_names[NPLACES] = { "system", "device" };
static const enum cvram_loc place_loc[NPLACES] = { CVRAM_LOC_SYSTEM, CVRAM_LOC_DEVICE };

/* touch-bw's own options. */
struct touch_bw_opts {
	bool nt;		/* streaming stores */
};

static const struct cvram_option touch_bw_options[] = {
	{ "nt", NULL, CVRAM_OPT_FLAG, offsetof(struct touch_bw_opts, nt), 0, 0, 0, 0,
	  "streaming (non-temporal) stores in the touch kernels" },
	{ NULL, NULL, CVRAM_OPT_FLAG, 0, 0, 0, 0, 0, NULL },
};

struct bw_config {
	struct cvram_run *run;
	size_t npages;
	int threads;
	bool nt;
};

/* Samples of one kernel on one placement; flagged reps are kept apart. */
struct bw_samples {
	double gbps[MAX_REPS];
	size_t n;
	double flagged[MAX_REPS];
	size_t nflagged;
	double median;
};

static void init_doubles(void *buf, size_t bytes, void *arg)
{
	cvram_touch_init(buf, bytes, *(int *)arg);
}

/* The ratio device/system of each kernel, one sample per rep in which both
 * placements were measured unflagged. */
struct bw_ratios {
	double r[CVRAM_TOUCH_KINDS][MAX_REPS];
	size_t n[CVRAM_TOUCH_KINDS];
};

/* One rep of kernel k on one placement, flagged if pages moved during it. */
static bool measure_one(struct bw_config *c, enum placement p, void *buf, int k, struct bw_samples *s, double *gbps)
{
	struct cvram_target *t = c->run->target;
	size_t bytes = c->npages * CVRAM_PAGE_SIZE;
	bool can_locate = t->caps & CVRAM_CAP_PAGE_LOCATION;
	size_t before = can_locate ? cvram_count_at(t, buf, c->npages, place_loc[p]) : c->npages;
	uint64_t t0 = cvram_now_ns();
	uint64_t moved = cvram_touch((enum cvram_touch_kind)k, buf, bytes, c->threads, c->nt);
	size_t after;

	*gbps = (double)moved / (double)(cvram_now_ns() - t0);
	after = can_locate ? cvram_count_at(t, buf, c->npages, place_loc[p]) : c->npages;
	if (before == c->npages && after == c->npages) {
		s->gbps[s->n++] = *gbps;
		return true;
	}
	s->flagged[s->nflagged++] = *gbps;
	return false;
}

/* Every rep of every kernel on both placements, interleaved: within a rep
 * the placements take turns at going first, so that drift on a noisy
 * machine spreads over both instead of becoming a device/system ratio.
 * Returns 0, or -1 when a buffer could not be placed. */
static int measure_interleaved(struct bw_config *c, int nplaces, struct bw_samples out[NPLACES][CVRAM_TOUCH_KINDS],
			       struct bw_ratios *ratios)
{
	struct cvram_target *t = c->run->target;
	size_t bytes = c->npages * CVRAM_PAGE_SIZE, reps = c->run->opts->reps;
	void *buf[NPLACES] = { NULL, NULL };
	int rc = 0;

	for (int p = 0; p < nplaces && rc == 0; p++)
		if (!(buf[p] = cvram_map_placed(t, c->npages, place_loc[p], init_doubles, &c->threads)))
			rc = -1;
	reps = reps > MAX_REPS ? MAX_REPS : reps;
	for (int p = 0; p < nplaces && rc == 0; p++)	/* warm-up, not recorded */
		for (int k = 0; k < CVRAM_TOUCH_KINDS; k++)
			cvram_touch((enum cvram_touch_kind)k, buf[p], bytes, c->threads, c->nt);
	for (size_t r = 0; r < reps && rc == 0 && !cvram_stopped(c->run); r++) {
		for (int k = 0; k < CVRAM_TOUCH_KINDS; k++) {
			double gbps[NPLACES] = { 0, 0 };
			bool ok[NPLACES] = { false, false };

			for (int turn = 0; turn < nplaces; turn++) {
				int p = nplaces == 1 ? 0 : (int)((r + (size_t)k + (size_t)turn) % 2);

				ok[p] = measure_one(c, (enum placement)p, buf[p], k, &out[p][k], &gbps[p]);
			}
			if (nplaces == NPLACES && ok[ON_SYSTEM] && ok[ON_DEVICE] && gbps[ON_SYSTEM] > 0)
				ratios->r[k][ratios->n[k]++] = gbps[ON_DEVICE] / gbps[ON_SYSTEM];
		}
		cvram_progress(c->run, "touch-bw %zu pages %d threads: rep %zu/%zu", c->npages, c->threads, r + 1, reps);
	}
	for (int p = 0; p < nplaces; p++) {
		for (int k = 0; k < CVRAM_TOUCH_KINDS; k++)
			out[p][k].median = cvram_percentile(out[p][k].gbps, out[p][k].n, 50);
		cvram_unmap(buf[p], bytes);
	}
	return rc;
}

/* Labels of one measurement: kernel, placement, size and threads. */
#define BW_LABELS "kernel=%s placement=%s size_bytes=%zu threads=%d"

static void placement_metric(struct bw_config *c, int k, enum placement p, const struct bw_samples *s)
{
	json_object *flagged = json_object_new_array();
	json_object *m = cvram_metric(c->run, "bandwidth", "GB/s", CVRAM_HIGHER_BETTER, s->gbps, s->n, BW_LABELS,
				      cvram_touch_name((enum cvram_touch_kind)k), place_names[p],
				      c->npages * CVRAM_PAGE_SIZE, c->threads);

	for (size_t i = 0; i < s->nflagged; i++)
		json_object_array_add(flagged, json_object_new_double(s->flagged[i]));
	json_object_object_add(m, "flagged_samples", flagged);
}

/* The device/system ratio of kernel k from its pairs, flagged unreliable
 * when its interval is too wide; printed as "ratio [lo, hi]". */
static void ratio_metric(struct bw_config *c, int k, const struct bw_ratios *ratios, char *text, size_t len)
{
	const char *name = cvram_touch_name((enum cvram_touch_kind)k);
	struct cvram_ratio r;
	json_object *m;

	snprintf(text, len, "%8s %17s", "-", "no unflagged pair");
	if (cvram_ratio_summarize(ratios->r[k], ratios->n[k], &r))
		return;
	m = cvram_metric(c->run, "device-over-system", "ratio", CVRAM_HIGHER_BETTER, ratios->r[k], ratios->n[k],
			 "kernel=%s size_bytes=%zu threads=%d", name, c->npages * CVRAM_PAGE_SIZE, c->threads);
	cvram_metric_ratio(m, &r);
	json_object_object_add(m, "unreliable", json_object_new_boolean(cvram_ratio_unreliable(&r)));
	snprintf(text, len, "%8.3f [%6.3f, %6.3f]%s", r.gmean, r.ci95_lo, r.ci95_hi,
		 cvram_ratio_unreliable(&r) ? " unreliable" : "");
}

static void report_config(struct bw_config *c, struct bw_samples res[NPLACES][CVRAM_TOUCH_KINDS],
			  const struct bw_ratios *ratios, bool have_device, json_object *pus)
{
	json_object *cfg = json_object_new_object();

	for (int k = 0; k < CVRAM_TOUCH_KINDS; k++) {
		char ratio[64];

		struct cvram_summary sys;

		placement_metric(c, k, ON_SYSTEM, &res[ON_SYSTEM][k]);
		if (cvram_summarize(res[ON_SYSTEM][k].gbps, res[ON_SYSTEM][k].n, &sys))
			sys.cv = 0;
		printf("  %10zu %4d  %-6s %12.3f %6.2f", c->npages * CVRAM_PAGE_SIZE, c->threads,
		       cvram_touch_name((enum cvram_touch_kind)k), res[ON_SYSTEM][k].median, 100 * sys.cv);
		if (have_device) {
			placement_metric(c, k, ON_DEVICE, &res[ON_DEVICE][k]);
			ratio_metric(c, k, ratios, ratio, sizeof(ratio));
			printf(" %12.3f %7zu  %s", res[ON_DEVICE][k].median,
			       res[ON_SYSTEM][k].nflagged + res[ON_DEVICE][k].nflagged, ratio);
		}
		printf("\n");
	}
	json_object_object_add(cfg, "size_bytes", json_object_new_int64((int64_t)(c->npages * CVRAM_PAGE_SIZE)));
	json_object_object_add(cfg, "threads", json_object_new_int(c->threads));
	json_object_object_add(cfg, "pus", pus);
	cvram_detail_append(c->run, "configs", cfg);
}

/* Device runs need pages the CPU can touch in place. */
static bool device_applicable(struct cvram_run *run)
{
	const char *why = NULL;
	unsigned caps = run->target->caps;

	if (!(caps & CVRAM_CAP_MIGRATE))
		why = "target has no device memory: system RAM only";
	else if (!(caps & CVRAM_CAP_CPU_IN_PLACE))
		why = "CPU access moves device pages back to system RAM (see the fault workload)";
	if (why)
		cvram_detail(run, "device_not_measured", json_object_new_string(why));
	if (why)
		printf("touch-bw: device side not measured: %s\n", why);
	return !why;
}

static int touch_bw_run(struct cvram_run *run)
{
	const struct cvram_opts *o = run->opts;
	const struct touch_bw_opts *own = run->own;
	bool have_device = device_applicable(run), nt = own->nt && cvram_touch_nt_supported();
	struct bw_samples (*res)[CVRAM_TOUCH_KINDS] = calloc(NPLACES, sizeof(*res));
	struct bw_ratios *ratios = calloc(1, sizeof(*ratios));
	int status = CVRAM_EXIT_OK;

	if (!res || !ratios) {
		free(res);
		free(ratios);
		return CVRAM_EXIT_ERROR;
	}
	cvram_param(run, "reps", json_object_new_int64((int64_t)o->reps));
	cvram_param(run, "bind", json_object_new_string(cvram_bind_name(o->bind)));
	cvram_param(run, "streaming_stores", json_object_new_boolean(nt));
	cvram_param(run, "bytes_counted", json_object_new_string(
		"STREAM convention: bytes read plus bytes written by the kernel; no write-allocate traffic"));
	if (own->nt && !nt)
		printf("touch-bw: streaming stores not available on this CPU/compiler; regular stores used\n");
	cvram_param(run, "placements", json_object_new_string(
		"interleaved: in each rep both placements run each kernel, taking turns at going first"));
	printf("touch-bw: target %s %s (%s), %llu reps, median GB/s (CLOCK_MONOTONIC_RAW); dev/sys: geometric mean "
	       "of the per-rep ratios, 95%% CI\n", run->target->ops->name, run->target->device,
	       cvram_kind_name(run->target->kind), (unsigned long long)o->reps);
	printf("  %10s %4s  %-6s %12s %6s %12s %7s  %8s %17s\n", "bytes", "thr", "kernel", "system", "cv%", "device",
	       "flagged", "dev/sys", "95% CI");
	for (size_t si = 0; si < o->nsizes && status == CVRAM_EXIT_OK; si++) {
		for (size_t ti = 0; ti < o->nthreads && !cvram_stopped(run); ti++) {
			struct bw_config c = { run, (size_t)(o->sizes[si] / CVRAM_PAGE_SIZE), (int)o->threads[ti], nt };
			json_object *pus = cvram_bind_threads(o->bind, c.threads);

			memset(res, 0, NPLACES * sizeof(*res));
			memset(ratios, 0, sizeof(*ratios));
			if (measure_interleaved(&c, have_device ? NPLACES : 1, res, ratios)) {
				json_object_put(pus);
				status = CVRAM_EXIT_ERROR;
				break;
			}
			report_config(&c, res, ratios, have_device, pus);
		}
	}
	free(res);
	free(ratios);
	return status;
}

const struct cvram_workload cvram_bench_touch_bw = {
	.name = "touch-bw",
	.summary = "CPU read/write/copy/triad bandwidth on device-resident pages vs system RAM",
	.needs = 0,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_SIZE_LIST | CVRAM_USES_THREADS | CVRAM_USES_THREAD_LIST |
		CVRAM_USES_REPS | CVRAM_USES_BIND | CVRAM_USES_DEVICE_SIZE,
	.options = touch_bw_options,
	.options_size = sizeof(struct touch_bw_opts),
	.quick_size = 16u << 20,
	.run = touch_bw_run,
};
