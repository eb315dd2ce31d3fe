# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests that need synthetic results documents.

# doc FILE TARGET UNIT MEAN SPREAD SEED [SCHEMA_VERSION]: 12 samples,
# uniform in MEAN +- SPREAD from a fixed LCG, as a results document with one
# smoke metric "m" (better: higher for rates, lower for times). Version 2 by
# default; 1 writes the version-1 layout; any other number is written as is.
doc() {
	samples=$(awk -v m="$4" -v s="$5" -v seed="$6" 'BEGIN {
		x = seed; out = "";
		for (i = 0; i < 12; i++) { x = (x * 1103515245 + 12345) % 2147483648;
			out = out (i ? "," : "") sprintf("%.6f", m + s * (2 * x / 2147483648 - 1)) }
		print out }')
	better=higher
	case $3 in s|ns|ms|us|ns/access) better=lower ;; esac
	printf '{"schema":"cvram-results","schema_version":%s,"context":{"target":{"name":"%s","kind":"system"}},' \
		"${7:-2}" "$2" >"$1"
	if [ "${7:-2}" = 1 ]; then
		printf '"results":[{"workload":"smoke","metrics":{"m":{"unit":"%s","samples":[%s]}}}]}\n' "$3" "$samples" >>"$1"
	else
		printf '"results":[{"workload":"smoke","metrics":[{"name":"m","unit":"%s","better":"%s","samples":[%s]}]}]}\n' \
			"$3" "$better" "$samples" >>"$1"
	fi
}

# night_doc FILE KERNEL SCALE SEED: a version-2 bench document as a night
# of the dmirror coherent device would leave it, on kernel KERNEL: migrate
# throughput to the device (GB/s, about 2 x SCALE), touch-bw triad on the
# device (GB/s, about 10) and fault first-touch time (us, about 3): 12
# samples each from a fixed LCG, so that runs are repeatable.
night_doc() {
	samples() {
		awk -v m="$1" -v s="$2" -v seed="$3" 'BEGIN { x = seed; out = "";
			for (i = 0; i < 12; i++) { x = (x * 1103515245 + 12345) % 2147483648;
				out = out (i ? "," : "") sprintf("%.6f", m + s * (2 * x / 2147483648 - 1)) }
			print out }'
	}
	printf '{"schema":"cvram-results","schema_version":2,"context":{"cvram_version":"0.1.0","git_describe":"test",' >"$1"
	printf '"hostname":"cvram-vm","kernel":{"release":"%s","version":"#1 SMP","config":{"CONFIG_TEST_HMM":"m"}},' "$2" >>"$1"
	printf '"settings":{"thp_enabled":"never","thp_defrag":"never","numa_balancing":"0"},' >>"$1"
	printf '"target":{"name":"dmirror","device":"/dev/hmm_dmirror2","kind":"device-coherent"}},"results":[' >>"$1"
	printf '{"workload":"migrate","metrics":[{"name":"throughput","unit":"GB/s","better":"higher","labels":{"to":"device","size_bytes":1048576},"samples":[%s]}]},' \
		"$(samples "$(awk -v s="$3" 'BEGIN { print 2 * s }')" 0.02 "$4")" >>"$1"
	printf '{"workload":"touch-bw","metrics":[{"name":"bandwidth","unit":"GB/s","better":"higher","labels":{"kernel":"triad","placement":"device","threads":1},"samples":[%s]}]},' \
		"$(samples 10 0.1 "$(($4 + 1))")" >>"$1"
	printf '{"workload":"fault","metrics":[{"name":"first-touch","unit":"us","better":"lower","samples":[%s]}]}]}\n' \
		"$(samples 3 0.03 "$(($4 + 2))")" >>"$1"
}
