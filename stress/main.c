/* SPDX-License-Identifier: GPL-2.0-only */
/* cvram-stress: tries to break the kernel's device-memory paths and proves,
 * page by page, that no data was lost. */
#include "cvram/cli.h"
#include "workloads.h"

static const struct cvram_workload *const workloads[] = {
	&cvram_stress_pingpong,
	&cvram_stress_race,
	&cvram_stress_partial,
	&cvram_stress_teardown,
	&cvram_stress_pressure,
	NULL,
};

static const struct cvram_program program = {
	.name = "cvram-stress",
	.summary = "Stress tests of page migration with per-page integrity checks.",
	.workloads = workloads,
	.default_size = 8u << 20,
	.default_reps = 1,
	.default_duration_ms = 10000,
};

int main(int argc, char **argv)
{
	return cvram_main(&program, argc, argv);
}
