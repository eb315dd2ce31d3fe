/* SPDX-License-Identifier: GPL-2.0-only */
/* The explicit list of cvram-bench workloads: one file each under bench/. */
#ifndef CVRAM_BENCH_WORKLOADS_H
#define CVRAM_BENCH_WORKLOADS_H

#include "cvram/workload.h"

extern const struct cvram_workload cvram_bench_smoke;
extern const struct cvram_workload cvram_bench_touch_bw;
extern const struct cvram_workload cvram_bench_touch_lat;
extern const struct cvram_workload cvram_bench_migrate;
extern const struct cvram_workload cvram_bench_fault;
extern const struct cvram_workload cvram_bench_self;

#endif
