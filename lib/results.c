/* JSON documents: metrics with raw samples and summaries, written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

json_object *cvram_metric_new(const char *unit, const double *samples, size_t n)
{
	json_object *o = json_object_new_object(), *arr = json_object_new_array();
	struct cvram_summary s;

	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_double(samples[i]));
	json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(o, "samples", arr);
	if (cvram_summarize(samples, n, &s) == 0)
		json_object_object_add(o, "summary", cvram_summary_json(&s));
	return o;
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

int cvram_write_text_atomic(const char *path, const char *text, size_t len)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	int fd, rc;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	rc = write_all(fd, text, len);
	if (rc == 0 && fchmod(fd, 0644))
		rc = -errno;
	if (rc == 0 && fsync(fd))
		rc = -errno;
	if (close(fd) && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cvram_write_json_atomic(const char *path, json_object *doc)
{
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_SPACED);
	char *withnl;
	size_t len = strlen(text);
	int rc;

	withnl = malloc(len + 2);
	if (!withnl)
		return -ENOMEM;
	memcpy(withnl, text, len);
	withnl[len] = '\n';
	withnl[len + 1] = '\0';
	rc = cvram_write_text_atomic(path, withnl, len + 1);
	free(withnl);
	return rc;
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

void cvram_metrics_walk(json_object *o, const char *path, cvram_metric_fn fn, void *ctx)
{
	json_object *x;
	char sub[512];

	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			json_object *item = json_object_array_get_idx(o, i), *name;

			if (json_object_object_get_ex(item, "workload", &name))
				snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", json_object_get_string(name));
			else
				snprintf(sub, sizeof(sub), "%s%s%zu", path, *path ? "." : "", i);
			cvram_metrics_walk(item, sub, fn, ctx);
		}
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	if (json_object_object_get_ex(o, "unit", &x) &&
	    (json_object_object_get_ex(o, "summary", &x) || json_object_object_get_ex(o, "samples", &x))) {
		fn(ctx, path, o);
		return;
	}
	json_object_object_foreach(o, key, val) {
		if (!strcmp(key, "context") || !strcmp(key, "kernel_log"))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
		cvram_metrics_walk(val, sub, fn, ctx);
	}
}

/* One .dat row per metric that has a summary. */
static void dat_row(void *ctx, const char *path, json_object *metric)
{
	json_object *unit, *s;
	char line[700];

	if (!json_object_object_get_ex(metric, "summary", &s))
		return;
	json_object_object_get_ex(metric, "unit", &unit);
	snprintf(line, sizeof(line), "%s %s %.0f %.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", path,
		 json_object_get_string(unit), num(s, "n"), num(s, "min"), num(s, "median"), num(s, "mean"),
		 num(s, "max"), num(s, "ci95_lo"), num(s, "ci95_hi"), num(s, "p99"));
	dat_append(ctx, line);
}

int cvram_write_dat(const char *path, json_object *doc)
{
	struct dat_buf b = { NULL, 0, 0 };
	int rc;

	dat_append(&b, "# cvram metrics: path unit n min median mean max ci95_lo ci95_hi p99\n");
	cvram_metrics_walk(doc, "", dat_row, &b);
	rc = b.text ? cvram_write_text_atomic(path, b.text, b.len) : -ENOMEM;
	free(b.text);
	return rc;
}
