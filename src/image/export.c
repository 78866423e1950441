/* Images out of the store: layer tarballs rebuilt from the store, and the
 * OCI config and manifest that go with them (volt push, volt image save).
 *
 * Theory of operation: the store keeps files, not the registry's compressed
 * blobs. When the store has a record of every layer of the image (a pulled
 * image: cas/layers/, see layercache.h), each layer is rebuilt from its
 * record: an uncompressed tar of the layer's own entries in path order, its
 * whiteouts as .wh. entries first, the tree's owners, modes and mtimes,
 * hardlinked files as copies. Otherwise (an imported image, or records that
 * gc made stale) the image tree is flattened into one layer. A layer's digest
 * is the sha256 of its tar, which is also its diff_id; the config is the
 * image's own with rootfs.diff_ids and history rewritten to match. The tars
 * are deterministic, so the same image exports to the same digests every
 * time, but they differ from the compressed blobs originally pulled
 * (docs/registry.md). */
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
#include "image/layercache.h"
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
static int copy_object(struct volt_cas *cas, struct archive *a, const struct volt_tree_entry *e, struct volt_err *err)
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

/* add_whiteout - an empty ".wh.NAME" (or "DIR/.wh..wh..opq") entry. */
static int add_whiteout(struct archive *a, struct archive_entry *ae, const char *path, bool opaque,
			struct volt_err *err)
{
	const char *slash = strrchr(path, '/');
	cleanup_free char *name = NULL;
	if (opaque)
		name = path[0] ? volt_path("%s/.wh..wh..opq", path) : strdup(".wh..wh..opq");
	else if (slash)
		name = volt_path("%.*s/.wh.%s", (int)(slash - path), path, slash + 1);
	else
		name = volt_path(".wh.%s", path);
	archive_entry_clear(ae);
	archive_entry_set_pathname(ae, name);
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0644);
	archive_entry_set_size(ae, 0);
	if (archive_write_header(a, ae) != ARCHIVE_OK)
		return volt_err_set(err, EIO, "layer tar: \"%s\": %s", name, archive_error_string(a));
	return 0;
}

int volt_export_layer(struct volt_cas *cas, struct volt_tree *tree, json_t *whiteouts, int fd, char digest[80],
		      int64_t *size, struct volt_err *err)
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
	/* whiteouts first: they hide lower layers' entries, never this layer's */
	size_t wi;
	json_t *w;
	json_array_foreach(whiteouts, wi, w) {
		const char *p = json_string_value(json_object_get(w, "path"));
		if (p && add_whiteout(a, ae, p, json_is_true(json_object_get(w, "opaque")), err) < 0)
			goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct volt_tree_entry *e = v[i];
		archive_entry_clear(ae);
		archive_entry_set_pathname(ae, e->path);
		archive_entry_set_uid(ae, e->uid);
		archive_entry_set_gid(ae, e->gid);
		archive_entry_set_perm(ae, e->mode & 07777);
		archive_entry_set_mtime(ae, e->mtime, (long)e->mtime_nsec);
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

/* export_one - one layer tar into a fresh temporary file of the store. */
static int export_one(struct volt_cas *cas, struct volt_tree *tree, json_t *whiteouts, struct volt_export_layer *l,
		      struct volt_err *err)
{
	l->fd = openat(cas->tmp_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (l->fd < 0)
		return volt_err_sys(err, "temporary layer file");
	return volt_export_layer(cas, tree, whiteouts, l->fd, l->digest, &l->size, err);
}

/* export_recorded - one tar per layer from the layer records; 1 when some
 * layer has no (complete) record, so the caller flattens instead. */
static int export_recorded(struct volt_cas *cas, const struct volt_image_row *img, struct volt_export *x,
			   struct volt_err *err)
{
	json_t *digests = img->layers ? json_loads(img->layers, 0, NULL) : NULL;
	size_t n = json_array_size(digests);
	int ret = 1;

	if (n == 0 || n > 1024)
		goto out;
	x->layers = calloc(n, sizeof(*x->layers));
	if (!x->layers) {
		ret = volt_err_set(err, ENOMEM, "export");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		x->layers[i].fd = -1;
	x->n_layers = (int)n;
	for (size_t i = 0; i < n; i++) {
		const char *d = json_string_value(json_array_get(digests, i));
		struct volt_tree t;
		json_t *wh = NULL;
		volt_tree_init(&t);
		int r = d ? volt_layercache_load(cas, d, &t, &wh, err) : 0;
		if (r == 1)
			r = export_one(cas, &t, wh, &x->layers[i], err) < 0 ? -1 : 1;
		volt_tree_free(&t);
		json_decref(wh);
		if (r <= 0) {
			ret = r < 0 ? -1 : 1;
			goto out;
		}
	}
	ret = 0;
out:
	json_decref(digests);
	return ret;
}

int volt_export_image(struct volt_ctx *ctx, struct volt_cas *cas, const char *name, struct volt_export *x,
		      struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_image_row img;
	struct volt_tree tree;
	cleanup_free char *ref = NULL;
	json_t *cfg = NULL, *man = NULL, *diff_ids, *history, *mlayers;
	char hex[VOLT_SHA256_HEX];
	int r, ret = -1;

	memset(x, 0, sizeof(*x));
	if (!db)
		return -1;
	if ((r = volt_db_image_find(db, name, &img, err)) != 0)
		return r < 0 ? -1 : volt_err_set(err, 0, "image %s: not in the store", name);
	volt_tree_init(&tree);
	r = export_recorded(cas, &img, x, err);
	if (r < 0)
		goto out;
	if (r == 1) {
		/* no records (imported image, or gc took them): flatten the tree */
		volt_export_free(x);
		x->flattened = true;
		x->layers = calloc(1, sizeof(*x->layers));
		if (!x->layers) {
			volt_err_set(err, ENOMEM, "export");
			goto out;
		}
		x->layers[0].fd = -1;
		x->n_layers = 1;
		ref = volt_path("%s/refs/%s.tree", cas->dir, img.id);
		if (volt_tree_load(&tree, ref, err) < 0 || export_one(cas, &tree, NULL, &x->layers[0], err) < 0)
			goto out;
	}
	cfg = json_loads(img.config, 0, NULL);
	if (!json_is_object(cfg)) {
		volt_err_set(err, EINVAL, "image %s: stored config is not a JSON object", name);
		goto out;
	}
	diff_ids = json_array();
	history = json_array();
	mlayers = json_array();
	for (int i = 0; i < x->n_layers; i++) {
		json_array_append_new(diff_ids, json_string(x->layers[i].digest));
		json_array_append_new(history, json_pack("{s:s}", "created_by",
							 x->flattened ? "volt (flattened from the store)" :
									"volt (rebuilt from the store)"));
		json_array_append_new(mlayers,
				      json_pack("{s:s,s:s,s:I}", "mediaType", "application/vnd.oci.image.layer.v1.tar",
						"digest", x->layers[i].digest, "size", (json_int_t)x->layers[i].size));
	}
	json_object_set_new(cfg, "rootfs", json_pack("{s:s,s:o}", "type", "layers", "diff_ids", diff_ids));
	json_object_set_new(cfg, "history", history);
	x->config = json_dumps(cfg, JSON_COMPACT);
	volt_sha256_buf(x->config, strlen(x->config), hex);
	snprintf(x->config_digest, sizeof(x->config_digest), "sha256:%s", hex);
	man = json_pack("{s:i,s:s,s:{s:s,s:s,s:I},s:o}", "schemaVersion", 2, "mediaType",
			"application/vnd.oci.image.manifest.v1+json", "config", "mediaType",
			"application/vnd.oci.image.config.v1+json", "digest", x->config_digest, "size",
			(json_int_t)strlen(x->config), "layers", mlayers);
	x->manifest = json_dumps(man, JSON_COMPACT);
	volt_sha256_buf(x->manifest, strlen(x->manifest), hex);
	snprintf(x->manifest_digest, sizeof(x->manifest_digest), "sha256:%s", hex);
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
	for (int i = 0; x->layers && i < x->n_layers; i++)
		if (x->layers[i].fd >= 0)
			close(x->layers[i].fd);
	free(x->layers);
	memset(x, 0, sizeof(*x));
}
