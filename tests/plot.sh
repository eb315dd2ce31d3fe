#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvram-plot on real results kept as fixtures (from the VM; raw samples
# trimmed): every result kind gives non-empty PNG and SVG plots with their
# .dat files, and bad input is one line with exit 2.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

command -v gnuplot >/dev/null 2>&1 || skip_all "gnuplot not installed (scripts/install-deps; not in the VM)"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed (scripts/install-deps; not in the VM)"
plot=$CVRAM_SRCDIR/scripts/cvram-plot
fx=$CVRAM_SRCDIR/tests/fixtures/results-v1

plan 20
"$plot" -o "$tmp/p" "$fx/bench-dmirror-hmm_dmirror0.json" "$fx/bench-dmirror-hmm_dmirror2.json" \
	"$fx/stress-dmirror-hmm_dmirror2.json" >"$tmp/out" 2>&1
check "cvram-plot exits 0 (got $?)" test $? -eq 0
for p in bench-dmirror-hmm_dmirror2-touch-bw-triad-threads bench-dmirror-hmm_dmirror2-touch-bw-read-size \
	bench-dmirror-hmm_dmirror2-touch-lat bench-dmirror-hmm_dmirror0-migrate \
	bench-dmirror-hmm_dmirror0-migrate-lat-hist bench-dmirror-hmm_dmirror0-fault-cdf \
	stress-dmirror-hmm_dmirror2-race-ops; do
	check "$p: PNG and SVG, not empty" test -s "$tmp/p/$p.png" -a -s "$tmp/p/$p.svg"
done
check "the .dat files are kept beside the plots" test -s "$tmp/p/bench-dmirror-hmm_dmirror0-migrate.dat"
h=$tmp/p/bench-dmirror-hmm_dmirror0-fault-hist.svg
check "histogram: a log count axis named for what it counts" grep -q 'pages per bucket (log scale)' "$h"
check "histogram: bucket labels in µs, not raw ns" sh -c 'grep -q ">100 µs<" "$1" && ! grep -q ">1.04858e+06<" "$1"' _ "$h"
check "histogram: the legend says what a bar is" grep -q 'pages in each bucket \[lo, hi)' "$h"
v2=$CVRAM_SRCDIR/tests/fixtures/results-v2
"$plot" -o "$tmp/p2" "$v2/bench-dmirror-hmm_dmirror0.json" "$v2/bench-dmirror-hmm_dmirror2.json" \
	"$v2/bench-numa.json" "$v2/stress-dmirror-hmm_dmirror2.json" >"$tmp/out" 2>&1
check "version-2 fixtures: cvram-plot exits 0 (got $?)" test $? -eq 0
check "version-2 fixtures: the same plots as from version 1" \
	test -s "$tmp/p2/bench-dmirror-hmm_dmirror2-touch-bw-triad-threads.png" -a -s "$tmp/p2/bench-numa-migrate.svg" \
	-a -s "$tmp/p2/bench-dmirror-hmm_dmirror0-fault-cdf.png" -a -s "$tmp/p2/stress-dmirror-hmm_dmirror2-race-ops.png"
"$plot" -o "$tmp/q" "$tmp/none.json" 2>"$tmp/err"
check "a missing file: exit 2, named" test $? -eq 2 -a "$(wc -l <"$tmp/err")" -eq 1
printf '{"schema": ' >"$tmp/bad.json"
"$plot" -o "$tmp/q" "$tmp/bad.json" 2>"$tmp/err"
check "malformed JSON: exit 2, one line" test $? -eq 2 -a "$(wc -l <"$tmp/err")" -eq 1
# A document is untrusted: its strings never become gnuplot code, its
# numbers are checked.
jq --arg pwn "$tmp/PWN" '.context.kernel.release = "x\"; system(\"touch " + $pwn + "\"); print \"" |
	.context.target.name = "a'"'"'; system('"'"'touch " + $pwn + "'"'"'); b"' \
	"$v2/bench-dmirror-hmm_dmirror2.json" >"$tmp/inj.json"
"$plot" -o "$tmp/inj" "$tmp/inj.json" >/dev/null 2>&1
check "code in a document's strings: plotted (exit $?)" test $? -eq 0
check "and never run" test ! -e "$tmp/PWN"
jq '.results[1].metrics[0].samples[0] = "0.03x"' "$v2/bench-dmirror-hmm_dmirror2.json" >"$tmp/str.json"
"$plot" -o "$tmp/q" "$tmp/str.json" 2>"$tmp/err"
check "a sample that is a string: exit 2, file and JSON path" \
	sh -c '[ "$1" -eq 2 ] && grep -q "str.json: not a number at .results\[1\].metrics\[0\].samples\[0\]" "$2"' _ $? "$tmp/err"
printf '{"schema": "cvram-results", "schema_version": 9, "results": []}\n' >"$tmp/v9.json"
"$plot" -o "$tmp/q" "$tmp/v9.json" 2>"$tmp/err"
check "another schema version: exit 2, named" grep -q 'not 2 at .schema_version' "$tmp/err"
finish
