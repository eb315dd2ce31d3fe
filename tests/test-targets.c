/* SPDX-License-Identifier: GPL-2.0-only */
/* Target probing: every target opens or says why not; host semantics. */
#include <errno.h>
#include <string.h>

#include "cvram/cvram.h"
#include "cvram/target.h"
#include "tap.h"

static void probe_all(void)
{
	for (size_t i = 0; cvram_targets[i]; i++) {
		struct cvram_target t;
		struct cvram_target_config cfg = { NULL, -1 };
		enum cvram_open_status st = cvram_target_open(&t, cvram_targets[i], &cfg);

		if (st == CVRAM_OPEN_OK)
			tap_ok(t.device[0] && t.location_source[0], "%s opens: %s (%s)", cvram_targets[i]->name,
			       t.device, cvram_kind_name(t.kind));
		else
			tap_ok(st == CVRAM_OPEN_UNAVAILABLE && t.reason[0], "%s unavailable with a reason: %s",
			       cvram_targets[i]->name, t.reason);
		cvram_target_close(&t);
	}
}

static void host_semantics(void)
{
	struct cvram_target t;
	struct cvram_target_config cfg = { NULL, -1 }, bad = { "/dev/nothing", -1 };
	struct cvram_migration m = { 0 };
	uint8_t loc[4];
	char *buf = cvram_map(4 * CVRAM_PAGE_SIZE);

	tap_ok(cvram_target_open(&t, cvram_target_find("host"), &bad) == CVRAM_OPEN_BAD_DEVICE,
	       "host refuses --device");
	tap_ok(cvram_target_open(&t, cvram_target_find("host"), &cfg) == CVRAM_OPEN_OK, "host opens");
	tap_ok(!(t.caps & CVRAM_CAP_MIGRATE), "host cannot migrate");
	tap_ok(cvram_migrate(&t, buf, 4, CVRAM_TO_DEVICE, &m) == -EOPNOTSUPP && m.failed == 4,
	       "migration reports unsupported, all pages failed");
	buf[0] = 1;
	buf[2 * CVRAM_PAGE_SIZE] = 1;
	tap_ok(t.ops->locate(&t, buf, 4, loc) == 0 && loc[0] == CVRAM_LOC_SYSTEM && loc[1] == CVRAM_LOC_NONE &&
	       loc[2] == CVRAM_LOC_SYSTEM, "touched pages are in system RAM, untouched ones absent");
	cvram_target_close(&t);
	cvram_unmap(buf, 4 * CVRAM_PAGE_SIZE);
}

static void lookup(void)
{
	char caps[128];

	tap_ok(cvram_target_find("nosuch") == NULL, "unknown target not found");
	tap_ok(cvram_target_find("dmirror") && cvram_target_find("numa"), "dmirror and numa are in the list");
	cvram_caps_format(CVRAM_CAP_MIGRATE | CVRAM_CAP_CPU_IN_PLACE, caps, sizeof(caps));
	tap_ok(strcmp(caps, "migrate cpu-in-place") == 0, "capabilities format (%s)", caps);
}

int main(void)
{
	size_t n = 0;

	while (cvram_targets[n])
		n++;
	tap_plan((int)n + 8);
	probe_all();
	host_semantics();
	lookup();
	return tap_done();
}
