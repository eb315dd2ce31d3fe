#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Bench workloads on host (system RAM only): each runs, reports with its
# method, and says plainly what it could not measure here.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

plan 20
run_workload "$bench" touch-bw --target host --size 1M --threads 1,2 --reps 3
expect_pass "touch-bw on host" system
check "touch-bw: two thread counts measured" test "$("$results" value --agg count 'touch-bw/bandwidth{kernel=read,threads=2}' "$tmp/r.json")" = 1
check "touch-bw: triad summary with a 95% CI" sel "$tmp/r.json" 'touch-bw/bandwidth{kernel=triad,placement=system,threads=1}:ci95_hi'
check "touch-bw: says why the device side was not measured" sel "$tmp/r.json" touch-bw/details/device_not_measured

run_workload "$bench" touch-lat --target host --size 256K --reps 2
check "touch-lat on host: exit 0 (got $rc)" test "$rc" -eq 0
check "touch-lat: cross-page p99 recorded" sel "$tmp/r.json" 'touch-lat/latency{pattern=cross-page,placement=system}:p99'

run_workload "$bench" migrate --target host
check "migrate on host skips (77) with a reason (got $rc)" test "$rc" -eq 77
check "and the reason names the missing capability" grep -q 'needs \[migrate\]' "$tmp/out"

run_workload "$bench" all --target host --size 1M --reps 2
check "all on host: exit 0 (got $rc)" test "$rc" -eq 0
# skipped_reason WL: the reason recorded for workload WL in the last 'all'
# (status 1 when WL was not skipped).
skipped_reason() {
	i=0
	while w=$("$json_get" "$tmp/r.json" results.$i.workload 2>/dev/null); do
		[ "$w" = "$1" ] && { "$json_get" "$tmp/r.json" results.$i.skipped 2>/dev/null; return; }
		i=$((i + 1))
	done
	return 1
}
check "all on host: fault recorded as skipped, naming what host lacks" \
	test "$(skipped_reason fault)" = "workload fault needs [migrate cpu-faults-back], which host system (system) does not have"
skipped_reason touch-bw >/dev/null
ok $((! $?)) "all on host: touch-bw ran, not skipped"
check "all on host: touch-bw measured its bandwidth" sel "$tmp/r.json" 'touch-bw/bandwidth{kernel=triad,placement=system}'


run_workload "$bench" self --target host --size 1M --threads 1 --reps 3
check "self on host: exit 0 (got $rc)" test "$rc" -eq 0
check "self: a row per kernel with the ratio and its 95% CI" grep -Eq '^  cache +1048576 +1  triad .*\[ *[0-9.]+, +[0-9.]+\]' "$tmp/out"
check "self: the ratio of every kernel recorded, from interleaved pairs" \
	test "$("$results" value --agg count 'self/ratio{threads=1}' "$tmp/r.json")" = 4
check "self: with its geometric mean and interval" grep -q '"ratio_summary"' "$tmp/r.json"
check "self: both sides' bandwidth, by implementation" sel "$tmp/r.json" 'self/bandwidth{impl=reference,kernel=copy}'
finish
