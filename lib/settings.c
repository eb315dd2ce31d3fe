/* SPDX-License-Identifier: GPL-2.0-only */
/* Noise control for benchmarks: a table of files and their quiet values. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cvram/cvram.h"
#include "cvram/settings.h"

static const struct { const char *path, *quiet; } noisy[] = {
	{ "/proc/sys/kernel/numa_balancing", "0" },
	{ "/sys/kernel/mm/transparent_hugepage/enabled", "never" },
	{ "/sys/kernel/mm/transparent_hugepage/defrag", "never" },
};

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

int cvram_settings_quiet(struct cvram_settings *st, char *err, size_t len)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < sizeof(noisy) / sizeof(noisy[0]); i++) {
		struct cvram_saved_setting *s = &st->s[st->n];
		char raw[256];
		int rc;

		if (cvram_read_line(noisy[i].path, raw, sizeof(raw)))
			continue;	/* not in this kernel */
		s->path = noisy[i].path;
		s->quiet_value = noisy[i].quiet;
		current_value(raw, s->old, sizeof(s->old));
		st->n++;
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
	return failed;
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
