/* The command-line driver shared by cvram-bench and cvram-stress: option
 * table, workload list, worker child with a deadline, results file. */
#ifndef CVRAM_CLI_H
#define CVRAM_CLI_H

#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cvram/affinity.h"
#include "cvram/parse.h"
#include "cvram/target.h"

/* Options every workload sees, after parsing and defaulting. */
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
	bool nt_stores;		/* streaming stores in touch kernels */
	bool noise_off;		/* NUMA balancing and THP off for the run */
	bool no_disturb;	/* race: no other process disturbs the device */
	bool size_given, reps_given, duration_given;
};

struct cvram_run {
	const struct cvram_opts *opts;
	struct cvram_target *target;
	json_object *result;	/* the workload fills "parameters", "metrics", ... */
	volatile sig_atomic_t *stop; /* set on SIGINT: finish early, mark incomplete */
};

struct cvram_workload {
	const char *name;
	const char *summary;	/* one line for --list */
	unsigned needs;		/* target capabilities required; else skip */
	uint64_t quick_size;	/* size in 'all' when --size is not given (0: default) */
	uint64_t quick_duration_ms; /* same for --duration */
	bool not_in_all;	/* left out of 'all' (for example the self-benchmark) */
	/* Returns an exit status (enum cvram_exit). */
	int (*run)(struct cvram_run *run);
};

struct cvram_program {
	const char *name;
	const char *summary;
	const struct cvram_workload *const *workloads; /* NULL-terminated */
	uint64_t default_size;
	uint64_t default_reps;
	uint64_t default_duration_ms;
};

int cvram_main(const struct cvram_program *prog, int argc, char **argv);

/* Per-workload helpers. */
void cvram_say(const struct cvram_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cvram_stopped(const struct cvram_run *run);
/* Record a metric (raw samples + summary) in the result and print its row
 * of the human-readable table on stdout. */
void cvram_metric(struct cvram_run *run, const char *name, const char *unit,
		  const double *samples, size_t n);
/* Declare kernel-log lines (extended regex) this workload provokes on
 * purpose: they are reported as expected instead of failing the run. */
void cvram_expect_kernel_log(struct cvram_run *run, const char *regex);
/* 0 when bytes fit in the target's device memory (or it has no fixed
 * size); otherwise one line naming --size on stderr and -1. */
int cvram_check_fits(const struct cvram_run *run, uint64_t bytes);
/* Record a workload parameter. */
void cvram_param(struct cvram_run *run, const char *name, json_object *value);
/* One progress line on stderr, rewritten in place: only on a terminal,
 * not with --quiet, and only once the run has lasted two seconds. */
void cvram_progress(const struct cvram_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Workloads check each other's needs in 'all': 0 if t can run wl. */
int cvram_workload_supported(const struct cvram_workload *wl, const struct cvram_target *t,
			     char *why, size_t len);

#endif
