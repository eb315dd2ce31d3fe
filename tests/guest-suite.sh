#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# scripts/guest-suite (what the main job and the nightly run) on the host
# target: every run gets the target it names, passes, leaves its document,
# and the time of each phase is reported.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
# Tests run beside each other: none may change system-wide settings here.
export CVRAM_KEEP_SETTINGS=1

plan 5
mkdir -p "$tmp/out"
CVRAM_RESULTS=$tmp/out CVRAM_BENCH=$bench CVRAM_STRESS=$stress CVRAM_SUITE_TARGETS=host CVRAM_SUITE_DURATION=1s \
	CVRAM_SUITE_NO_PROBE=1 "$CVRAM_SRCDIR/scripts/guest-suite" >"$tmp/log" 2>&1
check "guest-suite on host: exit 0 (got $?)" test $? -eq 0
check "both runs passed" grep -q 'guest-suite: 2 passed, 0 failed, 0 skipped' "$tmp/log"
check "the stress run got the target it names (not a stale variable)" grep -q '^== stress-host: .* --target host ' "$tmp/log"
check "each run left its document" test -s "$tmp/out/bench-host.json" -a -s "$tmp/out/stress-host.json"
check "each phase's time is reported" test "$(grep -c ' s  exit 0$' "$tmp/out/phase-times.txt")" -eq 2
finish
