/* SPDX-License-Identifier: GPL-2.0-only */
/* cvram-bench: measurements of coherent device memory. */
#include "cvram/cli.h"
#include "workloads.h"

static const struct cvram_workload *const workloads[] = {
	&cvram_bench_smoke,
	&cvram_bench_touch_bw,
	&cvram_bench_touch_lat,
	&cvram_bench_migrate,
	&cvram_bench_fault,
	&cvram_bench_self,
	NULL,
};

static const struct cvram_program program = {
	.name = "cvram-bench",
	.summary = "Benchmarks of CPU access to device memory and of page migration.",
	.workloads = workloads,
	.default_size = 16u << 20,
	.default_reps = 5,
	.default_duration_ms = 10000,
};

int main(int argc, char **argv)
{
	return cvram_main(&program, argc, argv);
}
