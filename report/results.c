/* SPDX-License-Identifier: GPL-2.0-only */
/* cvram-results: read results documents (version 1 or 2, from anywhere)
 * the way every cvram reader does.
 *
 *   cvram-results check FILE...              load and check each document
 *   cvram-results upgrade IN OUT             write IN as a version-2 document
 *   cvram-results metrics FILE               one row per metric (the .dat format)
 *   cvram-results value [--agg A] SELECTOR FILE...
 *                                            one number: the selected values of
 *                                            every file, folded by A (sum, min,
 *                                            max, count, nonzero, first; default first)
 *   cvram-results get FILE SELECTOR          the first selected value as is
 *   cvram-results selector SELECTOR          exit 0 if SELECTOR parses (criteria files)
 *
 * Selectors: include/cvram/select.h and cvram(1).
 * Exit status: 0 done, 1 not measured (nothing selected), 2 bad usage or a
 * malformed document (file and JSON path named), 99 internal error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/results.h"
#include "cvram/select.h"

#define EXIT_NOT_MEASURED 1

static int usage(void)
{
	cvram_err("usage: cvram-results check FILE... | upgrade IN OUT | metrics FILE | "
		  "value [--agg sum|min|max|count|nonzero|first] SELECTOR FILE... | get FILE SELECTOR | selector SELECTOR");
	return CVRAM_EXIT_USAGE;
}

static json_object *load(const char *path)
{
	char err[600];
	json_object *doc = cvram_results_load(path, err, sizeof(err));

	if (!doc)
		cvram_err("%s", err);
	return doc;
}

static int cmd_check(int argc, char **argv)
{
	int rc = CVRAM_EXIT_OK;

	for (int i = 0; i < argc; i++) {
		json_object *doc = load(argv[i]);

		if (!doc) {
			rc = CVRAM_EXIT_USAGE;
			continue;
		}
		printf("%s: ok\n", argv[i]);
		json_object_put(doc);
	}
	return argc ? rc : usage();
}

static int cmd_upgrade(int argc, char **argv)
{
	json_object *doc;
	int rc;

	if (argc != 2)
		return usage();
	if (!(doc = load(argv[0])))
		return CVRAM_EXIT_USAGE;
	rc = cvram_write_json_atomic(argv[1], doc);
	json_object_put(doc);
	if (rc) {
		cvram_err("%s: cannot write: %s", argv[1], strerror(-rc));
		return CVRAM_EXIT_ERROR;
	}
	return CVRAM_EXIT_OK;
}

static int cmd_metrics(int argc, char **argv)
{
	json_object *doc;
	char *text;

	if (argc != 1)
		return usage();
	if (!(doc = load(argv[0])))
		return CVRAM_EXIT_USAGE;
	text = cvram_metrics_table(doc);
	json_object_put(doc);
	if (!text)
		return CVRAM_EXIT_ERROR;
	fputs(text, stdout);
	free(text);
	return CVRAM_EXIT_OK;
}

static int parse_selector(const char *text, struct cvram_selector *s)
{
	const char *why = NULL;

	if (cvram_selector_parse(text, s, &why) == 0)
		return 0;
	cvram_err("selector '%s': %s", text, why);
	return -1;
}

static int cmd_value(int argc, char **argv)
{
	enum cvram_agg agg = CVRAM_AGG_FIRST;
	struct cvram_selector s;
	json_object *matches;
	const char *why = NULL;
	double v;

	if (argc >= 2 && !strcmp(argv[0], "--agg")) {
		if (cvram_agg_parse(argv[1], &agg)) {
			cvram_err("--agg '%s': not sum, min, max, count, nonzero or first", argv[1]);
			return CVRAM_EXIT_USAGE;
		}
		argc -= 2, argv += 2;
	}
	if (argc < 2)
		return usage();
	if (parse_selector(argv[0], &s))
		return CVRAM_EXIT_USAGE;
	matches = json_object_new_array();
	for (int i = 1; i < argc; i++) {
		json_object *doc = load(argv[i]);

		if (!doc) {
			json_object_put(matches);
			return CVRAM_EXIT_USAGE;
		}
		cvram_selector_match(&s, doc, matches);
		json_object_put(doc);
	}
	if (cvram_aggregate(agg, matches, &v, &why)) {
		json_object_put(matches);
		cvram_err("%s: %s", why, argv[0]);
		return EXIT_NOT_MEASURED;
	}
	json_object_put(matches);
	printf("%.10g\n", v);
	return CVRAM_EXIT_OK;
}

static int cmd_selector(int argc, char **argv)
{
	struct cvram_selector s;

	if (argc != 1)
		return usage();
	return parse_selector(argv[0], &s) ? CVRAM_EXIT_USAGE : CVRAM_EXIT_OK;
}

static int cmd_get(int argc, char **argv)
{
	struct cvram_selector s;
	json_object *doc, *matches;
	int rc = CVRAM_EXIT_OK;

	if (argc != 2)
		return usage();
	if (parse_selector(argv[1], &s) || !(doc = load(argv[0])))
		return CVRAM_EXIT_USAGE;
	matches = json_object_new_array();
	cvram_selector_match(&s, doc, matches);
	if (json_object_array_length(matches) == 0) {
		cvram_err("%s: %s: not measured (no such value in the document)", argv[0], argv[1]);
		rc = EXIT_NOT_MEASURED;
	} else {
		json_object *v = json_object_array_get_idx(matches, 0);

		printf("%s\n", json_object_is_type(v, json_type_string) ? json_object_get_string(v) :
			       json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
	}
	json_object_put(matches);
	json_object_put(doc);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = { { "check", cmd_check }, { "upgrade", cmd_upgrade }, { "metrics", cmd_metrics },
		     { "value", cmd_value }, { "get", cmd_get }, { "selector", cmd_selector } };

	cvram_set_progname("cvram-results");
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("Usage: cvram-results check FILE... | upgrade IN OUT | metrics FILE |\n"
		       "       value [--agg sum|min|max|count|nonzero|first] SELECTOR FILE... | get FILE SELECTOR |\n"
		       "       selector SELECTOR\n"
		       "Exit status: 0 done, 1 not measured, 2 bad usage or malformed document. See cvram(1).\n");
		return CVRAM_EXIT_OK;
	}
	for (size_t i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 2, argv + 2);
	return usage();
}
