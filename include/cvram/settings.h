/* SPDX-License-Identifier: GPL-2.0-only */
/* Noise control: switch off automatic NUMA balancing and THP for a run and
 * put back exactly what was there, whatever way the run ends. */
#ifndef CVRAM_SETTINGS_H
#define CVRAM_SETTINGS_H

#include <json-c/json.h>
#include <stddef.h>

#define CVRAM_SETTINGS_MAX 4

struct cvram_saved_setting {
	const char *path;
	const char *quiet_value;
	char old[64];
	int changed;
};

struct cvram_settings {
	struct cvram_saved_setting s[CVRAM_SETTINGS_MAX];
	size_t n;
};

/* Write the quiet values; on failure restore what was changed, fill err
 * with one line and return -1. Files that do not exist are skipped. */
int cvram_settings_quiet(struct cvram_settings *st, char *err, size_t len);
/* Put back every changed value; returns the number that failed. */
int cvram_settings_restore(struct cvram_settings *st);
/* {path: {"was": old, "set": new, "restored": bool}} */
json_object *cvram_settings_json(const struct cvram_settings *st, int restored);

#endif
