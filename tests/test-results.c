/* The JSON writer: parse its output back, and never leave a half file. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cvram/results.h"
#include "tap.h"

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static json_object *get(json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t len = strcspn(path, ".");

		snprintf(key, sizeof(key), "%.*s", (int)len, path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += len + (path[len] == '.');
	}
	return o;
}

int main(void)
{
	char dir[] = "/tmp/cvram-test-results.XXXXXX", path[128], bad[160];
	const double samples[] = { 1, 2, 3, 4 };
	char *argv[] = { "cvram-bench", "smoke", NULL };
	json_object *results = json_object_new_array(), *doc, *back, *m;
	const char *src = NULL, *v;

	tap_plan(14);
	if (!mkdtemp(dir))
		tap_skip_all("cannot create a temporary directory");
	m = json_object_new_object();
	json_object_object_add(m, "x", cvram_metric_new("s", samples, 4));
	json_object_array_add(results, m);
	doc = cvram_document_new(cvram_context_new(2, argv, NULL), results);
	snprintf(path, sizeof(path), "%s/r.json", dir);
	tap_ok(cvram_write_json_atomic(path, doc) == 0, "write %s", path);
	tap_ok(count_entries(dir) == 1, "only the final file is left (no temporary)");
	back = json_object_from_file(path);
	tap_ok(back != NULL, "the file parses back");
	tap_ok(back && strcmp(json_object_get_string(get(back, "schema")), CVRAM_SCHEMA_NAME) == 0, "schema name");
	tap_ok(back && json_object_get_int(get(back, "schema_version")) == CVRAM_SCHEMA_VERSION, "schema version");
	tap_ok(get(back, "context.kernel.release") != NULL, "context has the kernel release");
	tap_ok(get(back, "context.kernel.config.CONFIG_DEVICE_PRIVATE") != NULL, "context has kernel config options");
	tap_ok(get(back, "context.settings") != NULL && get(back, "context.topology.source") != NULL,
	       "context has settings and topology");
	tap_ok(json_object_array_length(get(back, "context.command_line")) == 2, "command line recorded");
	m = back ? json_object_array_get_idx(get(back, "results"), 0) : NULL;
	tap_ok(m && json_object_get_double(get(m, "x.summary.median")) == 2.5, "metric summary median 2.5");
	tap_ok(m && json_object_array_length(get(m, "x.samples")) == 4, "raw samples kept");

	snprintf(bad, sizeof(bad), "%s/missing/r.json", dir);
	tap_ok(cvram_write_json_atomic(bad, doc) == -ENOENT, "writing into a missing directory fails");
	tap_ok(count_entries(dir) == 1, "and leaves nothing behind");

	v = cvram_kernel_config("CONFIG_NO_SUCH_OPTION_CVRAM", &src);
	tap_ok(src && (strcmp(v, "n") == 0 || strcmp(v, "unknown") == 0),
	       "absent option reads n or unknown (%s from %s)", v, src);
	unlink(path);
	rmdir(dir);
	json_object_put(doc);
	json_object_put(back);
	return tap_done();
}
