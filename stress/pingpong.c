/* SPDX-License-Identifier: GPL-2.0-only */
/* pingpong: for --duration, move random subranges to the device and back
 * while the CPU rewrites random pages, verifying every page after every
 * operation. Each page's expected generation is tracked, so a lost write,
 * a stale copy or a page swapped with another is caught where it happens. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "cvram/rng.h"
#include "cvram/verify.h"
#include "cvram/workload.h"

enum op { OP_TO_DEVICE, OP_TO_SYSTEM, OP_CPU_WRITE, NOPS };

static const char *const op_names[NOPS] = { "to_device", "to_system", "cpu_write" };

struct pingpong {
	struct cvram_run *run;
	struct cvram_target *t;
	char *buf;
	uint32_t *gens;
	size_t npages;
	uint32_t writer;
	uint64_t rng;
	uint64_t ops[NOPS], errors[NOPS], pages_moved[NOPS], verifies;
	size_t bad;
	json_object *failures;
};

static void random_range(struct pingpong *p, size_t *first, size_t *count)
{
	*first = (size_t)(cvram_rng_next(&p->rng) % p->npages);
	*count = 1 + (size_t)(cvram_rng_next(&p->rng) % (p->npages - *first));
}

static void do_migrate(struct pingpong *p, enum op op, size_t first, size_t count)
{
	struct cvram_migration m = { 0 };
	enum cvram_dir dir = op == OP_TO_DEVICE ? CVRAM_TO_DEVICE : CVRAM_TO_SYSTEM;
	int rc = cvram_migrate(p->t, p->buf + first * CVRAM_PAGE_SIZE, count, dir, &m);

	/* Partial moves are allowed here (device full, pages busy); data is what
	 * must never be wrong. A call that cannot run at all is a failure. */
	if (rc) {
		cvram_err("%s of pages %zu-%zu failed: %s", op_names[op], first, first + count - 1, strerror(-rc));
		p->bad++;
		p->errors[op]++;
		return;
	}
	p->pages_moved[op] += m.migrated;
}

static void do_cpu_write(struct pingpong *p, size_t first, size_t count)
{
	for (size_t i = first; i < first + count; i++) {
		struct cvram_stamp s = { i, ++p->gens[i], p->writer };

		cvram_pattern_fill(p->buf + i * CVRAM_PAGE_SIZE, &s);
	}
	p->pages_moved[OP_CPU_WRITE] += count;
}

static void step(struct pingpong *p)
{
	enum op op = (p->t->caps & CVRAM_CAP_MIGRATE) ? (enum op)(cvram_rng_next(&p->rng) % NOPS) : OP_CPU_WRITE;
	char when[96];
	size_t first, count;

	random_range(p, &first, &count);
	if (op == OP_CPU_WRITE)
		do_cpu_write(p, first, count);
	else
		do_migrate(p, op, first, count);
	p->ops[op]++;
	cvram_test_corrupt_hook(p->buf, p->npages);
	snprintf(when, sizeof(when), "after %s #%llu of pages %zu-%zu", op_names[op],
		 (unsigned long long)p->ops[op], first, first + count - 1);
	p->bad += cvram_verify_data(when, p->buf, p->npages, 0, p->gens, p->writer, p->failures);
	p->verifies++;
}

static void record(struct pingpong *p, double secs)
{
	for (int i = 0; i < NOPS; i++) {
		json_object *o = cvram_operation(p->run, op_names[i], p->ops[i], p->errors[i]);

		json_object_object_add(o, "pages", json_object_new_int64((int64_t)p->pages_moved[i]));
		printf("  %-10s %10llu calls %12llu pages\n", op_names[i], (unsigned long long)p->ops[i],
		       (unsigned long long)p->pages_moved[i]);
	}
	cvram_operation(p->run, "verify", p->verifies, 0);
	cvram_integrity(p->run, p->bad, p->failures);
	cvram_detail(p->run, "seconds", json_object_new_double(secs));
}

static int pingpong_run(struct cvram_run *run)
{
	struct pingpong p = { .run = run, .t = run->target, .writer = (uint32_t)getpid() };
	uint64_t size = run->opts->sizes[0], t0, end;
	struct cvram_migration m = { 0 };
	size_t at_end;

	p.npages = (size_t)(size / CVRAM_PAGE_SIZE);
	p.rng = run->opts->seed | 1;
	p.buf = cvram_map(size);
	p.gens = calloc(p.npages, sizeof(*p.gens));
	if (!p.buf || !p.gens) {
		cvram_err("cannot allocate %llu bytes", (unsigned long long)size);
		free(p.gens);
		cvram_unmap(p.buf, size);
		return CVRAM_EXIT_ERROR;
	}
	p.failures = json_object_new_array();
	cvram_param(run, "size_bytes", json_object_new_int64((int64_t)size));
	cvram_param(run, "duration_ms", json_object_new_int64((int64_t)run->opts->duration_ms));
	cvram_param(run, "seed", json_object_new_uint64(run->opts->seed));
	printf("pingpong: target %s %s (%s), %zu pages, %.1f s, seed %llu\n", p.t->ops->name, p.t->device,
	       cvram_kind_name(p.t->kind), p.npages, (double)run->opts->duration_ms / 1000,
	       (unsigned long long)run->opts->seed);
	do_cpu_write(&p, 0, p.npages);
	t0 = cvram_now_ns();
	end = t0 + run->opts->duration_ms * 1000000ull;
	while (cvram_now_ns() < end && !cvram_stopped(run) && p.bad == 0)
		step(&p);
	if (p.t->caps & CVRAM_CAP_MIGRATE)
		cvram_migrate(p.t, p.buf, p.npages, CVRAM_TO_SYSTEM, &m);
	/* The run stops at the first step that finds bad pages; the check at
	 * the end sees those again (and any found since): the larger count is
	 * the number of distinct bad pages, not the sum of sightings. */
	at_end = cvram_verify_data("at the end", p.buf, p.npages, 0, p.gens, p.writer, p.failures);
	p.bad = at_end > p.bad ? at_end : p.bad;
	record(&p, (double)(cvram_now_ns() - t0) / 1e9);
	free(p.gens);
	cvram_unmap(p.buf, size);
	printf("pingpong: %s: %llu verified passes, %zu bad\n", p.bad ? "FAIL" : "PASS",
	       (unsigned long long)p.verifies, p.bad);
	return p.bad ? CVRAM_EXIT_FAIL : CVRAM_EXIT_OK;
}

const struct cvram_workload cvram_stress_pingpong = {
	.name = "pingpong",
	.summary = "random migrations both ways and CPU rewrites, every page verified after every step",
	.needs = 0,
	.uses = CVRAM_USES_SIZE | CVRAM_USES_DURATION | CVRAM_USES_SEED | CVRAM_USES_DEVICE_SIZE,
	.run = pingpong_run,
};
