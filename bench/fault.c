/* SPDX-License-Identifier: GPL-2.0-only */
/* fault: the cost of the CPU touching device-private pages, where every
 * first touch faults the page back to system RAM. Per-page latency of a
 * single toucher, then a storm: many threads touching the same device
 * pages at once, with completion time, per-thread fairness, and a deadline
 * that reports a livelock instead of hanging. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "cvram/results.h"
#include "cvram/stats.h"
#include "cvram/verify.h"
#include "cvram/workload.h"
#include "workloads.h"

#define STORM_DEFAULT_THREADS 4
#define STORM_MAX_THREADS 256

struct fault {
	struct cvram_run *run;
	struct cvram_target *t;
	char *buf;
	size_t npages;
	uint32_t writer;
	size_t bad;
	json_object *failures;
};

static int to_device(struct fault *f)
{
	struct cvram_migration m = { 0 };
	int rc = cvram_migrate(f->t, f->buf, f->npages, CVRAM_TO_DEVICE, &m);

	if (rc || m.failed) {
		cvram_err("fault: placing %zu pages on the device: %s", f->npages, rc ? strerror(-rc) : "partial");
		return -1;
	}
	return 0;
}

static void check_back_in_system(struct fault *f, const char *when)
{
	f->bad += cvram_verify_location(f->t, when, f->buf, f->npages, CVRAM_LOC_SYSTEM, f->failures);
	f->bad += cvram_verify_data(when, f->buf, f->npages, 1, NULL, f->writer, f->failures);
}

/* One toucher: each page's first read timed on its own. */
static int per_page(struct fault *f)
{
	size_t reps = f->run->opts->reps, n = 0;
	double *ns = malloc(reps * f->npages * sizeof(double));
	struct cvram_hist hist = { { 0 }, 0 };
	struct cvram_summary s = { 0 };
	json_object *m;

	if (!ns)
		return -1;
	for (size_t r = 0; r < reps && !cvram_stopped(f->run); r++) {
		if (to_device(f)) {
			free(ns);
			return -1;
		}
		for (size_t i = 0; i < f->npages; i++) {
			uint64_t t0 = cvram_now_ns();

			(void)*(volatile uint64_t *)(f->buf + i * CVRAM_PAGE_SIZE);
			ns[n] = (double)(cvram_now_ns() - t0);
			cvram_hist_add(&hist, (uint64_t)ns[n]);
			n++;
		}
		check_back_in_system(f, "after touching every device page");
		cvram_progress(f->run, "fault per-page: rep %zu/%zu", r + 1, reps);
	}
	m = cvram_metric(f->run, "first-touch", "ns", CVRAM_LOWER_BETTER, ns, n, NULL);
	json_object_object_add(m, "histogram", cvram_hist_json(&hist, "ns"));
	cvram_summarize(ns, n, &s);
	printf("  first touch of a device page: median %.0f ns, p99 %.0f ns, max %.0f ns (%zu pages)\n", s.median,
	       s.p99, s.max, n);
	free(ns);
	return 0;
}

struct storm {
	struct fault *f;
	atomic_int start, abort;
	atomic_size_t pages_done[STORM_MAX_THREADS];
	uint64_t end_ns[STORM_MAX_THREADS];
	uint64_t t0;
	int nthreads;
};

struct storm_arg {
	struct storm *s;
	int id;
};

static void *storm_thread(void *p)
{
	struct storm_arg *a = p;
	struct storm *s = a->s;

	while (!atomic_load(&s->start))
		;
	for (size_t i = 0; i < s->f->npages && !atomic_load(&s->abort); i++) {
		(void)*(volatile uint64_t *)(s->f->buf + i * CVRAM_PAGE_SIZE);
		atomic_store(&s->pages_done[a->id], i + 1);
	}
	s->end_ns[a->id] = cvram_now_ns();
	return NULL;
}

static bool storm_finished(struct storm *s)
{
	for (int i = 0; i < s->nthreads; i++)
		if (atomic_load(&s->pages_done[i]) < s->f->npages)
			return false;
	return true;
}

/* Jain's fairness index of the per-thread times: 1 = perfectly fair. */
static double jain(const double *x, int n)
{
	double sum = 0, sq = 0;

	for (int i = 0; i < n; i++) {
		sum += x[i];
		sq += x[i] * x[i];
	}
	return sq > 0 ? sum * sum / (n * sq) : 1;
}

static void storm_report(struct storm *s, bool livelock, uint64_t deadline_ms)
{
	json_object *o = json_object_new_object(), *done = json_object_new_array();
	double secs[STORM_MAX_THREADS], worst = 0;

	for (int i = 0; i < s->nthreads; i++) {
		size_t d = atomic_load(&s->pages_done[i]);

		secs[i] = d == s->f->npages ? (double)(s->end_ns[i] - s->t0) / 1e9 : 0;
		worst = secs[i] > worst ? secs[i] : worst;
		json_object_array_add(done, json_object_new_int64((int64_t)d));
	}
	json_object_object_add(o, "threads", json_object_new_int(s->nthreads));
	json_object_object_add(o, "pages", json_object_new_int64((int64_t)s->f->npages));
	json_object_object_add(o, "deadline_ms", json_object_new_int64((int64_t)deadline_ms));
	json_object_object_add(o, "livelock", json_object_new_boolean(livelock));
	json_object_object_add(o, "pages_done_per_thread", done);
	if (!livelock) {
		struct cvram_run *run = s->f->run;

		cvram_metric(run, "storm-thread-time", "s", CVRAM_LOWER_BETTER, secs, (size_t)s->nthreads, "threads=%d",
			     s->nthreads);
		cvram_value(run, "storm-completion", "s", CVRAM_LOWER_BETTER, worst, "threads=%d", s->nthreads);
		cvram_value(run, "storm-fairness", "jain", CVRAM_HIGHER_BETTER, jain(secs, s->nthreads), "threads=%d",
			    s->nthreads);
		printf("  storm: %d threads x %zu shared device pages: done in %.4f s, Jain fairness %.3f\n",
		       s->nthreads, s->f->npages, worst, jain(secs, s->nthreads));
	} else {
		printf("  storm: LIVELOCK: not finished within %llu ms (pages done per thread in the results)\n",
		       (unsigned long long)deadline_ms);
	}
	cvram_detail(s->f->run, "storm", o);
}

static int storm_threads(const struct cvram_opts *o)
{
	uint64_t most = 0;

	for (size_t i = 0; i < o->nthreads; i++)
		most = o->threads[i] > most ? o->threads[i] : most;
	if (most <= 1)
		return STORM_DEFAULT_THREADS;
	return most > STORM_MAX_THREADS ? STORM_MAX_THREADS : (int)most;
}

/* Returns 1 on livelock, 0 when every thread finished, -1 on error. */
static int storm(struct fault *f)
{
	struct storm *s = calloc(1, sizeof(*s));
	struct storm_arg args[STORM_MAX_THREADS];
	pthread_t tid[STORM_MAX_THREADS];
	uint64_t deadline_ms = f->run->opts->duration_ms, limit;
	bool livelock = false;
	int started = 0;

	if (!s || to_device(f)) {
		free(s);
		return -1;
	}
	s->f = f;
	s->nthreads = storm_threads(f->run->opts);
	for (; started < s->nthreads; started++) {
		args[started] = (struct storm_arg){ s, started };
		if (pthread_create(&tid[started], NULL, storm_thread, &args[started]))
			break;
	}
	s->nthreads = started;
	s->t0 = cvram_now_ns();
	atomic_store(&s->start, 1);
	limit = s->t0 + deadline_ms * 1000000ull;
	while (!storm_finished(s) && cvram_now_ns() < limit && !cvram_stopped(f->run))
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	livelock = !storm_finished(s);
	atomic_store(&s->abort, 1);
	storm_report(s, livelock, deadline_ms);
	if (livelock) {
		/* Threads may be stuck in the kernel: leave them; the worker
		 * process exits after sending its results. */
		return 1;
	}
	for (int i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	free(s);
	check_back_in_system(f, "after the fault storm");
	return 0;
}

static int fault_run(struct cvram_run *run)
{
	struct fault f = { run, run->target, NULL, (size_t)(run->opts->sizes[0] / CVRAM_PAGE_SIZE),
			   (uint32_t)getpid(), 0, json_object_new_array() };
	int rc;

	f.buf = cvram_map(f.npages * CVRAM_PAGE_SIZE);
	if (!f.buf) {
		json_object_put(f.failures);
		return CVRAM_EXIT_ERROR;
	}
	cvram_pattern_fill_range(f.buf, f.npages, 1, f.writer);
	cvram_param(run, "size_bytes", json_object_new_int64((int64_t)run->opts->sizes[0]));
	cvram_param(run, "reps", json_object_new_int64((int64_t)run->opts->reps));
	cvram_param(run, "timing", json_object_new_string(
		"each first touch timed alone with CLOCK_MONOTONIC_RAW; includes about one clock read"));
	printf("fault: target %s %s (%s), %zu pages\n", f.t->ops->name, f.t->device, cvram_kind_name(f.t->kind),
	       f.npages);
	rc = per_page(&f);
	if (rc == 0 && !cvram_stopped(run))
		rc = storm(&f);
	cvram_integrity(run, f.bad, f.failures);
	if (rc == 1)
		return CVRAM_EXIT_FAIL;	/* livelock: the buffer stays mapped for the stuck threads */
	cvram_unmap(f.buf, f.npages * CVRAM_PAGE_SIZE);
	if (rc)
		return CVRAM_EXIT_ERROR;
	return f.bad ? CVRAM_EXIT_FAIL : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_bench_fault = {
	.name = "fault",
	.summary = "CPU first-touch cost of device-private pages, and a many-thread fault storm with a deadline",
	.needs = CVRAM_CAP_MIGRATE | CVRAM_CAP_CPU_FAULTS_BACK,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_REPS | CVRAM_USES_DURATION | CVRAM_USES_THREADS | CVRAM_USES_THREAD_LIST |
		CVRAM_USES_DEVICE_SIZE,
	.quick_size = 2u << 20,
	.quick_duration_ms = 30000,
	.run = fault_run,
};
