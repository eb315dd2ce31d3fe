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
