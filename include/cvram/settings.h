/* SPDX-License-Identifier: GPL-2.0-only */
/* Noise control: switch off automatic NUMA balancing and THP for a run and
 * put back exactly what was there, whatever way the run ends:
 * - normally, and after SIGINT/SIGTERM/SIGHUP: the parent restores them;
 * - the parent killed (SIGKILL): the worker gets its parent-death signal
 *   and restores them before it exits (cvram_settings_restore_now);
 * - both killed: the journal the parent wrote before changing anything
 *   (CVRAM_STATE_DIR, default /run/cvram, settings.PID) is replayed by the
 *   next --noise-off run, or by `cvram-bench --restore`. */
#ifndef CVRAM_SETTINGS_H
#define CVRAM_SETTINGS_H

#include <json-c/json.h>
#include <stddef.h>

#define CVRAM_SETTINGS_MAX 4
#define CVRAM_SETTING_VALUE_MAX 64

struct cvram_saved_setting {
	const char *path;
	const char *quiet_value;
	char old[CVRAM_SETTING_VALUE_MAX];
	int changed;
};

struct cvram_settings {
	struct cvram_saved_setting s[CVRAM_SETTINGS_MAX];
	size_t n;
	char journal[256];	/* this run's journal, "" when none */
};

/* Where journals live: $CVRAM_STATE_DIR or /run/cvram. */
const char *cvram_settings_dir(void);
/* Replay the journals of runs that are gone (each restored value is said on
 * stderr) and remove them. *live_pid: a cvram run that holds a journal now
 * (0 if none). Returns the number of settings that could not be restored,
 * a malformed journal counting as one. */
int cvram_settings_replay(int *live_pid);
/* Replay stale journals, write this run's journal, then the quiet values;
 * on failure restore what was changed, fill err with one line and return
 * -1. Files that do not exist are skipped. */
int cvram_settings_quiet(struct cvram_settings *st, char *err, size_t len);
/* Put back every changed value and remove the journal; returns the number
 * that failed (the journal then stays, for --restore). */
int cvram_settings_restore(struct cvram_settings *st);
/* The same with async-signal-safe calls only, for a signal handler. */
void cvram_settings_restore_now(const struct cvram_settings *st);
/* {path: {"was": old, "set": new, "restored": bool}} */
json_object *cvram_settings_json(const struct cvram_settings *st, int restored);

#endif
