/* SPDX-License-Identifier: GPL-2.0-only */
/* Page-by-page verification of data and location, with failures recorded
 * in the results and named on stderr. */
#ifndef CVRAM_VERIFY_H
#define CVRAM_VERIFY_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "cvram/target.h"

/* At most this many failures per check are printed and recorded. */
#define CVRAM_VERIFY_REPORT_MAX 10

/* Check that page i of buf carries stamp {i, gens ? gens[i] : generation,
 * writer}. Returns the number of bad pages; describes the first ones. */
size_t cvram_verify_data(const char *when, const void *buf, size_t npages, uint32_t generation,
			 const uint32_t *gens, uint32_t writer, json_object *failures);

/* Check that every page is at want. Returns the number of misplaced pages
 * (all pages if the target cannot say where they are). */
size_t cvram_verify_location(struct cvram_target *t, const char *when, const void *buf,
			     size_t npages, enum cvram_loc want, json_object *failures);

/* Pages of buf at want right now, or SIZE_MAX if the target cannot say. */
size_t cvram_count_at(struct cvram_target *t, const void *buf, size_t npages, enum cvram_loc want);

/* Map npages and, for place == CVRAM_LOC_DEVICE, migrate them all to the
 * device (after init(buf) has populated them). NULL with a message on
 * failure; a partial move is a failure. */
void *cvram_map_placed(struct cvram_target *t, size_t npages, enum cvram_loc place,
		       void (*init)(void *buf, size_t bytes, void *arg), void *arg);

/* Test hook: if CVRAM_TEST_CORRUPT_PAGE=N names a page of buf, flip one
 * byte of it, once per process, from the harness side. Proves that the
 * checkers catch a corrupted page. */
void cvram_test_corrupt_hook(void *buf, size_t npages);

#endif
