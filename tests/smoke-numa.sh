#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smoke on a CPU-less NUMA node: move_pages there and back, data verified.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

run_workload "$bench" smoke --target numa --size 4M --reps 2 $noise_off
skip_if_unavailable
plan 5
expect_pass "smoke on the first CPU-less node" numa-node
got=$(sel "$tmp/r.json" smoke/ops/to_device:pages)
check "every page moved to the node in both reps (moved_to_device=$got)" test "$got" = 2048
finish
