#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A page corrupted from the harness side must fail the run (exit 1) and be
# named, on every target that is available (host always is).
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

targets="host"
[ -e /dev/hmm_dmirror2 ] && targets="$targets dmirror:2 dmirror:0"
[ -n "${CVRAM_IN_VM:-}" ] && targets="$targets numa"
set -- $targets
plan $(($# * 6))
for spec in $targets; do
	t=${spec%%:*} dev=
	[ "$t" = "$spec" ] || dev="--device ${spec#*:}"
	export CVRAM_TEST_CORRUPT_PAGE=3
	run_workload "$bench" smoke --target $t $dev --size 1M --reps 1
	check "smoke on $spec with page 3 corrupted exits 1 (got $rc)" test "$rc" -eq 1
	check "smoke on $spec names page 3" grep -q 'page 3 offset 96' "$tmp/err"
	export CVRAM_TEST_CORRUPT_PAGE=5
	run_workload "$stress" pingpong --target $t $dev --size 1M --duration 1s
	unset CVRAM_TEST_CORRUPT_PAGE
	check "pingpong on $spec with page 5 corrupted exits 1 (got $rc)" test "$rc" -eq 1
	check "pingpong on $spec names page 5 and the offset" grep -q 'data mismatch .*: page 5 offset 96:' "$tmp/err"
	check "pingpong on $spec: the results name page 5 as the first failure" \
		test "$("$json_get" "$tmp/r.json" results.0.integrity.failures.0.page)" = 5
	check "pingpong on $spec counts one bad page, not each sighting of it" \
		test "$(sel "$tmp/r.json" pingpong/integrity/bad_pages)" = 1
done
finish
