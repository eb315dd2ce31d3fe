/* SPDX-License-Identifier: GPL-2.0-only */
/* Kernel log watch: read /dev/kmsg from the start of a run and pick out
 * the lines that mean the kernel is unhappy (WARNING, BUG, Oops, bad page,
 * lockups, RCU stalls, hung tasks). */
#ifndef CVRAM_KMSG_H
#define CVRAM_KMSG_H

#include <json-c/json.h>
#include <stddef.h>

struct cvram_kmsg {
	int fd;			/* -1 when the log cannot be read */
	char why[160];		/* why not, said once */
};

/* Open and move to the end: only what happens from now on is seen. */
void cvram_kmsg_open(struct cvram_kmsg *k);
/* Does this log line report a kernel problem? */
int cvram_kmsg_is_problem(const char *line);
/* Read every new record. Lines matching one of the expected extended
 * regular expressions are reported as expected, not as problems. Returns
 * {"source", "available", "reason"?, "lines"[], "problems"[], "expected"[]}
 * and sets *problems to the number of unexpected problem lines. */
json_object *cvram_kmsg_collect(struct cvram_kmsg *k, json_object *expected, size_t *problems);
void cvram_kmsg_close(struct cvram_kmsg *k);

#endif
