#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvram-compare on synthetic runs: a 10% regression with low noise is
# flagged (in the metric's direction), two samples of one distribution are
# not, every bad input is one line with exit 2, and a comparison that could
# not be made is exit 3, never "unchanged".
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
compare=$CVRAM_BUILDDIR/cvram-compare

. "$CVRAM_SRCDIR/tests/results-lib.sh"

plan 31
doc "$tmp/b1.json" host GB/s 100 0.5 1
doc "$tmp/b2.json" host GB/s 100 0.5 2
doc "$tmp/n1.json" host GB/s 90 0.5 3
doc "$tmp/n2.json" host GB/s 90 0.5 4
doc "$tmp/same.json" host GB/s 100 0.5 5
"$compare" "$tmp/b1.json" "$tmp/b2.json" -- "$tmp/n1.json" "$tmp/n2.json" >"$tmp/out" 2>&1
check "a 10% bandwidth drop is a regression (exit $?)" test $? -eq 1
check "the row says regressed, about -10%" grep -qE 'smoke/m .*-(9|10)\.[0-9]+%.*regressed' "$tmp/out"
check "the test used is stated" grep -q "Welch's t-test" "$tmp/out"
"$compare" "$tmp/b1.json" "$tmp/b2.json" -- "$tmp/same.json" >"$tmp/out" 2>&1
check "two samples of one distribution: unchanged (exit $?)" test $? -eq 0
check "the row says unchanged" grep -q 'unchanged' "$tmp/out"
doc "$tmp/t1.json" host s 1.0 0.005 6
doc "$tmp/t2.json" host s 0.9 0.005 7
"$compare" "$tmp/t1.json" -- "$tmp/t2.json" >"$tmp/out" 2>&1
check "10% less time is an improvement, not a regression (exit $?)" test $? -eq 0
check "the row says improved" grep -q 'improved' "$tmp/out"
"$compare" --format json "$tmp/b1.json" -- "$tmp/n1.json" >"$tmp/c.json" 2>/dev/null
check "JSON output parses and carries the verdict" test "$("$json_get" "$tmp/c.json" metrics.0.verdict)" = regressed
"$compare" --format markdown "$tmp/b1.json" -- "$tmp/n1.json" 2>/dev/null | grep -q '^| metric |'
check "Markdown output has a table header" test $? -eq 0

# History written before schema 2 keeps working: a version-1 base against
# version-2 new runs finds the same metric.
doc "$tmp/v1b.json" host GB/s 100 0.5 1 1
"$compare" "$tmp/v1b.json" -- "$tmp/n1.json" >"$tmp/out" 2>&1
check "a version-1 base compares with a version-2 run (exit $?)" test $? -eq 1
check "and finds the metric by name" grep -qE 'smoke/m .*regressed' "$tmp/out"

# expect_bad DESCRIPTION TEXT ARGS...: exit 2, one line naming TEXT.
expect_bad() {
	desc=$1 want=$2
	shift 2
	"$compare" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF -- "$want" "$tmp/err"; then
		ok 0 "$desc: exit 2, one line"
	else
		ok 1 "$desc (exit $rc)"
		diag "$tmp/err"
	fi
}
printf '{"schema": "cvram-results", ' >"$tmp/broken.json"
doc "$tmp/v3.json" host GB/s 100 0.5 8 3
sed 's/"samples":\[/"samples":["0.03x",/' "$tmp/n1.json" >"$tmp/str.json"
doc "$tmp/numa.json" numa GB/s 100 0.5 9
expect_bad "missing file" "$tmp/none.json" "$tmp/none.json" -- "$tmp/n1.json"
expect_bad "malformed JSON" "$tmp/broken.json" "$tmp/broken.json" -- "$tmp/n1.json"
expect_bad "another schema version" "not 2 at .schema_version" "$tmp/b1.json" -- "$tmp/v3.json"
expect_bad "a sample that is a string" "not a number at .results[0].metrics[0].samples[0]" "$tmp/b1.json" -- "$tmp/str.json"
truncate -s 300M "$tmp/huge.json"
expect_bad "a huge file (300 MiB, sparse)" "larger than any results document" "$tmp/b1.json" -- "$tmp/huge.json"
expect_bad "an empty set" "the new set is empty" "$tmp/b1.json" --
for v in nan inf -1 1e9 5x; do
	expect_bad "--threshold $v" "--threshold '$v'" --threshold "$v" "$tmp/b1.json" -- "$tmp/n1.json"
done
expect_bad "--alpha nan" "--alpha 'nan'" --alpha nan "$tmp/b1.json" -- "$tmp/n1.json"
sed 's/"schema":"cvram-results"/"schema":null/' "$tmp/n1.json" >"$tmp/null.json"
expect_bad '"schema": null' "at .schema" "$tmp/b1.json" -- "$tmp/null.json"
sed 's/"samples":\[/"samples":[NaN,/' "$tmp/n1.json" >"$tmp/nan.json"
expect_bad "a NaN sample" ".results[0].metrics[0].samples[0]" "$tmp/b1.json" -- "$tmp/nan.json"
sed 's/"samples":\[/"samples":[Infinity,/' "$tmp/n1.json" >"$tmp/inf.json"
expect_bad "an infinite sample" ".results[0].metrics[0].samples[0]" "$tmp/b1.json" -- "$tmp/inf.json"

# A comparison that could not be made: exit 3 with the reason, never 0.
"$compare" "$tmp/b1.json" -- "$tmp/numa.json" >"$tmp/out" 2>"$tmp/err"
check "runs of different targets: exit 3 (got $?)" test $? -eq 3
check "and it says no comparison was made" grep -q 'no comparison made: base runs measured host/system, new runs numa' "$tmp/err"
sed 's/"name":"m"/"name":"renamed"/' "$tmp/same.json" >"$tmp/renamed.json"
"$compare" "$tmp/b1.json" -- "$tmp/renamed.json" >"$tmp/out" 2>"$tmp/err"
check "a metric missing from the new runs: exit 3 (got $?)" test $? -eq 3
check "its row says missing, not unchanged" grep -qE '^smoke/m .*not compared: missing from the new runs' "$tmp/out"
check "the new metric's row says it has no baseline" grep -qE '^smoke/renamed .*no baseline' "$tmp/out"
finish
