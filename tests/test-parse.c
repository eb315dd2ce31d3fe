/* SPDX-License-Identifier: GPL-2.0-only */
/* Sizes, durations, counts and lists, including every kind of bad input. */
#include <string.h>

#include "cvram/parse.h"
#include "tap.h"

static void size_ok(const char *s, uint64_t want)
{
	uint64_t v = 0;
	const char *why = NULL;

	tap_ok(cvram_parse_size(s, &v, &why) == 0 && v == want, "size '%s' = %llu", s, (unsigned long long)want);
}

static void size_bad(const char *s, const char *want_why)
{
	uint64_t v = 0;
	const char *why = "";

	tap_ok(cvram_parse_size(s, &v, &why) == -1 && strcmp(why, want_why) == 0,
	       "size '%s' refused: %s (got: %s)", s, want_why, why);
}

int main(void)
{
	uint64_t v, list[CVRAM_LIST_MAX];
	size_t n;
	const char *why;
	char buf[32];

	tap_plan(33);
	size_ok("4096", 4096);
	size_ok("4K", 4096);
	size_ok("64KiB", 65536);
	size_ok("1m", 1 << 20);
	size_ok("2G", 2ull << 30);
	size_ok("1T", 1ull << 40);
	size_ok("16MB", 16ull << 20);
	size_bad("0", "must be greater than zero");
	size_bad("0K", "must be greater than zero");
	size_bad("", "empty value");
	size_bad("abc", "not a number");
	size_bad("-4K", "not a number");
	size_bad("4X", "unknown unit suffix");
	size_bad("18446744073709551616", "too large");
	size_bad("17179869184G", "too large");

	tap_ok(cvram_parse_duration_ms("30s", &v, &why) == 0 && v == 30000, "duration 30s");
	tap_ok(cvram_parse_duration_ms("500ms", &v, &why) == 0 && v == 500, "duration 500ms");
	tap_ok(cvram_parse_duration_ms("2m", &v, &why) == 0 && v == 120000, "duration 2m");
	tap_ok(cvram_parse_duration_ms("7", &v, &why) == 0 && v == 7000, "bare duration is seconds");
	tap_ok(cvram_parse_duration_ms("5x", &v, &why) == -1, "duration with a bad unit refused");
	tap_ok(cvram_parse_duration_ms("18446744073710ms", &v, &why) == -1, "a duration that overflows the ns clock refused");
	tap_ok(cvram_parse_duration_ms("168h", &v, &why) == 0 && v == 604800000, "a duration of exactly 7 days accepted");
	tap_ok(cvram_parse_duration_ms("604801s", &v, &why) == -1, "a duration past 7 days refused");

	tap_ok(cvram_parse_uint("12", 1, 100, &v, &why) == 0 && v == 12, "uint in range");
	tap_ok(cvram_parse_uint("0", 1, 100, &v, &why) == -1 && strcmp(why, "must be greater than zero") == 0,
	       "uint zero refused when min is 1");
	tap_ok(cvram_parse_uint("101", 1, 100, &v, &why) == -1 && strcmp(why, "too large") == 0,
	       "uint above max refused");
	tap_ok(cvram_parse_uint("1e3", 1, 10000, &v, &why) == -1, "uint with trailing junk refused");

	tap_ok(cvram_parse_uint_list("1,2,4", 1, 64, list, &n, &why) == 0 && n == 3 && list[2] == 4,
	       "list 1,2,4");
	tap_ok(cvram_parse_uint_list("1,,4", 1, 64, list, &n, &why) == -1 && strcmp(why, "empty list item") == 0,
	       "list with an empty item refused");
	tap_ok(cvram_parse_uint_list("1,2,", 1, 64, list, &n, &why) == -1, "list with a trailing comma refused");
	tap_ok(cvram_parse_size_list("4K,1M", list, &n, &why) == 0 && n == 2 && list[1] == 1 << 20,
	       "size list 4K,1M");

	cvram_format_size(1536ull << 20, buf, sizeof(buf));
	tap_ok(strcmp(buf, "1.5 GiB") == 0, "format 1.5 GiB (%s)", buf);
	cvram_format_size(4096, buf, sizeof(buf));
	tap_ok(strcmp(buf, "4 KiB") == 0, "format 4 KiB (%s)", buf);
	return tap_done();
}
