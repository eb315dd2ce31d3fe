/* SPDX-License-Identifier: GPL-2.0-only */
/* json-get FILE PATH: print the value at a dotted PATH (array items by
 * number) of a JSON file; exit 1 if the file does not parse or the path is
 * missing. A string prints as is; an array of strings one per line. The
 * shell tests use it where jq may not exist (the VM). */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	json_object *root, *o;
	char *path, *key, *save = NULL;
	int rc = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: json-get FILE PATH\n");
		return 2;
	}
	o = root = json_object_from_file(argv[1]);
	if (!o) {
		fprintf(stderr, "json-get: %s: not valid JSON\n", argv[1]);
		return 1;
	}
	path = strdup(argv[2]);
	for (key = strtok_r(path, ".", &save); key && o; key = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)strtoul(key, NULL, 10));
		else if (!json_object_object_get_ex(o, key, &o))
			o = NULL;
	}
	if (!o) {
		fprintf(stderr, "json-get: %s: no %s\n", argv[1], argv[2]);
		rc = 1;
	} else if (json_object_is_type(o, json_type_string)) {
		printf("%s\n", json_object_get_string(o));
	} else if (json_object_is_type(o, json_type_array) && json_object_array_length(o) &&
		   json_object_is_type(json_object_array_get_idx(o, 0), json_type_string)) {
		/* An array of strings (kernel log lines): one per line, as is. */
		for (size_t i = 0; i < json_object_array_length(o); i++)
			printf("%s\n", json_object_get_string(json_object_array_get_idx(o, i)));
	} else {
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	}
	free(path);
	json_object_put(root);
	return rc;
}
