#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvram-accept on host: every step runs, criteria the data can meet pass
# (exit 0) and one it cannot meet fails (exit 1), reports in Markdown, HTML
# and JUnit XML; a criteria line that does not parse, or a bad option,
# stops it before any step (exit 2), and nothing from them is executed.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
# Tests run beside each other: none may change system-wide settings here.
export CVRAM_KEEP_SETTINGS=1

command -v jq >/dev/null 2>&1 || skip_all "jq not installed (scripts/install-deps; not in the VM)"
command -v bash >/dev/null 2>&1 || skip_all "bash not installed (not in the VM)"
accept=$CVRAM_SRCDIR/scripts/cvram-accept
cat >"$tmp/met.conf" <<'CRIT'
# met on any machine
preflight   preflight   ==  0   first  exit_status
integrity   stress      ==  0   sum    */integrity/bad_pages
kernel-log  all         ==  0   sum    kernel_log/problems
triad-sys   bench       >   0   min    touch-bw/bandwidth{kernel=triad,placement=system}
CRIT
{ cat "$tmp/met.conf"; echo 'triad-huge  bench  >=  1e12  first  touch-bw/bandwidth{kernel=triad}'; } >"$tmp/unmet.conf"
sed 's/1e12/1000000000000/' "$tmp/unmet.conf" >"$tmp/unmet2.conf"
{ cat "$tmp/met.conf"; echo 'gone  bench  >=  1  first  touch-bw/no-such-metric'; } >"$tmp/gone.conf"
echo 'old  bench  ==  0  [.results[] | .bad_pages] | add' >"$tmp/jq.conf"
printf 'inj  bench  ==  0  first  exit_status;touch${IFS}%s/PWN\n' "$tmp" >"$tmp/inj.conf"

plan 29
"$accept" --target host --duration 1s --criteria "$tmp/met.conf" --out "$tmp/a" >"$tmp/out" 2>&1
check "criteria the data meets: exit 0 (got $?)" test $? -eq 0
check "a Markdown report with PASS rows" grep -q '| integrity | PASS | 0 | == 0 | stress: sum \*/integrity/bad_pages |' "$tmp/a/report.md"
check "an HTML report" grep -q '<h1>cvram acceptance: PASS</h1>' "$tmp/a/report.html"
check "JUnit XML with every criterion" grep -q 'tests="4" failures="0"' "$tmp/a/junit.xml"
check "the provenance is in the report" grep -q 'kernel ' "$tmp/a/report.md"

# Strings from documents another machine wrote land escaped: both reports
# parse with real parsers (libxml2's XML and HTML parsers).
mkdir "$tmp/hostile"
for f in preflight functional stress bench; do
	jq --arg k "$(printf '<b>&x"\001</b>')" '.context.kernel.release = $k | .context.hostname = "n<1>&\u0002"' \
		"$tmp/a/$f.json" >"$tmp/hostile/$f.json"
done
"$accept" --from "$tmp/hostile" --criteria "$tmp/met.conf" >"$tmp/out" 2>&1
check "a run judged from hostile documents still passes its criteria (exit $?)" test $? -eq 0
if command -v xmllint >/dev/null 2>&1; then
	check "junit.xml is well-formed XML" xmllint --noout "$tmp/hostile/junit.xml"
	check "report.html is well-formed (XML parser)" xmllint --noout "$tmp/hostile/report.html"
	check "report.html parses as HTML without errors" sh -c '[ -z "$(xmllint --html --noout "$1" 2>&1)" ]' _ "$tmp/hostile/report.html"
else
	for d in junit.xml report.html report.html; do ok 0 "$d parses # SKIP xmllint not installed (libxml2-utils)"; done
fi
mkdir "$tmp/malformed"
cp "$tmp/a"/*.json "$tmp/malformed/"
sed 's/"samples": \[/"samples": [ "0.03x",/' "$tmp/a/bench.json" >"$tmp/malformed/bench.json"
"$accept" --from "$tmp/malformed" --criteria "$tmp/met.conf" >"$tmp/out" 2>"$tmp/err"
check "a malformed document: exit 2 (got $?)" test $? -eq 2
check "naming the file and the JSON path" grep -q "malformed/bench.json: not a number at .results\[[0-9]*\].metrics\[[0-9]*\].samples\[0\]" "$tmp/err"
check "and no report judged from it" test ! -e "$tmp/malformed/report.md"
"$CVRAM_SRCDIR/tests/render-page" "$tmp/hostile/report.html" >"$tmp/render.json" 2>"$tmp/render.err"
case $? in
0) ok 0 "the report renders in headless Chromium with no console error" ;;
77) ok 0 "the report renders in headless Chromium # SKIP $(cat "$tmp/render.err")" ;;
*) ok 1 "the report renders in headless Chromium with no console error"; diag "$tmp/render.json" "$tmp/render.err" ;;
esac
check "the hostile kernel string is shown escaped, not as markup" grep -qF 'kernel &lt;b&gt;&amp;x&quot;&lt;/b&gt;' "$tmp/hostile/report.html"
"$accept" --target host --duration 1s --criteria "$tmp/unmet2.conf" --out "$tmp/b" >"$tmp/out" 2>&1
check "a criterion the data cannot meet: exit 1 (got $?)" test $? -eq 1
check "its row says FAIL with the measured value" \
	grep -qE '\| triad-huge \| FAIL \| [0-9.e+-]+ \| >= 1000000000000 \|' "$tmp/b/report.md"
"$accept" --target host --duration 1s --criteria "$tmp/gone.conf" --out "$tmp/g" >"$tmp/out" 2>&1
check "a metric nobody measured: exit 1 (got $?)" test $? -eq 1
check "and its row says not measured" grep -q '| gone | FAIL | not measured' "$tmp/g/report.md"
"$accept" --target host --criteria "$tmp/unmet.conf" --out "$tmp/c" 2>"$tmp/err"
check "a threshold that is not a number: exit 2 (got $?)" test $? -eq 2
check "naming file and line" grep -q 'unmet.conf:6:' "$tmp/err"
check "and nothing was run" test ! -e "$tmp/c/stress.json"

# expect_refused DESCRIPTION TEXT ARGS...: exit 2 at once, TEXT named, nothing run.
expect_refused() {
	desc=$1 want=$2
	shift 2
	rm -rf "$tmp/r"
	"$accept" --out "$tmp/r" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qF -- "$want" "$tmp/err" && [ ! -e "$tmp/r/functional.json" ]; then
		ok 0 "$desc: exit 2, named, nothing run"
	else
		ok 1 "$desc (exit $rc)"
		diag "$tmp/err"
	fi
}
expect_refused "a jq expression as a criterion" "jq.conf:1:" --target host --criteria "$tmp/jq.conf"
expect_refused "shell in a selector" "inj.conf:1:" --target host --criteria "$tmp/inj.conf"
expect_refused "--duration junk" "--duration 'junk'" --target host --duration junk
expect_refused "--target nonsense" "--target 'nonsense'" --target nonsense
expect_refused "--target without a value" "--target needs a value" --target
expect_refused "--criteria followed by an option" "--criteria needs a value" --criteria --vm
expect_refused "shell in --duration" "--duration" --target host --duration '1s;touch${IFS}'"$tmp"'/PWNED;'
check "nothing was executed from any of them" test ! -e "$tmp/PWN" -a ! -e "$tmp/PWNED"
finish
