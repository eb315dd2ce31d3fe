/* SPDX-License-Identifier: GPL-2.0-only */
/* JSON documents: metrics with raw samples and summaries, written atomically;
 * loading and checking of documents other machines wrote. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdbool.h>
#include <unistd.h>

#include "cvram/results.h"

json_object *cvram_summary_json(const struct cvram_summary *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "n", json_object_new_int64((int64_t)s->n));
	json_object_object_add(o, "min", json_object_new_double(s->min));
	json_object_object_add(o, "max", json_object_new_double(s->max));
	json_object_object_add(o, "mean", json_object_new_double(s->mean));
	json_object_object_add(o, "median", json_object_new_double(s->median));
	json_object_object_add(o, "stddev", json_object_new_double(s->stddev));
	json_object_object_add(o, "cv", json_object_new_double(s->cv));
	json_object_object_add(o, "ci95_lo", json_object_new_double(s->ci95_lo));
	json_object_object_add(o, "ci95_hi", json_object_new_double(s->ci95_hi));
	json_object_object_add(o, "p90", json_object_new_double(s->p90));
	json_object_object_add(o, "p99", json_object_new_double(s->p99));
	return o;
}

json_object *cvram_hist_json(const struct cvram_hist *h, const char *unit)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();

	for (unsigned b = 0; b < CVRAM_HIST_BUCKETS; b++) {
		json_object *e;

		if (!h->count[b])
			continue;
		e = json_object_new_object();
		json_object_object_add(e, "lo", json_object_new_uint64(b ? 1ull << b : 0));
		json_object_object_add(e, "hi", json_object_new_uint64(b < 63 ? 1ull << (b + 1) : UINT64_MAX));
		json_object_object_add(e, "count", json_object_new_uint64(h->count[b]));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(o, "buckets", arr);
	return o;
}

const char *cvram_better_name(enum cvram_better b)
{
	return b == CVRAM_HIGHER_BETTER ? "higher" : b == CVRAM_LOWER_BETTER ? "lower" : "none";
}

json_object *cvram_document_new(json_object *context, json_object *results)
{
	json_object *doc = json_object_new_object();

	json_object_object_add(doc, "schema", json_object_new_string(CVRAM_SCHEMA_NAME));
	json_object_object_add(doc, "schema_version", json_object_new_int(CVRAM_SCHEMA_VERSION));
	json_object_object_add(doc, "context", context);
	json_object_object_add(doc, "results", results ? results : json_object_new_array());
	return doc;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write text to a new temporary file beside path (whole and on disk), and
 * return its name in *tmp (malloc'ed). 0 or -errno; nothing is left on
 * failure. */
static int stage_text(const char *path, const char *text, size_t len, char **tmp)
{
	size_t plen = strlen(path);
	int fd, rc;

	*tmp = malloc(plen + 16);
	if (!*tmp)
		return -ENOMEM;
	snprintf(*tmp, plen + 16, "%s.tmpXXXXXX", path);
	fd = mkstemp(*tmp);
	if (fd < 0) {
		rc = -errno;
		free(*tmp);
		*tmp = NULL;
		return rc;
	}
	rc = write_all(fd, text, len);
	if (rc == 0 && fchmod(fd, 0644))
		rc = -errno;
	if (rc == 0 && fsync(fd))
		rc = -errno;
	if (close(fd) && rc == 0)
		rc = -errno;
	if (rc) {
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return rc;
}

/* Rename a staged file into place (0 or -errno); the stage is gone after. */
static int commit_staged(char *tmp, const char *path)
{
	int rc = rename(tmp, path) ? -errno : 0;

	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

static void drop_staged(char *tmp)
{
	if (tmp)
		unlink(tmp);
	free(tmp);
}

int cvram_write_text_atomic(const char *path, const char *text, size_t len)
{
	char *tmp;
	int rc = stage_text(path, text, len, &tmp);

	return rc ? rc : commit_staged(tmp, path);
}

/* The document as written: pretty, with a final newline (malloc'ed). */
static char *document_text(json_object *doc, size_t *len)
{
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
	char *withnl;

	*len = strlen(text);
	withnl = malloc(*len + 2);
	if (!withnl)
		return NULL;
	memcpy(withnl, text, *len);
	withnl[(*len)++] = '\n';
	withnl[*len] = '\0';
	return withnl;
}

int cvram_write_json_atomic(const char *path, json_object *doc)
{
	size_t len;
	char *text = document_text(doc, &len);
	int rc = text ? cvram_write_text_atomic(path, text, len) : -ENOMEM;

	free(text);
	return rc;
}

void cvram_dat_path(const char *json, char *buf, size_t len)
{
	size_t n = strlen(json);

	if (n > 5 && !strcmp(json + n - 5, ".json"))
		n -= 5;
	snprintf(buf, len, "%.*s.dat", (int)n, json);
}

int cvram_write_results_pair(const char *path, json_object *doc)
{
	char dat[4096], *json_tmp = NULL, *dat_tmp = NULL, *json_text, *table;
	size_t len;
	int rc;

	cvram_dat_path(path, dat, sizeof(dat));
	json_text = document_text(doc, &len);
	table = cvram_metrics_table(doc);
	rc = json_text && table ? 0 : -ENOMEM;
	if (!rc)
		rc = stage_text(path, json_text, len, &json_tmp);
	if (!rc)
		rc = stage_text(dat, table, strlen(table), &dat_tmp);
	free(json_text);
	free(table);
	if (rc) {
		drop_staged(json_tmp);
		drop_staged(dat_tmp);
		return rc;
	}
	/* Both are whole on disk: only a rename can fail now. The .dat goes
	 * first, so a .json in place always has its .dat. */
	rc = commit_staged(dat_tmp, dat);
	if (rc) {
		drop_staged(json_tmp);
		return rc;
	}
	rc = commit_staged(json_tmp, path);
	if (rc)
		unlink(dat);
	return rc;
}

/* An output path must be a regular file or absent, in a writable directory:
 * "--json /dev/full" would otherwise replace the device node. */
static int output_path_ok(const char *path, char *why, size_t len)
{
	char *copy = strdup(path), *slash;
	struct stat st;
	int ok;

	if (!copy)
		return -1;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(why, len, "'%s' exists and is not a regular file", path);
		free(copy);
		return -1;
	}
	slash = strrchr(copy, '/');
	if (slash == copy)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(copy, ".");
	ok = stat(copy, &st) == 0 && S_ISDIR(st.st_mode) && access(copy, W_OK) == 0;
	if (!ok)
		snprintf(why, len, "directory '%s' does not exist or is not writable", copy);
	free(copy);
	return ok ? 0 : -1;
}

int cvram_results_path_ok(const char *path, char *why, size_t len)
{
	char dat[4096];

	if (strlen(path) + 8 > sizeof(dat)) {
		snprintf(why, len, "path too long");
		return -1;
	}
	cvram_dat_path(path, dat, sizeof(dat));
	return output_path_ok(path, why, len) || output_path_ok(dat, why, len) ? -1 : 0;
}

/* ------------------------------------------------ reading documents --- */

/* The checks below are what every reader relies on; the JSON Schema says
 * the same for external tools. A failure names the JSON path. */
struct check {
	char *err;
	size_t len;
	char path[256];
};

static int fail(struct check *c, const char *what)
{
	snprintf(c->err, c->len, "%s at %s", what, c->path[0] ? c->path : "the top");
	return -1;
}

static void at(struct check *c, size_t keep, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void at(struct check *c, size_t keep, const char *fmt, ...)
{
	va_list ap;

	c->path[keep] = '\0';
	va_start(ap, fmt);
	vsnprintf(c->path + keep, sizeof(c->path) - keep, fmt, ap);
	va_end(ap);
}

/* Names, units and label values: characters that are data in every
 * language a reader writes (shell, gnuplot, HTML, a .dat column). */
static bool safe_word(const char *s, size_t max)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (n >= max || !(isalnum((unsigned char)s[n]) || strchr("_.:/%+-", s[n])))
			return false;
	return n > 0;
}

static int check_number(struct check *c, json_object *v, bool integer, bool nonneg)
{
	double d;

	if (!v || !(json_object_is_type(v, json_type_int) || (!integer && json_object_is_type(v, json_type_double))))
		return fail(c, integer ? "not an integer" : "not a number");
	d = json_object_get_double(v);
	if (!isfinite(d))
		return fail(c, "not a finite number");
	if (nonneg && d < 0)
		return fail(c, "negative");
	return 0;
}

static int check_word(struct check *c, json_object *o, const char *key, bool required)
{
	json_object *v;
	size_t keep = strlen(c->path);

	if (!json_object_object_get_ex(o, key, &v))
		return required ? (at(c, keep, ".%s", key), fail(c, "missing")) : 0;
	at(c, keep, ".%s", key);
	if (!json_object_is_type(v, json_type_string) || !safe_word(json_object_get_string(v), 64))
		return fail(c, "not a name of letters, digits and _.:/%+-");
	c->path[keep] = '\0';
	return 0;
}

static int check_labels(struct check *c, json_object *labels)
{
	size_t keep = strlen(c->path);

	if (!json_object_is_type(labels, json_type_object))
		return fail(c, "labels: not an object");
	json_object_object_foreach(labels, key, val) {
		at(c, keep, ".%s", key);
		if (!safe_word(key, 64))
			return fail(c, "label name of unsafe characters");
		if (json_object_is_type(val, json_type_int)) {
			if (check_number(c, val, true, false))
				return -1;
		} else if (!json_object_is_type(val, json_type_string) || !safe_word(json_object_get_string(val), 64)) {
			return fail(c, "label value: not an integer or a safe word");
		}
	}
	c->path[keep] = '\0';
	return 0;
}

static int check_metric(struct check *c, json_object *m)
{
	static const char *const stats[] = { "n", "min", "max", "mean", "median", "stddev", "cv",
					     "ci95_lo", "ci95_hi", "p90", "p99", NULL };
	json_object *v, *samples, *summary;
	size_t keep = strlen(c->path);
	const char *b;

	if (!json_object_is_type(m, json_type_object))
		return fail(c, "metric: not an object");
	if (check_word(c, m, "name", true) || check_word(c, m, "unit", true))
		return -1;
	at(c, keep, ".better");
	if (!json_object_object_get_ex(m, "better", &v) || !json_object_is_type(v, json_type_string))
		return fail(c, "missing or not a string");
	b = json_object_get_string(v);
	if (strcmp(b, "higher") && strcmp(b, "lower") && strcmp(b, "none"))
		return fail(c, "not higher, lower or none");
	at(c, keep, ".labels");
	if (json_object_object_get_ex(m, "labels", &v) && check_labels(c, v))
		return -1;
	json_object_object_get_ex(m, "samples", &samples);
	json_object_object_get_ex(m, "value", &v);
	at(c, keep, "%s", "");
	if (!samples == !v)
		return fail(c, "metric needs either samples or a value");
	if (v) {
		at(c, keep, ".value");
		return check_number(c, v, false, false);
	}
	at(c, keep, ".samples");
	if (!json_object_is_type(samples, json_type_array))
		return fail(c, "not an array");
	for (size_t i = 0; i < json_object_array_length(samples); i++) {
		at(c, keep, ".samples[%zu]", i);
		if (check_number(c, json_object_array_get_idx(samples, i), false, false))
			return -1;
	}
	if (!json_object_object_get_ex(m, "summary", &summary))
		return 0;	/* no samples, no summary */
	at(c, keep, ".summary");
	if (!json_object_is_type(summary, json_type_object))
		return fail(c, "not an object");
	for (size_t i = 0; stats[i]; i++) {
		at(c, keep, ".summary.%s", stats[i]);
		if (check_number(c, json_object_object_get_ex(summary, stats[i], &v) ? v : NULL, false, false))
			return -1;
	}
	c->path[keep] = '\0';
	return 0;
}

static int check_array_of(struct check *c, json_object *r, const char *key, int (*each)(struct check *, json_object *))
{
	json_object *arr;
	size_t keep = strlen(c->path);

	if (!json_object_object_get_ex(r, key, &arr))
		return 0;
	at(c, keep, ".%s", key);
	if (!json_object_is_type(arr, json_type_array))
		return fail(c, "not an array");
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		at(c, keep, ".%s[%zu]", key, i);
		if (each(c, json_object_array_get_idx(arr, i)))
			return -1;
	}
	c->path[keep] = '\0';
	return 0;
}

static int check_operation(struct check *c, json_object *o)
{
	json_object *v;
	size_t keep = strlen(c->path);

	if (!json_object_is_type(o, json_type_object))
		return fail(c, "operation: not an object");
	if (check_word(c, o, "name", true))
		return -1;
	for (const char *const *k = (const char *const[]){ "count", "errors", NULL }; *k; k++) {
		at(c, keep, ".%s", *k);
		if (check_number(c, json_object_object_get_ex(o, *k, &v) ? v : NULL, true, true))
			return -1;
	}
	c->path[keep] = '\0';
	return 0;
}

static int check_result(struct check *c, json_object *r)
{
	json_object *v;
	size_t keep = strlen(c->path);

	if (!json_object_is_type(r, json_type_object))
		return fail(c, "result: not an object");
	if (check_word(c, r, "workload", true))
		return -1;
	if (json_object_object_get_ex(r, "exit_status", &v)) {
		at(c, keep, ".exit_status");
		if (check_number(c, v, true, true))
			return -1;
	}
	if (json_object_object_get_ex(r, "integrity", &v)) {
		json_object *bad;

		at(c, keep, ".integrity.bad_pages");
		if (!json_object_is_type(v, json_type_object) ||
		    check_number(c, json_object_object_get_ex(v, "bad_pages", &bad) ? bad : NULL, true, true))
			return -1;
	}
	c->path[keep] = '\0';
	return check_array_of(c, r, "metrics", check_metric) || check_array_of(c, r, "operations", check_operation);
}

int cvram_results_check(json_object *doc, char *err, size_t len)
{
	struct check c = { err, len, "" };
	json_object *v;

	if (!json_object_is_type(doc, json_type_object))
		return fail(&c, "not a JSON object");
	at(&c, 0, ".schema_version");
	if (!json_object_object_get_ex(doc, "schema_version", &v) || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int(v) != CVRAM_SCHEMA_VERSION)
		return fail(&c, "not 2");
	at(&c, 0, ".results");
	if (!json_object_object_get_ex(doc, "results", &v) || !json_object_is_type(v, json_type_array))
		return fail(&c, "missing or not an array");
	at(&c, 0, ".exit_status");
	if (json_object_object_get_ex(doc, "exit_status", &v) && check_number(&c, v, true, true))
		return -1;
	c.path[0] = '\0';
	return check_array_of(&c, doc, "results", check_result);
}

/* No real document comes near this (a whole bench suite is under 1 MiB):
 * a larger file is refused before it is read into memory. */
#define RESULTS_MAX_BYTES (256ull << 20)

/* A parsed document (taken over) as a checked version-2 document, or NULL
 * with "NAME: reason at JSON-PATH" in err. */
static json_object *results_accept(json_object *doc, const char *name, char *err, size_t len)
{
	json_object *v, *up;
	char why[400];

	if (!json_object_is_type(doc, json_type_object) || !json_object_object_get_ex(doc, "schema", &v) ||
	    !json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), CVRAM_SCHEMA_NAME)) {
		snprintf(err, len, "%s: not a cvram results document (no \"schema\": \"%s\") at .schema", name,
			 CVRAM_SCHEMA_NAME);
		json_object_put(doc);
		return NULL;
	}
	if (json_object_object_get_ex(doc, "schema_version", &v) && json_object_is_type(v, json_type_int) &&
	    json_object_get_int(v) == 1) {
		up = cvram_results_upgrade(doc, why, sizeof(why));
		json_object_put(doc);
		if (!up) {
			snprintf(err, len, "%s: version 1 document: %s", name, why);
			return NULL;
		}
		doc = up;
	}
	if (cvram_results_check(doc, why, sizeof(why))) {
		snprintf(err, len, "%s: %s", name, why);
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

json_object *cvram_results_parse(const char *text, size_t size, const char *name, char *err, size_t len)
{
	struct json_tokener *tok;
	json_object *doc;

	if (size > RESULTS_MAX_BYTES || size > INT32_MAX) {
		snprintf(err, len, "%s: %zu bytes, larger than any results document (limit %llu MiB)", name, size,
			 RESULTS_MAX_BYTES >> 20);
		return NULL;
	}
	tok = json_tokener_new();
	if (!tok) {
		snprintf(err, len, "%s: out of memory", name);
		return NULL;
	}
	doc = json_tokener_parse_ex(tok, text, (int)size);
	/* Whole text, one value: trailing garbage or a truncated file is refused
	 * (text need not end in a NUL). */
	if (doc && json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(doc);
		doc = NULL;
	}
	for (size_t i = doc ? json_tokener_get_parse_end(tok) : size; i < size; i++) {
		if (!strchr(" \t\r\n", text[i]) || !text[i]) {
			json_object_put(doc);
			doc = NULL;
			break;
		}
	}
	json_tokener_free(tok);
	if (!doc) {
		snprintf(err, len, "%s: not valid JSON", name);
		return NULL;
	}
	return results_accept(doc, name, err, len);
}

json_object *cvram_results_load(const char *path, char *err, size_t len)
{
	json_object *doc;
	struct stat st;

	if (stat(path, &st) == 0 && (uint64_t)st.st_size > RESULTS_MAX_BYTES) {
		snprintf(err, len, "%s: %lld bytes, larger than any results document (limit %llu MiB)", path,
			 (long long)st.st_size, RESULTS_MAX_BYTES >> 20);
		return NULL;
	}
	doc = json_object_from_file(path);
	if (!doc) {
		snprintf(err, len, "%s: missing or not valid JSON", path);
		return NULL;
	}
	return results_accept(doc, path, err, len);
}

/* --------------------------------------------------- metric identity --- */

void cvram_metrics_each(json_object *doc, cvram_metric_fn fn, void *ctx)
{
	json_object *results, *metrics, *wl;

	if (!json_object_object_get_ex(doc, "results", &results) || !json_object_is_type(results, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(results); i++) {
		json_object *r = json_object_array_get_idx(results, i);

		if (!json_object_object_get_ex(r, "metrics", &metrics) || !json_object_is_type(metrics, json_type_array) ||
		    !json_object_object_get_ex(r, "workload", &wl))
			continue;
		for (size_t j = 0; j < json_object_array_length(metrics); j++)
			fn(ctx, json_object_get_string(wl), json_object_array_get_idx(metrics, j));
	}
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void cvram_metric_key(const char *workload, json_object *metric, char *buf, size_t len)
{
	json_object *name, *labels, *v;
	const char *keys[32];
	size_t n = 0, used;

	json_object_object_get_ex(metric, "name", &name);
	used = (size_t)snprintf(buf, len, "%s/%s", workload, json_object_get_string(name));
	if (!json_object_object_get_ex(metric, "labels", &labels) || !json_object_is_type(labels, json_type_object))
		return;
	json_object_object_foreach(labels, key, val) {
		(void)val;
		if (n < 32)
			keys[n++] = key;
	}
	qsort(keys, n, sizeof(*keys), by_key);
	for (size_t i = 0; i < n && used < len; i++) {
		json_object_object_get_ex(labels, keys[i], &v);
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s%s", i ? "," : "{", keys[i],
					 json_object_get_string(v), i + 1 == n ? "}" : "");
	}
}

struct dat_buf {
	char *text;
	size_t len, cap;
};

static void dat_append(struct dat_buf *b, const char *line)
{
	size_t n = strlen(line);

	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap + n + 1) * 2;
		char *t = realloc(b->text, cap);

		if (!t)
			return;
		b->text = t;
		b->cap = cap;
	}
	memcpy(b->text + b->len, line, n + 1);
	b->len += n;
}

static double num(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0;
}

/* The summary of a metric that carries samples but none (a document made
 * by another tool): computed here, as the workloads do. */
static json_object *summary_from_samples(json_object *metric)
{
	json_object *samples, *s = NULL;
	struct cvram_summary sum;
	size_t n;
	double *x;

	if (!json_object_object_get_ex(metric, "samples", &samples) || !json_object_is_type(samples, json_type_array) ||
	    !(n = json_object_array_length(samples)) || !(x = calloc(n, sizeof(*x))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		x[i] = json_object_get_double(json_object_array_get_idx(samples, i));
	if (cvram_summarize(x, n, &sum) == 0)
		s = cvram_summary_json(&sum);
	free(x);
	return s;
}

/* One row per metric with a summary (or samples) or a value. */
static void dat_row(void *ctx, const char *workload, json_object *metric)
{
	json_object *unit, *better, *s, *v, *computed = NULL;
	char key[600], line[900];

	cvram_metric_key(workload, metric, key, sizeof(key));
	json_object_object_get_ex(metric, "unit", &unit);
	json_object_object_get_ex(metric, "better", &better);
	if (json_object_object_get_ex(metric, "value", &v)) {
		double x = json_object_get_double(v);

		snprintf(line, sizeof(line), "%s %s %s 1 %.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", key,
			 json_object_get_string(unit), json_object_get_string(better), x, x, x, x, x, x, x);
	} else if (json_object_object_get_ex(metric, "summary", &s) || (s = computed = summary_from_samples(metric))) {
		snprintf(line, sizeof(line), "%s %s %s %.0f %.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", key,
			 json_object_get_string(unit), json_object_get_string(better), num(s, "n"), num(s, "min"),
			 num(s, "median"), num(s, "mean"), num(s, "max"), num(s, "ci95_lo"), num(s, "ci95_hi"),
			 num(s, "p99"));
		json_object_put(computed);
	} else {
		return;
	}
	dat_append(ctx, line);
}

char *cvram_metrics_table(json_object *doc)
{
	struct dat_buf b = { NULL, 0, 0 };

	dat_append(&b, "# cvram metrics: key unit better n min median mean max ci95_lo ci95_hi p99\n");
	cvram_metrics_each(doc, dat_row, &b);
	return b.text;
}
