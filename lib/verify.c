/* SPDX-License-Identifier: GPL-2.0-only */
/* Verification helpers shared by bench and stress workloads. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/pattern.h"
#include "cvram/verify.h"

static json_object *failure(const char *kind, const char *when, size_t page)
{
	json_object *f = json_object_new_object();

	json_object_object_add(f, "kind", json_object_new_string(kind));
	json_object_object_add(f, "when", json_object_new_string(when));
	json_object_object_add(f, "page", json_object_new_int64((int64_t)page));
	return f;
}

static void record_mismatch(const char *when, const struct cvram_mismatch *m, json_object *failures)
{
	char hex[2][24];

	snprintf(hex[0], sizeof(hex[0]), "0x%016" PRIx64, m->expected);
	snprintf(hex[1], sizeof(hex[1]), "0x%016" PRIx64, m->actual);
	cvram_err("data mismatch %s: page %zu offset %zu: expected %s, found %s", when, m->page, m->offset,
		  hex[0], hex[1]);
	if (failures) {
		json_object *f = failure("data", when, m->page);

		json_object_object_add(f, "offset", json_object_new_int64((int64_t)m->offset));
		json_object_object_add(f, "expected", json_object_new_string(hex[0]));
		json_object_object_add(f, "actual", json_object_new_string(hex[1]));
		json_object_array_add(failures, f);
	}
}

size_t cvram_verify_data(const char *when, const void *buf, size_t npages, uint32_t generation,
			 const uint32_t *gens, uint32_t writer, json_object *failures)
{
	struct cvram_mismatch m[CVRAM_VERIFY_REPORT_MAX];
	size_t bad = cvram_pattern_check_range(buf, npages, generation, gens, writer, m,
					       CVRAM_VERIFY_REPORT_MAX);

	for (size_t i = 0; i < bad && i < CVRAM_VERIFY_REPORT_MAX; i++)
		record_mismatch(when, &m[i], failures);
	if (bad > CVRAM_VERIFY_REPORT_MAX)
		cvram_err("data mismatch %s: %zu bad pages in all", when, bad);
	return bad;
}

static void record_misplaced(const char *when, size_t page, enum cvram_loc want, enum cvram_loc got,
			     json_object *failures)
{
	cvram_err("wrong location %s: page %zu: expected %s, found %s", when, page, cvram_loc_name(want),
		  cvram_loc_name(got));
	if (failures) {
		json_object *f = failure("location", when, page);

		json_object_object_add(f, "expected", json_object_new_string(cvram_loc_name(want)));
		json_object_object_add(f, "actual", json_object_new_string(cvram_loc_name(got)));
		json_object_array_add(failures, f);
	}
}

size_t cvram_verify_location(struct cvram_target *t, const char *when, const void *buf,
			     size_t npages, enum cvram_loc want, json_object *failures)
{
	uint8_t *loc = malloc(npages ? npages : 1);
	size_t bad = 0;
	int rc;

	if (!loc) {
		cvram_err("location check %s: out of memory", when);
		return npages;
	}
	rc = cvram_locate(t, buf, npages, loc);
	if (rc) {
		cvram_err("location check %s: %s", when, strerror(-rc));
		free(loc);
		return npages;
	}
	for (size_t i = 0; i < npages; i++) {
		if (loc[i] == want)
			continue;
		if (bad < CVRAM_VERIFY_REPORT_MAX)
			record_misplaced(when, i, want, (enum cvram_loc)loc[i], failures);
		bad++;
	}
	if (bad > CVRAM_VERIFY_REPORT_MAX)
		cvram_err("wrong location %s: %zu pages in all", when, bad);
	if (bad && t->location_hint[0]) {
		static int hinted;

		if (!hinted++)
			cvram_err("note: %s", t->location_hint);
	}
	free(loc);
	return bad;
}

void cvram_test_corrupt_hook(void *buf, size_t npages)
{
	static int fired;
	const char *env = getenv("CVRAM_TEST_CORRUPT_PAGE");
	char *end;
	unsigned long page;

	if (fired || !env || !*env)
		return;
	page = strtoul(env, &end, 10);
	if (*end || page >= npages)
		return;
	fired = 1;
	cvram_err("test hook: corrupting byte 100 of page %lu", page);
	((volatile char *)buf)[page * CVRAM_PAGE_SIZE + 100] ^= 0x40;
}

size_t cvram_count_at(struct cvram_target *t, const void *buf, size_t npages, enum cvram_loc want)
{
	uint8_t *loc = malloc(npages ? npages : 1);
	size_t n = 0;

	if (!loc || cvram_locate(t, buf, npages, loc)) {
		free(loc);
		return SIZE_MAX;
	}
	for (size_t i = 0; i < npages; i++)
		n += loc[i] == want;
	free(loc);
	return n;
}

void *cvram_map_placed(struct cvram_target *t, size_t npages, enum cvram_loc place,
		       void (*init)(void *buf, size_t bytes, void *arg), void *arg)
{
	size_t bytes = npages * CVRAM_PAGE_SIZE;
	struct cvram_migration m = { 0 };
	void *buf = cvram_map(bytes);
	int rc;

	if (!buf) {
		cvram_err("cannot map %zu bytes", bytes);
		return NULL;
	}
	init(buf, bytes, arg);
	if (place != CVRAM_LOC_DEVICE)
		return buf;
	rc = cvram_migrate(t, buf, npages, CVRAM_TO_DEVICE, &m);
	if (rc || m.failed) {
		cvram_err("placing %zu pages on %s: %s", npages, t->device,
			  rc ? strerror(-rc) : "not every page moved");
		cvram_unmap(buf, bytes);
		return NULL;
	}
	return buf;
}
