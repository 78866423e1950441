/* .vbundle: an image as a zip file (libarchive), to move it between hosts.
 *
 *   volt-bundle.json   {"version":1,"id":..,"name":..,"layers":[..]}
 *   config.json        the image config, byte for byte (its sha256 is the id)
 *   tree.json          the tree manifest (refs/<id>.tree)
 *   objects/<sha256>   every distinct file content the tree uses, once
 *
 * Theory of operation. Reading is one streaming pass (scan): each object is
 * hashed as it is read and compared with its name; at the end the config
 * must hash to the id and every file of the tree must have its object in the
 * bundle. verify reports every problem; import stages objects under
 * cas/tmp/bundle-*, stops at the first problem (naming the object) and
 * removes the staging directory, so a bad bundle leaves nothing; only a
 * bundle that checked out entirely is moved into objects/ and committed as
 * an image, under the gc lock. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/admin.h"
#include "cas/bundle.h"
#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define META_MAX (16u << 20)
#define TREE_MAX (512u << 20)

/* volt_bundle_info_free - release what a verify or import filled in. */
void volt_bundle_info_free(struct volt_bundle_info *info)
{
	free(info->name);
	free(info->config);
	free(info->layers);
	memset(info, 0, sizeof(*info));
}

/* ---- create ---------------------------------------------------------------- */

static int put_entry(struct archive *a, const char *name, int64_t size)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	int r = archive_write_header(a, e);
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : -1;
}

/* put_buf - an entry holding buf. Return: 0 or -1 (archive_error_string says why). */
static int put_buf(struct archive *a, const char *name, const char *buf, size_t len)
{
	if (put_entry(a, name, (int64_t)len) < 0)
		return -1;
	return len == 0 || archive_write_data(a, buf, len) == (la_ssize_t)len ? 0 : -1;
}

/* put_object - the canonical object of digest as objects/<digest>. */
static int put_object(struct volt_cas *cas, struct archive *a, const char *digest, struct volt_err *err)
{
	char rel[80], name[80];
	static char buf[1 << 17];
	struct stat st;
	ssize_t n;

	volt_cas_object_rel(digest, rel, sizeof(rel));
	cleanup_close int fd = openat(cas->objects_fd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return volt_err_sys(err, "object %s", digest);
	snprintf(name, sizeof(name), "objects/%s", digest);
	if (put_entry(a, name, st.st_size) < 0)
		return volt_err_set(err, EIO, "bundle: %s", archive_error_string(a));
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) != n)
			return volt_err_set(err, EIO, "bundle: %s", archive_error_string(a));
	return n < 0 ? volt_err_sys(err, "read object %s", digest) : 0;
}

/* volt_bundle_create - see bundle.h. Objects go in tree order, each distinct
 * digest once; the zip is written to file.tmp and renamed when complete. */
int volt_bundle_create(struct volt_cas *cas, const char *id, const char *name, const char *config, const char *layers,
		       const char *file, struct volt_err *err)
{
	cleanup_free char *tmp = volt_path("%s.tmp", file), *tree_path = volt_path("%s/refs/%s.tree", cas->dir, id);
	cleanup_free char *tree_json = NULL, *meta = NULL;
	struct volt_digest_set seen;
	struct volt_tree t;
	cleanup_free struct volt_tree_entry **v = NULL;
	struct archive *a = NULL;
	json_error_t jerr;
	size_t tlen, n;
	int ret = -1;

	if (volt_read_file(tree_path, TREE_MAX, &tree_json, &tlen, err) < 0)
		return volt_err_prefix(err, "bundle %.12s", id);
	volt_tree_init(&t);
	volt_digest_set_init(&seen);
	if (volt_tree_load_buf(&t, tree_json, tlen, err) < 0)
		goto out_free;
	json_t *m = json_pack("{s:i,s:s,s:s?}", "version", 1, "id", id, "name", name);
	json_t *l = layers ? json_loads(layers, 0, &jerr) : NULL;
	json_object_set_new(m, "layers", l ? l : json_array());
	meta = json_dumps(m, JSON_COMPACT);
	json_decref(m);

	a = archive_write_new();
	if (!a || archive_write_set_format_zip(a) != ARCHIVE_OK || archive_write_open_filename(a, tmp) != ARCHIVE_OK) {
		volt_err_set(err, EIO, "bundle %s: %s", file, a ? archive_error_string(a) : "out of memory");
		if (a)
			archive_write_free(a);
		goto out_free;
	}
	if (put_buf(a, "volt-bundle.json", meta, strlen(meta)) < 0 ||
	    put_buf(a, "config.json", config, strlen(config)) < 0 || put_buf(a, "tree.json", tree_json, tlen) < 0) {
		volt_err_set(err, EIO, "bundle %s: %s", file, archive_error_string(a));
		goto out_close;
	}
	v = volt_tree_sorted(&t, &n);
	for (size_t i = 0; v && i < n; i++) {
		if (v[i]->type != VOLT_T_FILE || volt_digest_set_add(&seen, v[i]->digest) != 1)
			continue;
		if (put_object(cas, a, v[i]->digest, err) < 0)
			goto out_close;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		volt_err_set(err, EIO, "bundle %s: %s", file, archive_error_string(a));
		goto out_close;
	}
	if (rename(tmp, file) < 0) {
		volt_err_sys(err, "bundle: rename to %s", file);
		goto out_close;
	}
	ret = 0;
out_close:
	archive_write_free(a);
	if (ret < 0)
		unlink(tmp);
out_free:
	volt_digest_set_free(&seen);
	volt_tree_free(&t);
	return ret;
}

/* ---- read ------------------------------------------------------------------ */

struct scan {
	volt_bundle_problem_cb cb;
	void *arg;
	bool fail_fast; /* import: the first problem ends the scan */
	int stage_fd;	/* import: objects are written here, or -1 */
	size_t problems;
	struct volt_err *perr; /* the first problem, for import */
	struct volt_bundle_info *info;
	char *tree_json;
	size_t tree_len;
	struct volt_digest_set objects; /* good objects seen */
	struct volt_tree tree;
};

/* problem - count one problem, keep the first in perr (import) and tell cb. */
static void problem(struct scan *s, const char *object, const char *what)
{
	if (s->problems++ == 0 && s->perr)
		volt_err_set(s->perr, 0, "object %s %s", object, what);
	if (s->cb)
		s->cb(object, what, s->arg);
}

/* read_small - the current entry's data into a NUL-terminated buffer, at most
 * max bytes. Return: 0, -1 on a read error, a too large entry or ENOMEM. */
static int read_small(struct archive *a, size_t max, char **out, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	la_ssize_t r;
	if (!buf)
		return -1;
	while ((r = archive_read_data(a, buf + n, cap - n)) > 0) {
		n += (size_t)r;
		if (n == cap) {
			if (cap >= max) {
				free(buf);
				return -1;
			}
			cap *= 2;
			char *nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -1;
			}
			buf = nb;
		}
	}
	if (r < 0) {
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* scan_object - hash (and stage) one object entry */
static int scan_object(struct scan *s, struct archive *a, const char *digest, struct volt_err *err)
{
	struct volt_sha256 h;
	static char buf[1 << 17];
	char got[VOLT_SHA256_HEX];
	cleanup_close int fd = -1;
	la_ssize_t r;
	int64_t total = 0;

	if (volt_digest_set_has(&s->objects, digest)) {
		problem(s, digest, "appears twice in the bundle");
		return 0;
	}
	if (s->stage_fd >= 0) {
		fd = openat(s->stage_fd, digest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return volt_err_sys(err, "stage object %s", digest);
	}
	if (volt_sha256_init(&h) < 0)
		return volt_err_set(err, ENOMEM, "sha256");
	while ((r = archive_read_data(a, buf, sizeof(buf))) > 0) {
		volt_sha256_update(&h, buf, (size_t)r);
		total += r;
		if (fd >= 0 && write(fd, buf, (size_t)r) != r) {
			volt_sha256_abort(&h);
			return volt_err_sys(err, "stage object %s", digest);
		}
	}
	volt_sha256_final(&h, got);
	if (r < 0) {
		problem(s, digest, "cannot be read from the bundle");
		return 0;
	}
	if (strcmp(got, digest)) {
		problem(s, digest, "content does not match its digest");
		/* known now: not reported as missing as well */
		return volt_digest_set_add(&s->objects, digest) < 0 ? volt_err_set(err, ENOMEM, "bundle") : 0;
	}
	s->info->objects++;
	s->info->object_bytes += total;
	if (volt_digest_set_add(&s->objects, digest) < 0)
		return volt_err_set(err, ENOMEM, "bundle");
	return 0;
}

/* parse_meta - volt-bundle.json into info (id, name, layers); a malformed one
 * is a problem, not an error. */
static void parse_meta(struct scan *s, const char *buf, size_t len)
{
	json_error_t jerr;
	json_t *m = json_loadb(buf, len, 0, &jerr);
	const char *id = json_string_value(json_object_get(m, "id"));
	const char *name = json_string_value(json_object_get(m, "name"));
	json_t *layers = json_object_get(m, "layers");
	if (!m || json_integer_value(json_object_get(m, "version")) != 1 || !id || !volt_sha256_is_hex(id)) {
		problem(s, "volt-bundle.json", "is not a version 1 bundle description");
	} else {
		memcpy(s->info->id, id, VOLT_SHA256_HEX);
		free(s->info->name);
		s->info->name = name ? strdup(name) : NULL;
		free(s->info->layers);
		s->info->layers = json_is_array(layers) ? json_dumps(layers, JSON_COMPACT) : strdup("[]");
	}
	json_decref(m);
}

/* scan - one pass over the archive; then the cross checks */
static int scan(struct scan *s, struct archive *a, struct volt_err *err)
{
	struct archive_entry *ae;
	int r;
	bool meta = false;

	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ae);
		char *buf = NULL;
		size_t len;
		if (!name || archive_entry_filetype(ae) != AE_IFREG) {
			problem(s, name ? name : "(unnamed)", "is not a regular file entry");
		} else if (!strncmp(name, "objects/", 8) && volt_sha256_is_hex(name + 8)) {
			if (scan_object(s, a, name + 8, err) < 0)
				return -1;
		} else if (!strcmp(name, "volt-bundle.json") || !strcmp(name, "config.json") ||
			   !strcmp(name, "tree.json")) {
			if (read_small(a, !strcmp(name, "tree.json") ? TREE_MAX : META_MAX, &buf, &len) < 0) {
				problem(s, name, "cannot be read from the bundle");
			} else if (name[0] == 'v') {
				meta = true;
				parse_meta(s, buf, len);
				free(buf);
			} else if (name[0] == 'c') {
				free(s->info->config);
				s->info->config = buf;
			} else {
				free(s->tree_json);
				s->tree_json = buf;
				s->tree_len = len;
			}
		} else {
			problem(s, name, "is not part of a bundle");
		}
		if (s->fail_fast && s->problems)
			return 0;
	}
	if (r != ARCHIVE_EOF)
		return volt_err_set(err, EINVAL, "not a readable bundle: %s", archive_error_string(a));
	if (!meta)
		problem(s, "volt-bundle.json", "is missing");
	if (!s->info->config) {
		problem(s, "config.json", "is missing");
	} else if (meta) {
		char cid[VOLT_SHA256_HEX];
		volt_sha256_buf(s->info->config, strlen(s->info->config), cid);
		if (strcmp(cid, s->info->id))
			problem(s, "config.json", "does not match the image id");
	}
	if (!s->tree_json) {
		problem(s, "tree.json", "is missing");
		return 0;
	}
	struct volt_err terr;
	if (volt_tree_load_buf(&s->tree, s->tree_json, s->tree_len, &terr) < 0) {
		problem(s, "tree.json", terr.msg);
		return 0;
	}
	size_t n;
	cleanup_free struct volt_tree_entry **v = volt_tree_sorted(&s->tree, &n);
	s->info->entries = n;
	for (size_t i = 0; v && i < n; i++) {
		if (v[i]->type != VOLT_T_FILE)
			continue;
		s->info->files++;
		if (!volt_digest_set_has(&s->objects, v[i]->digest)) {
			/* report each missing object once */
			if (volt_digest_set_add(&s->objects, v[i]->digest) == 1)
				problem(s, v[i]->digest, "is missing from the bundle");
		}
	}
	return 0;
}

/* scan_init - an empty scan filling info. */
static void scan_init(struct scan *s, struct volt_bundle_info *info)
{
	memset(s, 0, sizeof(*s));
	memset(info, 0, sizeof(*info));
	s->info = info;
	s->stage_fd = -1;
	volt_digest_set_init(&s->objects);
	volt_tree_init(&s->tree);
}

/* scan_free - release the scan's own buffers (info stays the caller's). */
static void scan_free(struct scan *s)
{
	free(s->tree_json);
	volt_digest_set_free(&s->objects);
	volt_tree_free(&s->tree);
}

/* reader - a libarchive reader for zip files only. */
static struct archive *reader(void)
{
	struct archive *a = archive_read_new();
	if (a) {
		archive_read_support_format_zip(a);
		archive_read_support_filter_none(a);
	}
	return a;
}

/* verify_archive - scan an opened archive a (consumed) and count problems. */
static int verify_archive(struct archive *a, int open_r, volt_bundle_problem_cb cb, void *arg,
			  struct volt_bundle_info *info, size_t *problems, struct volt_err *err)
{
	struct scan s;
	int ret;
	scan_init(&s, info);
	s.cb = cb;
	s.arg = arg;
	if (open_r != ARCHIVE_OK)
		ret = volt_err_set(err, EINVAL, "not a readable bundle: %s", archive_error_string(a));
	else
		ret = scan(&s, a, err);
	*problems = s.problems;
	scan_free(&s);
	archive_read_free(a);
	return ret;
}

/* volt_bundle_verify - see bundle.h. */
int volt_bundle_verify(const char *file, volt_bundle_problem_cb cb, void *arg, struct volt_bundle_info *info,
		       size_t *problems, struct volt_err *err)
{
	struct archive *a = reader();
	if (!a)
		return volt_err_set(err, ENOMEM, "bundle");
	int ret = verify_archive(a, archive_read_open_filename(a, file, 1 << 16), cb, arg, info, problems, err);
	return ret < 0 ? volt_err_prefix(err, "bundle %s", file) : 0;
}

/* volt_bundle_verify_mem - see bundle.h. */
int volt_bundle_verify_mem(const void *buf, size_t len, volt_bundle_problem_cb cb, void *arg,
			   struct volt_bundle_info *info, size_t *problems, struct volt_err *err)
{
	struct archive *a = reader();
	if (!a)
		return volt_err_set(err, ENOMEM, "bundle");
	return verify_archive(a, archive_read_open_memory(a, buf, len), cb, arg, info, problems, err);
}

/* place_objects - move staged objects into the store (canonical mode from the
 * tree: 0755 when any file of that content is executable) */
static int place_objects(struct volt_cas *cas, int stage_fd, const char *stage_rel, struct volt_tree *t,
			 struct volt_err *err)
{
	struct volt_digest_set exec;
	volt_digest_set_init(&exec);
	for (size_t i = 0; i < t->n; i++)
		if (!t->e[i].deleted && t->e[i].type == VOLT_T_FILE && (t->e[i].mode & 0111))
			volt_digest_set_add(&exec, t->e[i].digest);
	int ret = 0;
	for (size_t i = 0; i < t->n && ret == 0; i++) {
		struct volt_tree_entry *e = &t->e[i];
		char rel[80], dir[3], from[200];
		if (e->deleted || e->type != VOLT_T_FILE)
			continue;
		if (faccessat(stage_fd, e->digest, F_OK, 0) < 0)
			continue; /* placed already (a digest used twice) */
		volt_cas_object_rel(e->digest, rel, sizeof(rel));
		snprintf(from, sizeof(from), "%s/%s", stage_rel, e->digest);
		memcpy(dir, e->digest, 2);
		dir[2] = '\0';
		if (fchmodat(stage_fd, e->digest, volt_digest_set_has(&exec, e->digest) ? 0755 : 0644, 0) < 0 ||
		    (mkdirat(cas->objects_fd, dir, 0700) < 0 && errno != EEXIST))
			ret = volt_err_sys(err, "store object %s", e->digest);
		else if (renameat2(cas->tmp_fd, from, cas->objects_fd, rel, RENAME_NOREPLACE) < 0) {
			if (errno != EEXIST)
				ret = volt_err_sys(err, "store object %s", e->digest);
			unlinkat(stage_fd, e->digest, 0);
		}
	}
	volt_digest_set_free(&exec);
	return ret;
}

/* volt_bundle_import - see bundle.h. Lock, stage and check in one pass, move
 * the objects, commit the image; the staging directory goes in every case. */
int volt_bundle_import(struct volt_ctx *ctx, const char *file, char *id_out, struct volt_err *err)
{
	struct volt_cas cas;
	struct volt_bundle_info info;
	struct scan s;
	char rnd[17], stage_rel[64];
	struct archive *a = NULL;
	json_t *layers = NULL;
	json_error_t jerr;
	int ret = -1;

	scan_init(&s, &info);
	if (volt_cas_open(&cas, ctx->root, err) < 0)
		goto out_scan;
	if (volt_cas_lock(&cas, false, err) < 0)
		goto out_cas;
	volt_random_hex(rnd, 8);
	snprintf(stage_rel, sizeof(stage_rel), "bundle-%s", rnd);
	if (mkdirat(cas.tmp_fd, stage_rel, 0700) < 0) {
		volt_err_sys(err, "create %s/tmp/%s", cas.dir, stage_rel);
		goto out_cas;
	}
	s.stage_fd = openat(cas.tmp_fd, stage_rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	s.fail_fast = true;
	s.perr = err;
	a = reader();
	if (s.stage_fd < 0 || !a) {
		volt_err_sys(err, "bundle import");
		goto out_stage;
	}
	if (archive_read_open_filename(a, file, 1 << 16) != ARCHIVE_OK) {
		volt_err_set(err, EINVAL, "not a readable bundle: %s", archive_error_string(a));
		goto out_stage;
	}
	if (scan(&s, a, err) < 0)
		goto out_stage;
	if (s.problems) /* err holds the first problem, naming the object */
		goto out_stage;
	if (place_objects(&cas, s.stage_fd, stage_rel, &s.tree, err) < 0)
		goto out_stage;
	layers = json_loads(info.layers ? info.layers : "[]", 0, &jerr);
	if (volt_image_commit(ctx, &cas, &s.tree, info.config, layers, info.name, file, id_out, err) < 0)
		goto out_stage;
	ret = 0;
out_stage:
	if (s.stage_fd >= 0)
		close(s.stage_fd);
	s.stage_fd = -1;
	{
		struct volt_err ignored;
		volt_rm_rf_at(cas.tmp_fd, stage_rel, &ignored);
	}
out_cas:
	volt_cas_close(&cas);
out_scan:
	if (a)
		archive_read_free(a);
	json_decref(layers);
	scan_free(&s);
	volt_bundle_info_free(&info);
	if (ret < 0)
		volt_err_prefix(err, "bundle %s", file);
	return ret;
}
