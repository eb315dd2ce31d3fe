/* SPDX-License-Identifier: GPL-2.0-only */
/* Fuzz target: a results document from another machine, through every
 * reader cvram has (lib/results.c load and check, lib/upgrade.c for
 * version 1, metric keys and the .dat table, selectors and aggregates as
 * criteria and plots use them). A crash, a sanitizer report or a leak is a
 * finding; a refusal is the right answer. Built with libFuzzer by
 * tests/fuzz/run, and with tests/fuzz/replay.c into a program that make
 * check runs over the corpus and every past finding (tests/fuzz.sh). */
#include <stdint.h>
#include <stdlib.h>

#include "cvram/results.h"
#include "cvram/select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What criteria and tests ask of a document (accept/criteria.conf). */
static const char *const selectors[] = {
	"exit_status", "kernel_log/problems", "*/exit_status", "*/integrity/bad_pages",
	"touch-bw/bandwidth{kernel=triad,placement=system}:median", "migrate/throughput:p99",
	"pingpong/ops/verify:pages", "smoke/details/first.0.x", "touch-lat/latency:buckets", "*/m:value",
};

static void use(json_object *doc)
{
	char *table = cvram_metrics_table(doc);

	free(table);
	for (size_t i = 0; i < sizeof(selectors) / sizeof(selectors[0]); i++) {
		struct cvram_selector s;
		json_object *out = json_object_new_array();
		const char *why;
		double v;

		if (cvram_selector_parse(selectors[i], &s, &why) == 0) {
			cvram_selector_match(&s, doc, out);
			for (enum cvram_agg a = CVRAM_AGG_SUM; a <= CVRAM_AGG_FIRST; a++)
				(void)cvram_aggregate(a, out, &v, &why);
		}
		json_object_put(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[600];
	json_object *doc = cvram_results_parse((const char *)data, size, "fuzz", err, sizeof(err));

	if (doc) {
		use(doc);
		json_object_put(doc);
	}
	return 0;
}
