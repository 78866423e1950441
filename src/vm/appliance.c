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
#include "util/strv.h"
#include "vm/appliance_int.h"
#include "vm/appliance_key.h"
#include "vm/fledge.h"
#include "vm/initramfs.h"

void volt_appliance_free(struct volt_appliance *a)
{
	free(a->path);
	free(a->disk);
	a->path = a->disk = NULL;
}

bool volt_appliance_strategy_ok(const char *strategy)
{
	return !strcmp(strategy, "initramfs") || !strcmp(strategy, "disk");
}

int appliance_agent_digest(const char *init, char hex[VOLT_SHA256_HEX], struct volt_err *err)
{
	cleanup_free char *data = NULL;
	size_t len;
	if (volt_read_file(init, 256u << 20, &data, &len, err) < 0)
		return volt_err_prefix(err, "appliance: the agent");
	volt_sha256_buf(data, len, hex);
	return 0;
}

bool appliance_found(const char *dir, const char *key, bool disk, struct volt_appliance *out)
{
	struct stat st;
	if (key != out->key)
		snprintf(out->key, sizeof(out->key), "%s", key);
	out->path = volt_path("%s/%s.cpio.zst", dir, key);
	out->disk = disk ? volt_path("%s/%s.ext4", dir, key) : NULL;
	if (stat(out->path, &st) < 0 || (disk && stat(out->disk, &st) < 0))
		return false;
	out->cached = true;
	out->size = appliance_on_disk(out->path) + appliance_on_disk(out->disk);
	return true;
}

int appliance_keep(const char *dir, json_t *m, const char *tmp_initrd, const char *tmp_disk, struct volt_appliance *out,
		   struct volt_err *err)
{
	/* the record first: ls and gc read it, and an appliance without it
	 * is never listed */
	cleanup_free char *meta = volt_path("%s/%s.json", dir, out->key);
	json_object_set_new(m, "Strategy", json_string(tmp_disk ? "disk" : "initramfs"));
	/* the inputs the key is the digest of, one a line: as a list */
	const char *in = json_string_value(json_object_get(m, "Inputs"));
	if (in) {
		json_t *lines = json_array();
		for (const char *l = in; *l;) {
			size_t len = strcspn(l, "\n");
			json_array_append_new(lines, json_stringn(l, len));
			l += len + (l[len] == '\n');
		}
		json_object_set_new(m, "Inputs", lines);
	}
	json_object_set_new(m, "Created", json_integer((json_int_t)volt_now_ns()));
	cleanup_free char *mtext = json_dumps(m, JSON_COMPACT);
	int r = mtext ? volt_write_file_atomic(meta, mtext, strlen(mtext), 0600, err) :
			volt_err_set(err, ENOMEM, "appliance");
	/* the disk before the initramfs: an appliance is listed by its
	 * initramfs, which is there only when the whole is */
	if (r == 0 && tmp_disk && rename(tmp_disk, out->disk) < 0)
		r = volt_err_sys(err, "appliance: keep %s", out->disk);
	if (r == 0 && rename(tmp_initrd, out->path) < 0)
		r = volt_err_sys(err, "appliance: keep %s", out->path);
	if (r < 0) {
		unlink(tmp_initrd);
		if (tmp_disk)
			unlink(tmp_disk);
		return -1;
	}
	out->size = appliance_on_disk(out->path) + appliance_on_disk(out->disk);
	return 0;
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
static int fill_tree(struct archive *a, void *arg, struct volt_err *err)
{
	return copy_tree(a, arg, err);
}

static int build_in_userns(void *arg, struct volt_err *err)
{
	struct build_job *j = arg;
	return volt_initramfs_write(j->out, VOLT_INITRAMFS_ZSTD, j->init, j->k, fill_tree, (void *)j->tree, err);
}

int volt_appliance_build(struct volt_ctx *ctx, const char *image_id, const struct volt_kernel *k, const char *init,
			 struct volt_appliance *out, struct volt_err *err)
{
	return volt_appliance_build_image(ctx, image_id, k, init, NULL, out, err);
}

int volt_appliance_build_image(struct volt_ctx *ctx, const char *image_id, const struct volt_kernel *k,
			       const char *init, const char *strategy, struct volt_appliance *out, struct volt_err *err)
{
	char agent[VOLT_SHA256_HEX];
	struct stat st;
	bool disk = strategy && !strcmp(strategy, "disk");
	memset(out, 0, sizeof(*out));
	if (strategy && !volt_appliance_strategy_ok(strategy))
		return volt_err_set(err, EINVAL, "appliance: --strategy %s: initramfs or disk", strategy);
	cleanup_free char *inputs = NULL;
	if (volt_appliance_key(image_id, k, init, disk, out->key, agent, &inputs, err) < 0)
		return -1;
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	if (appliance_found(dir, out->key, disk, out))
		return 0;
	if (volt_mkdir_p(dir, 0700, err) < 0)
		return -1;
	cleanup_free char *tree = volt_image_checkout_path(ctx, image_id);
	if (stat(tree, &st) < 0)
		return volt_err_sys(err, "appliance: the image's tree %s", tree);
	char hex[17];
	volt_random_hex(hex, 8);
	cleanup_free char *tmp = volt_path("%s/.tmp-%s.cpio.zst", dir, hex);
	cleanup_free char *tmp_disk = disk ? volt_path("%s/.tmp-%s.ext4", dir, hex) : NULL;
	struct build_job j = {.tree = tree, .k = k, .init = init, .out = tmp};
	struct volt_idmap map;
	if (volt_idmap_detect(&map, false, err) < 0)
		return -1;
	json_auto_t *m = json_pack("{s:s,s:s,s:s,s:s,s:s}", "Image", image_id, "Kernel", k->version, "KernelImage",
				   k->image, "Agent", agent, "Inputs", inputs);
	if (!m)
		return volt_err_set(err, ENOMEM, "appliance");
	int r = disk ? appliance_mkfs(&map, tree, tmp_disk, err) : volt_userns_run(&map, build_in_userns, &j, err);
	if (r == 0 && disk)
		r = appliance_tiny_initrd(tmp, init, k, err);
	if (r < 0) {
		unlink(tmp);
		if (tmp_disk)
			unlink(tmp_disk);
		return -1;
	}
	return appliance_keep(dir, m, tmp, tmp_disk, out, err);
}

/* remove_files - the appliance's two files (the image first: a listing
 * never shows one without its record) */
static int remove_files(const char *dir, const char *key, struct volt_err *err)
{
	cleanup_free char *path = volt_path("%s/%s.cpio.zst", dir, key);
	cleanup_free char *ext4 = volt_path("%s/%s.ext4", dir, key);
	cleanup_free char *meta = volt_path("%s/%s.json", dir, key);
	if (unlink(path) < 0 && errno != ENOENT)
		return volt_err_sys(err, "remove %s", path);
	if (unlink(ext4) < 0 && errno != ENOENT)
		return volt_err_sys(err, "remove %s", ext4);
	if (unlink(meta) < 0 && errno != ENOENT)
		return volt_err_sys(err, "remove %s", meta);
	return 0;
}

int volt_appliance_inspect(struct volt_ctx *ctx, const char *what, char **json, struct volt_err *err)
{
	struct volt_appliance_info a;
	json_error_t je;
	if (volt_appliance_find(ctx, what, &a, err) < 0)
		return -1;
	cleanup_free char *meta = volt_path("%s/appliances/%s.json", ctx->root, a.key);
	json_auto_t *m = json_load_file(meta, 0, &je);
	int r = 0;
	if (!m || !json_is_object(m)) {
		r = volt_err_set(err, EINVAL, "appliance %s: its record %s: %s", what, meta, je.text);
	} else {
		json_auto_t *o = json_pack("{s:s,s:s,s:s?,s:I}", "Key", a.key, "Path", a.path, "Disk", a.disk, "Size",
					   (json_int_t)a.size);
		if (o && !json_object_update(o, m)) {
			if (!json_object_get(o, "Entrypoint"))
				json_object_set_new(o, "Entrypoint", json_null());
			*json = json_dumps(o, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		}
		if (!*json)
			r = volt_err_set(err, ENOMEM, "appliance %s", what);
	}
	volt_appliance_info_free(&a);
	return r;
}

int volt_appliance_remove(struct volt_ctx *ctx, const char *what, char key_out[65], struct volt_err *err)
{
	struct volt_appliance_info a;
	if (volt_appliance_find(ctx, what, &a, err) < 0)
		return -1;
	snprintf(key_out, 65, "%s", a.key);
	volt_appliance_info_free(&a);
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	return remove_files(dir, key_out, err);
}

struct booted_by {
	const char *key;
	bool found;
};

static int boots_key(const struct volt_ctr_row *c, void *arg)
{
	struct booted_by *b = arg;
	json_error_t je;
	json_auto_t *spec = c->kind == VOLT_KIND_VM && c->spec ? json_loads(c->spec, 0, &je) : NULL;
	const char *k = json_string_value(json_object_get(json_object_get(spec, "vm"), "appliance"));
	if (k && !strcmp(k, b->key))
		b->found = true;
	return 0;
}

/* unused - an appliance gc may remove: its image is gone, or it is a
 * file list's that a newer build of its name replaced and no microVM's
 * record boots (run/create --vm NAME keeps the key it found) */
static int unused(struct volt_db *db, struct volt_appliance_info *v, size_t n, size_t i, struct volt_err *err)
{
	size_t at;
	if (v[i].name) {
		if (!appliance_newest_named(v, n, v[i].name, &at) || at == i)
			return 0;
		struct booted_by b = {.key = v[i].key};
		if (volt_db_ctr_list(db, boots_key, &b, err) < 0)
			return -1;
		return !b.found;
	}
	struct volt_image_row img;
	int f = volt_db_image_find(db, v[i].image, &img, err);
	if (f == 0)
		volt_image_row_free(&img);
	return f;
}

int volt_appliance_prune(struct volt_ctx *ctx, bool dry, void (*removed)(const char *key, const char *why, void *arg),
			 void *arg, struct volt_err *err)
{
	struct volt_appliance_info *v;
	size_t n;
	struct volt_db *db = volt_ctx_db(ctx, err);
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	if (!db || volt_appliance_list(ctx, &v, &n, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		int f = unused(db, v, n, i, err);
		if (f < 0)
			r = -1;
		else if (f == 0)
			continue;
		else if (!dry && remove_files(dir, v[i].key, err) < 0)
			r = -1;
		else if (removed)
			removed(v[i].key, v[i].name ? "replaced" : "no image", arg);
	}
	volt_appliances_free(v, n);
	/* what a build cut short left: temporary files and trees, a record
	 * or a disk without its initramfs */
	cleanup_dir DIR *d = r == 0 && !dry ? opendir(dir) : NULL;
	struct dirent *de;
	while (d && (de = readdir(d))) {
		cleanup_free char *p = volt_path("%s/%s", dir, de->d_name);
		size_t len = strlen(de->d_name);
		struct stat st;
		/* an hour old: not a build that is running */
		if (lstat(p, &st) < 0 || st.st_mtime >= time(NULL) - 3600)
			continue;
		if (!strncmp(de->d_name, ".tmp-", 5)) {
			struct volt_err ignore;
			volt_rm_rf(p, &ignore);
		} else if ((len == 64 + 5 && !strcmp(de->d_name + 64, ".json")) ||
			   (len == 64 + 5 && !strcmp(de->d_name + 64, ".ext4"))) {
			cleanup_free char *cpio = volt_path("%s/%.64s.cpio.zst", dir, de->d_name);
			if (stat(cpio, &st) < 0)
				unlink(p);
		}
	}
	return r;
}
