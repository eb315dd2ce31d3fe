#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The harness survives its worker: SIGINT ends a run cleanly with partial
# results, a deadline kills a worker that runs too long, and a worker that
# is killed is reported with its signal. The results file is always whole.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

# Children of a process, from /proc (no procps inside the VM).
children_of() {
	for st in /proc/[0-9]*/stat; do
		read -r cpid _comm _state ppid _rest <"$st" 2>/dev/null || continue
		[ "$ppid" = "$1" ] && echo "$cpid"
	done
}

plan 9
long="pingpong --target host --size 1M --duration 30s --quiet"

"$stress" $long --json "$tmp/int.json" >"$tmp/out" 2>&1 &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
check "SIGINT: exit 130 (got $rc)" test "$rc" -eq 130
check "SIGINT: results written and marked interrupted" \
	test "$("$json_get" "$tmp/int.json" interrupted)" = true
check "SIGINT: results marked incomplete" test "$("$json_get" "$tmp/int.json" complete)" = false
check "SIGINT: pages verified before stopping" sel "$tmp/int.json" pingpong/ops/verify

"$stress" $long --timeout 1s --json "$tmp/dl.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "deadline: exit 99 (got $rc)" test "$rc" -eq 99
check "deadline: the error names the deadline" grep -q 'deadline' "$tmp/dl.json"

"$stress" $long --json "$tmp/kill.json" >"$tmp/out" 2>"$tmp/err" &
pid=$!
sleep 1
kill -KILL $(children_of $pid)
wait $pid
rc=$?
check "killed worker: exit 99 (got $rc)" test "$rc" -eq 99
check "killed worker: reported with its signal" grep -q 'signal 9' "$tmp/err"
check "killed worker: a whole results file with the error" \
	test "$("$json_get" "$tmp/kill.json" complete)" = false
finish
