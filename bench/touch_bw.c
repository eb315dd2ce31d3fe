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

/* Every rep of every kernel on one placement. Returns 0, or -1 when the
 * buffer could not be placed. */
static int measure_placement(struct bw_config *c, enum placement p, struct bw_samples out[CVRAM_TOUCH_KINDS])
{
	struct cvram_target *t = c->run->target;
	size_t bytes = c->npages * CVRAM_PAGE_SIZE, reps = c->run->opts->reps;
	void *buf = cvram_map_placed(t, c->npages, place_loc[p], init_doubles, &c->threads);
	bool can_locate = t->caps & CVRAM_CAP_PAGE_LOCATION;

	if (!buf)
		return -1;
	reps = reps > MAX_REPS ? MAX_REPS : reps;
	for (int k = 0; k < CVRAM_TOUCH_KINDS; k++)	/* warm-up, not recorded */
		cvram_touch((enum cvram_touch_kind)k, buf, bytes, c->threads, c->nt);
	for (size_t r = 0; r < reps && !cvram_stopped(c->run); r++) {
		for (int k = 0; k < CVRAM_TOUCH_KINDS; k++) {
			size_t before = can_locate ? cvram_count_at(t, buf, c->npages, place_loc[p]) : c->npages;
			uint64_t t0 = cvram_now_ns();
			uint64_t moved = cvram_touch((enum cvram_touch_kind)k, buf, bytes, c->threads, c->nt);
			double gbps = (double)moved / (double)(cvram_now_ns() - t0);
			size_t after = can_locate ? cvram_count_at(t, buf, c->npages, place_loc[p]) : c->npages;
			struct bw_samples *s = &out[k];

			if (before == c->npages && after == c->npages)
				s->gbps[s->n++] = gbps;
			else
				s->flagged[s->nflagged++] = gbps;
		}
		cvram_progress(c->run, "touch-bw %s %zu pages %d threads: rep %zu/%zu", place_names[p], c->npages,
			       c->threads, r + 1, reps);
	}
	for (int k = 0; k < CVRAM_TOUCH_KINDS; k++)
		out[k].median = cvram_percentile(out[k].gbps, out[k].n, 50);
	cvram_unmap(buf, bytes);
	return 0;
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

static void report_config(struct bw_config *c, struct bw_samples res[NPLACES][CVRAM_TOUCH_KINDS],
			  bool have_device, json_object *pus)
{
	json_object *cfg = json_object_new_object();

	for (int k = 0; k < CVRAM_TOUCH_KINDS; k++) {
		double ratio = have_device && res[ON_SYSTEM][k].median > 0 ?
				       res[ON_DEVICE][k].median / res[ON_SYSTEM][k].median : 0;

		placement_metric(c, k, ON_SYSTEM, &res[ON_SYSTEM][k]);
		if (have_device) {
			placement_metric(c, k, ON_DEVICE, &res[ON_DEVICE][k]);
			cvram_value(c->run, "device-over-system", "ratio", CVRAM_HIGHER_BETTER, ratio,
				    "kernel=%s size_bytes=%zu threads=%d", cvram_touch_name((enum cvram_touch_kind)k),
				    c->npages * CVRAM_PAGE_SIZE, c->threads);
		}
		printf("  %10zu %4d  %-6s %12.3f", c->npages * CVRAM_PAGE_SIZE, c->threads,
		       cvram_touch_name((enum cvram_touch_kind)k), res[ON_SYSTEM][k].median);
		if (have_device)
			printf(" %12.3f %10.3f %8zu", res[ON_DEVICE][k].median, ratio,
			       res[ON_SYSTEM][k].nflagged + res[ON_DEVICE][k].nflagged);
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
	int status = CVRAM_EXIT_OK;

	if (!res)
		return CVRAM_EXIT_ERROR;
	cvram_param(run, "reps", json_object_new_int64((int64_t)o->reps));
	cvram_param(run, "bind", json_object_new_string(cvram_bind_name(o->bind)));
	cvram_param(run, "streaming_stores", json_object_new_boolean(nt));
	cvram_param(run, "bytes_counted", json_object_new_string(
		"STREAM convention: bytes read plus bytes written by the kernel; no write-allocate traffic"));
	if (own->nt && !nt)
		printf("touch-bw: streaming stores not available on this CPU/compiler; regular stores used\n");
	printf("touch-bw: target %s %s (%s), %llu reps, median GB/s (CLOCK_MONOTONIC_RAW)\n", run->target->ops->name,
	       run->target->device, cvram_kind_name(run->target->kind), (unsigned long long)o->reps);
	printf("  %10s %4s  %-6s %12s %12s %10s %8s\n", "bytes", "thr", "kernel", "system", "device", "dev/sys",
	       "flagged");
	for (size_t si = 0; si < o->nsizes && status == CVRAM_EXIT_OK; si++) {
		for (size_t ti = 0; ti < o->nthreads && !cvram_stopped(run); ti++) {
			struct bw_config c = { run, (size_t)(o->sizes[si] / CVRAM_PAGE_SIZE), (int)o->threads[ti], nt };
			json_object *pus = cvram_bind_threads(o->bind, c.threads);

			memset(res, 0, NPLACES * sizeof(*res));
			if (measure_placement(&c, ON_SYSTEM, res[ON_SYSTEM]) ||
			    (have_device && measure_placement(&c, ON_DEVICE, res[ON_DEVICE]))) {
				json_object_put(pus);
				status = CVRAM_EXIT_ERROR;
				break;
			}
			report_config(&c, res, have_device, pus);
		}
	}
	free(res);
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
