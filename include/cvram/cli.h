/* SPDX-License-Identifier: GPL-2.0-only */
/* The command-line driver shared by cvram-bench and cvram-stress: options,
 * help and the list (lib/cli.c), the worker child and the results file
 * (lib/worker.c). Workloads see include/cvram/workload.h only. */
#ifndef CVRAM_CLI_H
#define CVRAM_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "cvram/workload.h"

struct cvram_program {
	const char *name;
	const char *summary;
	const struct cvram_workload *const *workloads; /* NULL-terminated */
	uint64_t default_size;
	uint64_t default_reps;
	uint64_t default_duration_ms;
};

#define CVRAM_OWN_MAX 32

/* What the command line asked for, after checking. */
struct cvram_driver {
	const struct cvram_program *prog;
	const struct cvram_workload *wl;	/* NULL: 'all' */
	struct cvram_opts o;
	bool size_given, duration_given;
	struct {
		const char *name, *arg;
	} own[CVRAM_OWN_MAX];			/* workload options as given */
	size_t nown;
	int argc;
	char **argv;
};

int cvram_main(const struct cvram_program *prog, int argc, char **argv);

/* The options struct of wl with its defaults and the given workload
 * options applied (malloc'ed; NULL when wl has none). */
void *cvram_own_options(const struct cvram_driver *d, const struct cvram_workload *wl);
/* Run the worker child (lib/worker.c) and write the results. */
int cvram_run(const struct cvram_driver *d);

#endif
