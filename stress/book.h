/* SPDX-License-Identifier: GPL-2.0-only */
/* The book of a stressed buffer: for every page, the generation its data
 * must carry (or "zero" after MADV_DONTNEED) and a lock that CPU writers,
 * readers and range operations take, so that every check knows exactly
 * what a page must hold. Migrations never take the locks: moving a page
 * under a CPU access is precisely what must not lose data. */
#ifndef CVRAM_STRESS_BOOK_H
#define CVRAM_STRESS_BOOK_H

#include <json-c/json.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cvram/pattern.h"

#define BOOK_ZERO UINT32_MAX	/* the page must read as zeros */

struct book {
	char *buf;
	size_t npages;
	uint32_t writer;
	_Atomic uint32_t *gens;
	atomic_flag *locks;
	pthread_mutex_t fail_lock;	/* guards failures and bad */
	json_object *failures;
	atomic_size_t bad;
};

int book_init(struct book *b, size_t npages, uint32_t writer);
void book_free(struct book *b);

void book_lock(struct book *b, size_t page);
void book_unlock(struct book *b, size_t page);
void book_lock_range(struct book *b, size_t first, size_t count);
void book_unlock_range(struct book *b, size_t first, size_t count);

/* Rewrite a page with its next generation (caller holds its lock). */
void book_write(struct book *b, size_t page);
/* Check a page against the book (caller holds its lock); records and
 * returns 1 if it is wrong. */
int book_check(struct book *b, size_t page, const char *when);
/* Lock, check, unlock every page of a range. */
size_t book_check_range(struct book *b, size_t first, size_t count, const char *when);
/* Same check without locks or allocation, for a forked child. */
int book_page_ok(const struct book *b, const char *page, size_t index, uint32_t gen);

#endif
