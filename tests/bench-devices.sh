#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The default bench suite on every device kind: device-coherent and NUMA
# memory are touched in place and compared with system RAM; device-private
# pages are faulted back (fault workload); migrations run both ways.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

[ -e /dev/hmm_dmirror0 ] || device_missing "no /dev/hmm_dmirror* (test_hmm not in this kernel; make check-vm runs it)"
plan 17
# all_ok: every workload in the document passed or was skipped (at least 4 ran).
all_ok() {
	[ "$("$results" value --agg nonzero '*/exit_status' "$tmp/r.json")" = 0 ] &&
		[ "$("$results" value --agg count '*/exit_status' "$tmp/r.json")" -ge 4 ]
}

run_workload "$bench" all --target dmirror --device 2 --size 2M --reps 2 --threads 2
expect_pass "all on the coherent device" device-coherent
check "coherent: every workload passed or was skipped" all_ok
check "coherent: touch-bw compares device with system" \
	sel "$tmp/r.json" 'touch-bw/device-over-system{kernel=read}'
check "coherent: migrate recorded a latency histogram" \
	test "$("$results" value --agg min 'migrate/call-time{to=device}:buckets' "$tmp/r.json")" -gt 0

run_workload "$bench" all --target dmirror --device 0 --size 1M --reps 2
expect_pass "all on the private device" device-private
check "private: the fault storm finished (no livelock)" \
	test "$(sel "$tmp/r.json" fault/details/storm.livelock)" = false
check "private: per-page first-touch latency recorded" \
	sel "$tmp/r.json" fault/first-touch:p99

run_workload "$bench" all --target numa --size 2M --reps 2 --threads 2 $noise_off
expect_pass "all on the CPU-less node" numa-node
finish
