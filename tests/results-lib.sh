# Sourced by tests that need synthetic results documents.

# doc FILE TARGET UNIT MEAN SPREAD SEED [SCHEMA_VERSION]: 12 samples,
# uniform in MEAN +- SPREAD from a fixed LCG, as a results document.
doc() {
	samples=$(awk -v m="$4" -v s="$5" -v seed="$6" 'BEGIN {
		x = seed; out = "";
		for (i = 0; i < 12; i++) { x = (x * 1103515245 + 12345) % 2147483648;
			out = out (i ? "," : "") sprintf("%.6f", m + s * (2 * x / 2147483648 - 1)) }
		print out }')
	printf '{"schema":"cvram-results","schema_version":%s,"context":{"target":{"name":"%s","kind":"system"}},' \
		"${7:-1}" "$2" >"$1"
	printf '"results":[{"workload":"w","metrics":{"m":{"unit":"%s","samples":[%s]}}}]}\n' "$3" "$samples" >>"$1"
}
