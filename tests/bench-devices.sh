#!/bin/sh
# The default bench suite on every device kind: device-coherent and NUMA
# memory are touched in place and compared with system RAM; device-private
# pages are faulted back (fault workload); migrations run both ways.
. "${CVRAM_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
. "$CVRAM_SRCDIR/tests/smoke-lib.sh"

[ -e /dev/hmm_dmirror0 ] || device_missing "no /dev/hmm_dmirror* (test_hmm not in this kernel; make check-vm runs it)"
plan 17
# all_ok SPEC: every workload in the document passed or was skipped.
all_ok() {
	i=0
	while w=$("$json_get" "$tmp/r.json" results.$i.workload 2>/dev/null); do
		st=$("$json_get" "$tmp/r.json" results.$i.exit_status 2>/dev/null || echo skipped)
		case $st in 0|skipped) ;; *) echo "# $w exited $st"; return 1 ;; esac
		i=$((i + 1))
	done
	[ "$i" -ge 4 ]
}

run_workload "$bench" all --target dmirror --device 2 --size 2M --reps 2 --threads 2
expect_pass "all on the coherent device" device-coherent
check "coherent: every workload passed or was skipped" all_ok
check "coherent: touch-bw compares device with system" \
	"$json_get" "$tmp/r.json" results.1.configs.0.kernels.read.device_over_system
check "coherent: migrate recorded a latency histogram" \
	"$json_get" "$tmp/r.json" results.3.sizes.0.to_device.latency_histogram.buckets.0.count

run_workload "$bench" all --target dmirror --device 0 --size 1M --reps 2
expect_pass "all on the private device" device-private
check "private: the fault storm finished (no livelock)" \
	test "$("$json_get" "$tmp/r.json" results.4.fault.storm.livelock)" = false
check "private: per-page first-touch latency recorded" \
	"$json_get" "$tmp/r.json" results.4.fault.per_page_first_touch.summary.p99

run_workload "$bench" all --target numa --size 2M --reps 2 --threads 2 $noise_off
expect_pass "all on the CPU-less node" numa-node
finish
