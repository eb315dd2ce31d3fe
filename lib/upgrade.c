/* SPDX-License-Identifier: GPL-2.0-only */
/* Version 1 results documents as version 2, so that nightly history and
 * fixtures written before the schema change are still read. Version 1
 * stored each workload's metrics at a layout of its own (results/README.md
 * lists both); each mapper below moves them to the names, labels and
 * fixed places version 2 workloads write, through the same metrics API.
 * Whatever a mapper does not take stays in "details". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/results.h"
#include "cvram/stats.h"
#include "cvram/workload.h"

#define MAX_SAMPLES 100000

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* json_object_object_add, for an o that a malformed document may have
 * left NULL or of another type (json-c asserts on those): v is dropped. */
static void put(json_object *o, const char *key, json_object *v)
{
	if (json_object_is_type(o, json_type_object))
		json_object_object_add(o, key, v);
	else
		json_object_put(v);
}

/* An object to iterate over: o itself, or a shared empty one. */
static json_object *obj(json_object *o)
{
	static json_object *empty;

	if (json_object_is_type(o, json_type_object))
		return o;
	if (!empty)
		empty = json_object_new_object();
	return empty;
}

static size_t len(json_object *arr)
{
	return json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

static json_object *item(json_object *arr, size_t i)
{
	return json_object_array_get_idx(arr, i);
}

static enum cvram_better better_of(const char *unit)
{
	static const char *const higher[] = { "GB/s", "MiB/s", "MB/s", "pages/s", "ops/s", NULL };
	static const char *const lower[] = { "s", "ns", "us", "ms", "ns/access", NULL };

	for (size_t i = 0; higher[i]; i++)
		if (!strcmp(unit, higher[i]))
			return CVRAM_HIGHER_BETTER;
	for (size_t i = 0; lower[i]; i++)
		if (!strcmp(unit, lower[i]))
			return CVRAM_LOWER_BETTER;
	return CVRAM_NO_BETTER;
}

/* A v1 metric {unit, samples} as a v2 metric named name with labels. */
static json_object *move_metric(struct cvram_run *r, const char *name, json_object *m, const char *labels)
{
	json_object *samples = get(m, "samples"), *unit = get(m, "unit"), *out;
	size_t n = len(samples);
	double *x;

	if (!m || !unit || n > MAX_SAMPLES)
		return NULL;
	x = calloc(n ? n : 1, sizeof(double));
	if (!x)
		return NULL;
	for (size_t i = 0; i < n; i++)
		x[i] = json_object_get_double(item(samples, i));
	out = cvram_metric(r, name, json_object_get_string(unit), better_of(json_object_get_string(unit)), x, n,
			   labels ? "%s" : NULL, labels);
	free(x);
	/* The originals, so that the check after the upgrade sees a sample
	 * that was not a finite number. */
	put(out, "samples", samples ? json_object_get(samples) : json_object_new_array());
	/* Trimmed documents kept the summary without the samples. */
	if (!n && get(m, "summary"))
		put(out, "summary", json_object_get(get(m, "summary")));
	for (const char *const *k = (const char *const[]){ "flagged_samples", "flagged_reps", NULL }; *k; k++)
		if (get(m, *k))
			put(out, *k, json_object_get(get(m, *k)));
	return out;
}

static void move_value(struct cvram_run *r, const char *name, const char *unit, enum cvram_better b, json_object *v,
		       const char *labels)
{
	if (v)
		cvram_value(r, name, unit, b, json_object_get_double(v), labels ? "%s" : NULL, labels);
}

static void move_integrity(struct cvram_run *r, json_object *holder)
{
	json_object *bad = get(holder, "bad_pages"), *failures = get(holder, "failures");

	if (bad || failures)
		cvram_integrity(r, bad ? (uint64_t)json_object_get_int64(bad) : 0,
				failures ? json_object_get(failures) : NULL);
}

static void smoke(struct cvram_run *r, json_object *v1)
{
	json_object *counts = get(v1, "counts"), *op;

	json_object_object_foreach(obj(get(v1, "metrics")), name, m)
		move_metric(r, name, m, NULL);
	op = cvram_operation(r, "to_device", (uint64_t)json_object_get_int64(get(counts, "repetitions")), 0);
	put(op, "pages", json_object_get(get(counts, "moved_to_device")));
	op = cvram_operation(r, "to_system", (uint64_t)json_object_get_int64(get(counts, "repetitions")), 0);
	put(op, "pages", json_object_get(get(counts, "moved_to_system")));
	move_integrity(r, counts);
	if (get(v1, "failures"))
		put(get(r->result, "integrity"), "failures", json_object_get(get(v1, "failures")));
	json_object_object_del(v1, "metrics");
	json_object_object_del(v1, "counts");
	json_object_object_del(v1, "failures");
}

static void touch_bw(struct cvram_run *r, json_object *v1)
{
	json_object *configs = get(v1, "configs"), *shapes = json_object_new_array();

	for (size_t i = 0; i < len(configs); i++) {
		json_object *c = item(configs, i), *shape = json_object_new_object();
		long long size = json_object_get_int64(get(c, "size_bytes"));
		int threads = json_object_get_int(get(c, "threads"));
		char labels[200];

		json_object_object_foreach(obj(get(c, "kernels")), kernel, k) {
			for (const char *const *p = (const char *const[]){ "system", "device", NULL }; *p; p++) {
				snprintf(labels, sizeof(labels), "kernel=%s placement=%s size_bytes=%lld threads=%d",
					 kernel, *p, size, threads);
				if (get(k, *p))
					move_metric(r, "bandwidth", get(k, *p), labels);
			}
			snprintf(labels, sizeof(labels), "kernel=%s size_bytes=%lld threads=%d", kernel, size, threads);
			move_value(r, "device-over-system", "ratio", CVRAM_HIGHER_BETTER, get(k, "device_over_system"),
				   labels);
		}
		put(shape, "size_bytes", json_object_get(get(c, "size_bytes")));
		put(shape, "threads", json_object_get(get(c, "threads")));
		put(shape, "pus", json_object_get(get(c, "pus")));
		json_object_array_add(shapes, shape);
	}
	cvram_detail(r, "configs", shapes);
	json_object_object_del(v1, "configs");
}

static void touch_lat(struct cvram_run *r, json_object *v1)
{
	char labels[120];

	json_object_object_foreach(obj(get(v1, "latency")), pattern, places) {
		json_object_object_foreach(obj(places), place, m) {
			snprintf(labels, sizeof(labels), "pattern=%s placement=%s", pattern, place);
			move_metric(r, "latency", m, labels);
		}
	}
	json_object_object_del(v1, "latency");
}

static void migrate(struct cvram_run *r, json_object *v1)
{
	json_object *sizes = get(v1, "sizes"), *threads = get(v1, "threads"), *shapes = json_object_new_array();
	static const char *const dirs[][2] = { { "to_device", "device" }, { "to_system", "system" } };
	char labels[120];

	for (size_t i = 0; i < len(sizes); i++) {
		json_object *s = item(sizes, i), *shape = json_object_new_object();
		long long size = json_object_get_int64(get(s, "size_bytes"));

		for (int d = 0; d < 2; d++) {
			json_object *dir = get(s, dirs[d][0]), *m;

			snprintf(labels, sizeof(labels), "to=%s size_bytes=%lld", dirs[d][1], size);
			m = move_metric(r, "call-time", get(dir, "call_seconds"), labels);
			if (m && get(dir, "latency_histogram"))
				put(m, "histogram", json_object_get(get(dir, "latency_histogram")));
			if (m && get(dir, "partial_calls"))
				put(m, "partial_calls", json_object_get(get(dir, "partial_calls")));
			move_metric(r, "throughput", get(dir, "throughput"), labels);
		}
		for (const char *const *k = (const char *const[]){ "size_bytes", "pages", "calls", NULL }; *k; k++)
			put(shape, *k, json_object_get(get(s, *k)));
		json_object_array_add(shapes, shape);
	}
	for (size_t i = 0; i < len(threads); i++) {
		json_object *t = item(threads, i);

		for (int d = 0; d < 2; d++) {
			snprintf(labels, sizeof(labels), "to=%s size_bytes=%lld threads=%d", dirs[d][1],
				 (long long)json_object_get_int64(get(t, "size_bytes")), json_object_get_int(get(t, "threads")));
			move_metric(r, "concurrent-throughput", get(t, dirs[d][0]), labels);
		}
	}
	cvram_detail(r, "sizes", shapes);
	move_integrity(r, v1);
	for (const char *const *k = (const char *const[]){ "sizes", "threads", "bad_pages", "failures", NULL }; *k; k++)
		json_object_object_del(v1, *k);
}

static void fault(struct cvram_run *r, json_object *v1)
{
	json_object *f = get(v1, "fault"), *storm = get(f, "storm"), *m, *rest = json_object_new_object();
	char labels[40];

	m = move_metric(r, "first-touch", get(f, "per_page_first_touch"), NULL);
	if (m && get(get(f, "per_page_first_touch"), "histogram"))
		put(m, "histogram", json_object_get(get(get(f, "per_page_first_touch"), "histogram")));
	snprintf(labels, sizeof(labels), "threads=%d", json_object_get_int(get(storm, "threads")));
	move_metric(r, "storm-thread-time", get(storm, "thread_seconds"), labels);
	move_value(r, "storm-completion", "s", CVRAM_LOWER_BETTER, get(storm, "completion_seconds"), labels);
	move_value(r, "storm-fairness", "jain", CVRAM_HIGHER_BETTER, get(storm, "jain_fairness"), labels);
	json_object_object_foreach(obj(storm), key, val)
		if (strcmp(key, "thread_seconds") && strcmp(key, "completion_seconds") && strcmp(key, "jain_fairness"))
			put(rest, key, json_object_get(val));
	if (storm)
		cvram_detail(r, "storm", rest);
	else
		json_object_put(rest);
	move_integrity(r, f);
	json_object_object_del(v1, "fault");
}

static void self(struct cvram_run *r, json_object *v1)
{
	json_object *s = get(v1, "self"), *triad = get(s, "triad"), *mig = get(s, "migration");

	/* Version 1 compared triad only, at one size: the names of today's self. */
	move_metric(r, "bandwidth", get(triad, "cvram"), "impl=cvram kernel=triad");
	move_metric(r, "bandwidth", get(triad, "reference"), "impl=reference kernel=triad");
	move_value(r, "ratio", "ratio", CVRAM_HIGHER_BETTER, get(triad, "ratio"), "kernel=triad");
	move_metric(r, "round-trip-time", get(mig, "cvram"), "impl=cvram");
	move_metric(r, "round-trip-time", get(mig, "bare"), "impl=bare");
	move_value(r, "migration-overhead", "fraction", CVRAM_LOWER_BETTER, get(mig, "overhead"), NULL);
	json_object_object_del(v1, "self");
}

static void operations(struct cvram_run *r, json_object *v1)
{
	json_object_object_foreach(obj(get(v1, "operations")), name, o) {
		json_object *count = get(o, "count") ? get(o, "count") : get(o, "calls"), *op;

		op = cvram_operation(r, name, (uint64_t)json_object_get_int64(count),
				     (uint64_t)json_object_get_int64(get(o, "errors")));
		if (get(o, "pages"))
			put(op, "pages", json_object_get(get(o, "pages")));
		if (get(o, "last_error"))
			put(op, "last_error", json_object_get(get(o, "last_error")));
	}
	if (get(v1, "full_verifies"))
		cvram_operation(r, "verify", (uint64_t)json_object_get_int64(get(v1, "full_verifies")), 0);
	move_integrity(r, v1);
	if (get(v1, "atomic_counter_errors"))
		put(get(r->result, "integrity"), "bad_counters",
				       json_object_get(get(v1, "atomic_counter_errors")));
	for (const char *const *k = (const char *const[]){ "operations", "full_verifies", "bad_pages", "failures",
							    "atomic_counter_errors", NULL }; *k; k++)
		json_object_object_del(v1, *k);
}

static void partial(struct cvram_run *r, json_object *v1)
{
	move_integrity(r, v1);
	json_object_object_del(v1, "bad_pages");
	json_object_object_del(v1, "failures");
}

static void teardown(struct cvram_run *r, json_object *v1)
{
	json_object *t = get(v1, "teardown"), *rest = json_object_new_object();

	json_object_object_foreach(obj(get(t, "children")), ending, n)
		cvram_operation(r, ending, (uint64_t)json_object_get_int64(n), 0);
	cvram_integrity(r, (uint64_t)json_object_get_int64(get(t, "whole_device_bad_pages")),
			get(t, "failures") ? json_object_get(get(t, "failures")) : NULL);
	json_object_object_foreach(obj(t), key, val)
		if (strcmp(key, "children") && strcmp(key, "whole_device_bad_pages") && strcmp(key, "failures"))
			put(rest, key, json_object_get(val));
	cvram_detail(r, "teardown", rest);
	json_object_object_del(v1, "teardown");
}

static const struct {
	const char *workload;
	void (*map)(struct cvram_run *r, json_object *v1);
} mappers[] = {
	{ "smoke", smoke }, { "touch-bw", touch_bw }, { "touch-lat", touch_lat }, { "migrate", migrate },
	{ "fault", fault }, { "self", self }, { "pingpong", operations }, { "race", operations },
	{ "partial", partial }, { "teardown", teardown },
};

/* Keys every v1 result has in the v2 place already. */
static const char *const kept[] = { "workload", "exit_status", "skipped", "parameters", "expected_kernel_log", NULL };

static json_object *upgrade_result(json_object *v1item)
{
	json_object *copy = NULL, *out = json_object_new_object(), *wl = get(v1item, "workload");
	struct cvram_run r = { .result = out };

	json_object_deep_copy(v1item, &copy, NULL);
	for (size_t i = 0; kept[i]; i++)
		if (get(copy, kept[i]))
			put(out, kept[i], json_object_get(get(copy, kept[i])));
	for (size_t i = 0; wl && !get(copy, "skipped") && i < sizeof(mappers) / sizeof(mappers[0]); i++)
		if (!strcmp(json_object_get_string(wl), mappers[i].workload))
			mappers[i].map(&r, copy);
	json_object_object_foreach(obj(copy), key, val) {
		bool is_kept = false;

		for (size_t i = 0; kept[i]; i++)
			is_kept |= !strcmp(key, kept[i]);
		if (!is_kept)
			cvram_detail(&r, key, json_object_get(val));
	}
	json_object_put(copy);
	return out;
}

json_object *cvram_results_upgrade(json_object *v1, char *err, size_t errlen)
{
	json_object *results = get(v1, "results"), *doc = json_object_new_object(), *arr = json_object_new_array();

	if (!json_object_is_type(v1, json_type_object) || !json_object_is_type(results, json_type_array)) {
		snprintf(err, errlen, "no results array at .results");
		json_object_put(doc);
		json_object_put(arr);
		return NULL;
	}
	for (size_t i = 0; i < len(results); i++) {
		if (!json_object_is_type(item(results, i), json_type_object) ||
		    !json_object_is_type(get(item(results, i), "workload"), json_type_string)) {
			snprintf(err, errlen, "result without a workload name at .results[%zu]", i);
			json_object_put(doc);
			json_object_put(arr);
			return NULL;
		}
		json_object_array_add(arr, upgrade_result(item(results, i)));
	}
	json_object_object_foreach(obj(v1), key, val)
		if (strcmp(key, "results") && strcmp(key, "schema_version"))
			put(doc, key, json_object_get(val));
	put(doc, "schema_version", json_object_new_int(CVRAM_SCHEMA_VERSION));
	put(doc, "upgraded_from", json_object_new_int(1));
	put(doc, "results", arr);
	return doc;
}
