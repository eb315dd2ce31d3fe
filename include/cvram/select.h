/* SPDX-License-Identifier: GPL-2.0-only */
/* Selectors: how readers (criteria, plots, tests) name a value in a
 * results document by workload and metric name, never by its position.
 *
 *   exit_status                     the document's exit status
 *   kernel_log/problems             number of unexpected kernel-log lines
 *   WL/exit_status                  a result's exit status (WL or *)
 *   WL/integrity/KEY                bad_pages, bad_counters, ...
 *   WL/ops/NAME[:count|errors|pages]
 *   WL/details/KEY[.KEY...]         workload-specific (arrays by index)
 *   WL/METRIC[{k=v,...}][:STAT]     a metric; STAT is a summary field
 *                                   (median by default), value, or
 *                                   buckets (filled histogram buckets)
 *
 * Labels not given match anything; every match counts. Selectors are data:
 * they are parsed here and never handed to a shell, jq or gnuplot. */
#ifndef CVRAM_SELECT_H
#define CVRAM_SELECT_H

#include <json-c/json.h>
#include <stddef.h>

#define CVRAM_SELECT_LABELS 8
#define CVRAM_SELECT_WORD 64

enum cvram_select_kind {
	CVRAM_SEL_DOC_STATUS, CVRAM_SEL_DOC_PROBLEMS, CVRAM_SEL_STATUS, CVRAM_SEL_INTEGRITY,
	CVRAM_SEL_OP, CVRAM_SEL_DETAIL, CVRAM_SEL_METRIC,
};

struct cvram_selector {
	enum cvram_select_kind kind;
	char workload[CVRAM_SELECT_WORD];	/* "*" for every result */
	char name[CVRAM_SELECT_WORD * 4];	/* metric, operation, integrity key or detail path */
	char field[CVRAM_SELECT_WORD];		/* statistic or operation field */
	struct {
		char key[CVRAM_SELECT_WORD], value[CVRAM_SELECT_WORD];
	} labels[CVRAM_SELECT_LABELS];
	size_t nlabels;
};

/* 0, or -1 with a reason in why. */
int cvram_selector_parse(const char *text, struct cvram_selector *s, const char **why);
/* Append every value the selector names in doc to out (a JSON array). */
void cvram_selector_match(const struct cvram_selector *s, json_object *doc, json_object *out);

enum cvram_agg { CVRAM_AGG_SUM, CVRAM_AGG_MIN, CVRAM_AGG_MAX, CVRAM_AGG_COUNT, CVRAM_AGG_NONZERO, CVRAM_AGG_FIRST };

/* "sum", "min", "max", "count", "nonzero", "first". 0 or -1. */
int cvram_agg_parse(const char *text, enum cvram_agg *out);
/* Fold the matches to one number (booleans count as 0/1). -1 with why when
 * there is no match or a match is not a number. */
int cvram_aggregate(enum cvram_agg agg, json_object *matches, double *out, const char **why);

#endif
