#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The nightly page as a performance team reads it: three nights imported,
# the third on another kernel with migration throughput halved. The page
# renders in headless Chromium with no console error and every image
# loaded, and its first screen names the halved metric, its change with
# the interval, and the kernel that differed; the page is well-formed.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/results-lib.sh"

for t in gnuplot jq flock bash; do
	command -v $t >/dev/null 2>&1 || skip_all "$t not installed (scripts/install-deps; not in the VM)"
done
nightly=$CVRAM_SRCDIR/scripts/cvram-nightly
export CVRAM_COMPARE="$CVRAM_BUILDDIR/cvram-compare" CVRAM_RESULTS_TOOL="$results"
h=$tmp/history
printf 'history = %s\nwhere = host\nbaseline_runs = 2\n' "$h" >"$tmp/conf"
for n in 1 2 3; do mkdir -p "$tmp/d$n"; done
night_doc "$tmp/d1/bench-dmirror-coherent.json" 6.1.192 1 11
night_doc "$tmp/d2/bench-dmirror-coherent.json" 6.1.192 1 21
night_doc "$tmp/d3/bench-dmirror-coherent.json" 6.12.57 0.5 31

plan 21
"$nightly" --config "$tmp/conf" --import "$tmp/d1" --date 20261120
"$nightly" --config "$tmp/conf" --import "$tmp/d2" --date 20261121
check "night 2 is compared and good (exit $?)" test $? -eq 0
"$nightly" --config "$tmp/conf" --import "$tmp/d3" --date 20261122
check "night 3, migration throughput halved: exit 1 (got $?)" test $? -eq 1
page=$h/index.html
check "the page is written" test -s "$page"
check "the comparison is kept as data" test -s "$h"/20261122-*/compare/bench-dmirror-coherent.json
if command -v xmllint >/dev/null 2>&1; then
	check "the page is well-formed (XML parser)" xmllint --noout "$page"
else
	ok 0 "the page is well-formed # SKIP xmllint not installed (libxml2-utils)"
fi
check "the regression is a row with workload, target and kind" \
	grep -q '<tr class="regressed"><td>REGRESSED</td><td>migrate</td><td>dmirror</td><td>device-coherent</td>' "$page"
check "its change is about -50% with an interval and a p" \
	grep -Eq 'migrate/throughput\{size_bytes=1048576,to=device\}</code></td><td>-(49|50)\.[0-9]*%</td><td>\[-[0-9.]+%, -[0-9.]+%\]</td><td>(&lt; 0.001|[0-9.]+)</td>' "$page"
check "the unchanged metrics are not listed as changes" sh -c '! grep -q "<td>REGRESSED</td><td>touch-bw" "$1"' _ "$page"
check "what changed: the kernel release, baseline and this night" \
	grep -q '<td>kernel release</td><td>6.1.192</td><td><b>6.12.57</b></td>' "$page"
check "a trend plot per metric, with its unit" grep -q 'migrate/throughput{size_bytes=1048576,to=device}</code> (GB/s)</h3>' "$page"
check "the runs table names the regressed metric in the bad night's row" \
	grep -q '<td>20261122-[^<]*</td><td><span class="bad">&#10008; BAD</span></td><td><code>migrate/throughput' "$page"

"$CVRAM_SRCDIR/tests/render-page" "$page" >"$tmp/render.json" 2>"$tmp/render.err"
rc=$?
if [ $rc -eq 77 ]; then
	for d in "no console error" "every image loaded" "first screen: the halved metric" \
		"first screen: its change" "first screen: the kernel that differed"; do
		ok 0 "Chromium: $d # SKIP $(cat "$tmp/render.err")"
	done
else
	check "Chromium: no console error or failed load (render-page exit $rc)" \
		test "$("$json_get" "$tmp/render.json" problems)" = "[]"
	check "Chromium: every image loaded" test "$("$json_get" "$tmp/render.json" broken_images)" = "[]"
	"$json_get" "$tmp/render.json" first_screen >"$tmp/first" 2>/dev/null
	check "Chromium: the first screen names the halved metric" grep -qF 'migrate/throughput{size_bytes=1048576,to=device}' "$tmp/first"
	check "Chromium: the first screen gives its change" grep -Eq '^-(49|50)\.[0-9]*%$' "$tmp/first"
	check "Chromium: the first screen names the kernel that differed" grep -qx '6.12.57' "$tmp/first"
	[ $rc -eq 0 ] || diag "$tmp/render.json"
fi

# A night another machine wrote is untrusted: its strings are shown, never run.
mkdir -p "$tmp/d4"
jq '.context.kernel.release = "<script>alert(1)</script>&\"'"'"'" |
	.context.hostname = "x\"><img src=y onerror=alert(2)>" | .context.target.device = "/dev/<b>"' \
	"$tmp/d3/bench-dmirror-coherent.json" >"$tmp/d4/bench-dmirror-coherent.json"
"$nightly" --config "$tmp/conf" --import "$tmp/d4" --date 20261123
check "a hostile night: no markup from the document reaches the page" \
	sh -c '! grep -q "<script>alert\|<img src=y\|<b>\"" "$1"' _ "$page"
check "its kernel release is shown escaped" grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&apos;' "$page"
if command -v xmllint >/dev/null 2>&1; then
	check "the page is still well-formed" xmllint --noout "$page"
else
	ok 0 "the page is still well-formed # SKIP xmllint not installed (libxml2-utils)"
fi
# A comparison file in the history is untrusted too.
c=$(ls "$h"/20261123-*/compare/bench-dmirror-coherent.json)
jq '.metrics[0].change_percent = "<i>x</i>" | .metrics[0].p_value = "<u>p</u>" | .metrics[0].verdict = "regressed" |
	.metrics[0].metric = "<s>m</s>"' "$c" >"$c.tmp" && mv "$c.tmp" "$c"
"$CVRAM_SRCDIR/scripts/nightly-page" "$h" >/dev/null 2>&1
check "a hostile comparison file: its strings never become markup" sh -c '! grep -q "<i>x\|<u>p\|<s>m" "$1"' _ "$page"
"$CVRAM_SRCDIR/tests/render-page" "$page" >"$tmp/render.json" 2>"$tmp/render.err"
case $? in
0) ok 0 "Chromium: the hostile page renders with no console error" ;;
77) ok 0 "Chromium: the hostile page renders # SKIP $(cat "$tmp/render.err")" ;;
*) ok 1 "Chromium: the hostile page renders with no console error"; diag "$tmp/render.json" "$tmp/render.err" ;;
esac
finish
