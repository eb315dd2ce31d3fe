/* SPDX-License-Identifier: GPL-2.0-only */
/* Thread placement for OpenMP workloads, with hwloc when available. */
#ifndef CVRAM_AFFINITY_H
#define CVRAM_AFFINITY_H

#include <json-c/json.h>

enum cvram_bind {
	CVRAM_BIND_NONE,	/* leave placement to the scheduler */
	CVRAM_BIND_COMPACT,	/* thread i on PU i, filling cores in order */
	CVRAM_BIND_SCATTER,	/* spread threads over packages and cores */
};

const char *cvram_bind_name(enum cvram_bind b);
/* Bind the OpenMP thread pool of nthreads threads; returns a JSON array of
 * the PU (OS index) each thread ran on afterwards, or NULL for none. */
json_object *cvram_bind_threads(enum cvram_bind mode, int nthreads);
/* Number of processing units usable by this process. */
int cvram_pu_count(void);
/* Bytes of last-level cache of the machine (every LLC instance summed:
 * the working set of all threads shares all of them), from hwloc, else
 * sysfs cache index of cpu0 times the packages; 0 if unknown. source
 * names where it came from. */
unsigned long long cvram_llc_bytes(const char **source);

#endif
