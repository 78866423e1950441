/* libFuzzer target: the pull's way through a layer. The input is unpacked
 * twice as two layers, each into a tree of its own with whiteouts recorded
 * (not applied), then the layer trees are stacked into an image tree as
 * volt pull does (layercache.c). Nothing may be written outside the store,
 * no stacked path may be absolute or climb out, and the stack must not crash
 * whatever whiteouts and implied parents the layers hold. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cas/store.h"
#include "image/layer.h"
#include "image/layercache.h"
#include "util/fs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct volt_cas cas;
static int ready;

static int record(void *arg, const char *path, int opaque)
{
	return json_array_append_new(arg, json_pack("{s:s,s:b}", "path", path, "opaque", opaque));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_err err;
	struct volt_tree img, l[2];
	struct volt_layer_stats st;
	json_t *wh[2];

	if (!ready) {
		char tmpl[] = "/tmp/volt-fuzz-stack-XXXXXX";
		if (!mkdtemp(tmpl) || volt_cas_open(&cas, tmpl, &err) < 0)
			abort();
		ready = 1;
	}
	volt_tree_init(&img);
	for (int i = 0; i < 2; i++) {
		struct volt_layer_opts o = {.on_whiteout = record};
		volt_tree_init(&l[i]);
		wh[i] = json_array();
		o.whiteout_arg = wh[i];
		if (volt_layer_apply_mem(&cas, &l[i], data, size, i, "fuzz", &o, &st, &err) == 0)
			volt_layercache_stack(&img, &l[i], wh[i], i, &err);
	}
	size_t n;
	struct volt_tree_entry **v = volt_tree_sorted(&img, &n);
	for (size_t i = 0; v && i < n; i++)
		if (v[i]->path[0] == '/' || !strcmp(v[i]->path, "..") || !strncmp(v[i]->path, "../", 3) ||
		    strstr(v[i]->path, "/../"))
			abort();
	free(v);
	for (int i = 0; i < 2; i++) {
		volt_tree_free(&l[i]);
		json_decref(wh[i]);
	}
	volt_tree_free(&img);
	return 0;
}
