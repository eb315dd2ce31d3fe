#!/bin/sh
# cvram-plot on real results kept as fixtures (from the VM; raw samples
# trimmed): every result kind gives non-empty PNG and SVG plots with their
# .dat files, and bad input is one line with exit 2.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

command -v gnuplot >/dev/null 2>&1 || skip_all "gnuplot not installed (scripts/install-deps; not in the VM)"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed (scripts/install-deps; not in the VM)"
plot=$CVRAM_SRCDIR/scripts/cvram-plot
fx=$CVRAM_SRCDIR/tests/fixtures/results

plan 12
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
"$plot" -o "$tmp/q" "$tmp/none.json" 2>"$tmp/err"
check "a missing file: exit 2, named" test $? -eq 2 -a "$(wc -l <"$tmp/err")" -eq 1
printf '{"schema": ' >"$tmp/bad.json"
"$plot" -o "$tmp/q" "$tmp/bad.json" 2>"$tmp/err"
check "malformed JSON: exit 2, one line" test $? -eq 2 -a "$(wc -l <"$tmp/err")" -eq 1
printf '{"schema": "cvram-results", "schema_version": 9, "results": []}\n' >"$tmp/v9.json"
"$plot" -o "$tmp/q" "$tmp/v9.json" 2>"$tmp/err"
check "another schema version: exit 2, named" grep -q 'not 2 at .schema_version' "$tmp/err"
finish
