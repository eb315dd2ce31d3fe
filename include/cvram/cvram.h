/* SPDX-License-Identifier: GPL-2.0-only */
/* cvram: common definitions shared by libcvram, cvram-bench and cvram-stress. */
#ifndef CVRAM_CVRAM_H
#define CVRAM_CVRAM_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses of every cvram program (documented in cvram(1)). */
enum cvram_exit {
	CVRAM_EXIT_OK = 0,	/* ran, everything verified */
	CVRAM_EXIT_FAIL = 1,	/* ran, found a failure (data, location, kernel log) */
	CVRAM_EXIT_USAGE = 2,	/* bad option, value, device or file */
	CVRAM_EXIT_SKIP = 77,	/* target not available here; reason printed */
	CVRAM_EXIT_ERROR = 99,	/* harness error: worker crashed, deadline, I/O */
};

#define CVRAM_PAGE_SIZE 4096u

/* Nanoseconds on CLOCK_MONOTONIC_RAW: not slewed by NTP. */
uint64_t cvram_now_ns(void);

/* Message helpers: "<prog>: <message>" on stderr. */
void cvram_set_progname(const char *name);
const char *cvram_progname(void);
void cvram_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read the first line of a small file into buf (newline stripped).
 * Returns 0, or -errno. */
int cvram_read_line(const char *path, char *buf, size_t len);

/* Write text to an existing file (sysfs, procfs, cgroupfs). 0 or -errno. */
int cvram_write_file(const char *path, const char *text);

#endif
