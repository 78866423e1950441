/* Layer records (see layercache.h) and stacking per-layer trees into an
 * image tree. */
#include "image/layercache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* record_path - cas/layers/<hex>.<ext> (malloc'd). */
static char *record_path(struct volt_cas *cas, const char *digest, const char *ext)
{
	const char *hex = !strncmp(digest, "sha256:", 7) ? digest + 7 : digest;
	return volt_path("%s/layers/%s.%s", cas->dir, hex, ext);
}

int volt_layercache_load(struct volt_cas *cas, const char *digest, struct volt_tree *tree, json_t **whiteouts,
			 struct volt_err *err)
{
	cleanup_free char *jp = record_path(cas, digest, "json");
	cleanup_free char *tp = record_path(cas, digest, "tree");
	json_t *wh;
	struct volt_err lerr;

	*whiteouts = NULL;
	if (access(jp, F_OK) < 0)
		return 0;
	json_auto_t *j = json_load_file(jp, 0, NULL);
	wh = json_object_get(j, "whiteouts");
	if (!json_is_array(wh))
		return 0; /* a damaged record is ignored: the layer is fetched again */
	if (volt_tree_load(tree, tp, &lerr) < 0) {
		volt_tree_free(tree);
		volt_tree_init(tree);
		return 0;
	}
	for (size_t i = 0; i < tree->n; i++) {
		struct volt_tree_entry *e = &tree->e[i];
		if (!e->deleted && e->type == VOLT_T_FILE && !volt_cas_has_object(cas, e->digest)) {
			volt_tree_free(tree);
			volt_tree_init(tree);
			return 0;
		}
	}
	*whiteouts = json_incref(wh);
	(void)err;
	return 1;
}

int volt_layercache_save(struct volt_cas *cas, const char *digest, const char *diff_id, int64_t size,
			 struct volt_tree *tree, json_t *whiteouts, struct volt_err *err)
{
	cleanup_free char *dir = volt_path("%s/layers", cas->dir);
	cleanup_free char *jp = record_path(cas, digest, "json");
	cleanup_free char *tp = record_path(cas, digest, "tree");
	json_t *j;
	char *s;
	int ret;

	if (volt_mkdir_p(dir, 0755, err) < 0 || volt_tree_save(tree, tp, err) < 0)
		return -1;
	j = json_pack("{s:i,s:s,s:s,s:I,s:o}", "version", 1, "digest", digest, "diff_id", diff_id, "size",
		      (json_int_t)size, "whiteouts", whiteouts ? json_incref(whiteouts) : json_array());
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!s)
		return volt_err_set(err, ENOMEM, "layer record %s", digest);
	ret = volt_write_file_atomic(jp, s, strlen(s), 0644, err);
	free(s);
	return ret;
}

/* an implied parent: what tree.c creates for a path whose parent the layer
 * did not list */
static bool implied_dir(const struct volt_tree_entry *e)
{
	return e->type == VOLT_T_DIR && e->mode == 0755 && e->uid == 0 && e->gid == 0 && e->mtime == 0;
}

int volt_layercache_stack(struct volt_tree *image, struct volt_tree *layer, json_t *whiteouts, int index,
			  struct volt_err *err)
{
	size_t i, n;
	json_t *w;
	cleanup_free struct volt_tree_entry **v = NULL;

	/* whiteouts hide what lower layers hold; they never touch this layer */
	json_array_foreach(whiteouts, i, w) {
		const char *p = json_string_value(json_object_get(w, "path"));
		if (!p)
			continue;
		if (json_is_true(json_object_get(w, "opaque")))
			volt_tree_opaque(image, p, index);
		else
			volt_tree_remove(image, p);
	}
	v = volt_tree_sorted(layer, &n);
	if (!v)
		return volt_err_set(err, ENOMEM, "stack layer %d", index);
	for (i = 0; i < n; i++) {
		struct volt_tree_entry e = *v[i];
		if (implied_dir(&e)) {
			struct volt_tree_entry *old = volt_tree_find(image, e.path);
			if (old && old->type == VOLT_T_DIR)
				continue;
		}
		e.path = strdup(e.path);
		e.target = e.target ? strdup(e.target) : NULL;
		e.layer = index;
		e.deleted = false;
		if (!e.path || volt_tree_put(image, &e, err) < 0)
			return volt_err_prefix(err, "stack layer %d", index);
	}
	return 0;
}
