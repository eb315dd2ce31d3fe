/* SPDX-License-Identifier: GPL-2.0-only */
/* The metrics API: every workload records parameters, metrics, operation
 * counts, integrity and details through these functions, into the fixed
 * places of a schema-2 result (results/schema/cvram-results-v2.schema.json). */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/parse.h"
#include "cvram/results.h"
#include "cvram/stats.h"
#include "cvram/workload.h"

static json_object *child(json_object *parent, const char *key, json_type type)
{
	json_object *o;

	if (!json_object_object_get_ex(parent, key, &o)) {
		o = type == json_type_array ? json_object_new_array() : json_object_new_object();
		json_object_object_add(parent, key, o);
	}
	return o;
}

static bool all_digits(const char *s)
{
	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* "k=v k=v" into {"k": "v" or integer}; NULL for no labels. */
static json_object *labels_new(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
static json_object *labels_new(const char *fmt, va_list ap)
{
	char text[512], *save = NULL;
	json_object *o;

	if (!fmt)
		return NULL;
	vsnprintf(text, sizeof(text), fmt, ap);
	o = json_object_new_object();
	for (char *kv = strtok_r(text, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(kv, '=');

		if (!eq || eq == kv)
			continue;
		*eq = '\0';
		json_object_object_add(o, kv, all_digits(eq + 1) ? json_object_new_int64(strtoll(eq + 1, NULL, 10)) :
								    json_object_new_string(eq + 1));
	}
	return o;
}

static json_object *metric_head(struct cvram_run *run, const char *name, const char *unit, enum cvram_better b,
				json_object *labels)
{
	json_object *m = json_object_new_object();

	json_object_object_add(m, "name", json_object_new_string(name));
	json_object_object_add(m, "unit", json_object_new_string(unit));
	json_object_object_add(m, "better", json_object_new_string(cvram_better_name(b)));
	if (labels)
		json_object_object_add(m, "labels", labels);
	json_object_array_add(child(run->result, "metrics", json_type_array), m);
	return m;
}

json_object *cvram_metric(struct cvram_run *run, const char *name, const char *unit, enum cvram_better better,
			  const double *samples, size_t n, const char *labels, ...)
{
	json_object *m, *arr = json_object_new_array();
	struct cvram_summary s;
	va_list ap;

	va_start(ap, labels);
	m = metric_head(run, name, unit, better, labels_new(labels, ap));
	va_end(ap);
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, json_object_new_double(samples[i]));
	json_object_object_add(m, "samples", arr);
	if (cvram_summarize(samples, n, &s) == 0)
		json_object_object_add(m, "summary", cvram_summary_json(&s));
	return m;
}

json_object *cvram_value(struct cvram_run *run, const char *name, const char *unit, enum cvram_better better,
			 double value, const char *labels, ...)
{
	json_object *m;
	va_list ap;

	va_start(ap, labels);
	m = metric_head(run, name, unit, better, labels_new(labels, ap));
	va_end(ap);
	json_object_object_add(m, "value", json_object_new_double(value));
	return m;
}

json_object *cvram_operation(struct cvram_run *run, const char *name, uint64_t count, uint64_t errors)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "count", json_object_new_uint64(count));
	json_object_object_add(o, "errors", json_object_new_uint64(errors));
	json_object_array_add(child(run->result, "operations", json_type_array), o);
	return o;
}

json_object *cvram_integrity(struct cvram_run *run, uint64_t bad_pages, json_object *failures)
{
	json_object *o = child(run->result, "integrity", json_type_object);

	json_object_object_add(o, "bad_pages", json_object_new_uint64(bad_pages));
	json_object_object_add(o, "failures", failures ? failures : json_object_new_array());
	return o;
}

void cvram_param(struct cvram_run *run, const char *name, json_object *value)
{
	json_object_object_add(child(run->result, "parameters", json_type_object), name, value);
}

void cvram_detail(struct cvram_run *run, const char *key, json_object *value)
{
	json_object_object_add(child(run->result, "details", json_type_object), key, value);
}

void cvram_detail_append(struct cvram_run *run, const char *key, json_object *value)
{
	json_object_array_add(child(child(run->result, "details", json_type_object), key, json_type_array), value);
}

void cvram_expect_kernel_log(struct cvram_run *run, const char *regex)
{
	json_object_array_add(child(run->result, "expected_kernel_log", json_type_array), json_object_new_string(regex));
}

void cvram_print_metric_row(const char *name, const char *unit, const double *samples, size_t n, bool first)
{
	struct cvram_summary s;

	if (first)
		printf("  %-22s %12s %12s %12s %7s %4s  %s\n", "metric", "median", "min", "max", "cv%", "n", "unit");
	if (cvram_summarize(samples, n, &s) == 0)
		printf("  %-22s %12.4g %12.4g %12.4g %7.2f %4zu  %s\n", name, s.median, s.min, s.max, 100 * s.cv,
		       s.n, unit);
}

void cvram_metric_ratio(json_object *metric, const struct cvram_ratio *r)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "geometric_mean", json_object_new_double(r->gmean));
	json_object_object_add(o, "ci95_lo", json_object_new_double(r->ci95_lo));
	json_object_object_add(o, "ci95_hi", json_object_new_double(r->ci95_hi));
	json_object_object_add(metric, "ratio_summary", o);
}

uint64_t cvram_largest_size(const struct cvram_opts *o)
{
	uint64_t most = 0;

	for (size_t i = 0; i < o->nsizes; i++)
		most = o->sizes[i] > most ? o->sizes[i] : most;
	return most;
}

int cvram_check_fits(const struct cvram_target *t, uint64_t bytes)
{
	if (!(t->caps & CVRAM_CAP_MIGRATE) || !t->mem_bytes || bytes <= t->mem_bytes)
		return 0;
	cvram_err("--size %llu: larger than the device memory (%llu bytes, %s)", (unsigned long long)bytes,
		  (unsigned long long)t->mem_bytes, t->mem_source);
	return -1;
}

/* MemAvailable from /proc/meminfo in bytes, 0 if unreadable. */
static uint64_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kib = 0;
	char line[128];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kib * 1024;
}

int cvram_check_fits_ram(uint64_t bytes)
{
	uint64_t avail = mem_available();
	char have[32];

	if (!avail || bytes <= avail)
		return 0;
	cvram_format_size(avail, have, sizeof(have));
	cvram_err("--size %llu: more than the memory available now (%s, MemAvailable in /proc/meminfo)",
		  (unsigned long long)bytes, have);
	return -1;
}

void cvram_preflight_add(struct cvram_preflight *pf, const char *check, const char *status, const char *fmt, ...)
{
	json_object *c = json_object_new_object();
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	json_object_object_add(c, "check", json_object_new_string(check));
	json_object_object_add(c, "status", json_object_new_string(status));
	json_object_object_add(c, "detail", json_object_new_string(detail));
	json_object_array_add(pf->checks, c);
	pf->failed += strcmp(status, "fail") == 0;
	pf->passed += strcmp(status, "pass") == 0;
	printf("  %-5s %-22s %s\n", strcmp(status, "pass") == 0 ? "PASS" : strcmp(status, "fail") == 0 ? "FAIL" : "info",
	       check, detail);
}
