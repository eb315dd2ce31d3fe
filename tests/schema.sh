#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The published JSON Schema (results/schema/) with a real validator
# (python3-jsonschema): documents cvram writes here, the fixtures from VM
# runs (version 1, upgraded by cvram-results) and the documents make check-vm
# kept are valid; a document with a wrong type or a missing field is not.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

v=$CVRAM_SRCDIR/tests/validate-schema
"$v" >/dev/null 2>&1
[ $? -eq 77 ] && skip_all "no JSON Schema validator (python3-jsonschema; scripts/install-deps installs it)"
command -v jq >/dev/null 2>&1 || skip_all "jq not installed (scripts/install-deps; not in the VM)"
plan 9
"$bench" smoke --target host --size 1M --reps 2 --quiet --json "$tmp/smoke.json" >/dev/null 2>&1
"$bench" --preflight --target host --json "$tmp/pre.json" >/dev/null 2>&1
"$stress" all --target host --size 1M --duration 1s --quiet --json "$tmp/stress.json" >/dev/null 2>&1
check "bench, preflight and stress documents written here are valid" "$v" "$tmp/smoke.json" "$tmp/pre.json" "$tmp/stress.json"
for f in "$CVRAM_SRCDIR"/tests/fixtures/results-v1/*.json; do
	"$results" upgrade "$f" "$tmp/up-$(basename "$f")"
done
check "the version-1 fixtures, upgraded, are valid" "$v" "$tmp"/up-*.json
set -- "$CVRAM_SRCDIR"/tests/fixtures/results-v2/*.json
check "the version-2 fixtures (VM runs) are valid" "$v" "$@"
# The same commands run before and after schema 2: the upgrade must give
# the very metric keys version 2 writes, or history would stop comparing.
keys() { "$results" metrics "$1" | grep -v '^#' | cut -d' ' -f1 | sort; }
for n in bench-dmirror-hmm_dmirror0 bench-dmirror-hmm_dmirror2; do
	keys "$CVRAM_SRCDIR/tests/fixtures/results-v1/$n.json" >"$tmp/k1"
	keys "$CVRAM_SRCDIR/tests/fixtures/results-v2/$n.json" >"$tmp/k2"
	check "$n: an upgraded version-1 run has the metric keys of a version-2 run ($(wc -l <"$tmp/k2") keys)" \
		sh -c 'cmp -s "$1" "$2" && [ -s "$2" ]' _ "$tmp/k1" "$tmp/k2"
done
set -- "$CVRAM_BUILDDIR"/results/check-vm*/docs/*.json
if [ -e "$1" ]; then
	check "the $# documents the last make check-vm kept are valid" "$v" "$@"
else
	echo "ok $((tap_n + 1)) - documents of make check-vm # SKIP none kept here (make check-vm validates its own)"
	tap_n=$((tap_n + 1))
fi
jq '.results[0].metrics[0].samples[0] = "0.03x"' "$tmp/smoke.json" >"$tmp/bad1.json"
check "a string sample is invalid" sh -c '! "$1" "$2" >/dev/null' _ "$v" "$tmp/bad1.json"
jq 'del(.results[0].metrics[0].better)' "$tmp/smoke.json" >"$tmp/bad2.json"
check "a metric without its direction is invalid" sh -c '! "$1" "$2" >/dev/null' _ "$v" "$tmp/bad2.json"
jq '.results[0].bad_pages = 0' "$tmp/smoke.json" >"$tmp/bad3.json"
check "a field outside the fixed places of a result is invalid" sh -c '! "$1" "$2" >/dev/null' _ "$v" "$tmp/bad3.json"
finish
