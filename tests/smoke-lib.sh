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

# The known kernel defects of the running kernel line (one ERE per line):
# vm/known-defects for 6.1, vm/known-defects-7.2 for 7.2.x, and so on;
# known_defects_file evict picks the set of the evict-on-close boot
# (vm/known-defects-evict*); tests choose it with CVRAM_DEFECT_SET=evict.
known_defects_file() {
	line=$(uname -r | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
	set_=known-defects${1:+-$1}
	f=$CVRAM_SRCDIR/vm/$set_-$line
	[ "$line" = 6.1 ] || [ ! -f "$f" ] || { echo "$f"; return; }
	echo "$CVRAM_SRCDIR/vm/$set_"
}

# Kernel-log problem lines of the last run, one per line.
problems() { "$json_get" "$tmp/r.json" kernel_log.problems 2>/dev/null | sed '/^\[\]$/d; /^$/d'; }

# known_kernel_defect: the last run found nothing wrong itself (every
# workload exit 0) and failed only on kernel-log lines that the running
# kernel line's known-defects file lists.
known_kernel_defect() {
	[ "$rc" -eq 1 ] && [ -f "$tmp/r.json" ] || return 1
	[ "$("$results" value --agg nonzero '*/exit_status' "$tmp/r.json" 2>/dev/null)" = 0 ] || return 1
	[ -n "$(problems)" ] || return 1
	# The kernel line's main set always; an own boot's set on top of it.
	{ known_defects_file; known_defects_file "${CVRAM_DEFECT_SET:-}"; } | sort -u | while read -r f; do
		sed -e '/^#/d' -e '/^$/d' "$f"
	done >"$tmp/known"
	! problems | grep -vqE -f "$tmp/known"
}

# todo_known DESCRIPTION: a TAP TODO naming the defect with the kernel's lines.
todo_known() {
	tap_n=$((tap_n + 1))
	echo "not ok $tap_n - $1 # TODO known kernel defect (vm/$(basename "$(known_defects_file "${CVRAM_DEFECT_SET:-}")")): $(problems | head -n 1 | cut -c1-120)"
	problems | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/#   kernel: /'
}

# expect_verified DESCRIPTION: exit 0, or a known defect of this kernel
# line (TODO with the kernel's lines), or a failure.
expect_verified() {
	if [ "$rc" -eq 0 ]; then
		ok 0 "$1"
	elif known_kernel_defect; then
		todo_known "$1"
	else
		ok 1 "$1 (exit $rc)"
		diag "$tmp/err"
	fi
}

# expect_pass DESCRIPTION KIND: exit 0, a document that says complete, and
# a device of the expected kind; a failure that is only a known kernel
# defect of this kernel line is a TODO with the kernel's lines.
expect_pass() {
	desc=$1 kind=$2
	if known_kernel_defect; then
		todo_known "$desc: exit 0"
	elif [ "$rc" -ne 0 ]; then
		ok 1 "$desc: exit $rc"
		diag "$tmp/out" "$tmp/err"
		return
	else
		ok 0 "$desc: exit 0"
	fi
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
