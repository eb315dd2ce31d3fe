/* SPDX-License-Identifier: GPL-2.0-only */
/* Statistics against values computed by hand (and cross-checked with R). */
#include <math.h>
#include <string.h>

#include "cvram/stats.h"
#include "tap.h"

static void test_summary(void)
{
	/* 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7. */
	const double x[] = { 9, 2, 5, 4, 4, 7, 5, 4 };
	struct cvram_summary s;
	double sd = sqrt(32.0 / 7.0);
	/* t(0.975, 7) = 2.364624251592785 */
	double half = 2.364624251592785 * sd / sqrt(8.0);

	tap_ok(cvram_summarize(x, 8, &s) == 0, "summarize 8 samples");
	tap_near(s.min, 2, 0, "min");
	tap_near(s.max, 9, 0, "max");
	tap_near(s.mean, 5, 1e-12, "mean");
	tap_near(s.median, 4.5, 1e-12, "median of an even count");
	tap_near(s.stddev, sd, 1e-12, "sample standard deviation");
	tap_near(s.cv, sd / 5, 1e-12, "coefficient of variation");
	tap_near(s.ci95_lo, 5 - half, 1e-9, "95% CI lower bound");
	tap_near(s.ci95_hi, 5 + half, 1e-9, "95% CI upper bound");
	/* type 7: h = 7 * 0.9 = 6.3 -> 7 + 0.3 * (9 - 7) = 7.6 */
	tap_near(s.p90, 7.6, 1e-12, "p90 interpolated");
	tap_near(x[0], 9, 0, "input left unsorted");
	tap_near(cvram_percentile(x, 8, 90), 7.6, 1e-12, "percentile of unsorted samples");
}

static void test_edges(void)
{
	const double one[] = { 3.5 }, bad[] = { 1, NAN };
	struct cvram_summary s;

	tap_ok(cvram_summarize(one, 1, &s) == 0 && s.median == 3.5 && s.stddev == 0 &&
	       s.ci95_lo == 3.5 && s.ci95_hi == 3.5, "one sample: zero spread, CI collapses");
	tap_ok(cvram_summarize(one, 0, &s) == -1, "zero samples refused");
	tap_ok(cvram_summarize(bad, 2, &s) == -1, "NaN sample refused");
	{
		const double odd[] = { 3, 1, 2 };

		cvram_summarize(odd, 3, &s);
		tap_near(s.median, 2, 0, "median of an odd count");
	}
}

static void test_t(void)
{
	tap_near(cvram_t_quantile(0.975, 1), 12.706204736174707, 1e-6, "t quantile df=1");
	tap_near(cvram_t_quantile(0.975, 4), 2.7764451051977934, 1e-9, "t quantile df=4");
	tap_near(cvram_t_quantile(0.975, 30), 2.0422724563012373, 1e-9, "t quantile df=30");
	tap_near(cvram_t_quantile(0.975, 1e6), 1.959966, 1e-5, "t quantile large df ~ normal");
	tap_near(cvram_t_cdf(0, 5), 0.5, 1e-12, "t cdf at 0");
	tap_near(cvram_t_cdf(2.015048373333024, 5), 0.95, 1e-9, "t cdf df=5 at its 95% quantile");
	tap_near(cvram_betainc(2, 3, 0.4), 0.5248, 1e-12, "incomplete beta I_0.4(2,3)");
}

int main(void)
{
	tap_plan(23);
	test_summary();
	test_edges();
	test_t();
	return tap_done();
}
