/* Metrics and parameters of a workload: into its JSON result and a table. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cvram/cli.h"
#include "cvram/cvram.h"
#include "cvram/results.h"
#include "cvram/stats.h"

static json_object *child_object(json_object *parent, const char *key)
{
	json_object *o;

	if (!json_object_object_get_ex(parent, key, &o)) {
		o = json_object_new_object();
		json_object_object_add(parent, key, o);
	}
	return o;
}

void cvram_param(struct cvram_run *run, const char *name, json_object *value)
{
	json_object_object_add(child_object(run->result, "parameters"), name, value);
}

void cvram_metric(struct cvram_run *run, const char *name, const char *unit,
		  const double *samples, size_t n)
{
	struct cvram_summary s;
	json_object *metrics = child_object(run->result, "metrics");
	json_object *m = cvram_metric_new(unit, samples, n);

	json_object_object_add(metrics, name, m);
	if (json_object_object_length(metrics) == 1)
		printf("  %-22s %12s %12s %12s %7s %4s  %s\n", "metric", "median", "min", "max", "cv%", "n", "unit");
	if (cvram_summarize(samples, n, &s) == 0)
		printf("  %-22s %12.4g %12.4g %12.4g %7.2f %4zu  %s\n", name, s.median, s.min, s.max,
		       100 * s.cv, s.n, unit);
}

void cvram_expect_kernel_log(struct cvram_run *run, const char *regex)
{
	json_object *arr;

	if (!json_object_object_get_ex(run->result, "expected_kernel_log", &arr)) {
		arr = json_object_new_array();
		json_object_object_add(run->result, "expected_kernel_log", arr);
	}
	json_object_array_add(arr, json_object_new_string(regex));
}

int cvram_check_fits(const struct cvram_run *run, uint64_t bytes)
{
	const struct cvram_target *t = run->target;

	if (!(t->caps & CVRAM_CAP_MIGRATE) || !t->mem_bytes || bytes <= t->mem_bytes)
		return 0;
	cvram_err("--size %llu: larger than the device memory (%llu bytes, %s)", (unsigned long long)bytes,
		  (unsigned long long)t->mem_bytes, t->mem_source);
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
