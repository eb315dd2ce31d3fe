/* SPDX-License-Identifier: GPL-2.0-only */
/* Minimal TAP producer for the C unit tests. */
#ifndef CVRAM_TESTS_TAP_H
#define CVRAM_TESTS_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failed;

static void tap_plan(int n)
{
	printf("1..%d\n", n);
}

static int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

/* |got - want| <= tol. */
static int tap_near(double got, double want, double tol, const char *name) __attribute__((unused));
static int tap_near(double got, double want, double tol, const char *name)
{
	int ok = fabs(got - want) <= tol;

	if (!tap_ok(ok, "%s", name))
		printf("#   got %.12g, want %.12g (tolerance %g)\n", got, want, tol);
	return ok;
}

static void tap_skip_all(const char *reason) __attribute__((unused, noreturn));
static void tap_skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	exit(0);
}

static int tap_done(void)
{
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif
