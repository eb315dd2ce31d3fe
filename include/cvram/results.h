/* Results: one JSON document per run (schema below), written atomically.
 *
 * {
 *   "schema": "cvram-results", "schema_version": 1,
 *   "complete": true|false, "exit_status": N, "error": "..." (optional),
 *   "context": { provenance: versions, command line, time, host, kernel,
 *                kernel config, CPU, topology, settings, target },
 *   "results": [ { "workload": "...", "parameters": {...},
 *                  "metrics": { NAME: { "unit": "...", "samples": [...],
 *                                       "summary": {...} } }, ... } ]
 * }
 */
#ifndef CVRAM_RESULTS_H
#define CVRAM_RESULTS_H

#include <json-c/json.h>
#include <stddef.h>

#include "cvram/stats.h"
#include "cvram/target.h"

#define CVRAM_SCHEMA_NAME "cvram-results"
#define CVRAM_SCHEMA_VERSION 1

/* The provenance of this run. t may be NULL (target not opened). */
json_object *cvram_context_new(int argc, char **argv, const struct cvram_target *t);
/* Kernel config option value ("y", "m", "n" or "unknown") and the file it came from. */
const char *cvram_kernel_config(const char *option, const char **source);

/* A metric: raw samples with their unit and the summary from stats.c. */
json_object *cvram_metric_new(const char *unit, const double *samples, size_t n);
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

/* Call fn for every metric in o: an object with "unit" and "summary" or
 * "samples". Its path joins the keys from o down, with an array item named
 * by its "workload" when it has one (results.touch-bw.configs.0...), else by
 * its index. The context and the kernel log hold no metrics and are skipped. */
typedef void (*cvram_metric_fn)(void *ctx, const char *path, json_object *metric);
void cvram_metrics_walk(json_object *o, const char *path, cvram_metric_fn fn, void *ctx);

/* Every metric of a document (any object with "unit" and "summary") as one
 * whitespace-separated row for gnuplot: path unit n min median mean max
 * ci95_lo ci95_hi p99. Written atomically to path. 0 or -errno. */
int cvram_write_dat(const char *path, json_object *doc);

#endif
