/* SPDX-License-Identifier: GPL-2.0-only */
/* Page patterns: every 64-bit word depends on page index, generation,
 * writer and its own position, so misplaced or stale data never matches. */
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/pattern.h"

#define WORDS_PER_PAGE (CVRAM_PAGE_SIZE / sizeof(uint64_t))

/* splitmix64 finaliser: cheap and every input bit affects every output bit. */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static uint64_t page_seed(const struct cvram_stamp *s)
{
	return mix(s->page * 0x9e3779b97f4a7c15ull ^ ((uint64_t)s->generation << 32 | s->writer));
}

uint64_t cvram_pattern_word(const struct cvram_stamp *s, size_t w)
{
	return mix(page_seed(s) + w);
}

void cvram_pattern_fill(void *page, const struct cvram_stamp *s)
{
	uint64_t *p = page, seed = page_seed(s);

	for (size_t w = 0; w < WORDS_PER_PAGE; w++)
		p[w] = mix(seed + w);
}

int cvram_pattern_check(const void *page, const struct cvram_stamp *s, struct cvram_mismatch *m)
{
	const volatile uint64_t *p = page;
	uint64_t seed = page_seed(s);

	for (size_t w = 0; w < WORDS_PER_PAGE; w++) {
		uint64_t want = mix(seed + w), got = p[w];

		if (got != want) {
			m->page = (size_t)s->page;
			m->offset = w * sizeof(uint64_t);
			m->expected = want;
			m->actual = got;
			return -1;
		}
	}
	return 0;
}

void cvram_pattern_fill_range(void *buf, size_t npages, uint32_t generation, uint32_t writer)
{
	for (size_t i = 0; i < npages; i++) {
		struct cvram_stamp s = { i, generation, writer };

		cvram_pattern_fill((char *)buf + i * CVRAM_PAGE_SIZE, &s);
	}
}

size_t cvram_pattern_check_range(const void *buf, size_t npages, uint32_t generation,
				 const uint32_t *gens, uint32_t writer,
				 struct cvram_mismatch *m, size_t max_report)
{
	size_t bad = 0;

	for (size_t i = 0; i < npages; i++) {
		struct cvram_stamp s = { i, gens ? gens[i] : generation, writer };
		struct cvram_mismatch one;

		if (cvram_pattern_check((const char *)buf + i * CVRAM_PAGE_SIZE, &s, &one) == 0)
			continue;
		if (bad < max_report)
			m[bad] = one;
		bad++;
	}
	return bad;
}
