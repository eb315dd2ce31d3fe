#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The fuzz targets (tests/fuzz/fuzz-*.c) over their corpus and every
# finding the fuzzer ever made (tests/fuzz/findings): each must be read or
# refused without a crash (under ASan and UBSan in CI's sanitizer build).
# The fuzzing itself is tests/fuzz/run, which CI runs for a bounded time.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

[ -d "$CVRAM_SRCDIR/tests/fuzz/corpus" ] || skip_all "no fuzz corpus here (tests/fuzz/corpus)"
plan 4
for t in results selector; do
	for set in corpus findings; do
		dir=$CVRAM_SRCDIR/tests/fuzz/$set/$t
		set -- "$dir"/*
		[ -e "$1" ] || set --
		"$CVRAM_BUILDDIR/tests/fuzz/replay-$t" "$@" >"$tmp/out" 2>&1
		rc=$?
		ok $rc "fuzz-$t replays its $set ($# inputs) without a crash (exit $rc)"
		[ $rc -eq 0 ] || diag "$tmp/out"
	done
done
finish
