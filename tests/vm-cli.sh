#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvram-vm's bad inputs, without booting anything: each is one clear line,
# a documented exit status, and the kernel cache is never left poisoned.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"

[ -n "${CVRAM_IN_VM:-}" ] && skip_all "cvram-vm runs on the host, not inside the VM"
command -v bash >/dev/null 2>&1 || skip_all "bash not found (cvram-vm is a bash script)"
vm="$CVRAM_SRCDIR/scripts/cvram-vm"
export CVRAM_CACHE="$tmp/cache"

# expect DESCRIPTION STATUS TEXT ARGS...
expect() {
	desc=$1 want_rc=$2 want=$3
	shift 3
	"$vm" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want_rc" ] && grep -qF -- "$want" "$tmp/err"; then
		ok 0 "$desc: exit $want_rc, says '$want'"
	else
		ok 1 "$desc: exit $rc (want $want_rc)"
		diag "$tmp/err"
	fi
}

no_kernel_cached() { ! ls "$CVRAM_CACHE"/kernels/*/bzImage >/dev/null 2>&1; }

# A tiny tree that passes the "is a kernel tree that carries the series" checks.
fake_tree() {
	mkdir -p "$1/arch/x86" "$1/mm" "$1/include/linux" "$1/lib"
	printf 'all:\n\t@false\n%%:\n\t@false\n' >"$1/Makefile"
	: >"$1/Kconfig"
	echo "MEMORY_DEVICE_COHERENT = 2," >"$1/include/linux/memremap.h"
	: >"$1/lib/test_hmm.c"
	printf 'int a;\nint b;\nint c;\n' >"$1/mm/memory.c"
}

plan 28
expect "no subcommand" 2 "Usage" 
expect "unknown subcommand" 2 "unknown subcommand 'bogus'" bogus
expect "run without a command" 2 "no command given" run
expect "run with a bad --mem" 2 "--mem 'lots'" run --mem lots -- true
expect "--source that does not exist" 121 "is not a directory" kernel --source "$tmp/nothing"
mkdir -p "$tmp/empty"
expect "--source that is not a kernel tree" 121 "is not a kernel tree" kernel --source "$tmp/empty"
fake_tree "$tmp/old"
: >"$tmp/old/include/linux/memremap.h"
expect "a tree without the DEVICE_COHERENT series" 121 "does not carry the DEVICE_COHERENT series" \
	kernel --source "$tmp/old"

fake_tree "$tmp/linux"
mkdir -p "$tmp/patches"
expect "--patches without a series file" 121 "has no 'series' file" kernel --source "$tmp/linux" --patches "$tmp/patches"
echo "missing.patch" >"$tmp/patches/series"
expect "a series naming a missing patch" 121 "patch 'missing.patch' listed" \
	kernel --source "$tmp/linux" --patches "$tmp/patches"
cat >"$tmp/patches/broken.patch" <<'PATCH'
--- a/mm/memory.c
+++ b/mm/memory.c
@@ -1,3 +1,3 @@
 int x;
-int y;
+int yy;
 int z;
PATCH
echo "broken.patch" >"$tmp/patches/series"
expect "a patch that does not apply names patch and file" 121 \
	"patch 'broken.patch' does not apply (failing: mm/memory.c)" \
	kernel --source "$tmp/linux" --patches "$tmp/patches"
check "a failed build leaves no cached kernel" no_kernel_cached
check "and leaves the source tree untouched" grep -qx 'int b;' "$tmp/linux/mm/memory.c"

matrix=$CVRAM_SRCDIR/scripts/cvram-matrix
"$matrix" --kernels "6.1 7" --builddir "$CVRAM_BUILDDIR" --out "$tmp/m" >/dev/null 2>"$tmp/err"
check "cvram-matrix with a kernel that is not a line: exit 2 (got $?), named" grep -q "'7' is not a kernel line" "$tmp/err"
check "and nothing was run" test ! -e "$tmp/m/6.1"

# --version: Debian's linux-source-V through cvram's own apt configuration.
# Fake apt-get, apt-cache and dpkg-deb record how they are called: the
# machine's sources must never be read, nothing is installed.
expect "--version that is not a kernel line" 2 "--version '7'" kernel --version 7
expect "--version with --source" 2 "exclude each other" kernel --version 7.2 --source "$tmp/linux"
mkdir -p "$tmp/fakebin"
cat >"$tmp/fakebin/apt-get" <<'FAKE'
#!/bin/sh
echo "apt-get $*" >>"$CVRAM_FAKE_LOG"
for a in "$@"; do case $a in Dir::State::Lists=*) lists=${a#*=} ;; esac; done
case " $* " in
*" update "*) mkdir -p "$lists" && : >"$lists/deb_dists_sid_main_binary-amd64_Packages" ;;
*" download "*) for a in "$@"; do p=$a; done; : >"${p%%=*}_${p#*=}_all.deb" ;;
esac
FAKE
cat >"$tmp/fakebin/apt-cache" <<'FAKE'
#!/bin/sh
echo "apt-cache $*" >>"$CVRAM_FAKE_LOG"
printf 'linux-source-6.12:
  Installed: (none)
  Candidate: 6.12.117-1
'
FAKE
cat >"$tmp/fakebin/dpkg-deb" <<'FAKE'
#!/bin/sh
echo "dpkg-deb $*" >>"$CVRAM_FAKE_LOG"
mkdir -p "$3/usr/src" && echo fake >"$3/usr/src/linux-source-6.12.tar.xz"
FAKE
chmod +x "$tmp/fakebin/"*
export CVRAM_FAKE_LOG="$tmp/apt.log"
PATH="$tmp/fakebin:$PATH" "$vm" kernel --version 6.12 --cached >"$tmp/out" 2>"$tmp/err"
check "--version 6.12 --cached: no kernel cached yet, exit 1 (got $?)" test $? -eq 1
check "apt runs with its own source list, state and cache under cvram's cache" \
	sh -c 'grep "apt-get .*Dir::Etc::SourceList=/dev/null .*Dir::Etc::SourceParts=$1/apt/etc .*Dir::State::Lists=$1/apt/lists .*update" "$2" >/dev/null' _ "$CVRAM_CACHE" "$tmp/apt.log"
check "its sources name the suites that carry newer kernels, signed by Debian's keyring" \
	grep -q 'Suites: bookworm-backports trixie sid' "$CVRAM_CACHE/apt/etc/cvram.sources"
check "the package is downloaded, never installed" \
	sh -c 'grep -q "download linux-source-6.12=6.12.117-1" "$1" && ! grep -q " install " "$1"' _ "$tmp/apt.log"
check "and unpacked into cvram's cache" test -f "$CVRAM_CACHE/apt/src/linux-source-6.12-6.12.117-1/usr/src/linux-source-6.12.tar.xz"
# Whether KVM can boot a stock kernel, and why not: said without a boot
# where the machine shows it (no device; PVM), else a probe boot decides.
: >"$tmp/kvm"
mkdir -p "$tmp/pvm/sys/module/kvm_pvm" "$tmp/pvm/proc" "$tmp/vmx/proc"
echo "flags : fpu sse2 avx2" >"$tmp/pvm/proc/cpuinfo"
echo "flags : fpu sse2 vmx avx2" >"$tmp/vmx/proc/cpuinfo"
CVRAM_KVM_DEV=$tmp/nokvm "$vm" probe-kvm >"$tmp/out" 2>"$tmp/err"
check "no KVM device: tcg, without a boot" test "$(cat "$tmp/out")" = tcg
check "and it says there is no device" grep -q "tcg: no $tmp/nokvm" "$tmp/err"
CVRAM_KVM_DEV=$tmp/kvm CVRAM_SYS_ROOT=$tmp/pvm "$vm" probe-kvm >"$tmp/out" 2>"$tmp/err"
check "KVM provided by PVM (kvm_pvm, no vmx/svm): tcg, without a boot" test "$(cat "$tmp/out")" = tcg
check "and it says PVM runs only kernels built for it" grep -q 'is KVM-PVM (module kvm_pvm loaded, no vmx or svm flag' "$tmp/err"
if command -v busybox >/dev/null 2>&1 && command -v cpio >/dev/null 2>&1; then
	# Hardware KVM that cannot boot this kernel: QEMU fails at once.
	mkdir -p "$tmp/qemubin"
	printf '#!/bin/sh\necho "qemu: failing on purpose" >&2\nexit 1\n' >"$tmp/qemubin/qemu-system-x86_64"
	chmod +x "$tmp/qemubin/qemu-system-x86_64"
	: >"$tmp/bzImage"
	t0=$(cut -d. -f1 /proc/uptime)
	PATH="$tmp/qemubin:$PATH" CVRAM_KVM_DEV=$tmp/kvm CVRAM_SYS_ROOT=$tmp/vmx "$vm" probe-kvm "$tmp/bzImage" >"$tmp/out" 2>"$tmp/err"
	took=$(($(cut -d. -f1 /proc/uptime) - t0))
	check "a KVM whose probe boot fails: tcg" test "$(cat "$tmp/out")" = tcg
	check "found at once when QEMU fails fast (${took} s, the probe's deadline is 20 s)" test "$took" -lt 15
	check "and the message says what QEMU said" grep -q "QEMU: qemu: failing on purpose" "$tmp/err"
else
	ok 0 "a KVM whose probe boot fails # SKIP busybox-static or cpio not installed (scripts/install-deps)"
	ok 0 "found at once when QEMU fails fast # SKIP busybox-static or cpio not installed"
	ok 0 "and the message says what QEMU said # SKIP busybox-static or cpio not installed"
fi
finish
