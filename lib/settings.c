/* SPDX-License-Identifier: GPL-2.0-only */
/* Noise control for benchmarks: a table of files and their quiet values,
 * and a journal of what was there, so that the settings come back even
 * when cvram itself is killed (see include/cvram/settings.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/settings.h"

#define JOURNAL_MAGIC "cvram-settings-journal 1"
#define JOURNAL_PREFIX "settings."

static const struct { const char *path, *quiet; } noisy[] = {
	{ "/proc/sys/kernel/numa_balancing", "0" },
	{ "/sys/kernel/mm/transparent_hugepage/enabled", "never" },
	{ "/sys/kernel/mm/transparent_hugepage/defrag", "never" },
};
#define NNOISY (sizeof(noisy) / sizeof(noisy[0]))

const char *cvram_settings_dir(void)
{
	const char *dir = getenv("CVRAM_STATE_DIR");

	return dir && *dir ? dir : "/run/cvram";
}

/* THP files show "always [madvise] never": the bracketed word is the value. */
static void current_value(const char *raw, char *out, size_t len)
{
	const char *open = strchr(raw, '['), *close = open ? strchr(open, ']') : NULL;

	size_t n;

	if (open && close)
		raw = open + 1;
	n = open && close ? (size_t)(close - raw) : strlen(raw);
	if (n >= len)
		n = len - 1;
	memcpy(out, raw, n);
	out[n] = '\0';
}

/* A journal's value is written back into sysfs: only a plain word. */
static int plain_value(const char *v)
{
	if (!*v || strlen(v) >= CVRAM_SETTING_VALUE_MAX)
		return 0;
	for (; *v; v++)
		if (!isalnum((unsigned char)*v) && *v != '-' && *v != '_')
			return 0;
	return 1;
}

static int known_path(const char *path)
{
	for (size_t i = 0; i < NNOISY; i++)
		if (!strcmp(path, noisy[i].path))
			return 1;
	return 0;
}

/* ---------------------------------------------------------- journal --- */

/* The journal says what every file held before the run, written (and on
 * disk) before anything is changed. */
static int journal_write(struct cvram_settings *st, char *err, size_t len)
{
	const char *dir = cvram_settings_dir();
	char tmp[sizeof(st->journal) + 8], text[512];
	size_t n;
	int fd, rc = 0;

	if (mkdir(dir, 0700) && errno != EEXIST) {
		snprintf(err, len, "--noise-off: cannot create the settings journal directory %s: %s", dir,
			 strerror(errno));
		return -1;
	}
	snprintf(st->journal, sizeof(st->journal), "%s/" JOURNAL_PREFIX "%d", dir, (int)getpid());
	n = (size_t)snprintf(text, sizeof(text), JOURNAL_MAGIC " pid=%d\n", (int)getpid());
	for (size_t i = 0; i < st->n && n < sizeof(text); i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s=%s\n", st->s[i].path, st->s[i].old);
	snprintf(tmp, sizeof(tmp), "%s.tmp", st->journal);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd))
		rc = -1;
	if (fd >= 0 && close(fd))
		rc = -1;
	if (rc || rename(tmp, st->journal)) {
		snprintf(err, len, "--noise-off: cannot write the settings journal %s: %s", st->journal,
			 strerror(errno));
		unlink(tmp);
		st->journal[0] = '\0';
		return -1;
	}
	return 0;
}

/* Is pid a cvram process that is still running? */
static int cvram_alive(int pid)
{
	char path[64], comm[64];

	if (pid <= 0 || (kill(pid, 0) && errno == ESRCH))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	return cvram_read_line(path, comm, sizeof(comm)) == 0 && !strncmp(comm, "cvram-", 6);
}

/* Parse one journal: its pid and the settings it holds; -1 if malformed
 * (a malformed journal is reported, never replayed). */
static int journal_read(const char *file, int *pid, char paths[][96], char values[][CVRAM_SETTING_VALUE_MAX],
			size_t *n)
{
	FILE *f = fopen(file, "r");
	char line[256];
	int ok;

	*n = 0;
	if (!f)
		return -1;
	ok = fgets(line, sizeof(line), f) && sscanf(line, JOURNAL_MAGIC " pid=%d", pid) == 1;
	while (ok && fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (!eq || *n == CVRAM_SETTINGS_MAX) {
			ok = 0;
			break;
		}
		*eq = '\0';
		ok = known_path(line) && plain_value(eq + 1);	/* so both fit */
		if (ok) {
			memcpy(paths[*n], line, strlen(line) + 1);
			memcpy(values[*n], eq + 1, strlen(eq + 1) + 1);
			(*n)++;
		}
	}
	fclose(f);
	return ok ? 0 : -1;
}

/* Replay one journal left by a run that did not finish. */
static int replay_one(const char *file, int *live)
{
	char paths[CVRAM_SETTINGS_MAX][96], values[CVRAM_SETTINGS_MAX][CVRAM_SETTING_VALUE_MAX];
	size_t n;
	int pid = 0, failed = 0;

	if (journal_read(file, &pid, paths, values, &n)) {
		cvram_err("settings journal %s is malformed: not replayed, remove it by hand", file);
		return 1;
	}
	if (pid == (int)getpid() || cvram_alive(pid)) {
		*live = pid;
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (cvram_write_file(paths[i], values[i])) {
			cvram_err("could not restore %s to '%s' (journal %s)", paths[i], values[i], file);
			failed++;
			continue;
		}
		cvram_err("restored %s to '%s' (left by cvram pid %d, which did not finish)", paths[i], values[i],
			  pid);
	}
	if (!failed)
		unlink(file);
	return failed;
}

int cvram_settings_replay(int *live_pid)
{
	const char *dir = cvram_settings_dir();
	DIR *d = opendir(dir);
	struct dirent *e;
	int failed = 0;

	*live_pid = 0;
	if (!d)
		return 0;	/* no journal was ever written */
	while ((e = readdir(d))) {
		char file[512];
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, JOURNAL_PREFIX, strlen(JOURNAL_PREFIX)) ||
		    (len > 4 && !strcmp(e->d_name + len - 4, ".tmp")))
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, e->d_name);
		failed += replay_one(file, live_pid);
	}
	closedir(d);
	return failed;
}

/* ------------------------------------------------------- the run ---- */

/* What every file holds now (files missing in this kernel left out). */
static void read_current(struct cvram_settings *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < NNOISY; i++) {
		struct cvram_saved_setting *s = &st->s[st->n];
		char raw[256];

		if (cvram_read_line(noisy[i].path, raw, sizeof(raw)))
			continue;	/* not in this kernel */
		s->path = noisy[i].path;
		s->quiet_value = noisy[i].quiet;
		current_value(raw, s->old, sizeof(s->old));
		st->n++;
	}
}

int cvram_settings_quiet(struct cvram_settings *st, char *err, size_t len)
{
	int live = 0;

	if (cvram_settings_replay(&live)) {
		snprintf(err, len, "--noise-off: a settings journal in %s could not be replayed (see above)",
			 cvram_settings_dir());
		return -1;
	}
	if (live) {
		snprintf(err, len, "--noise-off: cvram pid %d has the settings changed now; runs with --noise-off "
			 "cannot overlap", live);
		return -1;
	}
	read_current(st);
	if (journal_write(st, err, len))
		return -1;
	for (size_t i = 0; i < st->n; i++) {
		struct cvram_saved_setting *s = &st->s[i];
		int rc;

		if (strcmp(s->old, s->quiet_value) == 0)
			continue;
		rc = cvram_write_file(s->path, s->quiet_value);
		if (rc) {
			snprintf(err, len, "--noise-off: cannot write '%s' to %s: %s", s->quiet_value, s->path,
				 strerror(-rc));
			cvram_settings_restore(st);
			return -1;
		}
		s->changed = 1;
	}
	return 0;
}

int cvram_settings_restore(struct cvram_settings *st)
{
	int failed = 0;

	for (size_t i = 0; i < st->n; i++) {
		struct cvram_saved_setting *s = &st->s[i];

		if (!s->changed)
			continue;
		if (cvram_write_file(s->path, s->old)) {
			cvram_err("could not restore %s to '%s'", s->path, s->old);
			failed++;
			continue;
		}
		s->changed = 0;
	}
	if (!failed && st->journal[0]) {
		unlink(st->journal);	/* a failed one stays for --restore */
		st->journal[0] = '\0';
	}
	return failed;
}

/* Only open, write, close and unlink: this runs in a signal handler. */
void cvram_settings_restore_now(const struct cvram_settings *st)
{
	int failed = 0;

	for (size_t i = 0; i < st->n; i++) {
		const struct cvram_saved_setting *s = &st->s[i];
		int fd;

		if (!s->changed)
			continue;
		fd = open(s->path, O_WRONLY);
		if (fd < 0 || write(fd, s->old, strlen(s->old)) < 0)
			failed++;
		if (fd >= 0)
			close(fd);
	}
	if (!failed && st->journal[0])
		unlink(st->journal);
}

json_object *cvram_settings_json(const struct cvram_settings *st, int restored)
{
	json_object *o = json_object_new_object();

	for (size_t i = 0; i < st->n; i++) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "was", json_object_new_string(st->s[i].old));
		json_object_object_add(e, "set", json_object_new_string(st->s[i].quiet_value));
		json_object_object_add(e, "restored", json_object_new_boolean(restored));
		json_object_object_add(o, st->s[i].path, e);
	}
	return o;
}
