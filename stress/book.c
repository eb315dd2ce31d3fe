/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-page expectations and locks for the stress workloads. */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "book.h"
#include "cvram/cvram.h"
#include "cvram/target.h"

#define BOOK_REPORT_MAX 20

int book_init(struct book *b, size_t npages, uint32_t writer)
{
	memset(b, 0, sizeof(*b));
	b->npages = npages;
	b->writer = writer;
	b->buf = cvram_map(npages * CVRAM_PAGE_SIZE);
	b->gens = calloc(npages, sizeof(*b->gens));
	b->locks = calloc(npages, sizeof(*b->locks));
	b->failures = json_object_new_array();
	pthread_mutex_init(&b->fail_lock, NULL);
	if (!b->buf || !b->gens || !b->locks)
		return -1;
	for (size_t i = 0; i < npages; i++) {
		atomic_flag_clear(&b->locks[i]);
		book_write(b, i);
	}
	return 0;
}

void book_free(struct book *b)
{
	cvram_unmap(b->buf, b->npages * CVRAM_PAGE_SIZE);
	free((void *)b->gens);
	free(b->locks);
	pthread_mutex_destroy(&b->fail_lock);
}

void book_lock(struct book *b, size_t page)
{
	while (atomic_flag_test_and_set_explicit(&b->locks[page], memory_order_acquire))
		sched_yield();
}

void book_unlock(struct book *b, size_t page)
{
	atomic_flag_clear_explicit(&b->locks[page], memory_order_release);
}

void book_lock_range(struct book *b, size_t first, size_t count)
{
	for (size_t i = first; i < first + count; i++)
		book_lock(b, i);
}

void book_unlock_range(struct book *b, size_t first, size_t count)
{
	for (size_t i = first; i < first + count; i++)
		book_unlock(b, i);
}

void book_write(struct book *b, size_t page)
{
	uint32_t gen = atomic_load(&b->gens[page]) + 1;
	struct cvram_stamp s;

	if (gen == BOOK_ZERO || gen == 0)
		gen = 1;
	s = (struct cvram_stamp){ page, gen, b->writer };
	cvram_pattern_fill(b->buf + page * CVRAM_PAGE_SIZE, &s);
	atomic_store(&b->gens[page], gen);
}

int book_page_ok(const struct book *b, const char *page, size_t index, uint32_t gen)
{
	struct cvram_stamp s = { index, gen, b->writer };
	struct cvram_mismatch m;

	if (gen != BOOK_ZERO)
		return cvram_pattern_check(page, &s, &m) == 0;
	for (size_t w = 0; w < CVRAM_PAGE_SIZE / 8; w++)
		if (((const volatile uint64_t *)page)[w])
			return 0;
	return 1;
}

static void record(struct book *b, size_t page, uint32_t gen, const char *when)
{
	const char *p = b->buf + page * CVRAM_PAGE_SIZE;
	struct cvram_stamp s = { page, gen, b->writer };
	struct cvram_mismatch m = { page, 0, 0, *(const uint64_t *)p };
	char hex[2][24];

	if (gen != BOOK_ZERO)
		cvram_pattern_check(p, &s, &m);
	else
		for (size_t w = 0; w < CVRAM_PAGE_SIZE / 8 && !m.actual; w++)
			m = (struct cvram_mismatch){ page, w * 8, 0, ((const uint64_t *)p)[w] };
	snprintf(hex[0], sizeof(hex[0]), "0x%016" PRIx64, m.expected);
	snprintf(hex[1], sizeof(hex[1]), "0x%016" PRIx64, m.actual);
	pthread_mutex_lock(&b->fail_lock);
	if (json_object_array_length(b->failures) < BOOK_REPORT_MAX) {
		json_object *f = json_object_new_object();

		cvram_err("data mismatch %s: page %zu offset %zu: expected %s, found %s", when, page, m.offset, hex[0],
			  hex[1]);
		json_object_object_add(f, "kind", json_object_new_string("data"));
		json_object_object_add(f, "when", json_object_new_string(when));
		json_object_object_add(f, "page", json_object_new_int64((int64_t)page));
		json_object_object_add(f, "offset", json_object_new_int64((int64_t)m.offset));
		json_object_object_add(f, "expected", json_object_new_string(hex[0]));
		json_object_object_add(f, "actual", json_object_new_string(hex[1]));
		json_object_object_add(f, "generation", json_object_new_int64(gen));
		json_object_array_add(b->failures, f);
	}
	pthread_mutex_unlock(&b->fail_lock);
}

int book_check(struct book *b, size_t page, const char *when)
{
	uint32_t gen = atomic_load(&b->gens[page]);

	if (book_page_ok(b, b->buf + page * CVRAM_PAGE_SIZE, page, gen))
		return 0;
	atomic_fetch_add(&b->bad, 1);
	record(b, page, gen, when);
	return 1;
}

size_t book_check_range(struct book *b, size_t first, size_t count, const char *when)
{
	size_t bad = 0;

	for (size_t i = first; i < first + count; i++) {
		book_lock(b, i);
		bad += (size_t)book_check(b, i, when);
		book_unlock(b, i);
	}
	return bad;
}
