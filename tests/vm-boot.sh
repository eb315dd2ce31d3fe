#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvram-vm run end to end, with the cached kernel: the command's status
# comes back, a command missing in the guest is named (127), a guest that
# panics is reported (122) with the panic line, and a binary file written in
# the guest arrives on the host byte for byte.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

[ -n "${CVRAM_IN_VM:-}" ] && skip_all "boots a VM; runs on the host"
vm="$CVRAM_SRCDIR/scripts/cvram-vm"
command -v qemu-system-x86_64 >/dev/null 2>&1 || skip_all "qemu-system-x86_64 not installed (scripts/install-deps)"
kernel=$("$vm" kernel --cached 2>/dev/null) || skip_all "no cached VM kernel yet (make check-vm or scripts/cvram-vm kernel builds it)"
run() { "$vm" run --kernel "$kernel" --results "$tmp/res" --timeout 120 --bin "$bench" "$@" >"$tmp/out" 2>"$tmp/err"; }

plan 8
run -- sh -c 'echo hello; exit 3'
check "the guest command's status comes back (3, got $?)" test $? -eq 3
check "its output is streamed" grep -qx hello "$tmp/out"
check "the guest kernel log is saved" grep -q 'Linux version' "$tmp/res/vm-kernel.log"
run -- no-such-command
check "a command missing in the guest: exit 127 (got $?)" test $? -eq 127
check "and it is named" grep -q "no-such-command" "$tmp/err"
run -- sh -c 'echo c >/proc/sysrq-trigger'
rc=$?
check "a guest that panics: exit 122 (got $rc)" test $rc -eq 122
run -- sh -c 'dd if=/dev/urandom of=/results/blob bs=1M count=3 2>/dev/null && md5sum /results/blob'
sum=$(cut -d' ' -f1 "$tmp/out")
check "a 3 MiB binary file comes back intact" test "$(md5sum <"$tmp/res/blob" | cut -d' ' -f1)" = "$sum"
run --mem 100 -- true
check "a bad --mem is refused before booting (exit 2)" test $? -eq 2
finish
