/* SPDX-License-Identifier: GPL-2.0-only */
/* Options as typed rows: one parser per type, the shared table here, each
 * workload's own table in its file. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/options.h"

#define SHARED(field) offsetof(struct cvram_opts, field)

const struct cvram_option cvram_shared_options[] = {
	{ "target", "NAME", CVRAM_OPT_STRING, SHARED(target), 0, 0, 0, 0,
	  "where device memory comes from (see --list); default host" },
	{ "device", "DEV", CVRAM_OPT_STRING, SHARED(device), 0, 0, 0, 0,
	  "device of the target: dmirror /dev/hmm_dmirrorN or N; kfd a GPU id or index; numa: use --node" },
	{ "node", "N", CVRAM_OPT_INT, SHARED(node), 0, 0, 1023, 0,
	  "NUMA node for the numa target (default: first CPU-less node)" },
	{ "threads", "N[,N...]", CVRAM_OPT_UINT_LIST, SHARED(threads), SHARED(nthreads), 1, 4096,
	  CVRAM_USES_THREADS | CVRAM_USES_THREAD_LIST, "worker threads, or a list to sweep" },
	{ "size", "SIZE[,SIZE...]", CVRAM_OPT_SIZE_LIST, SHARED(sizes), SHARED(nsizes), 0, 0,
	  CVRAM_USES_SIZE | CVRAM_USES_SIZE_LIST, "working-set size with K/M/G suffix, or a list" },
	{ "reps", "N", CVRAM_OPT_UINT, SHARED(reps), 0, 1, 1000000, CVRAM_USES_REPS, "measured repetitions" },
	{ "duration", "TIME", CVRAM_OPT_DURATION, SHARED(duration_ms), 0, 0, 0, CVRAM_USES_DURATION,
	  "how long time-based workloads run (30s, 2m)" },
	{ "timeout", "TIME", CVRAM_OPT_DURATION, SHARED(timeout_ms), 0, 0, 0, 0,
	  "deadline for the worker (default 10m + 2 x duration)" },
	{ "seed", "N", CVRAM_OPT_UINT, SHARED(seed), 0, 0, UINT64_MAX, CVRAM_USES_SEED,
	  "random seed (recorded in the results)" },
	{ "bind", "MODE", CVRAM_OPT_BIND, SHARED(bind), 0, 0, 0, CVRAM_USES_BIND,
	  "thread placement: compact, scatter or none (default compact)" },
	{ "noise-off", NULL, CVRAM_OPT_FLAG, SHARED(noise_off), 0, 0, 0, 0,
	  "turn NUMA balancing and THP off for the run, restore after" },
	{ "json", "FILE", CVRAM_OPT_STRING, SHARED(json), 0, 0, 0, 0, "write the results document to FILE (atomically)" },
	{ "quiet", NULL, CVRAM_OPT_FLAG, SHARED(quiet), 0, 0, 0, 0, "no progress or informational messages" },
	{ NULL, NULL, CVRAM_OPT_FLAG, 0, 0, 0, 0, 0, NULL },
};

static int set_list(const struct cvram_option *opt, char *base, const char *arg, const char **why)
{
	uint64_t *items = (uint64_t *)(base + opt->offset);
	size_t *n = (size_t *)(base + opt->count_offset);

	if (opt->type == CVRAM_OPT_UINT_LIST)
		return cvram_parse_uint_list(arg, opt->min, opt->max, items, n, why);
	if (cvram_parse_size_list(arg, items, n, why))
		return -1;
	for (size_t i = 0; i < *n; i++) {
		if (items[i] % CVRAM_PAGE_SIZE) {
			*why = "not a multiple of the page size (4096)";
			return -1;
		}
	}
	return 0;
}

static int set_bind(enum cvram_bind *out, const char *arg, const char **why)
{
	for (enum cvram_bind b = CVRAM_BIND_NONE; b <= CVRAM_BIND_SCATTER; b++) {
		if (strcmp(arg, cvram_bind_name(b)) == 0) {
			*out = b;
			return 0;
		}
	}
	*why = "not one of compact, scatter, none";
	return -1;
}

int cvram_option_set(const struct cvram_option *opt, void *base, const char *arg, const char **why)
{
	char *field = (char *)base + opt->offset;
	uint64_t v;

	switch (opt->type) {
	case CVRAM_OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case CVRAM_OPT_STRING:
		if (!*arg) {
			*why = "empty value";
			return -1;
		}
		/* "--json --quiet" would otherwise write a file named --quiet. */
		if (arg[0] == '-') {
			*why = "a value was expected, not an option";
			return -1;
		}
		*(const char **)field = arg;
		return 0;
	case CVRAM_OPT_UINT:
		return cvram_parse_uint(arg, opt->min, opt->max, (uint64_t *)field, why);
	case CVRAM_OPT_INT:
		if (cvram_parse_uint(arg, opt->min, opt->max, &v, why))
			return -1;
		*(int *)field = (int)v;
		return 0;
	case CVRAM_OPT_UINT_LIST:
	case CVRAM_OPT_SIZE_LIST:
		return set_list(opt, base, arg, why);
	case CVRAM_OPT_DURATION:
		return cvram_parse_duration_ms(arg, (uint64_t *)field, why);
	case CVRAM_OPT_BIND:
		return set_bind((enum cvram_bind *)field, arg, why);
	}
	*why = "unknown option type";
	return -1;
}

size_t cvram_option_list_len(const struct cvram_option *opt, const void *base)
{
	if (opt->type != CVRAM_OPT_UINT_LIST && opt->type != CVRAM_OPT_SIZE_LIST)
		return 1;
	return *(const size_t *)((const char *)base + opt->count_offset);
}

void cvram_options_help(const struct cvram_option *table)
{
	for (size_t i = 0; table && table[i].name; i++) {
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", table[i].name, table[i].metavar ? " " : "",
			 table[i].metavar ? table[i].metavar : "");
		printf("  %-26s %s\n", left, table[i].help);
	}
}
