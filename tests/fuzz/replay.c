/* SPDX-License-Identifier: GPL-2.0-only */
/* Runs a fuzz target over files given on the command line, without
 * libFuzzer: how make check replays the corpus and every past finding
 * (tests/fuzz.sh), under ASan and UBSan in CI's sanitizer build. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *bigger = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (!bigger) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = bigger;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	for (int i = 1; i < argc; i++)
		failed |= replay(argv[i]) != 0;
	printf("replayed %d input%s\n", argc - 1, argc == 2 ? "" : "s");
	return failed ? 99 : 0;
}
