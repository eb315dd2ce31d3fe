/* SPDX-License-Identifier: GPL-2.0-only */
/* Descriptive statistics and the Student t distribution. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void cvram_sort_doubles(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

double cvram_mean(const double *x, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += x[i];
	return n ? sum / (double)n : 0;
}

double cvram_stddev(const double *x, size_t n)
{
	double m = cvram_mean(x, n), ss = 0;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return sqrt(ss / (double)(n - 1));
}

double cvram_percentile_sorted(const double *sorted, size_t n, double p)
{
	double h;
	size_t lo;

	if (n == 0)
		return NAN;
	if (p <= 0)
		return sorted[0];
	if (p >= 100)
		return sorted[n - 1];
	h = (double)(n - 1) * p / 100.0;
	lo = (size_t)h;
	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

/* Continued fraction for the incomplete beta function (modified Lentz). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double c = 1, d = 1 - (a + b) * x / (a + 1), h;

	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (int m = 1; m <= 300; m++) {
		double m2 = 2.0 * m, aa, del;

		aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

double cvram_betainc(double a, double b, double x)
{
	double front;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x));
	/* The continued fraction converges fast only on one side of the mean. */
	if (x < (a + 1) / (a + b + 2))
		return front * betacf(a, b, x) / a;
	return 1 - front * betacf(b, a, 1 - x) / b;
}

double cvram_t_cdf(double t, double df)
{
	double tail = 0.5 * cvram_betainc(df / 2, 0.5, df / (df + t * t));

	return t >= 0 ? 1 - tail : tail;
}

double cvram_t_quantile(double p, double df)
{
	double lo = -1e3, hi = 1e3;

	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	/* Bisection: the CDF is monotonic; 200 halvings reach double precision. */
	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (cvram_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

double cvram_percentile(const double *x, size_t n, double p)
{
	double *sorted, v;

	if (n == 0 || !(sorted = malloc(n * sizeof(*sorted))))
		return 0;
	memcpy(sorted, x, n * sizeof(*sorted));
	cvram_sort_doubles(sorted, n);
	v = cvram_percentile_sorted(sorted, n, p);
	free(sorted);
	return v;
}

int cvram_summarize(const double *x, size_t n, struct cvram_summary *s)
{
	double *sorted;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return -1;
	sorted = malloc(n * sizeof(*sorted));
	if (!sorted)
		return -1;
	memcpy(sorted, x, n * sizeof(*sorted));
	cvram_sort_doubles(sorted, n);
	s->n = n;
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->mean = cvram_mean(sorted, n);
	s->median = cvram_percentile_sorted(sorted, n, 50);
	s->p90 = cvram_percentile_sorted(sorted, n, 90);
	s->p99 = cvram_percentile_sorted(sorted, n, 99);
	s->stddev = cvram_stddev(sorted, n);
	s->cv = s->mean != 0 ? s->stddev / fabs(s->mean) : 0;
	if (n >= 2) {
		double half = cvram_t_quantile(0.975, (double)(n - 1)) * s->stddev / sqrt((double)n);

		s->ci95_lo = s->mean - half;
		s->ci95_hi = s->mean + half;
	} else {
		s->ci95_lo = s->ci95_hi = s->mean;
	}
	free(sorted);
	return 0;
}

int cvram_ratio_summarize(const double *ratio, size_t n, struct cvram_ratio *r)
{
	struct cvram_summary s;
	double *logs;
	int rc;

	memset(r, 0, sizeof(*r));
	if (n == 0 || !(logs = malloc(n * sizeof(*logs))))
		return -1;
	for (size_t i = 0; i < n; i++)
		logs[i] = isfinite(ratio[i]) && ratio[i] > 0 ? log(ratio[i]) : NAN;
	rc = cvram_summarize(logs, n, &s);
	free(logs);
	if (rc)
		return -1;
	r->n = n;
	r->gmean = exp(s.mean);
	r->ci95_lo = exp(s.ci95_lo);
	r->ci95_hi = exp(s.ci95_hi);
	return 0;
}

int cvram_ratio_unreliable(const struct cvram_ratio *r)
{
	return r->ci95_hi / r->ci95_lo - 1 > CVRAM_RATIO_CI_MAX;
}

void cvram_hist_add(struct cvram_hist *h, uint64_t v)
{
	unsigned b = v ? 63u - (unsigned)__builtin_clzll(v) : 0;

	h->count[b]++;
	h->n++;
}
