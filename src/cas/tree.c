#include "cas/tree.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"

void volt_tree_init(struct volt_tree *t)
{
	memset(t, 0, sizeof(*t));
	t->version = VOLT_TREE_VERSION;
}

void volt_tree_free(struct volt_tree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].path);
		free(t->e[i].target);
	}
	free(t->e);
	free(t->index);
	memset(t, 0, sizeof(*t));
}

char *volt_tree_normalize(const char *name, struct volt_err *err)
{
	size_t len = strlen(name);
	char *out = malloc(len + 1);
	size_t o = 0;
	const char *p = name;

	if (!out) {
		volt_err_set(err, ENOMEM, "normalise path");
		return NULL;
	}
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		const char *end = strchrnul(p, '/');
		size_t clen = (size_t)(end - p);
		if (clen == 1 && p[0] == '.') {
			p = end;
			continue;
		}
		if (clen == 2 && p[0] == '.' && p[1] == '.') {
			free(out);
			volt_err_set(err, EINVAL, "entry \"%s\": path contains \"..\"", name);
			return NULL;
		}
		if (o)
			out[o++] = '/';
		memcpy(out + o, p, clen);
		o += clen;
		p = end;
	}
	out[o] = '\0';
	return out;
}

static size_t hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void index_insert(struct volt_tree *t, size_t idx)
{
	size_t m = t->index_cap - 1;
	size_t h = hash_str(t->e[idx].path) & m;
	while (t->index[h])
		h = (h + 1) & m;
	t->index[h] = idx + 1;
}

static int index_grow(struct volt_tree *t)
{
	size_t ncap = t->index_cap ? t->index_cap * 2 : 1024;
	size_t *ni = calloc(ncap, sizeof(*ni));
	if (!ni)
		return -1;
	free(t->index);
	t->index = ni;
	t->index_cap = ncap;
	for (size_t i = 0; i < t->n; i++)
		/* the first n entries were all written by append (realloc
		 * keeps them); the analyzer takes realloc'd memory as unset */
		if (!t->e[i].deleted) // NOLINT(clang-analyzer-core.uninitialized.Branch)
			index_insert(t, i);
	return 0;
}

/* Deleted entries stay in the array (their slot in the index is dropped by a
 * rebuild); lookups skip them. */
static size_t *index_slot(struct volt_tree *t, const char *path)
{
	if (!t->index_cap)
		return NULL;
	size_t m = t->index_cap - 1;
	size_t h = hash_str(path) & m;
	while (t->index[h]) {
		struct volt_tree_entry *e = &t->e[t->index[h] - 1];
		if (!e->deleted && !strcmp(e->path, path))
			return &t->index[h];
		h = (h + 1) & m;
	}
	return NULL;
}

struct volt_tree_entry *volt_tree_find(struct volt_tree *t, const char *path)
{
	size_t *s = index_slot(t, path);
	return s ? &t->e[*s - 1] : NULL;
}

static int append(struct volt_tree *t, struct volt_tree_entry *e, struct volt_err *err)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 256;
		struct volt_tree_entry *ne = realloc(t->e, ncap * sizeof(*ne));
		if (!ne)
			return volt_err_set(err, ENOMEM, "tree");
		t->e = ne;
		t->cap = ncap;
	}
	if ((t->n + 1) * 2 > t->index_cap && index_grow(t) < 0)
		return volt_err_set(err, ENOMEM, "tree");
	/* t->e is non-NULL: cap > n here, and cap grows only with t->e (above) */
	t->e[t->n] = *e; // NOLINT(clang-analyzer-core.NullDereference)
	index_insert(t, t->n);
	t->n++;
	t->live++;
	return 0;
}

static void kill_entry(struct volt_tree *t, struct volt_tree_entry *e)
{
	if (!e->deleted) {
		e->deleted = true;
		t->live--;
	}
}

static bool under(const char *path, const char *dir, size_t dlen)
{
	return dlen == 0 || (!strncmp(path, dir, dlen) && path[dlen] == '/');
}

void volt_tree_remove(struct volt_tree *t, const char *path)
{
	struct volt_tree_entry *e = volt_tree_find(t, path);
	size_t plen = strlen(path);

	if (!e)
		return;
	kill_entry(t, e);
	if (e->type != VOLT_T_DIR)
		return;
	for (size_t i = 0; i < t->n; i++)
		if (!t->e[i].deleted && under(t->e[i].path, path, plen))
			kill_entry(t, &t->e[i]);
}

void volt_tree_opaque(struct volt_tree *t, const char *dir, int layer)
{
	size_t dlen = strlen(dir);
	for (size_t i = 0; i < t->n; i++)
		if (!t->e[i].deleted && t->e[i].layer < layer && under(t->e[i].path, dir, dlen))
			kill_entry(t, &t->e[i]);
}

/* ensure_parents - every ancestor of path must be a directory; create the
 * missing ones, refuse a non-directory (a symlink there could redirect the
 * checkout outside its root). */
static int ensure_parents(struct volt_tree *t, const char *path, int layer, struct volt_err *err)
{
	cleanup_free char *p = strdup(path);
	if (!p)
		return volt_err_set(err, ENOMEM, "tree");
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		struct volt_tree_entry *pe = volt_tree_find(t, p);
		if (pe && pe->type != VOLT_T_DIR)
			return volt_err_set(err, ENOTDIR, "entry \"%s\": parent \"%s\" is not a directory", path, p);
		if (!pe) {
			struct volt_tree_entry d = {
				.path = strdup(p), .type = VOLT_T_DIR, .mode = 0755, .layer = layer};
			if (!d.path || append(t, &d, err) < 0)
				return volt_err_set(err, ENOMEM, "tree");
		}
		*s = '/';
	}
	return 0;
}

int volt_tree_put(struct volt_tree *t, struct volt_tree_entry *e, struct volt_err *err)
{
	struct volt_tree_entry *old;

	if (!e->path[0]) { /* the root itself: nothing to record */
		free(e->path);
		free(e->target);
		return 0;
	}
	if (ensure_parents(t, e->path, e->layer, err) < 0)
		goto fail;
	old = volt_tree_find(t, e->path);
	if (old) {
		if (old->type == VOLT_T_DIR && e->type == VOLT_T_DIR) {
			/* a directory over a directory keeps its children */
			old->mode = e->mode;
			old->uid = e->uid;
			old->gid = e->gid;
			old->mtime = e->mtime;
			old->mtime_nsec = e->mtime_nsec;
			old->layer = e->layer;
			free(e->path);
			free(e->target);
			return 0;
		}
		volt_tree_remove(t, e->path);
	}
	if (append(t, e, err) < 0)
		goto fail;
	return 0;
fail:
	free(e->path);
	free(e->target);
	e->path = e->target = NULL;
	return -1;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct volt_tree_entry *x = *(struct volt_tree_entry *const *)a;
	const struct volt_tree_entry *y = *(struct volt_tree_entry *const *)b;
	/* compare with '/' lowest so that "a/b" sorts right after "a" */
	const unsigned char *p = (const unsigned char *)x->path, *q = (const unsigned char *)y->path;
	while (*p && *p == *q) {
		p++;
		q++;
	}
	int cp = *p == '/' ? 1 : *p ? *p + 1 : 0;
	int cq = *q == '/' ? 1 : *q ? *q + 1 : 0;
	return cp - cq;
}

struct volt_tree_entry **volt_tree_sorted(struct volt_tree *t, size_t *n)
{
	/* an array of pointers: */
	// NOLINTNEXTLINE(bugprone-sizeof-expression)
	struct volt_tree_entry **v = malloc((t->live + 1) * sizeof(*v));
	size_t k = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < t->n; i++)
		if (!t->e[i].deleted)
			v[k++] = &t->e[i];
	qsort(v, k, sizeof(*v), cmp_entry); // NOLINT(bugprone-sizeof-expression): as above
	*n = k;
	return v;
}

static const char *type_name(enum volt_tree_type ty)
{
	switch (ty) {
	case VOLT_T_DIR: return "dir";
	case VOLT_T_FILE: return "file";
	case VOLT_T_SYMLINK: return "symlink";
	case VOLT_T_FIFO: return "fifo";
	}
	return "?";
}

int volt_tree_save(struct volt_tree *t, const char *path, struct volt_err *err)
{
	size_t n;
	cleanup_free struct volt_tree_entry **v = volt_tree_sorted(t, &n);
	json_t *root = json_object(), *arr = json_array();
	int ret;

	if (!v || !root || !arr) {
		json_decref(root);
		json_decref(arr);
		return volt_err_set(err, ENOMEM, "save tree %s", path);
	}
	json_object_set_new(root, "version", json_integer(VOLT_TREE_VERSION));
	for (size_t i = 0; i < n; i++) {
		struct volt_tree_entry *e = v[i];
		json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I}", "path", e->path, "type", type_name(e->type), "mode",
				      (json_int_t)e->mode, "uid", (json_int_t)e->uid, "gid", (json_int_t)e->gid,
				      "mtime", (json_int_t)e->mtime);
		if (e->mtime_nsec) /* rare (docker truncates to seconds): only when set */
			json_object_set_new(o, "mtime_nsec", json_integer(e->mtime_nsec));
		if (e->type == VOLT_T_FILE) {
			json_object_set_new(o, "size", json_integer(e->size));
			json_object_set_new(o, "digest", json_string(e->digest));
		}
		if (e->target)
			json_object_set_new(o, e->type == VOLT_T_SYMLINK ? "target" : "link", json_string(e->target));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "entries", arr);
	char *s = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	if (!s)
		return volt_err_set(err, ENOMEM, "save tree %s", path);
	ret = volt_write_file_atomic(path, s, strlen(s), 0644, err);
	free(s);
	return ret;
}

int volt_tree_load_buf(struct volt_tree *t, const char *buf, size_t len, struct volt_err *err)
{
	json_error_t jerr;
	json_t *root = json_loadb(buf, len, 0, &jerr), *arr, *o;
	size_t i;

	if (!root)
		return volt_err_set(err, EINVAL, "tree manifest: line %d: %s", jerr.line, jerr.text);
	arr = json_object_get(root, "entries");
	if (!json_is_array(arr)) {
		json_decref(root);
		return volt_err_set(err, EINVAL, "tree manifest: no entries array");
	}
	/* no version: as 1. A newer one than this volt knows is refused rather
	 * than misread (an older volt has no such check: v2 only adds fields) */
	json_int_t ver = json_is_integer(json_object_get(root, "version")) ?
				 json_integer_value(json_object_get(root, "version")) :
				 1;
	if (ver < 1 || ver > VOLT_TREE_VERSION) {
		json_decref(root);
		return volt_err_set(err, EINVAL, "tree manifest: format version %lld is not known to this volt (%d)",
				    (long long)ver, VOLT_TREE_VERSION);
	}
	t->version = (int)ver;
	json_array_foreach(arr, i, o) {
		const char *p = json_string_value(json_object_get(o, "path"));
		const char *ty = json_string_value(json_object_get(o, "type"));
		const char *dg = json_string_value(json_object_get(o, "digest"));
		const char *tg = json_string_value(json_object_get(o, "target"));
		const char *lk = json_string_value(json_object_get(o, "link"));
		struct volt_tree_entry e = {0};
		struct volt_err nerr;

		if (!p || !ty)
			goto bad;
		e.path = volt_tree_normalize(p, &nerr);
		if (!e.path || strcmp(e.path, p) || !e.path[0]) {
			free(e.path);
			goto bad;
		}
		if (!strcmp(ty, "dir"))
			e.type = VOLT_T_DIR;
		else if (!strcmp(ty, "file"))
			e.type = VOLT_T_FILE;
		else if (!strcmp(ty, "symlink"))
			e.type = VOLT_T_SYMLINK;
		else if (!strcmp(ty, "fifo"))
			e.type = VOLT_T_FIFO;
		else {
			free(e.path);
			goto bad;
		}
		e.mode = (uint32_t)json_integer_value(json_object_get(o, "mode")) & 07777;
		e.uid = (uint32_t)json_integer_value(json_object_get(o, "uid"));
		e.gid = (uint32_t)json_integer_value(json_object_get(o, "gid"));
		e.mtime = json_integer_value(json_object_get(o, "mtime"));
		json_int_t ns = json_integer_value(json_object_get(o, "mtime_nsec"));
		if (ns < 0 || ns > 999999999) {
			free(e.path);
			goto bad;
		}
		e.mtime_nsec = (uint32_t)ns;
		e.size = json_integer_value(json_object_get(o, "size"));
		if (e.type == VOLT_T_FILE) {
			if (!dg || !volt_sha256_is_hex(dg)) {
				free(e.path);
				goto bad;
			}
			memcpy(e.digest, dg, VOLT_SHA256_HEX);
		}
		if (e.type == VOLT_T_SYMLINK && !tg) {
			free(e.path);
			goto bad;
		}
		e.target = tg ? strdup(tg) : lk ? strdup(lk) : NULL;
		if (volt_tree_put(t, &e, err) < 0) {
			json_decref(root);
			return volt_err_prefix(err, "tree manifest");
		}
	}
	json_decref(root);
	return 0;
bad:
	json_decref(root);
	return volt_err_set(err, EINVAL, "tree manifest: entry %zu is malformed", i);
}

int volt_tree_load(struct volt_tree *t, const char *path, struct volt_err *err)
{
	cleanup_free char *buf = NULL;
	size_t len;
	if (volt_read_file(path, 1UL << 30, &buf, &len, err) < 0)
		return -1;
	if (volt_tree_load_buf(t, buf, len, err) < 0)
		return volt_err_prefix(err, "%s", path);
	return 0;
}

void volt_tree_stats(struct volt_tree *t, int64_t *bytes, size_t *files)
{
	int64_t b = 0;
	size_t f = 0;
	for (size_t i = 0; i < t->n; i++)
		if (!t->e[i].deleted && t->e[i].type == VOLT_T_FILE) {
			b += t->e[i].size;
			f++;
		}
	if (bytes)
		*bytes = b;
	if (files)
		*files = f;
}
