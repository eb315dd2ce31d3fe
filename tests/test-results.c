/* SPDX-License-Identifier: GPL-2.0-only */
/* The JSON writer: parse its output back, and never leave a half file; the
 * metrics API, metric keys, selectors, the document checks that readers of
 * untrusted files rely on, and the version-1 upgrade. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvram/results.h"
#include "cvram/select.h"
#include "cvram/workload.h"
#include "tap.h"

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static json_object *get(json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t len = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)len, path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += len + (path[len] == '.');
	}
	return o;
}

/* The number a selector finds in doc, or NAN. */
static double selected(json_object *doc, const char *selector, enum cvram_agg agg)
{
	struct cvram_selector s;
	json_object *m = json_object_new_array();
	const char *why = NULL;
	double v = NAN;

	if (cvram_selector_parse(selector, &s, &why) == 0) {
		cvram_selector_match(&s, doc, m);
		if (cvram_aggregate(agg, m, &v, &why))
			v = NAN;
	}
	json_object_put(m);
	return v;
}

/* cvram_results_check on a document text: 0 accepted, -1 refused. */
static int check_text(const char *text, char *err, size_t len)
{
	json_object *doc = json_tokener_parse(text);
	int rc = doc ? cvram_results_check(doc, err, len) : -1;

	json_object_put(doc);
	return rc;
}

#define DOC_HEAD "{\"schema\":\"cvram-results\",\"schema_version\":2,\"results\":[{\"workload\":\"w\",\"metrics\":["

static void test_api_and_readers(void)
{
	const double samples[] = { 1, 2, 3, 4 };
	json_object *result = json_object_new_object(), *results = json_object_new_array(), *doc, *m;
	struct cvram_run run = { .result = result };
	char key[256], err[300];

	json_object_object_add(result, "workload", json_object_new_string("touch-bw"));
	cvram_metric(&run, "bandwidth", "GB/s", CVRAM_HIGHER_BETTER, samples, 4, "placement=%s threads=%d kernel=%s",
		     "device", 2, "read");
	m = cvram_metric(&run, "bandwidth", "GB/s", CVRAM_HIGHER_BETTER, samples + 1, 3, "placement=system threads=2 kernel=read");
	cvram_value(&run, "device-over-system", "ratio", CVRAM_HIGHER_BETTER, 0.5, "kernel=read");
	cvram_operation(&run, "to_device", 7, 1);
	cvram_integrity(&run, 3, NULL);
	json_object_array_add(results, result);
	doc = cvram_document_new(json_object_new_object(), results);
	tap_ok(cvram_results_check(doc, err, sizeof(err)) == 0, "the API writes a document that passes the checks");
	cvram_metric_key("touch-bw", m, key, sizeof(key));
	tap_ok(!strcmp(key, "touch-bw/bandwidth{kernel=read,placement=system,threads=2}"),
	       "metric key names labels sorted (%s)", key);
	tap_ok(selected(doc, "touch-bw/bandwidth{placement=device}:median", CVRAM_AGG_FIRST) == 2.5,
	       "selector by name and label finds the device median");
	tap_ok(selected(doc, "touch-bw/bandwidth", CVRAM_AGG_MIN) == 2.5 &&
	       selected(doc, "touch-bw/bandwidth", CVRAM_AGG_MAX) == 3, "min and max over every match");
	tap_ok(selected(doc, "touch-bw/device-over-system", CVRAM_AGG_FIRST) == 0.5, "single-value metric");
	tap_ok(selected(doc, "*/integrity/bad_pages", CVRAM_AGG_SUM) == 3 &&
	       selected(doc, "touch-bw/ops/to_device:errors", CVRAM_AGG_FIRST) == 1, "integrity and operations");
	tap_ok(isnan(selected(doc, "touch-bw/no-such-metric", CVRAM_AGG_FIRST)), "a missing metric is not measured");
	json_object_put(doc);

	tap_ok(check_text(DOC_HEAD "{\"name\":\"m\",\"unit\":\"s\",\"better\":\"lower\",\"samples\":[1,\"0.03x\"]}]}]}",
			  err, sizeof(err)) == -1 && strstr(err, "samples[1]"), "a string sample is refused with its path (%s)", err);
	tap_ok(check_text(DOC_HEAD "{\"name\":\"m\",\"unit\":\"s\",\"better\":\"lower\",\"samples\":[NaN]}]}]}",
			  err, sizeof(err)) == -1, "a NaN sample is refused (%s)", err);
	tap_ok(check_text(DOC_HEAD "{\"name\":\"x\\\"; system(1)\",\"unit\":\"s\",\"better\":\"lower\",\"value\":1}]}]}",
			  err, sizeof(err)) == -1, "a metric name with code in it is refused (%s)", err);
	tap_ok(check_text("{\"schema\":\"cvram-results\",\"schema_version\":null,\"results\":[]}", err, sizeof(err)) == -1,
	       "schema_version null is refused");
}

static void test_upgrade(void)
{
	const char *v1 = "{\"schema\":\"cvram-results\",\"schema_version\":1,\"context\":{},\"results\":["
			 "{\"workload\":\"touch-bw\",\"configs\":[{\"size_bytes\":4096,\"threads\":1,\"kernels\":"
			 "{\"read\":{\"system\":{\"unit\":\"GB/s\",\"samples\":[1,3]},\"device_over_system\":0.5}}}]},"
			 "{\"workload\":\"pingpong\",\"operations\":{\"to_device\":{\"calls\":5,\"pages\":9}},"
			 "\"bad_pages\":2,\"seconds\":1.5}]}";
	json_object *in = json_tokener_parse(v1), *up;
	char err[300] = "";

	up = in ? cvram_results_upgrade(in, err, sizeof(err)) : NULL;
	tap_ok(up && cvram_results_check(up, err, sizeof(err)) == 0, "a version-1 document upgrades to a valid one %s", err);
	tap_ok(up && selected(up, "touch-bw/bandwidth{kernel=read,placement=system,size_bytes=4096,threads=1}",
			      CVRAM_AGG_FIRST) == 2, "v1 touch-bw bandwidth found by name and labels");
	tap_ok(up && selected(up, "pingpong/ops/to_device:pages", CVRAM_AGG_FIRST) == 9 &&
	       selected(up, "pingpong/integrity/bad_pages", CVRAM_AGG_FIRST) == 2, "v1 operations and bad pages moved");
	tap_ok(up && selected(up, "pingpong/details/seconds", CVRAM_AGG_FIRST) == 1.5, "what no mapper takes stays in details");
	json_object_put(in);
	json_object_put(up);
}

int main(void)
{
	char dir[] = "/tmp/cvram-test-results.XXXXXX", path[128], bad[160];
	const double samples[] = { 1, 2, 3, 4 };
	char *argv[] = { "cvram-bench", "smoke", NULL };
	json_object *results = json_object_new_array(), *doc, *back, *m = json_object_new_object();
	struct cvram_run run = { .result = m };
	const char *src = NULL, *v;

	tap_plan(29);
	if (!mkdtemp(dir))
		tap_skip_all("cannot create a temporary directory");
	json_object_object_add(m, "workload", json_object_new_string("w"));
	cvram_metric(&run, "x", "s", CVRAM_LOWER_BETTER, samples, 4, NULL);
	json_object_array_add(results, m);
	doc = cvram_document_new(cvram_context_new(2, argv, NULL), results);
	snprintf(path, sizeof(path), "%s/r.json", dir);
	tap_ok(cvram_write_json_atomic(path, doc) == 0, "write %s", path);
	tap_ok(count_entries(dir) == 1, "only the final file is left (no temporary)");
	back = json_object_from_file(path);
	tap_ok(back != NULL, "the file parses back");
	tap_ok(back && strcmp(json_object_get_string(get(back, "schema")), CVRAM_SCHEMA_NAME) == 0, "schema name");
	tap_ok(back && json_object_get_int(get(back, "schema_version")) == CVRAM_SCHEMA_VERSION, "schema version");
	tap_ok(get(back, "context.kernel.release") != NULL, "context has the kernel release");
	tap_ok(get(back, "context.kernel.config.CONFIG_DEVICE_PRIVATE") != NULL, "context has kernel config options");
	tap_ok(get(back, "context.settings") != NULL && get(back, "context.topology.source") != NULL,
	       "context has settings and topology");
	tap_ok(json_object_array_length(get(back, "context.command_line")) == 2, "command line recorded");
	m = back ? json_object_array_get_idx(get(back, "results"), 0) : NULL;
	m = m ? json_object_array_get_idx(get(m, "metrics"), 0) : NULL;
	tap_ok(m && json_object_get_double(get(m, "summary.median")) == 2.5, "metric summary median 2.5");
	tap_ok(m && json_object_array_length(get(m, "samples")) == 4, "raw samples kept");

	snprintf(bad, sizeof(bad), "%s/missing/r.json", dir);
	tap_ok(cvram_write_json_atomic(bad, doc) == -ENOENT, "writing into a missing directory fails");
	tap_ok(count_entries(dir) == 1, "and leaves nothing behind");

	v = cvram_kernel_config("CONFIG_NO_SUCH_OPTION_CVRAM", &src);
	tap_ok(src && (strcmp(v, "n") == 0 || strcmp(v, "unknown") == 0),
	       "absent option reads n or unknown (%s from %s)", v, src);
	unlink(path);
	rmdir(dir);
	test_api_and_readers();
	test_upgrade();
	json_object_put(doc);
	json_object_put(back);
	return tap_done();
}
