/* SPDX-License-Identifier: GPL-2.0-only */
/* Fuzz target: the text of a criterion's selector and aggregate, and of
 * option values (sizes, durations, lists: lib/parse.c), as a user or a
 * criteria file gives them. The selector is matched against a fixed
 * document that has every kind of field a selector can name. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/parse.h"
#include "cvram/results.h"
#include "cvram/select.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char doc_text[] =
	"{\"schema\":\"cvram-results\",\"schema_version\":2,\"exit_status\":0,"
	"\"context\":{\"target\":{\"name\":\"host\",\"kind\":\"system\"}},"
	"\"kernel_log\":{\"problems\":[]},"
	"\"results\":[{\"workload\":\"smoke\",\"exit_status\":0,"
	"\"metrics\":[{\"name\":\"m\",\"unit\":\"GB/s\",\"better\":\"higher\",\"labels\":{\"kernel\":\"triad\"},"
	"\"samples\":[1,2,3],\"summary\":{\"n\":3,\"min\":1,\"median\":2,\"mean\":2,\"max\":3,\"stddev\":1,"
	"\"cv\":0.5,\"ci95_lo\":0,\"ci95_hi\":4,\"p99\":3}},"
	"{\"name\":\"r\",\"unit\":\"ratio\",\"better\":\"higher\",\"value\":1.5}],"
	"\"operations\":[{\"name\":\"verify\",\"count\":4,\"errors\":0,\"pages\":8}],"
	"\"integrity\":{\"bad_pages\":0,\"failures\":[]},"
	"\"details\":{\"a\":{\"b\":[1,{\"c\":2}]}}}]}";

static json_object *fixed_doc(void)
{
	static json_object *doc;
	char err[600];

	if (!doc)
		doc = cvram_results_parse(doc_text, strlen(doc_text), "fixed", err, sizeof(err));
	return doc;
}

static void option_values(const char *text)
{
	uint64_t v, list[CVRAM_LIST_MAX];
	size_t n;
	const char *why;

	(void)cvram_parse_size(text, &v, &why);
	(void)cvram_parse_duration_ms(text, &v, &why);
	(void)cvram_parse_uint(text, 1, 1024, &v, &why);
	(void)cvram_parse_uint_list(text, 1, 1024, list, &n, &why);
	(void)cvram_parse_size_list(text, list, &n, &why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct cvram_selector s;
	enum cvram_agg agg;
	const char *why;
	double v;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	option_values(text);
	(void)cvram_agg_parse(text, &agg);
	if (fixed_doc() && cvram_selector_parse(text, &s, &why) == 0) {
		json_object *out = json_object_new_array();

		cvram_selector_match(&s, fixed_doc(), out);
		(void)cvram_aggregate(CVRAM_AGG_SUM, out, &v, &why);
		(void)cvram_aggregate(CVRAM_AGG_FIRST, out, &v, &why);
		json_object_put(out);
	}
	free(text);
	return 0;
}
