/* SPDX-License-Identifier: GPL-2.0-only */
/* Selectors (include/cvram/select.h): parse, match, aggregate. */
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/select.h"

static const char *const stats[] = { "n", "min", "max", "mean", "median", "stddev", "cv", "ci95_lo",
				     "ci95_hi", "p90", "p99", "value", "buckets", NULL };

static bool word_char(char c, const char *extra)
{
	return c && (isalnum((unsigned char)c) || strchr("_-", c) || (extra && strchr(extra, c)));
}

/* Copy a word of allowed characters from *p into out; -1 if empty or long. */
static int take_word(const char **p, char *out, size_t len, const char *extra)
{
	size_t n = 0;

	while (word_char((*p)[n], extra))
		n++;
	if (n == 0 || n >= len)
		return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	return 0;
}

static bool in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

static int parse_labels(const char **p, struct cvram_selector *s, const char **why)
{
	if (**p != '{')
		return 0;
	(*p)++;
	for (;;) {
		if (s->nlabels == CVRAM_SELECT_LABELS) {
			*why = "too many labels";
			return -1;
		}
		if (take_word(p, s->labels[s->nlabels].key, CVRAM_SELECT_WORD, NULL) || *(*p)++ != '=' ||
		    take_word(p, s->labels[s->nlabels].value, CVRAM_SELECT_WORD, ".:/%+")) {
			*why = "labels must read {key=value,...}";
			return -1;
		}
		s->nlabels++;
		if (**p == '}') {
			(*p)++;
			return 0;
		}
		if (*(*p)++ != ',') {
			*why = "labels must read {key=value,...}";
			return -1;
		}
	}
}

static int parse_metric(const char *p, struct cvram_selector *s, const char **why)
{
	s->kind = CVRAM_SEL_METRIC;
	strcpy(s->field, "median");
	if (take_word(&p, s->name, sizeof(s->name), ".")) {
		*why = "no metric name";
		return -1;
	}
	if (parse_labels(&p, s, why))
		return -1;
	if (*p == ':' && (p++, take_word(&p, s->field, sizeof(s->field), NULL) || !in_list(s->field, stats))) {
		*why = "unknown statistic (n min max mean median stddev cv ci95_lo ci95_hi p90 p99 value buckets)";
		return -1;
	}
	if (*p) {
		*why = "unexpected text after the metric";
		return -1;
	}
	return 0;
}

static int parse_part(const char *p, struct cvram_selector *s, const char **why)
{
	if (!strcmp(p, "exit_status")) {
		s->kind = CVRAM_SEL_STATUS;
		return 0;
	}
	if (!strncmp(p, "integrity/", 10) || !strncmp(p, "details/", 8)) {
		bool integrity = p[0] == 'i';

		s->kind = integrity ? CVRAM_SEL_INTEGRITY : CVRAM_SEL_DETAIL;
		p += integrity ? 10 : 8;
		if (take_word(&p, s->name, sizeof(s->name), integrity ? NULL : ".") || *p) {
			*why = "bad key after integrity/ or details/";
			return -1;
		}
		return 0;
	}
	if (!strncmp(p, "ops/", 4)) {
		static const char *const fields[] = { "count", "errors", "pages", NULL };

		s->kind = CVRAM_SEL_OP;
		p += 4;
		strcpy(s->field, "count");
		if (take_word(&p, s->name, sizeof(s->name), NULL) ||
		    (*p == ':' && (p++, take_word(&p, s->field, sizeof(s->field), NULL) || !in_list(s->field, fields))) ||
		    *p) {
			*why = "operations read WL/ops/NAME[:count|errors|pages]";
			return -1;
		}
		return 0;
	}
	return parse_metric(p, s, why);
}

int cvram_selector_parse(const char *text, struct cvram_selector *s, const char **why)
{
	const char *p = text;

	memset(s, 0, sizeof(*s));
	if (!strcmp(text, "exit_status")) {
		s->kind = CVRAM_SEL_DOC_STATUS;
		return 0;
	}
	if (!strcmp(text, "kernel_log/problems")) {
		s->kind = CVRAM_SEL_DOC_PROBLEMS;
		return 0;
	}
	if (*p == '*') {
		strcpy(s->workload, "*");
		p++;
	} else if (take_word(&p, s->workload, sizeof(s->workload), NULL)) {
		*why = "expected WORKLOAD/... (or exit_status, kernel_log/problems)";
		return -1;
	}
	if (*p++ != '/') {
		*why = "expected '/' after the workload";
		return -1;
	}
	return parse_part(p, s, why);
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	return json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static void add(json_object *out, json_object *v)
{
	if (v)
		json_object_array_add(out, json_object_get(v));
}

static bool labels_match(const struct cvram_selector *s, json_object *metric)
{
	json_object *labels = get(metric, "labels"), *v;

	for (size_t i = 0; i < s->nlabels; i++) {
		v = get(labels, s->labels[i].key);
		if (!v || strcmp(json_object_get_string(v), s->labels[i].value))
			return false;
	}
	return true;
}

static void match_metrics(const struct cvram_selector *s, json_object *r, json_object *out)
{
	json_object *metrics = get(r, "metrics");

	for (size_t i = 0; json_object_is_type(metrics, json_type_array) && i < json_object_array_length(metrics); i++) {
		json_object *m = json_object_array_get_idx(metrics, i), *name = get(m, "name");

		if (!name || strcmp(json_object_get_string(name), s->name) || !labels_match(s, m))
			continue;
		if (!strcmp(s->field, "buckets")) {	/* how many histogram buckets are filled */
			json_object *b = get(get(m, "histogram"), "buckets");

			if (json_object_is_type(b, json_type_array))
				json_object_array_add(out, json_object_new_int64((int64_t)json_object_array_length(b)));
			continue;
		}
		add(out, get(m, "value") ? get(m, "value") :
			 !strcmp(s->field, "value") ? NULL : get(get(m, "summary"), s->field));
	}
}

static void match_ops(const struct cvram_selector *s, json_object *r, json_object *out)
{
	json_object *ops = get(r, "operations");

	for (size_t i = 0; json_object_is_type(ops, json_type_array) && i < json_object_array_length(ops); i++) {
		json_object *o = json_object_array_get_idx(ops, i), *name = get(o, "name");

		if (name && !strcmp(json_object_get_string(name), s->name))
			add(out, get(o, s->field));
	}
}

/* details/a.b.2.c: keys, and array items by number. */
static json_object *detail(json_object *o, const char *path)
{
	char copy[CVRAM_SELECT_WORD * 4], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", path);
	for (char *k = strtok_r(copy, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = isdigit((unsigned char)k[0]) ? json_object_array_get_idx(o, strtoul(k, NULL, 10)) : NULL;
		else
			o = get(o, k);
	}
	return o;
}

static void match_result(const struct cvram_selector *s, json_object *r, json_object *out)
{
	switch (s->kind) {
	case CVRAM_SEL_STATUS:
		add(out, get(r, "exit_status"));
		break;
	case CVRAM_SEL_INTEGRITY:
		add(out, get(get(r, "integrity"), s->name));
		break;
	case CVRAM_SEL_OP:
		match_ops(s, r, out);
		break;
	case CVRAM_SEL_DETAIL:
		add(out, detail(get(r, "details"), s->name));
		break;
	case CVRAM_SEL_METRIC:
		match_metrics(s, r, out);
		break;
	default:
		break;
	}
}

void cvram_selector_match(const struct cvram_selector *s, json_object *doc, json_object *out)
{
	json_object *results = get(doc, "results"), *problems;

	if (s->kind == CVRAM_SEL_DOC_STATUS) {
		add(out, get(doc, "exit_status"));
		return;
	}
	if (s->kind == CVRAM_SEL_DOC_PROBLEMS) {
		problems = get(get(doc, "kernel_log"), "problems");
		if (json_object_is_type(problems, json_type_array))
			json_object_array_add(out, json_object_new_int64((int64_t)json_object_array_length(problems)));
		return;
	}
	for (size_t i = 0; json_object_is_type(results, json_type_array) && i < json_object_array_length(results); i++) {
		json_object *r = json_object_array_get_idx(results, i), *wl = get(r, "workload");

		if (wl && (!strcmp(s->workload, "*") || !strcmp(json_object_get_string(wl), s->workload)))
			match_result(s, r, out);
	}
}

int cvram_agg_parse(const char *text, enum cvram_agg *out)
{
	static const char *const names[] = { "sum", "min", "max", "count", "nonzero", "first", NULL };

	for (int i = 0; names[i]; i++) {
		if (!strcmp(text, names[i])) {
			*out = (enum cvram_agg)i;
			return 0;
		}
	}
	return -1;
}

int cvram_aggregate(enum cvram_agg agg, json_object *matches, double *out, const char **why)
{
	size_t n = json_object_array_length(matches);
	double acc = 0;

	if (agg == CVRAM_AGG_COUNT) {
		*out = (double)n;
		return 0;
	}
	if (n == 0) {
		*why = "not measured (no such value in the document)";
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(matches, i);
		double x;

		if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_boolean)) {
			*why = "the value is not a number";
			return -1;
		}
		x = json_object_get_double(v);
		if (!isfinite(x)) {
			*why = "the value is not a finite number";
			return -1;
		}
		if (agg == CVRAM_AGG_FIRST) {
			acc = x;
			break;
		}
		acc = agg == CVRAM_AGG_SUM ? acc + x : agg == CVRAM_AGG_NONZERO ? acc + (x != 0) :
		      i == 0 ? x : agg == CVRAM_AGG_MIN ? fmin(acc, x) : fmax(acc, x);
	}
	*out = acc;
	return 0;
}
