/* SPDX-License-Identifier: GPL-2.0-only */
/* Page patterns that encode where a page belongs, so that any page that is
 * lost, duplicated, stale or swapped with another is detected by content. */
#ifndef CVRAM_PATTERN_H
#define CVRAM_PATTERN_H

#include <stddef.h>
#include <stdint.h>

/* Who wrote a page and when: every word of the page depends on all three. */
struct cvram_stamp {
	uint64_t page;		/* page index within the buffer */
	uint32_t generation;	/* bumped on every rewrite */
	uint32_t writer;	/* thread or process id of the writer */
};

struct cvram_mismatch {
	size_t page;
	size_t offset;		/* byte offset within the page */
	uint64_t expected, actual;
};

/* Word w of a page stamped s. */
uint64_t cvram_pattern_word(const struct cvram_stamp *s, size_t w);
void cvram_pattern_fill(void *page, const struct cvram_stamp *s);
/* 0 when the page matches; -1 and *m filled for the first bad word. */
int cvram_pattern_check(const void *page, const struct cvram_stamp *s, struct cvram_mismatch *m);

/* Whole buffers where page i carries stamp {i, generation, writer}. */
void cvram_pattern_fill_range(void *buf, size_t npages, uint32_t generation, uint32_t writer);
/* Number of bad pages; the first max_report are described in m[]. Page i
 * is expected at generation gens[i], or at generation when gens is NULL. */
size_t cvram_pattern_check_range(const void *buf, size_t npages, uint32_t generation,
				 const uint32_t *gens, uint32_t writer,
				 struct cvram_mismatch *m, size_t max_report);

#endif
