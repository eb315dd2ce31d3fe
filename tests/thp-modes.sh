#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Where THP changes the outcome (a THP can reach a device whole or split, and
# 7.x counts folios where 6.1 counts pages), the device workloads run with
# THP "always" and "madvise": smoke, migrate and partial on the private and
# the coherent test_hmm device, every page verified. What the kernel did
# with a THP is probed at open (context.target.probes.thp_on_device) and
# reported here, whatever it is.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

[ -n "${CVRAM_IN_VM:-}" ] || skip_all "changes the system-wide THP setting; runs inside the VM (make check-vm)"
[ -e /dev/hmm_dmirror0 ] || device_missing "no /dev/hmm_dmirror* (test_hmm not in this kernel)"
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w "$thp" ] || device_missing "$thp not writable"
old=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp")
trap 'echo "$old" >"$thp"; rm -rf "$tmp"' EXIT

plan 11
for mode in always madvise; do
	echo "$mode" >"$thp"
	for dev in 0 2; do
		run_workload "$bench" smoke --target dmirror --device $dev --size 8M --reps 2
		expect_verified "THP $mode, device $dev: smoke verified every page"
		[ "$dev" = 0 ] && echo "# THP $mode: a THP on the private device is" \
			"$("$json_get" "$tmp/r.json" context.target.probes.thp_on_device 2>/dev/null || echo unknown)"
		run_workload "$bench" migrate --target dmirror --device $dev --size 4M --reps 2
		expect_verified "THP $mode, device $dev: migrate verified every page"
	done
	run_workload "$stress" partial --target dmirror --device 0
	expect_verified "THP $mode, private device: partial, every reason as expected"
done
echo "$old" >"$thp"
check "the THP setting is back to $old" grep -q "\[$old\]" "$thp"
finish
