#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Readers find metrics by workload and name, not by position: the same
# document with its results, metrics and labels in another order gives the
# same criterion verdicts, the same plot data and the same nightly trend.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
# Tests run beside each other: none may change system-wide settings here.
export CVRAM_KEEP_SETTINGS=1

command -v jq >/dev/null 2>&1 || skip_all "jq not installed (scripts/install-deps; not in the VM)"
command -v gnuplot >/dev/null 2>&1 || skip_all "gnuplot not installed (scripts/install-deps; not in the VM)"
command -v flock >/dev/null 2>&1 || skip_all "flock not installed (util-linux)"
fx=$CVRAM_SRCDIR/tests/fixtures/results-v1
plan 6
mkdir -p "$tmp/a" "$tmp/b" "$tmp/n1" "$tmp/n2"
# The bench fixture (real VM run) as schema 2, then shuffled: results,
# metrics and operations reversed, label keys in reverse order.
"$results" upgrade "$fx/bench-dmirror-hmm_dmirror2.json" "$tmp/a/bench.json"
jq '.results |= (reverse | map(
	(if .metrics then .metrics |= (reverse | map(if .labels then .labels |= (to_entries | reverse | from_entries) else . end)) else . end) |
	(if .operations then .operations |= reverse else . end)))' "$tmp/a/bench.json" >"$tmp/b/bench.json"
check "the shuffled document is still valid" valid_document "$tmp/b/bench.json"

cat >"$tmp/crit" <<'CRIT'
triad      bench  >=  0.25  min  touch-bw/device-over-system{kernel=triad}
p99        bench  <=  1     max  migrate/call-time{to=device}:p99
read-dev   bench  >   0     min  touch-bw/bandwidth{placement=device,kernel=read}
CRIT
for d in a b; do
	CVRAM_BUILDDIR=$CVRAM_BUILDDIR "$CVRAM_SRCDIR/scripts/cvram-accept" --target dmirror --from "$tmp/$d" \
		--criteria "$tmp/crit" >/dev/null 2>&1
	grep '^| [a-z]' "$tmp/$d/report.md" | grep -v '^| criterion' >"$tmp/$d.rows"
done
check "criteria: the same values and verdicts in both orders" cmp -s "$tmp/a.rows" "$tmp/b.rows"
check "criteria: and every one was measured" sh -c '! grep -q "not measured" "$1"' _ "$tmp/a.rows"

"$CVRAM_SRCDIR/scripts/cvram-plot" -o "$tmp/pa" "$tmp/a/bench.json" >/dev/null 2>&1
"$CVRAM_SRCDIR/scripts/cvram-plot" -o "$tmp/pb" "$tmp/b/bench.json" >/dev/null 2>&1
check "plots: the same data files in both orders" \
	sh -c 'cd "$1" && for f in *.dat; do cmp -s "$f" "$2/$f" || exit 1; done && ls "$2"/*-touch-bw-triad.dat' _ "$tmp/pa" "$tmp/pb"

printf 'history = %s\nwhere = host\ntrend = /\n' "$tmp/h" >"$tmp/conf"
cp "$tmp/a/bench.json" "$tmp/n1/"
cp "$tmp/b/bench.json" "$tmp/n2/"
export CVRAM_COMPARE="$CVRAM_BUILDDIR/cvram-compare" CVRAM_RESULTS_TOOL="$results"
"$CVRAM_SRCDIR/scripts/cvram-nightly" --config "$tmp/conf" --import "$tmp/n1" --date 20261120
"$CVRAM_SRCDIR/scripts/cvram-nightly" --config "$tmp/conf" --import "$tmp/n2" --date 20261121
check "nightly: the shuffled night matches the first, metric by metric (nothing regressed)" \
	test "$(cat "$tmp"/h/20261121-*/status)" = good
check "nightly: every trend series has both nights" \
	sh -c 'n=$(cut -f2 "$1" | sort | uniq -c | awk "\$1 != 2" | wc -l); [ "$n" -eq 0 ] && [ -s "$1" ]' _ "$tmp/h/trends/bench.dat"
finish
