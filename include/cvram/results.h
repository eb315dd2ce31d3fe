/* SPDX-License-Identifier: GPL-2.0-only */
/* Results: one JSON document per run, schema version 2, published as
 * results/schema/cvram-results-v2.schema.json and described in
 * results/README.md. Written atomically. Documents of version 1 are read
 * by upgrading them in memory (lib/upgrade.c; `cvram-results upgrade`).
 *
 * {
 *   "schema": "cvram-results", "schema_version": 2,
 *   "complete": true|false, "exit_status": N, "error": "..." (optional),
 *   "context": { provenance }, "kernel_log": {...},
 *   "results": [ { "workload": "...", "exit_status": N | "skipped": "why",
 *                  "parameters": {...},
 *                  "metrics": [ { "name", "unit", "better", "labels"?,
 *                                 "samples" + "summary" | "value" } ],
 *                  "operations": [ { "name", "count", "errors" } ],
 *                  "integrity": { "bad_pages", "failures" },
 *                  "details": { workload-specific } } ]
 * }
 */
#ifndef CVRAM_RESULTS_H
#define CVRAM_RESULTS_H

#include <json-c/json.h>
#include <stddef.h>

#include "cvram/stats.h"
#include "cvram/target.h"

#define CVRAM_SCHEMA_NAME "cvram-results"
#define CVRAM_SCHEMA_VERSION 2

/* Is a metric better when higher, when lower, or neither? */
enum cvram_better { CVRAM_HIGHER_BETTER, CVRAM_LOWER_BETTER, CVRAM_NO_BETTER };

/* "higher", "lower", "none". */
const char *cvram_better_name(enum cvram_better b);

/* The provenance of this run. t may be NULL (target not opened). */
json_object *cvram_context_new(int argc, char **argv, const struct cvram_target *t);
/* Kernel config option value ("y", "m", "n" or "unknown") and the file it came from. */
const char *cvram_kernel_config(const char *option, const char **source);

json_object *cvram_summary_json(const struct cvram_summary *s);
/* {"unit": ..., "buckets": [{"lo": 2^b, "hi": 2^(b+1), "count": n}, ...]}
 * with the empty buckets left out. */
json_object *cvram_hist_json(const struct cvram_hist *h, const char *unit);

/* A whole document around context and the results array. */
json_object *cvram_document_new(json_object *context, json_object *results);

/* Write JSON to path through a temporary file in the same directory and
 * rename, so that the file is either complete or absent. Returns 0 or -errno. */
int cvram_write_json_atomic(const char *path, json_object *doc);
/* Same for plain text (gnuplot .dat files). */
int cvram_write_text_atomic(const char *path, const char *text, size_t len);
/* The .dat that goes with a results file: r.json -> r.dat beside it. */
void cvram_dat_path(const char *json, char *buf, size_t len);
/* A results file and its .dat: both whole, or neither (each is staged in a
 * temporary file; only when both are on disk are they renamed). 0 or -errno. */
int cvram_write_results_pair(const char *path, json_object *doc);
/* Before a run: path and its .dat are regular files or absent, in a
 * writable directory (never a device node, a directory, a fifo). 0, or -1
 * with the reason in why. */
int cvram_results_path_ok(const char *path, char *why, size_t len);

/* A results document from a file another machine may have written: the
 * schema name, version 1 (upgraded) or 2, and every field a reader uses
 * checked for type and range (finite numbers, names of safe characters).
 * NULL with "FILE: reason at JSON-PATH" in err. */
json_object *cvram_results_load(const char *path, char *err, size_t len);
/* The same for a document in memory (size bytes of text, one JSON value);
 * name is what err calls it. */
json_object *cvram_results_parse(const char *text, size_t size, const char *name, char *err, size_t len);
/* The checks of cvram_results_load on a version-2 document in memory.
 * 0, or -1 with the reason and JSON path in err. */
int cvram_results_check(json_object *doc, char *err, size_t len);
/* A version-1 document as version 2 (a new object; v1 is not changed).
 * NULL with the reason in err. */
json_object *cvram_results_upgrade(json_object *v1, char *err, size_t len);

/* Call fn for every metric of every result of a (version-2) document. */
typedef void (*cvram_metric_fn)(void *ctx, const char *workload, json_object *metric);
void cvram_metrics_each(json_object *doc, cvram_metric_fn fn, void *ctx);
/* The metric's identity across documents: workload/name{key=value,...}
 * with the labels sorted by key; independent of where it is stored. */
void cvram_metric_key(const char *workload, json_object *metric, char *buf, size_t len);

/* Every metric of a document as one whitespace-separated row for gnuplot
 * and trend tools: key unit better n min median mean max ci95_lo ci95_hi
 * p99 (a single-value metric has n 1 and the value in every column).
 * Returns malloc'ed text. */
char *cvram_metrics_table(json_object *doc);

#endif
