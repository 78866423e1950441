/* libFuzzer target: the layer unpacker (libarchive + tree + object store) on
 * arbitrary bytes. Whatever the input, nothing may be written outside the
 * store, and the tree must stay consistent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cas/store.h"
#include "image/layer.h"
#include "util/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct volt_cas cas;
static int ready;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_err err;
	struct volt_tree tree;
	struct volt_layer_stats st;

	if (!ready) {
		char tmpl[] = "/tmp/volt-fuzz-XXXXXX";
		if (!mkdtemp(tmpl) || volt_cas_open(&cas, tmpl, &err) < 0)
			abort();
		ready = 1;
	}
	volt_tree_init(&tree);
	volt_layer_apply_mem(&cas, &tree, data, size, 0, "fuzz", NULL, &st, &err);
	size_t n;
	struct volt_tree_entry **v = volt_tree_sorted(&tree, &n);
	for (size_t i = 0; v && i < n; i++) {
		if (v[i]->path[0] == '/' || strstr(v[i]->path, "..") == v[i]->path)
			abort();
	}
	free(v);
	volt_tree_free(&tree);
	return 0;
}
