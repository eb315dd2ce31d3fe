#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Command-line contract: every bad input is one line on stderr naming the
# value, exit status 2, and no results file; --list, --help, --version work.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

# bad_input DESCRIPTION EXPECTED-TEXT ARGS...
bad_input() {
	desc=$1 want=$2
	shift 2
	rm -f "$tmp/r.json"
	"${prog:-$bench}" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$rc" -eq 2 ] && [ "$lines" -eq 1 ] && grep -qF -- "$want" "$tmp/err" && [ ! -e "$tmp/r.json" ]; then
		ok 0 "$desc: exit 2, one line naming '$want', nothing written"
	else
		ok 1 "$desc"
		echo "#   exit $rc, $lines stderr lines, r.json $( [ -e "$tmp/r.json" ] && echo written || echo absent)"
		diag "$tmp/err"
	fi
}

plan 43
j="--json $tmp/r.json"
bad_input "unknown option" "--bogus" smoke --bogus $j
bad_input "unknown workload" "nosuch" nosuch $j
bad_input "no workload" "no workload" $j
bad_input "extra argument" "extra" smoke extra $j
bad_input "malformed number" "abc" smoke --reps abc $j
bad_input "overflowing number" "99999999999999999999" smoke --size 99999999999999999999 $j
bad_input "size 0" "'0'" smoke --size 0 $j
bad_input "size not a page multiple" "100" smoke --size 100 $j
bad_input "bad unit" "12Q" smoke --size 12Q $j
bad_input "zero threads" "--threads '0'" touch-bw --threads 0 $j
bad_input "bad duration" "5x" smoke --duration 5x $j
bad_input "missing value" "--size" smoke $j --size
bad_input "unknown target" "nosuch" smoke --target nosuch $j
bad_input "results directory missing" "$tmp/none/r.json" smoke --json "$tmp/none/r.json"
bad_input "NUMA node that does not exist" "--node 999" smoke --target numa --node 999 $j
if [ -e /dev/hmm_dmirror0 ]; then
	bad_input "test_hmm device that does not exist" "hmm_dmirror9" smoke --target dmirror --device 9 $j
else
	bad_input "device on a target without devices" "/dev/nothing" smoke --target host --device /dev/nothing $j
fi

# Workloads own their options: a shared option a workload would ignore, a
# list where it takes one value, or another workload's option is refused.
bad_input "an option the workload does not use" "--threads: workload smoke does not use it" smoke --threads 2 $j
bad_input "a size list where one size is used" "--size: workload smoke takes one value" smoke --size 1M,2M $j
bad_input "a size list in all" "(in all) takes one value" all --size 1M,2M $j
bad_input "another workload's option" "--nt: not an option of workload smoke" smoke --nt $j
bad_input "--help of an unknown workload" "nosuch" --help nosuch
prog=$stress
bad_input "stress: --size for partial" "--size: workload partial does not use it" partial --size 1M $j
bad_input "stress: --reps for pingpong" "--reps: workload pingpong does not use it" pingpong --reps 2 $j
bad_input "stress: race's --no-disturb on pingpong" "--no-disturb: not an option of workload pingpong" pingpong --no-disturb $j
# Values that used to get through: times past the ns clock, an option where
# a value belongs, outputs that are not regular files, sizes beyond RAM.
bad_input "stress: --timeout that overflows the clock" "longer than the limit of 7 days" pingpong --timeout 18446744073710ms $j
bad_input "stress: --duration that overflows the clock" "--duration '18446744073710ms'" pingpong --duration 18446744073710ms $j
prog=
bad_input "--json followed by an option" "--json '--quiet': a value was expected" smoke --json --quiet
check "and no file named --quiet was written" test ! -e ./--quiet
mkdir "$tmp/adir"
bad_input "--json naming a directory" "'$tmp/adir' exists and is not a regular file" smoke --json "$tmp/adir"
mkdir "$tmp/x.dat"
bad_input "--json whose .dat is a directory" "'$tmp/x.dat' exists and is not a regular file" smoke --json "$tmp/x.json"
mkfifo "$tmp/fifo.json"
bad_input "--json naming a fifo" "not a regular file" smoke --json "$tmp/fifo.json"
if [ -c /dev/full ]; then
	bad_input "--json /dev/full" "'/dev/full' exists and is not a regular file" smoke --json /dev/full
	check "/dev/full is still a character device" test -c /dev/full
else
	ok 0 "/dev/full # SKIP no /dev/full here"
	ok 0 "/dev/full # SKIP no /dev/full here"
fi
bad_input "touch-bw --size beyond the memory available" "more than the memory available now" touch-bw --size 4096T $j
bad_input "self --size beyond the memory available" "--size 4503599627370496: more than the memory available" self --size 4096T $j
bad_input "--node on a target without NUMA nodes" "--node 1: the host target has no NUMA nodes" smoke --target host --node 1 $j
"$bench" --help touch-bw >"$tmp/h" 2>&1
check "--help touch-bw: exit 0, lists its own --nt" grep -q -- '--nt' "$tmp/h"
check "--help touch-bw: leaves out what it does not use (--duration)" sh -c '! grep -q -- "--duration" "$1"' _ "$tmp/h"
"$bench" touch-bw --target host --size 64K --reps 1 --nt --quiet --json "$tmp/nt.json" >/dev/null 2>&1
check "touch-bw takes its own --nt (exit $?)" test $? -eq 0

"$bench" --list >"$tmp/list" 2>&1
ok $? "--list exits 0"
for t in host dmirror numa; do
	grep -q "^  $t " "$tmp/list" || { ok 1 "--list shows $t"; diag "$tmp/list"; continue; }
done
grep -Eq 'unavailable: .+|available: .+' "$tmp/list" && grep -q '^  smoke ' "$tmp/list"
ok $? "--list shows each target's availability and the workloads"
"$bench" --help | grep -q 'Exit status'
ok $? "--help documents the exit status"
"$bench" --version | grep -q 'cvram'
ok $? "--version names the package"
finish
