#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# smoke on test_hmm's device-coherent devices (2 and 3 in 6.1): pages move
# to the device, the CPU reads them in place, every page keeps its data.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

[ -e /dev/hmm_dmirror2 ] || device_missing "no /dev/hmm_dmirror2 (test_hmm without coherent devices here; make check-vm runs it)"
plan 9
for dev in 2 3; do
	run_workload "$bench" smoke --target dmirror --device /dev/hmm_dmirror$dev --size 4M --reps 2
	skip_if_unavailable
	expect_pass "smoke on /dev/hmm_dmirror$dev" device-coherent
done
run_workload "$bench" smoke --target dmirror --device 2 --size 512M --reps 1
check "a size beyond the coherent device's 256 MiB is refused (exit 2)" test "$rc" -eq 2
finish
