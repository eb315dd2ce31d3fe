/* SPDX-License-Identifier: GPL-2.0-only */
/* The one statistics module: every summary in cvram comes from here. */
#ifndef CVRAM_STATS_H
#define CVRAM_STATS_H

#include <stddef.h>
#include <stdint.h>

struct cvram_summary {
	size_t n;
	double min, max, mean, median;
	double stddev;		/* sample standard deviation (n - 1) */
	double cv;		/* stddev / mean; 0 when mean is 0 */
	double ci95_lo, ci95_hi; /* 95% confidence interval of the mean (Student t) */
	double p90, p99;
};

/* Summarise n samples (n >= 1; the input is not modified). Returns 0, or
 * -1 for n == 0 or a non-finite sample. */
int cvram_summarize(const double *x, size_t n, struct cvram_summary *s);

/* A ratio measured as n pairs (ratio[i] = a_i / b_i, every one > 0): the
 * geometric mean and its 95% confidence interval (Student t on the logs,
 * so that one slow rep of either side does not dominate). Returns 0, or -1
 * for n == 0 or a ratio that is not finite and positive. */
struct cvram_ratio {
	size_t n;
	double gmean, ci95_lo, ci95_hi;
};
int cvram_ratio_summarize(const double *ratio, size_t n, struct cvram_ratio *r);
/* A ratio whose 95% interval is wider than this (hi/lo - 1) is unreliable:
 * the machine was too noisy to say. */
#define CVRAM_RATIO_CI_MAX 0.10
int cvram_ratio_unreliable(const struct cvram_ratio *r);

/* Percentile p in [0, 100] of sorted data, linear interpolation between
 * closest ranks (Hyndman-Fan type 7, as R and NumPy default). */
double cvram_percentile_sorted(const double *sorted, size_t n, double p);

double cvram_mean(const double *x, size_t n);
/* Percentile p of unsorted samples (as cvram_percentile_sorted); 0 for none. */
double cvram_percentile(const double *x, size_t n, double p);
double cvram_stddev(const double *x, size_t n);	/* sample, n - 1 */

/* Student t distribution: CDF and the quantile (inverse CDF) for df > 0. */
double cvram_t_cdf(double t, double df);
double cvram_t_quantile(double p, double df);

/* Regularized incomplete beta I_x(a, b). */
double cvram_betainc(double a, double b, double x);

void cvram_sort_doubles(double *x, size_t n);

/* log2 histogram of non-negative integers (for example nanoseconds):
 * bucket b counts values in [2^b, 2^(b+1)), bucket 0 also holds 0. */
#define CVRAM_HIST_BUCKETS 64
struct cvram_hist {
	uint64_t count[CVRAM_HIST_BUCKETS];
	uint64_t n;
};

void cvram_hist_add(struct cvram_hist *h, uint64_t v);

#endif
