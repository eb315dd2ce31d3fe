# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the shell tests: TAP output and the programs under test.
# Works with busybox sh (the VM) as well as dash and bash.
: "${CVRAM_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${CVRAM_BUILDDIR:=$CVRAM_SRCDIR}"
bench=$CVRAM_BUILDDIR/cvram-bench
stress=$CVRAM_BUILDDIR/cvram-stress
json_get=$CVRAM_BUILDDIR/tests/json-get
results=$CVRAM_BUILDDIR/cvram-results
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

# sel FILE SELECTOR: the value a selector names (include/cvram/select.h).
sel() { "$results" get "$1" "$2"; }

# valid_document FILE: the document passes cvram's own reader and the
# published JSON Schema (python3-jsonschema). Where no validator exists (the
# VM), a copy goes to $CVRAM_DOCS_DIR for the host to validate afterwards.
valid_document() {
	"$results" check "$1" >/dev/null || return 1
	"$CVRAM_SRCDIR/tests/validate-schema" "$1"
	case $? in
	0) return 0 ;;
	77) [ -z "${CVRAM_DOCS_DIR:-}" ] && return 0
	    _docs=$((${_docs:-0} + 1))
	    mkdir -p "$CVRAM_DOCS_DIR" && cp "$1" "$CVRAM_DOCS_DIR/$(basename "$0" .sh)-$$-$_docs.json" ;;
	*) return 1 ;;
	esac
}

finish() { [ "$tap_failed" -eq 0 ]; exit $?; }
