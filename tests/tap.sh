# Sourced by the shell tests: TAP output and the programs under test.
# Works with busybox sh (the VM) as well as dash and bash.
: "${CVRAM_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CVRAM_BUILDDIR:=$CVRAM_SRCDIR}"
bench=$CVRAM_BUILDDIR/cvram-bench
stress=$CVRAM_BUILDDIR/cvram-stress
json_get=$CVRAM_BUILDDIR/tests/json-get
tap_n=0
tap_failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cvram-test.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

plan() { echo "1..$1"; }

# ok STATUS DESCRIPTION: STATUS 0 passes.
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

check() { _check_desc=$1; shift; "$@" >/dev/null; ok $? "$_check_desc"; }

skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# A device that is missing is a skip here, but a failure inside the VM,
# where every device exists by construction.
device_missing() {
	if [ -n "${CVRAM_IN_VM:-}" ]; then
		echo "1..1"
		echo "not ok 1 - device test could not run inside the VM: $*"
		exit 1
	fi
	skip_all "$*"
}

# Reason printed by a program that exited 77 ("SKIP: ..." on stdout).
skip_reason() { sed -n 's/^SKIP: //p' "$1" | head -n 1; }

diag() { sed 's/^/# /' "$@"; }

finish() { [ "$tap_failed" -eq 0 ]; exit $?; }
