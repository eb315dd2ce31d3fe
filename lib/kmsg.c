/* SPDX-License-Identifier: GPL-2.0-only */
/* /dev/kmsg reader (record format: "prio,seq,usec,flag;text\n" followed by
 * optional " KEY=value" continuation lines; one record per read()). */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cvram/kmsg.h"

/* A read() shorter than the record fails with EINVAL and loses the record. */
#define KMSG_RECORD_MAX 8192
#define KMSG_KEEP_LINES 400

/* From vm/kernel-log-problems, the one list cvram-vm reads too. */
static const char *const problem_patterns[] = {
#include "kmsg-patterns.h"
	NULL,
};

#define NPATTERNS (sizeof(problem_patterns) / sizeof(problem_patterns[0]) - 1)

int cvram_kmsg_is_problem(const char *line)
{
	static regex_t re[NPATTERNS];
	static int compiled = -1;	/* -1 not yet, else how many compiled */

	if (compiled < 0) {
		compiled = 0;
		for (size_t i = 0; i < NPATTERNS; i++)
			if (regcomp(&re[compiled], problem_patterns[i], REG_EXTENDED | REG_NOSUB) == 0)
				compiled++;
	}
	for (int i = 0; i < compiled; i++)
		if (regexec(&re[i], line, 0, NULL, 0) == 0)
			return 1;
	return 0;
}

void cvram_kmsg_open(struct cvram_kmsg *k)
{
	k->why[0] = '\0';
	k->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0) {
		snprintf(k->why, sizeof(k->why), "cannot open /dev/kmsg: %s", strerror(errno));
		return;
	}
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		snprintf(k->why, sizeof(k->why), "cannot seek /dev/kmsg: %s", strerror(errno));
		close(k->fd);
		k->fd = -1;
	}
}

void cvram_kmsg_close(struct cvram_kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}

/* The text of a record: after the first ';', up to the first newline. */
static char *record_text(char *rec)
{
	char *text = strchr(rec, ';');

	if (!text)
		return NULL;
	text++;
	text[strcspn(text, "\n")] = '\0';
	return text;
}

static int matches_any(const char *line, json_object *expected)
{
	size_t n = expected ? json_object_array_length(expected) : 0;

	for (size_t i = 0; i < n; i++) {
		regex_t re;
		int hit;

		if (regcomp(&re, json_object_get_string(json_object_array_get_idx(expected, i)),
			    REG_EXTENDED | REG_NOSUB))
			continue;
		hit = regexec(&re, line, 0, NULL, 0) == 0;
		regfree(&re);
		if (hit)
			return 1;
	}
	return 0;
}

json_object *cvram_kmsg_collect(struct cvram_kmsg *k, json_object *expected, size_t *problems)
{
	json_object *o = json_object_new_object(), *lines = json_object_new_array();
	json_object *bad = json_object_new_array(), *known = json_object_new_array();
	char rec[KMSG_RECORD_MAX];
	size_t kept = 0, dropped = 0;

	*problems = 0;
	json_object_object_add(o, "source", json_object_new_string("/dev/kmsg"));
	json_object_object_add(o, "available", json_object_new_boolean(k->fd >= 0));
	if (k->fd < 0)
		json_object_object_add(o, "reason", json_object_new_string(k->why));
	for (;;) {
		ssize_t n = k->fd >= 0 ? read(k->fd, rec, sizeof(rec) - 1) : -1;
		char *text;

		if (n < 0 && errno == EPIPE) {	/* overrun: records were lost */
			dropped++;
			continue;
		}
		if (n <= 0)
			break;
		rec[n] = '\0';
		text = record_text(rec);
		if (!text)
			continue;
		if (kept++ < KMSG_KEEP_LINES)
			json_object_array_add(lines, json_object_new_string(text));
		if (!cvram_kmsg_is_problem(text))
			continue;
		if (matches_any(text, expected)) {
			json_object_array_add(known, json_object_new_string(text));
		} else {
			json_object_array_add(bad, json_object_new_string(text));
			(*problems)++;
		}
	}
	json_object_object_add(o, "lines", lines);
	json_object_object_add(o, "lines_total", json_object_new_int64((int64_t)kept));
	json_object_object_add(o, "overruns", json_object_new_int64((int64_t)dropped));
	json_object_object_add(o, "problems", bad);
	json_object_object_add(o, "expected", known);
	return o;
}
