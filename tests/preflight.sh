#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --preflight: each condition a line with PASS/FAIL/info and its reason, a
# results document, and the exit status the acceptance script relies on
# (0 all met, 1 some not, 77 the device is not on this machine).
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

plan 7
"$bench" --preflight --target host --json "$tmp/h.json" >"$tmp/out" 2>&1
check "host preflight passes (exit $?)" test $? -eq 0
"$bench" --preflight --target kfd --json "$tmp/k.json" >"$tmp/out" 2>&1
rc=$?
if [ -e /dev/kfd ]; then
	check "kfd preflight on a machine with /dev/kfd: 0 or 1 (got $rc)" test "$rc" -le 1
else
	check "kfd preflight without /dev/kfd: 77, device absent (got $rc)" test "$rc" -eq 77
fi
check "every kfd condition is a line with its status" grep -qE '^  (PASS|FAIL|info) +kfd ' "$tmp/out"
check "the kernel options that turn SVM on are checked" grep -q 'HSA_AMD_SVM' "$tmp/out"
check "the IOMMU state is reported" grep -q 'iommu' "$tmp/out"
check "the results document lists the checks" "$json_get" "$tmp/k.json" preflight.0.check
"$bench" --preflight --target nosuch >"$tmp/out" 2>&1
check "an unknown target is bad usage (exit $?)" test $? -eq 2
finish
