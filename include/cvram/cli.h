/* The command-line driver shared by cvram-bench and cvram-stress: option
 * table, workload list, worker child with a deadline, results file. */
#ifndef CVRAM_CLI_H
#define CVRAM_CLI_H

#include <json-c/json.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

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
/* Record a workload parameter. */
void cvram_param(struct cvram_run *run, const char *name, json_object *value);

#endif
