/* SPDX-License-Identifier: GPL-2.0-only */
/* Patterns: every page unique, and every kind of damage detected. */
#include <string.h>
#include <sys/mman.h>

#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "tap.h"

#define NPAGES 64

int main(void)
{
	static uint64_t buf[NPAGES * CVRAM_PAGE_SIZE / 8];
	struct cvram_mismatch m[4];
	uint32_t gens[NPAGES];
	struct cvram_stamp a = { 1, 1, 1 }, b = { 2, 1, 1 }, c = { 1, 2, 1 }, d = { 1, 1, 2 };
	char *p = (char *)buf;

	tap_plan(10);
	tap_ok(cvram_pattern_word(&a, 0) != cvram_pattern_word(&b, 0), "page index changes the pattern");
	tap_ok(cvram_pattern_word(&a, 0) != cvram_pattern_word(&c, 0), "generation changes the pattern");
	tap_ok(cvram_pattern_word(&a, 0) != cvram_pattern_word(&d, 0), "writer changes the pattern");
	tap_ok(cvram_pattern_word(&a, 0) != cvram_pattern_word(&a, 1), "words within a page differ");

	cvram_pattern_fill_range(buf, NPAGES, 7, 42);
	tap_ok(cvram_pattern_check_range(buf, NPAGES, 7, NULL, 42, m, 4) == 0, "a clean range verifies");

	p[5 * CVRAM_PAGE_SIZE + 1000] ^= 1;
	tap_ok(cvram_pattern_check_range(buf, NPAGES, 7, NULL, 42, m, 4) == 1 && m[0].page == 5 &&
	       m[0].offset == 1000 / 8 * 8, "one flipped bit: page 5, offset %zu", m[0].offset);
	p[5 * CVRAM_PAGE_SIZE + 1000] ^= 1;

	memcpy(p + 3 * CVRAM_PAGE_SIZE, p + 4 * CVRAM_PAGE_SIZE, CVRAM_PAGE_SIZE);
	tap_ok(cvram_pattern_check_range(buf, NPAGES, 7, NULL, 42, m, 4) == 1 && m[0].page == 3,
	       "a page holding another page's data is caught");
	cvram_pattern_fill_range(buf, NPAGES, 7, 42);

	tap_ok(cvram_pattern_check_range(buf, NPAGES, 8, NULL, 42, m, 4) == NPAGES, "stale generation: every page bad");
	memset(p + 9 * CVRAM_PAGE_SIZE, 0, CVRAM_PAGE_SIZE);
	tap_ok(cvram_pattern_check_range(buf, NPAGES, 7, NULL, 42, m, 4) == 1 && m[0].page == 9,
	       "a zeroed page (lost data) is caught");

	for (size_t i = 0; i < NPAGES; i++)
		gens[i] = 7;
	gens[9] = 8;
	{
		struct cvram_stamp s = { 9, 8, 42 };

		cvram_pattern_fill(p + 9 * CVRAM_PAGE_SIZE, &s);
	}
	tap_ok(cvram_pattern_check_range(buf, NPAGES, 0, gens, 42, m, 4) == 0, "per-page generations verify");
	return tap_done();
}
