#!/bin/sh
# cvram-accept on host: every step runs, criteria the data can meet pass
# (exit 0) and one it cannot meet fails (exit 1), reports in Markdown, HTML
# and JUnit XML; a criteria line that does not parse stops it (exit 2).
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

command -v jq >/dev/null 2>&1 || skip_all "jq not installed (scripts/install-deps; not in the VM)"
command -v bash >/dev/null 2>&1 || skip_all "bash not installed (not in the VM)"
accept=$CVRAM_SRCDIR/scripts/cvram-accept
cat >"$tmp/met.conf" <<'CRIT'
# met on any machine
preflight   preflight   ==  0      .exit_status
integrity   stress      ==  0      [.results[] | .bad_pages // 0] | add
kernel-log  all         ==  0      .kernel_log.problems | length
triad-sys   bench       >   0      [.results[] | select(.workload == "touch-bw") | .configs[0].kernels.triad.system.summary.median] | first
CRIT
{ cat "$tmp/met.conf"; echo 'triad-huge  bench  >=  1e12  1'; } >"$tmp/unmet.conf"
sed 's/1e12/1000000000000/' "$tmp/unmet.conf" >"$tmp/unmet2.conf"

plan 9
"$accept" --target host --duration 1s --criteria "$tmp/met.conf" --out "$tmp/a" >"$tmp/out" 2>&1
check "criteria the data meets: exit 0 (got $?)" test $? -eq 0
check "a Markdown report with PASS rows" grep -q '| integrity | PASS | 0 | == 0 | stress |' "$tmp/a/report.md"
check "an HTML report" grep -q '<h1>cvram acceptance: PASS</h1>' "$tmp/a/report.html"
check "JUnit XML with every criterion" grep -q 'tests="4" failures="0"' "$tmp/a/junit.xml"
check "the provenance is in the report" grep -q 'kernel ' "$tmp/a/report.md"
"$accept" --target host --duration 1s --criteria "$tmp/unmet2.conf" --out "$tmp/b" >"$tmp/out" 2>&1
check "a criterion the data cannot meet: exit 1 (got $?)" test $? -eq 1
check "its row says FAIL with the measured value" grep -q '| triad-huge | FAIL | 1 | >= 1000000000000 |' "$tmp/b/report.md"
"$accept" --target host --criteria "$tmp/unmet.conf" --out "$tmp/c" 2>"$tmp/err"
check "a threshold that is not a number: exit 2, file and line (got $?)" grep -q 'unmet.conf:6:' "$tmp/err"
check "and nothing was run" test ! -e "$tmp/c/stress.json"
finish
