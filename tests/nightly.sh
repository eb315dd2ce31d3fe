#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvram-nightly over fake days (results imported, not run): history kept per
# day, the baseline compared, trends drawn, an HTML index written; a
# regression fails the night; a night with nothing to compare against says
# so (exit 3, never "unchanged"); overlapping runs and a bad config are
# refused.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/results-lib.sh"

command -v gnuplot >/dev/null 2>&1 || skip_all "gnuplot not installed (scripts/install-deps; not in the VM)"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed (scripts/install-deps; not in the VM)"
command -v flock >/dev/null 2>&1 || skip_all "flock not installed (util-linux)"
nightly=$CVRAM_SRCDIR/scripts/cvram-nightly
export CVRAM_COMPARE="$CVRAM_BUILDDIR/cvram-compare"
h=$tmp/history
printf 'history = %s\nwhere = host\nthreshold = 5\ntrend = smoke/\n' "$h" >"$tmp/conf"
mkdir -p "$tmp/d1" "$tmp/d2" "$tmp/d3"
# Night 1 was written before schema 2 (version 1): history keeps working.
doc "$tmp/d1/bench.json" host GB/s 100 0.5 1 1
doc "$tmp/d2/bench.json" host GB/s 100 0.5 2
doc "$tmp/d3/bench.json" host GB/s 88 0.5 3

plan 21
"$nightly" --config "$tmp/conf" --import "$tmp/d1" --date 20261120
check "night 1, no baseline yet: exit 3, not 0 (got $?)" test $? -eq 3
check "its comparison says there was no baseline" grep -q 'not compared: no baseline' "$h"/20261120-*/comparison.md
check "and it is kept as a baseline for later nights" test "$(cat "$h"/20261120-*/status)" = good
"$nightly" --config "$tmp/conf" --import "$tmp/d2" --date 20261121
check "night 2, same performance, passes (exit $?)" test $? -eq 0
n=$(ls -d "$h"/2026112*-* | wc -l)
check "history has one directory per night ($n)" test "$n" -eq 2
check "night 2 was compared with night 1" grep -q 'unchanged' "$h"/20261121-*/comparison.md
check "a trend plot over the history" sh -c 'ls "$1"/trends/t*.png >/dev/null && grep -q "src=\"trends/t1.png\"" "$1/index.html"' _ "$h"
check "an HTML index lists the runs" grep -q '20261121-' "$h/index.html"
check "the run's own plots are kept" test -d "$h"/20261121-*/plots
"$nightly" --config "$tmp/conf" --import "$tmp/d3" --date 20261122
check "night 3, 12% slower, fails (exit $?)" test $? -eq 1
check "and is marked bad" test "$(cat "$h"/20261122-*/status)" = bad
mkdir -p "$tmp/d4"
sed 's/"samples":\[/"samples":["0.03x",/' "$tmp/d2/bench.json" >"$tmp/d4/bench.json"
"$nightly" --config "$tmp/conf" --import "$tmp/d4" --date 20261124
check "a night with a malformed document fails (exit $?)" test $? -eq 1
check "and says why, with the JSON path" grep -q 'not a number at .results\[0\].metrics\[0\].samples\[0\]' "$h"/20261124-*/comparison.md
mkdir -p "$tmp/d5"
: >"$tmp/d5/bench.json"
"$nightly" --config "$tmp/conf" --import "$tmp/d5" --date 20261125
check "a night with an empty document fails (exit $?)" test $? -eq 1
check "and never joins the baseline" test "$(cat "$h"/20261125-*/status)" = bad
mkdir -p "$tmp/d6"
"$nightly" --config "$tmp/conf" --import "$tmp/d6" --date 20261126 2>"$tmp/err"
check "--import of a directory without documents: exit 2 (got $?)" test $? -eq 2
check "and says why on stderr" grep -q "no results documents" "$tmp/err"
(flock 9; "$nightly" --config "$tmp/conf" --import "$tmp/d1" --date 20261123 2>"$tmp/err"; echo $? >"$tmp/rc") 9>"$h/.lock"
check "a second run while one holds the lock: exit 75" test "$(cat "$tmp/rc")" -eq 75
printf 'history = %s\nthreshold = lots\n' "$h" >"$tmp/bad.conf"
"$nightly" --config "$tmp/bad.conf" 2>"$tmp/err"
check "a config line that does not parse: exit 2, file and line" grep -q 'bad.conf:2:' "$tmp/err"
printf 'history = %s\nwhere = host\nthreshold = 5000\n' "$h" >"$tmp/huge.conf"
"$nightly" --config "$tmp/huge.conf" --import "$tmp/d2" --date 20261127 2>"$tmp/err"
check "threshold = 5000 (cvram-compare takes at most 1000): exit 2 (got $?)" test $? -eq 2
check "naming file and line" grep -q 'huge.conf:3:' "$tmp/err"
finish
