/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing of user-supplied numbers: sizes, durations, counts and lists. */
#ifndef CVRAM_PARSE_H
#define CVRAM_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define CVRAM_LIST_MAX 32

/* Every parser returns 0 or -1 and, on -1, a short reason in why
 * (for example "not a number" or "too large"). */

/* "4096", "64K", "64KiB", "1M", "2G", "1T" (binary multiples). Zero refused. */
int cvram_parse_size(const char *s, uint64_t *out, const char **why);
/* "30", "30s", "500ms", "2m", "1h" -> milliseconds. Zero refused, and so
 * is anything longer than CVRAM_DURATION_MAX_MS: deadlines are computed in
 * nanoseconds on a 64-bit clock, and no run of cvram lasts a week. */
#define CVRAM_DURATION_MAX_MS (7ull * 24 * 3600 * 1000)
int cvram_parse_duration_ms(const char *s, uint64_t *out, const char **why);
/* Unsigned decimal in [min, max]. */
int cvram_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **why);
/* Comma-separated list of counts ("1,2,4") or sizes ("4K,1M"). */
int cvram_parse_uint_list(const char *s, uint64_t min, uint64_t max,
			  uint64_t *out, size_t *n, const char **why);
int cvram_parse_size_list(const char *s, uint64_t *out, size_t *n, const char **why);

/* Format bytes as "64 KiB", "1.5 GiB". */
void cvram_format_size(uint64_t bytes, char *buf, size_t len);

#endif
