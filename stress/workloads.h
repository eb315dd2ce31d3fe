/* SPDX-License-Identifier: GPL-2.0-only */
/* The explicit list of cvram-stress workloads: one file each under stress/. */
#ifndef CVRAM_STRESS_WORKLOADS_H
#define CVRAM_STRESS_WORKLOADS_H

#include "cvram/workload.h"

extern const struct cvram_workload cvram_stress_pingpong;
extern const struct cvram_workload cvram_stress_race;
extern const struct cvram_workload cvram_stress_partial;
extern const struct cvram_workload cvram_stress_teardown;
extern const struct cvram_workload cvram_stress_pressure;

#endif
