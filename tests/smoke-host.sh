#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smoke on host: fills and verifies every page, reports migration unsupported.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

plan 8
run_workload "$bench" smoke --target host --size 2M --reps 2
expect_pass "smoke on host" system
check "host reports migration unsupported" grep -q unsupported "$tmp/r.json"
check "the table names the fill rate" grep -q 'fill-rate' "$tmp/out"
check "context records THP and NUMA balancing settings" "$json_get" "$tmp/r.json" context.settings.thp_enabled
check "a gnuplot .dat with a row per metric is written beside the JSON" grep -q 'fill-rate MiB/s' "$tmp/r.dat"
finish
