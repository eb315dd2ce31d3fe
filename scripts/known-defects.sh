# SPDX-License-Identifier: GPL-2.0-only
# Sourced (sh, busybox sh, bash): the one place of the known-defect policy.
# On Debian's 6.1.192, closing a test_hmm device while another process has
# pages on it warns or oopses (evict-on-close; vm/known-defects-evict). That
# path has a test and a boot of its own (tests/evict-on-close.sh); every other
# suite run keeps race's disturbing process off the dmirror devices.
#
# known_defect_flags PROGRAM WORKLOAD TARGET: the flags that keep a run of
# WORKLOAD (or all) on TARGET away from the known defects.
known_defect_flags() {
	case "$1:$2:$3" in
	cvram-stress:race:dmirror|cvram-stress:all:dmirror) echo --no-disturb ;;
	esac
}
