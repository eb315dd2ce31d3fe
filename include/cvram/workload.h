/* SPDX-License-Identifier: GPL-2.0-only */
/* The workload interface: what a workload declares (needs, the shared
 * options it uses, its own options) and the one API through which it
 * records what it measured into its result (schema in
 * results/schema/cvram-results-v2.schema.json). */
#ifndef CVRAM_WORKLOAD_H
#define CVRAM_WORKLOAD_H

#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cvram/affinity.h"
#include "cvram/parse.h"
#include "cvram/results.h"
#include "cvram/target.h"

/* Shared options a workload uses; the driver refuses any other it is given. */
enum cvram_uses {
	CVRAM_USES_SIZE = 1u << 0,	/* one --size */
	CVRAM_USES_SIZE_LIST = 1u << 1,	/* a --size list */
	CVRAM_USES_THREADS = 1u << 2,	/* one --threads */
	CVRAM_USES_THREAD_LIST = 1u << 3, /* a --threads list */
	CVRAM_USES_REPS = 1u << 4,
	CVRAM_USES_DURATION = 1u << 5,
	CVRAM_USES_SEED = 1u << 6,
	CVRAM_USES_BIND = 1u << 7,
	CVRAM_USES_DEVICE_SIZE = 1u << 8, /* --size must fit in the device memory */
};

/* Option value types: one parser each (lib/options.c). */
enum cvram_opt_type {
	CVRAM_OPT_FLAG,		/* bool */
	CVRAM_OPT_STRING,	/* const char * (not empty) */
	CVRAM_OPT_UINT,		/* uint64_t in [min, max] */
	CVRAM_OPT_INT,		/* int in [min, max] */
	CVRAM_OPT_UINT_LIST,	/* uint64_t[CVRAM_LIST_MAX] + size_t count */
	CVRAM_OPT_SIZE_LIST,	/* same, sizes with suffixes, page multiples */
	CVRAM_OPT_DURATION,	/* uint64_t milliseconds */
	CVRAM_OPT_BIND,		/* enum cvram_bind */
};

/* One row of an option table: data, not code. */
struct cvram_option {
	const char *name;
	const char *metavar;	/* NULL for a flag */
	enum cvram_opt_type type;
	size_t offset;		/* of the value in its options struct */
	size_t count_offset;	/* lists: of the size_t count */
	uint64_t min, max;	/* numbers and list items */
	unsigned uses;		/* shared options: CVRAM_USES_* bits that make a workload take it; 0 = every run */
	const char *help;
};

/* Options every run sees, after parsing and defaulting. */
struct cvram_opts {
	const char *target;
	const char *device;
	int node;
	uint64_t threads[CVRAM_LIST_MAX];
	size_t nthreads;
	uint64_t sizes[CVRAM_LIST_MAX];
	size_t nsizes;
	uint64_t reps;
	uint64_t duration_ms;
	uint64_t timeout_ms;	/* deadline for the worker; 0 = derived */
	uint64_t seed;
	const char *json;
	bool quiet;
	enum cvram_bind bind;
	bool noise_off;		/* NUMA balancing and THP off for the run */
	bool size_given;	/* --size was on the command line (else the default) */
	bool threads_given;	/* --threads was */
};

struct cvram_run {
	const struct cvram_opts *opts;
	const void *own;	/* the workload's own options struct */
	struct cvram_target *target;
	json_object *result;	/* filled through the API below */
	volatile sig_atomic_t *stop; /* set on SIGINT: finish early, mark incomplete */
};

struct cvram_workload {
	const char *name;
	const char *summary;	/* one line for --list */
	unsigned needs;		/* target capabilities required; else skip */
	unsigned uses;		/* enum cvram_uses */
	const struct cvram_option *options; /* its own options, name NULL ends; or NULL */
	size_t options_size;	/* sizeof its options struct */
	const void *options_default; /* initial value of that struct, or NULL for zeros */
	uint64_t quick_size;	/* size in 'all' when --size is not given (0: default) */
	uint64_t quick_duration_ms; /* same for --duration */
	bool not_in_all;	/* left out of 'all' (for example the self-benchmark) */
	/* Returns an exit status (enum cvram_exit). */
	int (*run)(struct cvram_run *run);
};

/* ---- The metrics API: the only way a workload writes its result. ---- */

/* A measured metric: raw samples, their summary (lib/stats.c), unit and
 * direction, and labels that tell apart metrics of one name: a format
 * expanding to "key=value key=value" (values without spaces; all-digit
 * values are stored as integers), or NULL. Returns the metric object so
 * that a workload can attach an extra field (a histogram, flagged samples). */
json_object *cvram_metric(struct cvram_run *run, const char *name, const char *unit, enum cvram_better better,
			  const double *samples, size_t n, const char *labels, ...)
	__attribute__((format(printf, 7, 8)));
/* A metric whose samples are ratios of interleaved pairs gets its ratio
 * summary (geometric mean and 95% CI: lib/stats.c) as "ratio_summary". */
struct cvram_ratio;
void cvram_metric_ratio(json_object *metric, const struct cvram_ratio *r);
/* A derived figure (a ratio, an overhead, a completion time): one value. */
json_object *cvram_value(struct cvram_run *run, const char *name, const char *unit, enum cvram_better better,
			 double value, const char *labels, ...) __attribute__((format(printf, 6, 7)));
/* An operation count: how often, how often it failed. Returns the entry
 * (add "pages" or "last_error" to it). */
json_object *cvram_operation(struct cvram_run *run, const char *name, uint64_t count, uint64_t errors);
/* Integrity: pages whose data or location was wrong, and their failures
 * (taken over; may be NULL). Returns the object (add further counts). */
json_object *cvram_integrity(struct cvram_run *run, uint64_t bad_pages, json_object *failures);
/* A workload parameter (what it ran with). */
void cvram_param(struct cvram_run *run, const char *name, json_object *value);
/* Workload-specific structure that no generic reader needs. */
void cvram_detail(struct cvram_run *run, const char *key, json_object *value);
/* Append value to the array details[key] (created on first use). */
void cvram_detail_append(struct cvram_run *run, const char *key, json_object *value);
/* Declare kernel-log lines (extended regex) this workload provokes on
 * purpose: they are reported as expected instead of failing the run. */
void cvram_expect_kernel_log(struct cvram_run *run, const char *regex);
/* One row of a human-readable metric table on stdout (header first time). */
void cvram_print_metric_row(const char *name, const char *unit, const double *samples, size_t n, bool first);

/* ---- Helpers ---- */
void cvram_say(const struct cvram_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cvram_stopped(const struct cvram_run *run);
/* One progress line on stderr, rewritten in place: only on a terminal,
 * not with --quiet, and only once the run has lasted two seconds. */
void cvram_progress(const struct cvram_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cvram_progress_start(void);
void cvram_progress_end(void);
/* 0 if t can run wl; else the reason in why. */
int cvram_workload_supported(const struct cvram_workload *wl, const struct cvram_target *t, char *why,
			     size_t len);
/* The largest --size (what must fit on the device). */
uint64_t cvram_largest_size(const struct cvram_opts *o);
/* 0 when bytes fit in the target's device memory (or it has no fixed
 * size); otherwise one line naming --size on stderr and -1. */
int cvram_check_fits(const struct cvram_target *t, uint64_t bytes);
/* 0 when bytes fit in the memory the system has available now
 * (MemAvailable in /proc/meminfo); otherwise one line naming --size and
 * what is available on stderr and -1. */
int cvram_check_fits_ram(uint64_t bytes);

#endif
