#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --noise-off turns NUMA balancing and THP off for a run and puts back
# exactly what was there: after a normal run, SIGINT and SIGHUP; when the
# parent is SIGKILLed (its worker restores them); and when both are (the
# journal, replayed by --restore or by the next --noise-off run).
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

[ -n "${CVRAM_IN_VM:-}" ] || skip_all "changes system-wide settings; runs inside the VM (make check-vm)"
nb=/proc/sys/kernel/numa_balancing
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w "$nb" ] && [ -w "$thp" ] || device_missing "$nb or $thp not writable"
settings() { cat "$nb" "$thp"; }
export CVRAM_STATE_DIR=$tmp/state
# start_quiet_run: a 30 s --noise-off run in the background, once it has
# changed the settings (give a slow machine 20 s); its pid in $pid.
start_quiet_run() {
	"$@" "$stress" pingpong --target host --size 1M --duration 30s --noise-off --quiet >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ "$(cat "$nb")" != 0 ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
}
# restored_within TENTHS: the settings are back within TENTHS/10 s.
restored_within() {
	i=0
	while [ "$(settings)" != "$before" ] && [ $i -lt "$1" ]; do sleep 0.1; i=$((i + 1)); done
	[ "$(settings)" = "$before" ]
}

plan 15
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

start_quiet_run
kill -HUP $pid
wait $pid
check "SIGHUP: exit 130 like SIGTERM (got $?)" test $? -eq 130
check "settings restored after SIGHUP" test "$(settings)" = "$before"

start_quiet_run
check "a journal records the settings while they are changed" test -s "$CVRAM_STATE_DIR/settings.$pid"
kill -KILL $pid
check "parent SIGKILLed: its worker restored the settings within 1 s" restored_within 10
check "and removed the journal" test ! -e "$CVRAM_STATE_DIR/settings.$pid"

# Both killed at once (the process group): only the journal is left.
start_quiet_run setsid
pgid=$pid
kill -KILL -- -"$pgid" 2>/dev/null || kill -KILL $(cat /proc/[0-9]*/stat 2>/dev/null | awk -v g="$pgid" '$5 == g { print $1 }')
sleep 0.5
check "parent and worker SIGKILLed: the journal is left" sh -c 'ls "$1"/settings.* >/dev/null 2>&1' _ "$CVRAM_STATE_DIR"
"$bench" --restore >"$tmp/out" 2>"$tmp/err"
check "--restore replays it: exit 0 (got $?)" test $? -eq 0
check "settings restored by --restore, each one said" sh -c '[ "$(cat "$1" "$2")" = "$3" ] && grep -q "restored $1 to" "$4"' _ "$nb" "$thp" "$before" "$tmp/err"
finish
