/* Images out of the store: a layer tarball rebuilt from an image's tree
 * manifest and its objects, and the OCI config and manifest that go with it.
 *
 * Theory of operation: the store keeps files, not the registry's compressed
 * blobs, so an image leaves volt as ONE uncompressed layer (the flattened
 * root filesystem, written by libarchive in path order with the tree's
 * owners, modes and mtimes; hardlinked files as copies). Its digest is the
 * sha256 of that tar, which is also its diff_id; the config is the image's
 * own with rootfs.diff_ids and history rewritten to match. Pushed digests
 * therefore differ from the ones originally pulled (docs/registry.md). */
#include "image/export.h"

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

#include "cas/sha256.h"
#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct tar_sink {
	int fd;
	struct volt_sha256 sha;
	int64_t size;
};

/* sink_write - libarchive write callback: to the file, hashed on the way. */
static la_ssize_t sink_write(struct archive *a, void *arg, const void *buf, size_t len)
{
	struct tar_sink *s = arg;
	const char *p = buf;
	size_t left = len;
	while (left) {
		ssize_t n = write(s->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			archive_set_error(a, errno, "write layer");
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	volt_sha256_update(&s->sha, buf, len);
	s->size += (int64_t)len;
	return (la_ssize_t)len;
}

/* copy_object - a file's content from its canonical object into the archive. */
static int copy_object(struct volt_cas *cas, struct archive *a, const struct volt_tree_entry *e,
		       struct volt_err *err)
{
	char rel[128];
	char buf[1 << 16];
	ssize_t n;
	volt_cas_object_rel(e->digest, rel, sizeof(rel));
	cleanup_close int fd = openat(cas->objects_fd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return volt_err_sys(err, "object %s of \"%s\"", e->digest, e->path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) != n)
			return volt_err_set(err, EIO, "layer tar: %s", archive_error_string(a));
	if (n < 0)
		return volt_err_sys(err, "read object %s", e->digest);
	return 0;
}

int volt_export_layer(struct volt_cas *cas, struct volt_tree *tree, int fd, char digest[80], int64_t *size,
		      struct volt_err *err)
{
	struct tar_sink s = {.fd = fd};
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	size_t n;
	cleanup_free struct volt_tree_entry **v = volt_tree_sorted(tree, &n);
	char hex[VOLT_SHA256_HEX];
	int ret = -1;

	if (!a || !ae || !v || volt_sha256_init(&s.sha) < 0) {
		volt_err_set(err, ENOMEM, "layer tar");
		goto out;
	}
	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	if (archive_write_open(a, &s, NULL, sink_write, NULL) != ARCHIVE_OK) {
		volt_err_set(err, EIO, "layer tar: %s", archive_error_string(a));
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct volt_tree_entry *e = v[i];
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, e->path);
		archive_entry_set_uid(ae, e->uid);
		archive_entry_set_gid(ae, e->gid);
		archive_entry_set_perm(ae, e->mode & 07777);
		archive_entry_set_mtime(ae, e->mtime, 0);
		bool data = false;
		switch (e->type) {
		case VOLT_T_DIR: archive_entry_set_filetype(ae, AE_IFDIR); break;
		case VOLT_T_SYMLINK:
			archive_entry_set_filetype(ae, AE_IFLNK);
			archive_entry_set_symlink(ae, e->target);
			break;
		case VOLT_T_FIFO: archive_entry_set_filetype(ae, AE_IFIFO); break;
		case VOLT_T_FILE:
			archive_entry_set_filetype(ae, AE_IFREG);
			/* hardlinks go out as copies: the target may sort after the
			 * link, and the store dedups the content on the way back in */
			archive_entry_set_size(ae, e->size);
			data = e->size > 0;
			break;
		}
		if (archive_write_header(a, ae) != ARCHIVE_OK) {
			volt_err_set(err, EIO, "layer tar: \"%s\": %s", e->path, archive_error_string(a));
			goto out;
		}
		if (data && copy_object(cas, a, e, err) < 0)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		volt_err_set(err, EIO, "layer tar: %s", archive_error_string(a));
		goto out;
	}
	volt_sha256_final(&s.sha, hex);
	snprintf(digest, 80, "sha256:%s", hex);
	*size = s.size;
	ret = 0;
out:
	if (ret < 0 && s.sha.ctx)
		volt_sha256_abort(&s.sha);
	archive_entry_free(ae);
	archive_write_free(a);
	return ret;
}

int volt_export_image(struct volt_ctx *ctx, struct volt_cas *cas, const char *name, struct volt_export *x,
		      struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_image_row img;
	struct volt_tree tree;
	cleanup_free char *ref = NULL;
	json_t *cfg = NULL, *man = NULL;
	char cfg_hex[VOLT_SHA256_HEX];
	int r, ret = -1;

	memset(x, 0, sizeof(*x));
	x->layer_fd = -1;
	if (!db)
		return -1;
	if ((r = volt_db_image_find(db, name, &img, err)) != 0)
		return r < 0 ? -1 : volt_err_set(err, 0, "image %s: not in the store", name);
	volt_tree_init(&tree);
	ref = volt_path("%s/refs/%s.tree", cas->dir, img.id);
	if (volt_tree_load(&tree, ref, err) < 0)
		goto out;
	/* the layer goes to an unlinked temporary file */
	x->layer_fd = openat(cas->tmp_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (x->layer_fd < 0) {
		volt_err_sys(err, "temporary layer file");
		goto out;
	}
	if (volt_export_layer(cas, &tree, x->layer_fd, x->layer_digest, &x->layer_size, err) < 0)
		goto out;
	cfg = json_loads(img.config, 0, NULL);
	if (!json_is_object(cfg)) {
		volt_err_set(err, EINVAL, "image %s: stored config is not a JSON object", name);
		goto out;
	}
	json_object_set_new(cfg, "rootfs", json_pack("{s:s,s:[s]}", "type", "layers", "diff_ids", x->layer_digest));
	json_object_set_new(cfg, "history",
			    json_pack("[{s:s,s:s}]", "created_by", "volt (flattened from the store)", "comment",
				      img.id));
	x->config = json_dumps(cfg, JSON_COMPACT);
	volt_sha256_buf(x->config, strlen(x->config), cfg_hex);
	snprintf(x->config_digest, sizeof(x->config_digest), "sha256:%s", cfg_hex);
	man = json_pack("{s:i,s:s,s:{s:s,s:s,s:I},s:[{s:s,s:s,s:I}]}", "schemaVersion", 2, "mediaType",
			"application/vnd.oci.image.manifest.v1+json", "config", "mediaType",
			"application/vnd.oci.image.config.v1+json", "digest", x->config_digest, "size",
			(json_int_t)strlen(x->config), "layers", "mediaType", "application/vnd.oci.image.layer.v1.tar",
			"digest", x->layer_digest, "size", (json_int_t)x->layer_size);
	x->manifest = json_dumps(man, JSON_COMPACT);
	volt_sha256_buf(x->manifest, strlen(x->manifest), cfg_hex);
	snprintf(x->manifest_digest, sizeof(x->manifest_digest), "sha256:%s", cfg_hex);
	ret = 0;
out:
	json_decref(cfg);
	json_decref(man);
	volt_tree_free(&tree);
	volt_image_row_free(&img);
	if (ret < 0)
		volt_export_free(x);
	return ret;
}

void volt_export_free(struct volt_export *x)
{
	free(x->config);
	free(x->manifest);
	if (x->layer_fd >= 0)
		close(x->layer_fd);
	memset(x, 0, sizeof(*x));
	x->layer_fd = -1;
}
