/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing of sizes, durations, counts and comma-separated lists. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cvram/parse.h"

struct unit {
	const char *suffix;
	uint64_t mult;
};

static const struct unit size_units[] = {
	{ "", 1 }, { "B", 1 },
	{ "K", 1ull << 10 }, { "KB", 1ull << 10 }, { "KIB", 1ull << 10 },
	{ "M", 1ull << 20 }, { "MB", 1ull << 20 }, { "MIB", 1ull << 20 },
	{ "G", 1ull << 30 }, { "GB", 1ull << 30 }, { "GIB", 1ull << 30 },
	{ "T", 1ull << 40 }, { "TB", 1ull << 40 }, { "TIB", 1ull << 40 },
	{ NULL, 0 },
};

static const struct unit duration_units[] = {
	{ "", 1000 }, { "s", 1000 }, { "ms", 1 }, { "m", 60000 }, { "h", 3600000 },
	{ NULL, 0 },
};

/* Leading decimal digits of s into *v; *end after them. */
static int parse_digits(const char *s, uint64_t *v, const char **end, const char **why)
{
	uint64_t x = 0;

	if (!isdigit((unsigned char)*s)) {
		*why = *s ? "not a number" : "empty value";
		return -1;
	}
	for (; isdigit((unsigned char)*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (x > (UINT64_MAX - d) / 10) {
			*why = "too large";
			return -1;
		}
		x = x * 10 + d;
	}
	*v = x;
	*end = s;
	return 0;
}

static int parse_with_units(const char *s, const struct unit *units, int nocase,
			    uint64_t *out, const char **why)
{
	uint64_t v;
	const char *rest;

	if (parse_digits(s, &v, &rest, why))
		return -1;
	for (const struct unit *u = units; u->suffix; u++) {
		if (nocase ? strcasecmp(rest, u->suffix) : strcmp(rest, u->suffix))
			continue;
		if (v > UINT64_MAX / u->mult) {
			*why = "too large";
			return -1;
		}
		if (v == 0) {
			*why = "must be greater than zero";
			return -1;
		}
		*out = v * u->mult;
		return 0;
	}
	*why = "unknown unit suffix";
	return -1;
}

int cvram_parse_size(const char *s, uint64_t *out, const char **why)
{
	return parse_with_units(s, size_units, 1, out, why);
}

int cvram_parse_duration_ms(const char *s, uint64_t *out, const char **why)
{
	uint64_t ms;

	if (parse_with_units(s, duration_units, 0, &ms, why))
		return -1;
	if (ms > CVRAM_DURATION_MAX_MS) {
		*why = "longer than the limit of 7 days";
		return -1;
	}
	*out = ms;
	return 0;
}

int cvram_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **why)
{
	uint64_t v;
	const char *rest;

	if (parse_digits(s, &v, &rest, why))
		return -1;
	if (*rest) {
		*why = "not a number";
		return -1;
	}
	if (v < min) {
		*why = min == 1 ? "must be greater than zero" : "too small";
		return -1;
	}
	if (v > max) {
		*why = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

/* Split s at commas and parse each item with one of the two parsers. */
static int parse_list(const char *s, uint64_t min, uint64_t max, int sizes,
		      uint64_t *out, size_t *n, const char **why)
{
	char item[64];
	size_t count = 0;

	for (;;) {
		size_t len = strcspn(s, ",");
		int rc;

		if (len == 0 || len >= sizeof(item)) {
			*why = len ? "list item too long" : "empty list item";
			return -1;
		}
		if (count == CVRAM_LIST_MAX) {
			*why = "too many list items";
			return -1;
		}
		memcpy(item, s, len);
		item[len] = '\0';
		rc = sizes ? cvram_parse_size(item, &out[count], why)
			   : cvram_parse_uint(item, min, max, &out[count], why);
		if (rc)
			return -1;
		count++;
		if (!s[len])
			break;
		s += len + 1;
	}
	*n = count;
	return 0;
}

int cvram_parse_uint_list(const char *s, uint64_t min, uint64_t max, uint64_t *out, size_t *n,
			  const char **why)
{
	return parse_list(s, min, max, 0, out, n, why);
}

int cvram_parse_size_list(const char *s, uint64_t *out, size_t *n, const char **why)
{
	return parse_list(s, 0, 0, 1, out, n, why);
}

void cvram_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const names[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned i = 0;

	while (v >= 1024 && i + 1 < sizeof(names) / sizeof(names[0])) {
		v /= 1024;
		i++;
	}
	if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%llu %s", (unsigned long long)v, names[i]);
	else
		snprintf(buf, len, "%.1f %s", v, names[i]);
}
