#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smoke on test_hmm's device-private devices (0 and 1 in 6.1): pages move to
# the device, a CPU read faults them back, and every page keeps its data.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

[ -e /dev/hmm_dmirror0 ] || device_missing "no /dev/hmm_dmirror0 (test_hmm not in this kernel; make check-vm runs it)"
plan 8
for dev in 0 1; do
	run_workload "$bench" smoke --target dmirror --device $dev --size 4M --reps 2
	skip_if_unavailable
	expect_pass "smoke on /dev/hmm_dmirror$dev" device-private
done
finish
