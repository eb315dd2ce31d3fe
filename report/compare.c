/* SPDX-License-Identifier: GPL-2.0-only */
/* cvram-compare BASE... -- NEW...: two sets of runs in, one row per metric
 * out: both medians, the change in percent with a 95% confidence interval,
 * Welch's t-test, and a verdict that respects the metric's direction and a
 * threshold. Exit 1 when something regressed beyond the threshold.
 *
 * Metrics are matched by their key (workload/name{labels}), never by where
 * they sit in a document; documents of schema version 1 are upgraded first
 * (lib/upgrade.c). Samples of a metric are pooled over the runs of a set
 * (every repetition of every run); metrics with a single value (ratios and
 * other derived figures) are left out: they have no spread to test. The change and its interval are those of the means
 * (Welch-Satterthwaite degrees of freedom), relative to the base mean.
 *
 * A metric that only one set has (a workload that did not run, a metric
 * renamed) is listed as not compared; it is never "unchanged".
 *
 * Exit status: 0 every metric compared and nothing regressed, 1 a
 * regression, 2 bad usage or input (file, line or reason named), 3 no
 * regression, but some comparison could not be made (a metric in only one
 * set, no metric in both, runs of different targets), 99 internal error. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/results.h"
#include "cvram/stats.h"

#define MAX_METRICS 4096
#define EXIT_REGRESSED 1
#define EXIT_NOT_COMPARED 3

enum direction { HIGHER_BETTER, LOWER_BETTER, NO_DIRECTION };
enum format { FMT_TEXT, FMT_MARKDOWN, FMT_JSON };

struct series {
	double *x;
	size_t n, cap;
};

struct metric {
	char *path;
	char unit[72];
	enum direction dir;
	struct series set[2];	/* 0 base, 1 new */
};

struct compare {
	struct metric m[MAX_METRICS];
	size_t n;
	double threshold;	/* percent */
	double alpha;
	enum format fmt;
	bool force;
	char target[2][160];	/* what each set measured: target/kind */
};


static int push(struct series *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		double *x = realloc(s->x, cap * sizeof(*x));

		if (!x)
			return -1;
		s->x = x;
		s->cap = cap;
	}
	s->x[s->n++] = v;
	return 0;
}

static struct metric *find_metric(struct compare *c, const char *path, const char *unit, const char *better)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->m[i].path, path))
			return &c->m[i];
	if (c->n == MAX_METRICS)
		return NULL;
	c->m[c->n].path = strdup(path);
	snprintf(c->m[c->n].unit, sizeof(c->m[c->n].unit), "%s", unit);
	c->m[c->n].dir = !strcmp(better, "higher") ? HIGHER_BETTER : !strcmp(better, "lower") ? LOWER_BETTER :
			 NO_DIRECTION;
	return &c->m[c->n++];
}

struct collecting {
	struct compare *c;
	int set;
};

/* The samples of one metric into its series of this set. */
static void collect(void *ctx, const char *workload, json_object *metric)
{
	struct collecting *k = ctx;
	json_object *unit, *better, *samples;
	struct metric *m;
	char path[600];

	if (!json_object_object_get_ex(metric, "samples", &samples) || !json_object_is_type(samples, json_type_array))
		return;
	json_object_object_get_ex(metric, "unit", &unit);
	json_object_object_get_ex(metric, "better", &better);
	cvram_metric_key(workload, metric, path, sizeof(path));
	m = find_metric(k->c, path, json_object_get_string(unit), json_object_get_string(better));
	for (size_t i = 0; m && i < json_object_array_length(samples); i++)
		push(&m->set[k->set], json_object_get_double(json_object_array_get_idx(samples, i)));
}

static const char *get_str(json_object *o, const char *a, const char *b)
{
	json_object *x;

	if (!json_object_object_get_ex(o, a, &x) || !json_object_object_get_ex(x, b, &x))
		return "?";
	return json_object_get_string(x);
}

/* Load one results document into a set; one line and -1 on bad input. */
static int load(struct compare *c, const char *file, int set)
{
	char what[160], err[600];
	json_object *doc = cvram_results_load(file, err, sizeof(err)), *ctx;

	if (!doc) {
		cvram_err("%s", err);
		return -1;
	}
	if (!json_object_object_get_ex(doc, "context", &ctx) || !json_object_is_type(ctx, json_type_object)) {
		cvram_err("%s: no context object at .context", file);
		json_object_put(doc);
		return -1;
	}
	snprintf(what, sizeof(what), "%s/%s", get_str(ctx, "target", "name"), get_str(ctx, "target", "kind"));
	if (!c->target[set][0])
		snprintf(c->target[set], sizeof(c->target[set]), "%s", what);
	else if (strcmp(c->target[set], what) && !c->force) {
		cvram_err("%s: target %s differs from %s in the same set (--force to compare anyway)", file, what,
			  c->target[set]);
		json_object_put(doc);
		return -1;
	}
	cvram_metrics_each(doc, collect, &(struct collecting){ c, set });
	json_object_put(doc);
	return 0;
}

struct verdict {
	double base_median, new_median, change, ci_lo, ci_hi, p;
	const char *word;
	bool regressed;
};

/* Welch's t-test on the means; change and interval relative to the base mean. */
static void judge(const struct compare *c, const struct metric *m, struct verdict *v)
{
	const struct series *a = &m->set[0], *b = &m->set[1];
	struct cvram_summary sa, sb;
	enum direction dir = m->dir;
	double va, vb, se, df, t, tq, worse;

	memset(v, 0, sizeof(*v));
	v->word = "unchanged";
	v->p = 1;
	if (cvram_summarize(a->x, a->n, &sa) || cvram_summarize(b->x, b->n, &sb)) {
		v->word = "no data";
		return;
	}
	v->base_median = sa.median;
	v->new_median = sb.median;
	if (sa.mean == 0)
		return;
	v->change = 100 * (sb.mean - sa.mean) / fabs(sa.mean);
	va = sa.stddev * sa.stddev / (double)a->n;
	vb = sb.stddev * sb.stddev / (double)b->n;
	se = sqrt(va + vb);
	if (a->n < 2 || b->n < 2 || se == 0) {
		v->ci_lo = v->ci_hi = v->change;
		v->p = sa.mean == sb.mean ? 1 : 0;
	} else {
		df = (va + vb) * (va + vb) / (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
		t = (sb.mean - sa.mean) / se;
		v->p = 2 * (1 - cvram_t_cdf(fabs(t), df));
		tq = cvram_t_quantile(0.975, df);
		v->ci_lo = 100 * (sb.mean - sa.mean - tq * se) / fabs(sa.mean);
		v->ci_hi = 100 * (sb.mean - sa.mean + tq * se) / fabs(sa.mean);
	}
	if (v->p >= c->alpha || fabs(v->change) < c->threshold)
		return;
	if (dir == NO_DIRECTION) {
		v->word = "changed";
		return;
	}
	worse = dir == HIGHER_BETTER ? -v->change : v->change;
	v->regressed = worse > 0;
	v->word = v->regressed ? "regressed" : "improved";
}

static void print_row(const struct compare *c, const struct metric *m, const struct verdict *v, json_object *arr)
{
	if (c->fmt == FMT_TEXT)
		printf("%-58s %-9s %12.5g %12.5g %+8.2f%% [%+8.2f, %+8.2f] %8.2g  %s\n", m->path, m->unit,
		       v->base_median, v->new_median, v->change, v->ci_lo, v->ci_hi, v->p, v->word);
	else if (c->fmt == FMT_MARKDOWN)
		printf("| %s | %s | %.5g | %.5g | %+.2f%% | [%+.2f, %+.2f] | %.2g | %s |\n", m->path, m->unit,
		       v->base_median, v->new_median, v->change, v->ci_lo, v->ci_hi, v->p, v->word);
	else {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "metric", json_object_new_string(m->path));
		json_object_object_add(o, "unit", json_object_new_string(m->unit));
		json_object_object_add(o, "base_median", json_object_new_double(v->base_median));
		json_object_object_add(o, "new_median", json_object_new_double(v->new_median));
		json_object_object_add(o, "change_percent", json_object_new_double(v->change));
		json_object_object_add(o, "ci95_percent_lo", json_object_new_double(v->ci_lo));
		json_object_object_add(o, "ci95_percent_hi", json_object_new_double(v->ci_hi));
		json_object_object_add(o, "p_value", json_object_new_double(v->p));
		json_object_object_add(o, "base_samples", json_object_new_int64((int64_t)m->set[0].n));
		json_object_object_add(o, "new_samples", json_object_new_int64((int64_t)m->set[1].n));
		json_object_object_add(o, "verdict", json_object_new_string(v->word));
		json_object_array_add(arr, o);
	}
}

/* A metric that only one set has: a row that says so, and no verdict. */
static void print_missing(const struct compare *c, const struct metric *m, json_object *arr)
{
	const char *why = m->set[0].n ? "not compared: missing from the new runs" :
					"not compared: no baseline (only in the new runs)";

	if (c->fmt == FMT_TEXT)
		printf("%-58s %-9s %12s %12s %9s %20s %8s  %s\n", m->path, m->unit, "-", "-", "-", "-", "-", why);
	else if (c->fmt == FMT_MARKDOWN)
		printf("| %s | %s | - | - | - | - | - | %s |\n", m->path, m->unit, why);
	else {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "metric", json_object_new_string(m->path));
		json_object_object_add(o, "unit", json_object_new_string(m->unit));
		json_object_object_add(o, "base_samples", json_object_new_int64((int64_t)m->set[0].n));
		json_object_object_add(o, "new_samples", json_object_new_int64((int64_t)m->set[1].n));
		json_object_object_add(o, "verdict", json_object_new_string("not compared"));
		json_object_object_add(o, "reason", json_object_new_string(why));
		json_object_array_add(arr, o);
	}
}

static void print_header(const struct compare *c)
{
	if (c->fmt == FMT_TEXT)
		printf("%-58s %-9s %12s %12s %9s %20s %8s  %s\n", "metric", "unit", "base median", "new median",
		       "change", "95% CI of change", "p", "verdict");
	else if (c->fmt == FMT_MARKDOWN)
		printf("| metric | unit | base median | new median | change | 95%% CI | p | verdict |\n"
		       "|---|---|---|---|---|---|---|---|\n");
}

static int report(struct compare *c)
{
	json_object *arr = json_object_new_array(), *doc;
	size_t regressed = 0, compared = 0, missing = 0;

	print_header(c);
	for (size_t i = 0; i < c->n; i++) {
		struct verdict v;

		if (!c->m[i].set[0].n || !c->m[i].set[1].n) {
			print_missing(c, &c->m[i], arr);
			missing++;
			continue;
		}
		judge(c, &c->m[i], &v);
		print_row(c, &c->m[i], &v, arr);
		regressed += v.regressed;
		compared++;
	}
	if (c->fmt == FMT_JSON) {
		doc = json_object_new_object();
		json_object_object_add(doc, "test", json_object_new_string("Welch's t-test on the means, two-sided"));
		json_object_object_add(doc, "alpha", json_object_new_double(c->alpha));
		json_object_object_add(doc, "threshold_percent", json_object_new_double(c->threshold));
		json_object_object_add(doc, "base_target", json_object_new_string(c->target[0]));
		json_object_object_add(doc, "new_target", json_object_new_string(c->target[1]));
		json_object_object_add(doc, "metrics", arr);
		json_object_object_add(doc, "regressed", json_object_new_int64((int64_t)regressed));
		json_object_object_add(doc, "not_compared", json_object_new_int64((int64_t)missing));
		printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY));
		json_object_put(doc);
	} else {
		json_object_put(arr);
		printf("%s%zu metrics compared (Welch's t-test, alpha %.2g, threshold %.1f%%): %zu regressed, "
		       "%zu not compared\n", c->fmt == FMT_MARKDOWN ? "\n" : "", compared, c->alpha, c->threshold,
		       regressed, missing);
	}
	if (regressed)
		return EXIT_REGRESSED;
	if (compared == 0) {
		cvram_err("no comparison made: no metric appears in both sets");
		return EXIT_NOT_COMPARED;
	}
	return missing ? EXIT_NOT_COMPARED : CVRAM_EXIT_OK;
}

static int usage_error(const char *what)
{
	cvram_err("%s (usage: cvram-compare [--threshold PCT] [--alpha A] [--format text|markdown|json] [--force] "
		  "BASE.json... -- NEW.json...)", what);
	return CVRAM_EXIT_USAGE;
}

static int parse_options(struct compare *c, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "threshold", required_argument, NULL, 't' }, { "alpha", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },    { "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
	};
	int opt;
	char *end;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		switch (opt) {
		case 't':
			c->threshold = strtod(optarg, &end);
			if (*end || end == optarg || !isfinite(c->threshold) || c->threshold < 0 || c->threshold > 1000) {
				cvram_err("--threshold '%s': not a percentage in [0, 1000]", optarg);
				return CVRAM_EXIT_USAGE;
			}
			break;
		case 'a':
			c->alpha = strtod(optarg, &end);
			if (*end || end == optarg || !isfinite(c->alpha) || c->alpha <= 0 || c->alpha >= 1) {
				cvram_err("--alpha '%s': not a probability in (0, 1)", optarg);
				return CVRAM_EXIT_USAGE;
			}
			break;
		case 'f':
			c->fmt = !strcmp(optarg, "text") ? FMT_TEXT : !strcmp(optarg, "markdown") ? FMT_MARKDOWN :
				 !strcmp(optarg, "json") ? FMT_JSON : (enum format)-1;
			if ((int)c->fmt < 0) {
				cvram_err("--format '%s': not text, markdown or json", optarg);
				return CVRAM_EXIT_USAGE;
			}
			break;
		case 'F':
			c->force = true;
			break;
		case 'h':
			printf("Usage: cvram-compare [--threshold PCT] [--alpha A] [--format text|markdown|json] [--force] "
			       "BASE.json... -- NEW.json...\nExit status: 0 no regression, 1 regression, 2 bad usage or input,\n"
			       "3 some comparison could not be made (metric in one set only, different targets).\n");
			return CVRAM_EXIT_OK;
		default:
			cvram_err("unknown option '%s'", argv[optind - 1]);
			return CVRAM_EXIT_USAGE;
		}
	}
	return -1;
}

static void compare_free(struct compare *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->m[i].path);
		free(c->m[i].set[0].x);
		free(c->m[i].set[1].x);
	}
	free(c);
}

/* Everything after the options: the two sets, then the report. */
static int run(struct compare *c, int argc, char **argv)
{
	int sep = -1, set = 0, rc = parse_options(c, argc, argv);

	if (rc >= 0)
		return rc;
	for (int i = optind; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			sep = i;
	if (sep < 0)
		return usage_error("no '--' between the base and the new runs");
	if (sep == optind)
		return usage_error("the base set is empty");
	if (sep == argc - 1)
		return usage_error("the new set is empty");
	for (int i = optind; i < argc; i++) {
		if (i == sep) {
			set = 1;
			continue;
		}
		if (load(c, argv[i], set))
			return CVRAM_EXIT_USAGE;
	}
	if (strcmp(c->target[0], c->target[1]) && !c->force) {
		cvram_err("no comparison made: base runs measured %s, new runs %s (--force to compare anyway)",
			  c->target[0], c->target[1]);
		return EXIT_NOT_COMPARED;
	}
	return report(c);
}

int main(int argc, char **argv)
{
	struct compare *c = calloc(1, sizeof(*c));
	int rc;

	cvram_set_progname("cvram-compare");
	if (!c)
		return CVRAM_EXIT_ERROR;
	c->threshold = 5;
	c->alpha = 0.05;
	rc = run(c, argc, argv);
	compare_free(c);
	return rc;
}
