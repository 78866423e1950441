/* libFuzzer target: the tree manifest parser (refs/<id>.tree, a bundle's
 * tree.json, layer records) on arbitrary bytes. What loads must hold only
 * normalised relative paths and nanoseconds below a second, and must load
 * again, equal, from what volt_tree_save writes of it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cas/tree.h"
#include "util/cleanup.h"
#include "util/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_err err;
	struct volt_tree t, u;
	size_t n, m;

	if (!path[0]) {
		char tmpl[] = "/tmp/volt-fuzz-XXXXXX";
		if (!mkdtemp(tmpl))
			abort();
		snprintf(path, sizeof(path), "%s/t.tree", tmpl);
	}
	volt_tree_init(&t);
	if (volt_tree_load_buf(&t, (const char *)data, size, &err) < 0) {
		volt_tree_free(&t);
		return 0;
	}
	cleanup_free struct volt_tree_entry **v = volt_tree_sorted(&t, &n);
	for (size_t i = 0; v && i < n; i++)
		if (!v[i]->path[0] || v[i]->path[0] == '/' || v[i]->mtime_nsec > 999999999)
			abort();
	if (volt_tree_save(&t, path, &err) < 0)
		abort();
	volt_tree_init(&u);
	if (volt_tree_load(&u, path, &err) < 0)
		abort();
	cleanup_free struct volt_tree_entry **w = volt_tree_sorted(&u, &m);
	if (m != n || u.version != VOLT_TREE_VERSION)
		abort();
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i]->path, w[i]->path) || v[i]->type != w[i]->type || v[i]->mtime != w[i]->mtime ||
		    v[i]->mtime_nsec != w[i]->mtime_nsec || v[i]->mode != w[i]->mode)
			abort();
	volt_tree_free(&u);
	volt_tree_free(&t);
	return 0;
}
