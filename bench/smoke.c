/* SPDX-License-Identifier: GPL-2.0-only */
/* smoke: the whole pipeline once per repetition, every page verified.
 * fill -> to device -> location -> CPU verify -> location -> (re-migrate if
 * the CPU pulled pages back) -> to system -> location -> verify. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvram/workload.h"
#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "cvram/verify.h"

#define SMOKE_MAX_REPS 1000

enum step { FILL, TO_DEVICE, CPU_VERIFY, TO_SYSTEM, NSTEPS };

static const char *const step_names[NSTEPS] = { "fill", "to-device", "cpu-verify", "to-system" };

struct smoke {
	struct cvram_run *run;
	struct cvram_target *t;
	char *buf;
	size_t npages;
	uint32_t writer;
	size_t bad;		/* pages wrong in data or location, all reps */
	size_t moved_to_device, moved_to_system;
	size_t calls_to_device, calls_to_system, partial_calls, again_retries;
	json_object *failures;
};

static double seconds_since(uint64_t t0)
{
	return (double)(cvram_now_ns() - t0) / 1e9;
}

/* Migrate and require every page to arrive; location checked separately. */
static double migrate_all(struct smoke *s, enum cvram_dir dir, const char *when)
{
	struct cvram_migration m = { 0 };
	uint64_t t0 = cvram_now_ns();
	int rc = cvram_migrate(s->t, s->buf, s->npages, dir, &m);
	double secs = seconds_since(t0);

	if (rc) {
		cvram_err("%s: migration failed: %s", when, strerror(-rc));
		s->bad += s->npages;
		return secs;
	}
	if (m.failed) {
		cvram_err("%s: %zu of %zu pages did not migrate", when, m.failed, m.requested);
		s->bad += m.failed;
		s->partial_calls++;
	}
	if (dir == CVRAM_TO_DEVICE)
		s->moved_to_device += m.migrated, s->calls_to_device++;
	else
		s->moved_to_system += m.migrated, s->calls_to_system++;
	return secs;
}

#define AGAIN_ATTEMPTS 3

/* Pages the CPU faulted back go to the device again, the outcome of every
 * page read from the target (not the call's own count). migrate_vma is best
 * effort: with THP "always", khugepaged may collapse faulted-back pages into
 * a THP that 6.1 then fails to split under the call, and those pages are
 * skipped without an error. A page that still has not moved after
 * AGAIN_ATTEMPTS calls is bad; the retries are recorded. */
static void migrate_again(struct smoke *s)
{
	uint8_t *outcome = calloc(s->npages, 1);
	struct cvram_migration m = { .outcome = outcome };
	int rc = 0;

	for (int attempt = 0; attempt < AGAIN_ATTEMPTS && outcome; attempt++) {
		rc = cvram_migrate(s->t, s->buf, s->npages, CVRAM_TO_DEVICE, &m);
		if (rc || !m.failed)
			break;
		s->again_retries++;
	}
	if (!outcome || rc) {
		migrate_all(s, CVRAM_TO_DEVICE, "to device again");
	} else {
		s->calls_to_device++;
		s->moved_to_device += m.migrated;	/* at the device after the last call */
	}
	free(outcome);
}

static void expect_location(struct smoke *s, const char *when, enum cvram_loc want)
{
	if (!(s->t->caps & CVRAM_CAP_PAGE_LOCATION))
		return;	/* recorded once as integrity.location_checked: false */
	s->bad += cvram_verify_location(s->t, when, s->buf, s->npages, want, s->failures);
}

static void verify(struct smoke *s, uint32_t gen, const char *when)
{
	s->bad += cvram_verify_data(when, s->buf, s->npages, gen, NULL, s->writer, s->failures);
}

static void one_rep(struct smoke *s, uint32_t gen, double secs[NSTEPS])
{
	unsigned caps = s->t->caps;
	uint64_t t0 = cvram_now_ns();

	cvram_pattern_fill_range(s->buf, s->npages, gen, s->writer);
	secs[FILL] = seconds_since(t0);
	if (!(caps & CVRAM_CAP_MIGRATE)) {
		cvram_test_corrupt_hook(s->buf, s->npages);
		t0 = cvram_now_ns();
		verify(s, gen, "after fill");
		secs[CPU_VERIFY] = seconds_since(t0);
		expect_location(s, "after fill", CVRAM_LOC_SYSTEM);
		return;
	}
	secs[TO_DEVICE] = migrate_all(s, CVRAM_TO_DEVICE, "to device");
	expect_location(s, "after migrating to the device", CVRAM_LOC_DEVICE);
	cvram_test_corrupt_hook(s->buf, s->npages);

	t0 = cvram_now_ns();
	verify(s, gen, "CPU read of device pages");
	secs[CPU_VERIFY] = seconds_since(t0);
	/* Coherent memory is read in place; private memory faults back. */
	if (caps & CVRAM_CAP_CPU_IN_PLACE)
		expect_location(s, "after CPU read (in place)", CVRAM_LOC_DEVICE);
	if (caps & CVRAM_CAP_CPU_FAULTS_BACK) {
		expect_location(s, "after CPU read (faulted back)", CVRAM_LOC_SYSTEM);
		migrate_again(s);
		expect_location(s, "after migrating to the device again", CVRAM_LOC_DEVICE);
	}
	secs[TO_SYSTEM] = migrate_all(s, CVRAM_TO_SYSTEM, "to system");
	expect_location(s, "after migrating to system memory", CVRAM_LOC_SYSTEM);
	verify(s, gen, "after migrating back");
}

static void report(struct smoke *s, double samples[NSTEPS][SMOKE_MAX_REPS], size_t reps)
{
	double mbps[SMOKE_MAX_REPS];
	double mib = (double)s->npages * CVRAM_PAGE_SIZE / (1 << 20);

	bool first = true;

	for (int st = 0; st < NSTEPS; st++) {
		char name[32];

		if (!(s->t->caps & CVRAM_CAP_MIGRATE) && (st == TO_DEVICE || st == TO_SYSTEM))
			continue;
		for (size_t r = 0; r < reps; r++)
			mbps[r] = samples[st][r] > 0 ? mib / samples[st][r] : 0;
		snprintf(name, sizeof(name), "%s-time", step_names[st]);
		cvram_metric(s->run, name, "s", CVRAM_LOWER_BETTER, samples[st], reps, NULL);
		cvram_print_metric_row(name, "s", samples[st], reps, first);
		snprintf(name, sizeof(name), "%s-rate", step_names[st]);
		cvram_metric(s->run, name, "MiB/s", CVRAM_HIGHER_BETTER, mbps, reps, NULL);
		cvram_print_metric_row(name, "MiB/s", mbps, reps, false);
		first = false;
	}
}

static void record_counts(struct smoke *s, size_t reps)
{
	json_object *op;

	cvram_param(s->run, "pages", json_object_new_int64((int64_t)s->npages));
	cvram_param(s->run, "repetitions_done", json_object_new_int64((int64_t)reps));
	op = cvram_operation(s->run, "to_device", s->calls_to_device, 0);
	json_object_object_add(op, "pages", json_object_new_int64((int64_t)s->moved_to_device));
	op = cvram_operation(s->run, "to_system", s->calls_to_system, 0);
	json_object_object_add(op, "pages", json_object_new_int64((int64_t)s->moved_to_system));
	json_object_object_add(cvram_integrity(s->run, s->bad, s->failures), "location_checked",
			       json_object_new_boolean(s->t->caps & CVRAM_CAP_PAGE_LOCATION));
	cvram_detail(s->run, "partial_calls", json_object_new_int64((int64_t)s->partial_calls));
	cvram_detail(s->run, "to_device_again_retries", json_object_new_int64((int64_t)s->again_retries));
	cvram_detail(s->run, "migration", json_object_new_string((s->t->caps & CVRAM_CAP_MIGRATE) ? "supported" :
						"unsupported by this target; data verified in place"));
}

static int smoke_run(struct cvram_run *run)
{
	struct smoke s = { .run = run, .t = run->target, .writer = (uint32_t)getpid() };
	uint64_t size = run->opts->sizes[0];
	size_t reps = run->opts->reps > SMOKE_MAX_REPS ? SMOKE_MAX_REPS : (size_t)run->opts->reps, done = 0;
	double samples[NSTEPS][SMOKE_MAX_REPS] = { { 0 } };

	s.npages = (size_t)(size / CVRAM_PAGE_SIZE);
	s.buf = cvram_map(size);
	if (!s.buf) {
		cvram_err("cannot map %llu bytes", (unsigned long long)size);
		return CVRAM_EXIT_ERROR;
	}
	s.failures = json_object_new_array();
	cvram_param(run, "size_bytes", json_object_new_int64((int64_t)size));
	cvram_param(run, "reps", json_object_new_int64((int64_t)reps));
	printf("smoke: target %s %s (%s), %zu pages, %zu reps\n", s.t->ops->name, s.t->device,
	       cvram_kind_name(s.t->kind), s.npages, reps);
	for (; done < reps && !cvram_stopped(run); done++) {
		double secs[NSTEPS] = { 0 };

		one_rep(&s, (uint32_t)done + 1, secs);
		for (int st = 0; st < NSTEPS; st++)
			samples[st][done] = secs[st];
	}
	if (done)
		report(&s, samples, done);
	record_counts(&s, done);
	/* Leave nothing on the device: the target's memory goes back first. */
	if (s.t->caps & CVRAM_CAP_MIGRATE) {
		struct cvram_migration m = { 0 };

		cvram_migrate(s.t, s.buf, s.npages, CVRAM_TO_SYSTEM, &m);
	}
	cvram_unmap(s.buf, size);
	printf("smoke: %s: %zu pages x %zu reps, %zu bad\n", s.bad ? "FAIL" : "PASS", s.npages, done, s.bad);
	return s.bad ? CVRAM_EXIT_FAIL : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_bench_smoke = {
	.name = "smoke",
	.summary = "fill, migrate to the device and back, verify every page's data and location",
	.needs = 0,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_REPS | CVRAM_USES_DEVICE_SIZE,
	.run = smoke_run,
};
