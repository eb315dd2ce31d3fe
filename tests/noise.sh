#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --noise-off turns NUMA balancing and THP off for a run and puts back
# exactly what was there: after a normal run and after SIGINT.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

[ -n "${CVRAM_IN_VM:-}" ] || skip_all "changes system-wide settings; runs inside the VM (make check-vm)"
nb=/proc/sys/kernel/numa_balancing
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w "$nb" ] && [ -w "$thp" ] || device_missing "$nb or $thp not writable"
settings() { cat "$nb" "$thp"; }

plan 7
echo 1 >"$nb"
echo always >"$thp"
before=$(settings)
run_workload "$bench" touch-bw --target host --size 1M --reps 2 --noise-off
check "touch-bw --noise-off: exit 0 (got $rc)" test "$rc" -eq 0
check "the run saw NUMA balancing off" test "$("$json_get" "$tmp/r.json" context.settings.numa_balancing)" = 0
check "the run saw THP never" test "$("$json_get" "$tmp/r.json" context.settings.thp_enabled)" = never
check "the results record what was changed and restored" \
	test "$("$json_get" "$tmp/r.json" noise_control./proc/sys/kernel/numa_balancing.restored)" = true
check "settings restored after the run" test "$(settings)" = "$before"

"$stress" pingpong --target host --size 1M --duration 30s --noise-off --quiet --json "$tmp/i.json" >/dev/null 2>&1 &
pid=$!
# The worker changes them once it has started: give a slow machine 20 s.
i=0
while [ "$(cat "$nb")" != 0 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
check "settings changed while the run is going" test "$(cat "$nb")" = 0
kill -INT $pid
wait $pid
check "settings restored after SIGINT" test "$(settings)" = "$before"
finish
