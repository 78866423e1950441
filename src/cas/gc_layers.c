/* `volt cas gc`, part two: layer records.
 *
 * A registry pull records every layer it unpacked (cas/layers/<hex>.json,
 * its whiteouts and sizes, and <hex>.tree, the layer's own tree), so that a
 * later pull of an image sharing the layer replays the record instead of
 * downloading it (image/layercache.c). Records are not gc roots: once gc has
 * removed the objects of an image, the records of its layers name objects
 * that are gone. A pull would notice that and fetch the layer again, so a
 * stale record is harmless, but it is clutter that grows with every image
 * pulled and removed. gc therefore removes each record that names a file
 * digest outside `live` (what the refs reach: what this gc keeps) or an
 * object that is missing, plus a .json without its .tree (or the reverse)
 * and half-written record files. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cas/gc_layers.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* is_hex64 - the first 64 characters of s are lowercase hex digits. */
static bool is_hex64(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* record_live - true when layers/<hex>.tree loads and every file it names
 * is in live and in the store. */
static bool record_live(struct volt_cas *cas, const struct volt_digest_set *live, const char *hex)
{
	cleanup_free char *tp = volt_path("%s/layers/%s.tree", cas->dir, hex);
	struct volt_tree t;
	struct volt_err lerr;
	bool ok = true;

	volt_tree_init(&t);
	if (volt_tree_load(&t, tp, &lerr) < 0) {
		volt_tree_free(&t);
		return false;
	}
	for (size_t i = 0; i < t.n && ok; i++) {
		const struct volt_tree_entry *e = &t.e[i];
		if (e->deleted || e->type != VOLT_T_FILE || e->target)
			continue;
		ok = volt_digest_set_has(live, e->digest) && volt_cas_has_object(cas, e->digest);
	}
	volt_tree_free(&t);
	return ok;
}

/* remove_name - unlink layers/name (dry: nothing); ENOENT is fine. */
static int remove_name(int dfd, const char *name, bool dry, struct volt_err *err)
{
	if (!dry && unlinkat(dfd, name, 0) < 0 && errno != ENOENT)
		return volt_err_sys(err, "gc: remove layers/%s", name);
	return 0;
}

int volt_cas_gc_layers(struct volt_cas *cas, const struct volt_digest_set *live, bool dry, volt_cas_gc_cb cb, void *arg,
		       size_t *count, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/layers", cas->dir);
	cleanup_dir DIR *d = opendir(path);
	struct dirent *de;

	*count = 0;
	if (!d)
		return errno == ENOENT ? 0 : volt_err_sys(err, "gc: open %s", path);
	while ((de = readdir(d))) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		char other[80];

		if (len > 64 && is_hex64(n) && strstr(n + 64, ".tmp-")) {
			/* a record write that never finished (the rename is its end) */
			(*count)++;
			if (cb)
				cb("layer", n, arg);
			if (remove_name(dirfd(d), n, dry, err) < 0)
				return -1;
			continue;
		}
		if (len != 69 || !is_hex64(n))
			continue; /* not ours: left alone */
		bool json = !strcmp(n + 64, ".json"), tree = !strcmp(n + 64, ".tree");
		if (!json && !tree)
			continue;
		snprintf(other, sizeof(other), "%.64s.%s", n, json ? "tree" : "json");
		bool pair = faccessat(dirfd(d), other, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
		if (tree && pair)
			continue; /* judged with its .json */
		char hex[65];
		memcpy(hex, n, 64);
		hex[64] = '\0';
		if (pair && record_live(cas, live, hex))
			continue;
		(*count)++;
		if (cb)
			cb("layer", hex, arg);
		/* the .json first: a record without it is never used (layercache.c) */
		if (remove_name(dirfd(d), n, dry, err) < 0 || (pair && remove_name(dirfd(d), other, dry, err) < 0))
			return -1;
	}
	return 0;
}

int volt_cas_layers_live(struct volt_cas *cas, struct volt_digest_set *live, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/layers", cas->dir);
	cleanup_dir DIR *d = opendir(path);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		/* the .json is a record's commit mark: a .tree without it is half-written */
		if (len != 64 + 5 || strcmp(de->d_name + 64, ".json") || !is_hex64(de->d_name))
			continue;
		cleanup_free char *tp = volt_path("%s/%.64s.tree", path, de->d_name);
		struct volt_tree t;
		struct volt_err lerr;
		volt_tree_init(&t);
		if (volt_tree_load(&t, tp, &lerr) == 0) {
			for (size_t i = 0; i < t.n; i++) {
				const struct volt_tree_entry *e = &t.e[i];
				if (e->deleted || e->type != VOLT_T_FILE || e->target)
					continue;
				if (volt_digest_set_add(live, e->digest) < 0) {
					volt_tree_free(&t);
					return volt_err_set(err, ENOMEM, "gc");
				}
			}
		}
		volt_tree_free(&t);
	}
	return 0;
}
