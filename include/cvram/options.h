/* SPDX-License-Identifier: GPL-2.0-only */
/* Option tables (struct cvram_option rows, include/cvram/workload.h). */
#ifndef CVRAM_OPTIONS_H
#define CVRAM_OPTIONS_H

#include "cvram/workload.h"

/* The options every program takes, rows into struct cvram_opts. */
extern const struct cvram_option cvram_shared_options[];

/* Parse arg by the row's type into base + offset. 0, or -1 with why. */
int cvram_option_set(const struct cvram_option *opt, void *base, const char *arg, const char **why);
/* Number of items a list option holds in base (1 for other types). */
size_t cvram_option_list_len(const struct cvram_option *opt, const void *base);
/* "  --name METAVAR   help" per row. */
void cvram_options_help(const struct cvram_option *table);

#endif
