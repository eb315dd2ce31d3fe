#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The harness survives its worker, and no worker survives the harness:
# SIGINT and SIGHUP end a run promptly with partial results and no process
# left; a deadline kills a worker that runs too long; a killed worker is
# reported with its signal; a SIGKILLed parent takes its worker with it
# within a second; a worker that never started is a harness error; the
# results file and its .dat are both written or neither.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

# Children of a process, from /proc (no procps inside the VM).
children_of() {
	for st in /proc/[0-9]*/stat; do
		read -r cpid _comm _state ppid _rest <"$st" 2>/dev/null || continue
		[ "$ppid" = "$1" ] && echo "$cpid"
	done
}
# wait_for_child PID: print the worker's pid once the parent has forked it.
wait_for_child() {
	_i=0
	while [ $_i -lt 100 ]; do
		_c=$(children_of "$1")
		[ -n "$_c" ] && { echo "$_c"; return 0; }
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
# gone_within TENTHS PID...: every pid has exited within TENTHS/10 s.
gone_within() {
	_n=$1
	shift
	while [ "$_n" -gt 0 ]; do
		_left=
		for _p in "$@"; do [ -d "/proc/$_p" ] && [ "$(cut -d' ' -f3 "/proc/$_p/stat" 2>/dev/null)" != Z ] && _left=1; done
		[ -z "$_left" ] && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}
now_s() { cut -d. -f1 /proc/uptime; }

plan 21
long="pingpong --target host --size 1M --duration 30s --quiet"

for sig in INT HUP; do
	"$stress" $long --json "$tmp/$sig.json" >"$tmp/out" 2>&1 &
	pid=$!
	worker=$(wait_for_child $pid)
	sleep 1
	t0=$(now_s)
	kill -$sig $pid
	wait $pid
	rc=$?
	took=$(($(now_s) - t0))
	check "SIG$sig: exit 130 (got $rc)" test "$rc" -eq 130
	# The duration was 30 s: a run that went on would take it all.
	check "SIG$sig: the run stopped before its duration was up (${took} s)" test "$took" -lt 20
	check "SIG$sig: no worker left behind" gone_within 10 $worker
	check "SIG$sig: results written, marked interrupted and incomplete" \
		test "$("$json_get" "$tmp/$sig.json" interrupted)/$("$json_get" "$tmp/$sig.json" complete)" = true/false
done
n=$(sel "$tmp/INT.json" pingpong/ops/verify)
check "SIGINT: pages were verified before stopping ($n passes)" test "${n:-0}" -gt 0

"$stress" $long --timeout 1s --json "$tmp/dl.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "deadline: exit 99 (got $rc)" test "$rc" -eq 99
check "deadline: the error names the deadline" grep -q 'worker passed its deadline of 1000 ms' "$tmp/dl.json"

"$stress" $long --json "$tmp/kill.json" >"$tmp/out" 2>"$tmp/err" &
pid=$!
kill -KILL $(wait_for_child $pid)
wait $pid
rc=$?
check "killed worker: exit 99 (got $rc)" test "$rc" -eq 99
check "killed worker: reported with its signal" grep -q 'worker killed by signal 9' "$tmp/err"
check "killed worker: a whole results file with the error" \
	test "$("$json_get" "$tmp/kill.json" complete)" = false

# The parent SIGKILLed: its worker gets the parent-death signal.
"$stress" $long --json "$tmp/orphan.json" >"$tmp/out" 2>"$tmp/err" &
pid=$!
worker=$(wait_for_child $pid)
sleep 1
kill -KILL $pid
wait $pid 2>/dev/null
check "parent SIGKILLed: its worker ($worker) is gone within 1 s" gone_within 10 $worker
check "parent SIGKILLed: no results file was left half-written" test ! -e "$tmp/orphan.json"

# A worker that never started (fork fails, as at the pid limit).
CVRAM_TEST_FAIL_SPAWN=1 "$stress" $long --json "$tmp/nofork.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "worker that could not be forked: exit 99 (got $rc)" test "$rc" -eq 99
check "and it says fork failed" grep -q 'fork: Resource temporarily unavailable' "$tmp/err"

# Both files or neither: the .dat's place is taken while the run goes on.
"$stress" pingpong --target host --size 1M --duration 2s --quiet --json "$tmp/pair.json" >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 0.5
mkdir "$tmp/pair.dat"
wait $pid
rc=$?
check "the .dat cannot be written: exit 99 (got $rc)" test "$rc" -eq 99
check "and the .json was not written either (no 'complete' without its .dat)" test ! -e "$tmp/pair.json"
check "no temporary file left behind" sh -c '! ls "$1"/pair.*tmp* >/dev/null 2>&1' _ "$tmp"
finish
