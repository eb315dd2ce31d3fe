#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# pingpong on host: CPU rewrites only, every page verified; reproducible seed.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

plan 6
run_workload "$stress" pingpong --target host --size 1M --duration 1s --seed 7
expect_pass "pingpong on host" system
check "the seed is recorded" test "$("$json_get" "$tmp/r.json" seed)" = 7
check "operation counts are recorded" sel "$tmp/r.json" pingpong/ops/cpu_write
finish
