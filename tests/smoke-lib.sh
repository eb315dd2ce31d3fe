# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the smoke and stress tests: run one workload on one target and
# check its status, its JSON document and the kind of device it found.
. "$CVRAM_SRCDIR/scripts/known-defects.sh"

# run_workload PROGRAM WORKLOAD TARGET-ARGS... : sets rc, leaves $tmp/out,
# $tmp/err and $tmp/r.json.
run_workload() {
	prog=$1 wl=$2
	shift 2
	rm -f "$tmp/r.json"
	"$prog" "$wl" "$@" --quiet --json "$tmp/r.json" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	# Every document a test produces must be valid: else the run fails.
	if [ -f "$tmp/r.json" ] && ! valid_document "$tmp/r.json" >>"$tmp/err" 2>&1; then
		echo "# results document invalid (exit was $rc):"
		diag "$tmp/err"
		rc=98
	fi
}

# expect_pass DESCRIPTION KIND: exit 0, a document that says complete, and
# a device of the expected kind.
expect_pass() {
	desc=$1 kind=$2
	if [ "$rc" -ne 0 ]; then
		ok 1 "$desc: exit $rc"
		diag "$tmp/out" "$tmp/err"
		return
	fi
	ok 0 "$desc: exit 0"
	check "$desc: results document is complete" \
		test "$("$json_get" "$tmp/r.json" complete 2>/dev/null)" = true
	got=$("$json_get" "$tmp/r.json" context.target.kind 2>/dev/null)
	check "$desc: device kind is $kind (found '$got')" test "$got" = "$kind"
	check "$desc: no failures recorded" \
		test "$("$json_get" "$tmp/r.json" results.0.exit_status 2>/dev/null)" = 0
}

# Skip (or, in the VM, fail) when the target said it is unavailable.
skip_if_unavailable() {
	[ "$rc" -eq 77 ] || return 0
	device_missing "$(skip_reason "$tmp/out")"
}

# NUMA balancing moves pages off CPU-less nodes by design; tests of the numa
# target switch it off for their run when they may (root), and the harness
# restores it afterwards.
noise_off=
[ "$(id -u)" -eq 0 ] && noise_off=--noise-off
