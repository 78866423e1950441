#include "vm/appliance.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cas/sha256.h"
#include "image/image.h"
#include "state/db.h"
#include "userns/idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/appliance_key.h"
#include "vm/initramfs.h"

void volt_appliance_free(struct volt_appliance *a)
{
	free(a->path);
	a->path = NULL;
}

struct build_job {
	const char *tree; /* the image's checkout */
	const struct volt_kernel *k;
	const char *init;
	const char *out; /* temporary file */
};

/* copy_tree - every entry of the image's tree, with its owner, mode and
 * times; each file whole (its other links are the store's objects, outside
 * the archive) */
static int copy_tree(struct archive *a, const char *tree, struct volt_err *err)
{
	struct archive *d = archive_read_disk_new();
	struct archive_entry *e = archive_entry_new();
	size_t plen = strlen(tree);
	int r = -1;
	char buf[65536];

	if (!d || !e) {
		volt_err_set(err, ENOMEM, "appliance");
		goto out;
	}
	archive_read_disk_set_behavior(d, ARCHIVE_READDISK_NO_XATTR | ARCHIVE_READDISK_NO_ACL |
						  ARCHIVE_READDISK_NO_FFLAGS | ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
	if (archive_read_disk_open(d, tree) != ARCHIVE_OK) {
		volt_err_set(err, archive_errno(d), "appliance: read %s: %s", tree, archive_error_string(d));
		goto out;
	}
	for (;;) {
		int rr = archive_read_next_header2(d, e);
		if (rr == ARCHIVE_EOF)
			break;
		if (rr != ARCHIVE_OK && rr != ARCHIVE_WARN) {
			volt_err_set(err, archive_errno(d), "appliance: read %s: %s", tree, archive_error_string(d));
			goto out;
		}
		archive_read_disk_descend(d);
		/* a copy: setting the pathname below frees the entry's own */
		cleanup_free char *p = strdup(archive_entry_pathname(e));
		if (!p || strncmp(p, tree, plen) || (p[plen] && p[plen] != '/'))
			continue;
		const char *rel = p[plen] ? p + plen + 1 : "";
		if (!*rel)
			continue; /* the root itself */
		cleanup_free char *name = strdup(rel);
		archive_entry_set_pathname(e, name);
		archive_entry_set_nlink(e, archive_entry_filetype(e) == AE_IFDIR ? 2 : 1);
		archive_entry_set_uname(e, NULL);
		archive_entry_set_gname(e, NULL);
		if (archive_write_header(a, e) != ARCHIVE_OK) {
			volt_err_set(err, 0, "appliance: add %s: %s", name, archive_error_string(a));
			goto out;
		}
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_size(e) == 0)
			continue;
		cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0) {
			volt_err_sys(err, "appliance: open %s", p);
			goto out;
		}
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (archive_write_data(a, buf, (size_t)n) != n) {
				volt_err_set(err, 0, "appliance: write %s: %s", name, archive_error_string(a));
				goto out;
			}
		if (n < 0) {
			volt_err_sys(err, "appliance: read %s", p);
			goto out;
		}
	}
	r = 0;
out:
	if (e)
		archive_entry_free(e);
	if (d)
		archive_read_free(d);
	return r;
}

/* build_in_userns - as root of the store's user namespace, where every
 * owner in the tree is someone and every file readable */
static int build_in_userns(void *arg, struct volt_err *err)
{
	struct build_job *j = arg;
	struct archive *a = archive_write_new();
	int r = -1;
	if (!a)
		return volt_err_set(err, ENOMEM, "appliance");
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK || archive_write_add_filter_zstd(a) != ARCHIVE_OK ||
	    archive_write_open_filename(a, j->out) != ARCHIVE_OK) {
		volt_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "appliance: write %s: %s", j->out,
			     archive_error_string(a));
		goto out;
	}
	/* the image first, then what volt adds over it: a later entry of the
	 * same name replaces an earlier one when the kernel unpacks */
	if (copy_tree(a, j->tree, err) < 0)
		goto out;
	if (volt_initramfs_agent(a, j->init, j->k, err) < 0)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		volt_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "appliance: write %s: %s", j->out,
			     archive_error_string(a));
		goto out;
	}
	r = 0;
out:
	archive_write_free(a);
	return r;
}

int volt_appliance_build(struct volt_ctx *ctx, const char *image_id, const struct volt_kernel *k, const char *init,
			 struct volt_appliance *out, struct volt_err *err)
{
	char agent[VOLT_SHA256_HEX];
	struct stat st;
	memset(out, 0, sizeof(*out));
	if (volt_appliance_key(image_id, k, init, out->key, agent, err) < 0)
		return -1;
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	out->path = volt_appliance_path(ctx->root, out->key);
	if (stat(out->path, &st) == 0) {
		out->cached = true;
		out->size = st.st_size;
		return 0;
	}
	if (volt_mkdir_p(dir, 0700, err) < 0)
		return -1;
	cleanup_free char *tree = volt_image_checkout_path(ctx, image_id);
	if (stat(tree, &st) < 0)
		return volt_err_sys(err, "appliance: the image's tree %s", tree);
	char hex[17];
	volt_random_hex(hex, 8);
	cleanup_free char *tmp = volt_path("%s/.tmp-%s.cpio.zst", dir, hex);
	struct build_job j = {.tree = tree, .k = k, .init = init, .out = tmp};
	struct volt_idmap map;
	if (volt_idmap_detect(&map, false, err) < 0)
		return -1;
	/* what it was built from, beside it (written first: ls and gc read
	 * it, and an appliance without it is never listed) */
	cleanup_free char *meta = volt_path("%s/%s.json", dir, out->key);
	json_auto_t *m = json_pack("{s:s,s:s,s:s,s:s,s:I}", "Image", image_id, "Kernel", k->version, "KernelImage",
				   k->image, "Agent", agent, "Created", (json_int_t)volt_now_ns());
	cleanup_free char *mtext = m ? json_dumps(m, JSON_COMPACT) : NULL;
	if (!mtext)
		return volt_err_set(err, ENOMEM, "appliance");
	if (volt_write_file_atomic(meta, mtext, strlen(mtext), 0600, err) < 0)
		return -1;
	if (volt_userns_run(&map, build_in_userns, &j, err) < 0 || rename(tmp, out->path) < 0) {
		int e = errno;
		unlink(tmp);
		if (!err->msg[0])
			volt_err_set(err, e, "appliance: keep %s", out->path);
		return -1;
	}
	if (stat(out->path, &st) == 0)
		out->size = st.st_size;
	return 0;
}

void volt_appliances_free(struct volt_appliance_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].image);
		free(v[i].kernel);
		free(v[i].path);
	}
	free(v);
}

/* read_info - the appliance of key, from its .json; false when either
 * file is missing or the record is not one of ours */
static bool read_info(const char *dir, const char *key, struct volt_appliance_info *a)
{
	cleanup_free char *meta = volt_path("%s/%s.json", dir, key);
	cleanup_free char *path = volt_path("%s/%s.cpio.zst", dir, key);
	struct stat st;
	json_error_t je;
	if (stat(path, &st) < 0)
		return false;
	json_auto_t *m = json_load_file(meta, 0, &je);
	const char *img = json_string_value(json_object_get(m, "Image"));
	const char *ker = json_string_value(json_object_get(m, "Kernel"));
	if (!img || !ker)
		return false;
	memset(a, 0, sizeof(*a));
	snprintf(a->key, sizeof(a->key), "%s", key);
	a->image = strdup(img);
	a->kernel = strdup(ker);
	a->path = volt_steal_ptr(&path);
	a->size = st.st_size;
	a->created = json_integer_value(json_object_get(m, "Created"));
	return true;
}

int volt_appliance_list(struct volt_ctx *ctx, struct volt_appliance_info **out, size_t *n, struct volt_err *err)
{
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	cleanup_dir DIR *d = opendir(dir);
	struct volt_appliance_info *v = NULL;
	struct dirent *de;
	size_t nv = 0;
	if (!d && errno != ENOENT)
		return volt_err_sys(err, "open %s", dir);
	while (d && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len != 64 + 9 || strcmp(de->d_name + 64, ".cpio.zst"))
			continue;
		char key[65];
		memcpy(key, de->d_name, 64);
		key[64] = '\0';
		struct volt_appliance_info a;
		if (!volt_sha256_is_hex(key) || !read_info(dir, key, &a))
			continue;
		struct volt_appliance_info *nvv = realloc(v, (nv + 1) * sizeof(*v));
		if (!nvv) {
			volt_appliances_free(v, nv);
			return volt_err_set(err, ENOMEM, "list appliances");
		}
		v = nvv;
		v[nv++] = a;
	}
	*out = v;
	*n = nv;
	return 0;
}

/* remove_files - the appliance's two files (the image first: a listing
 * never shows one without its record) */
static int remove_files(const char *dir, const char *key, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/%s.cpio.zst", dir, key);
	cleanup_free char *meta = volt_path("%s/%s.json", dir, key);
	if (unlink(path) < 0 && errno != ENOENT)
		return volt_err_sys(err, "remove %s", path);
	if (unlink(meta) < 0 && errno != ENOENT)
		return volt_err_sys(err, "remove %s", meta);
	return 0;
}

int volt_appliance_remove(struct volt_ctx *ctx, const char *prefix, char key_out[65], struct volt_err *err)
{
	struct volt_appliance_info *v;
	size_t n, hits = 0, at = 0;
	size_t plen = strlen(prefix);
	if (plen < 4 || plen > 64 || strspn(prefix, "0123456789abcdef") != plen)
		return volt_err_said(err, EINVAL, "appliance %s: give at least 4 hex digits of its key", prefix);
	if (volt_appliance_list(ctx, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strncmp(v[i].key, prefix, plen)) {
			hits++;
			at = i;
		}
	if (hits != 1) {
		volt_appliances_free(v, n);
		return volt_err_said(
			err, hits ? EEXIST : ENOENT,
			hits ? "appliance %s: more than one key starts so" : "appliance %s: no such appliance", prefix);
	}
	snprintf(key_out, 65, "%s", v[at].key);
	volt_appliances_free(v, n);
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	return remove_files(dir, key_out, err);
}

int volt_appliance_prune(struct volt_ctx *ctx, bool dry, void (*removed)(const char *key, void *arg), void *arg,
			 struct volt_err *err)
{
	struct volt_appliance_info *v;
	size_t n;
	struct volt_db *db = volt_ctx_db(ctx, err);
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	if (!db || volt_appliance_list(ctx, &v, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		struct volt_image_row img;
		int f = volt_db_image_find(db, v[i].image, &img, err);
		if (f < 0) {
			r = -1;
			break;
		}
		if (f == 0) {
			volt_image_row_free(&img);
			continue; /* its image is still there */
		}
		if (!dry && remove_files(dir, v[i].key, err) < 0)
			r = -1;
		else if (removed)
			removed(v[i].key, arg);
	}
	volt_appliances_free(v, n);
	/* what a build cut short left: a temporary cpio, a record without one */
	cleanup_dir DIR *d = r == 0 && !dry ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		cleanup_free char *p = volt_path("%s/%s", dir, de->d_name);
		size_t len = strlen(de->d_name);
		if (!strncmp(de->d_name, ".tmp-", 5)) {
			struct stat st;
			/* an hour old: not a build that is running */
			if (stat(p, &st) == 0 && st.st_mtime < time(NULL) - 3600)
				unlink(p);
		} else if (len == 64 + 5 && !strcmp(de->d_name + 64, ".json")) {
			cleanup_free char *cpio = volt_path("%s/%.64s.cpio.zst", dir, de->d_name);
			struct stat st;
			if (stat(cpio, &st) < 0 && stat(p, &st) == 0 && st.st_mtime < time(NULL) - 3600)
				unlink(p);
		}
	}
	return r;
}
