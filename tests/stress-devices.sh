#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# pingpong on every device kind: random migrations both ways plus CPU writes.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

[ -e /dev/hmm_dmirror0 ] || device_missing "no /dev/hmm_dmirror* (test_hmm not in this kernel; make check-vm runs it)"
plan 21
for spec in "dmirror 0 device-private" "dmirror 2 device-coherent" "numa - numa-node"; do
	set -- $spec
	where="--device $2"
	[ "$2" = - ] && where=$noise_off	# NUMA balancing would move pages off the node
	run_workload "$stress" pingpong --target "$1" $where --size 2M --duration 3s --seed 11
	skip_if_unavailable
	expect_pass "pingpong on $1 $2" "$3"
	n=$(sel "$tmp/r.json" pingpong/ops/to_device:pages)
	check "pingpong on $1 $2: pages reached the device ($n)" test "${n:-0}" -gt 0
	n=$(sel "$tmp/r.json" pingpong/ops/to_system)
	check "pingpong on $1 $2: migrations back ran ($n)" test "${n:-0}" -gt 0
	check "pingpong on $1 $2: full verifications ran" test "$(sel "$tmp/r.json" pingpong/ops/verify)" -gt 0
done
finish
