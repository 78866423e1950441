/* volt_image_commit_upper: see ctr_commit.h.
 *
 * The upper layer is overlayfs' (userxattr mode: a whiteout is a 0/0
 * character device, an opaque directory carries user.overlay.opaque=y) or
 * fuse-overlayfs' (".wh.NAME" files too, its own opaque marks), as
 * util/whiteout.h reads them. Each
 * becomes what an OCI layer says with .wh. entries, in the layer record's
 * whiteouts, and is applied to the image tree as a pulled layer's would be.
 * Hardlinks in the upper layer are stored as separate files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/store.h"
#include "cas/tree.h"
#include "image/ctr_commit.h"
#include "image/export.h"
#include "image/image.h"
#include "image/layercache.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/walk.h"
#include "util/whiteout.h"

struct uwalk {
	struct volt_cas *cas;
	struct volt_tree *image, *layer;
	json_t *whiteouts;
	int index;
};

static int store_file(struct volt_cas *cas, int fd, struct volt_tree_entry *e, struct volt_err *err)
{
	struct volt_cas_writer wr;
	static char buf[1 << 16];
	ssize_t n;

	if (volt_cas_writer_begin(cas, &wr, err) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || volt_cas_writer_write(&wr, buf, (size_t)n, err) < 0) {
			if (n < 0)
				volt_err_sys(err, "read %s", e->path);
			volt_cas_writer_abort(&wr);
			return -1;
		}
	}
	e->size = wr.size;
	return volt_cas_writer_commit(&wr, (e->mode & 0111) != 0, e->digest, err);
}

/* put_both - e into the layer's tree and a copy into the image's */
static int put_both(struct uwalk *w, struct volt_tree_entry *e, struct volt_err *err)
{
	struct volt_tree_entry c = *e;
	c.path = strdup(e->path);
	c.target = e->target ? strdup(e->target) : NULL;
	if (!c.path || (e->target && !c.target)) {
		free(c.path);
		free(c.target);
		free(e->path);
		free(e->target);
		return volt_err_set(err, ENOMEM, "commit");
	}
	if (volt_tree_put(w->layer, e, err) < 0) {
		free(c.path);
		free(c.target);
		return -1;
	}
	return volt_tree_put(w->image, &c, err);
}

static int walk_entry(void *arg, int dfd, const char *name, const char *path, struct volt_err *err)
{
	struct uwalk *w = arg;
	struct volt_tree_entry e = {0};
	struct stat st;

	const char *gone;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return volt_err_sys(err, "stat %s", path);
	switch (volt_whiteout_kind(name, &st, &gone)) {
	case VOLT_WH_META: return 0;
	case VOLT_WH_DELETED: {
		/* path names the entry; the deleted one is its sibling gone */
		size_t dl = strlen(path) - strlen(name);
		cleanup_free char *del = volt_path("%.*s%s", (int)dl, path, gone);
		if (!del)
			return volt_err_set(err, ENOMEM, "commit");
		volt_tree_remove(w->image, del);
		return json_array_append_new(w->whiteouts, json_pack("{s:s,s:b}", "path", del, "opaque", 0));
	}
	case VOLT_WH_NONE: break;
	}
	e.mode = st.st_mode & 07777;
	e.uid = st.st_uid;
	e.gid = st.st_gid;
	e.mtime = st.st_mtim.tv_sec;
	e.mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	e.layer = w->index;
	cleanup_close int sub = -1;
	if (S_ISDIR(st.st_mode)) {
		e.type = VOLT_T_DIR;
		sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return volt_err_sys(err, "open %s", path);
		if (volt_dir_opaque(sub)) {
			volt_tree_opaque(w->image, path, w->index);
			json_array_append_new(w->whiteouts, json_pack("{s:s,s:b}", "path", path, "opaque", 1));
		}
	} else if (S_ISREG(st.st_mode)) {
		cleanup_close int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		e.type = VOLT_T_FILE;
		e.path = (char *)path;
		if (fd < 0)
			return volt_err_sys(err, "open %s", path);
		if (store_file(w->cas, fd, &e, err) < 0)
			return -1;
	} else if (S_ISLNK(st.st_mode)) {
		char tgt[4096];
		ssize_t n = readlinkat(dfd, name, tgt, sizeof(tgt) - 1);
		if (n < 0)
			return volt_err_sys(err, "readlink %s", path);
		tgt[n] = '\0';
		e.type = VOLT_T_SYMLINK;
		e.mode = 0777;
		e.target = strdup(tgt);
	} else if (S_ISFIFO(st.st_mode)) {
		e.type = VOLT_T_FIFO;
	} else {
		return 0; /* sockets and device nodes do not go into an image */
	}
	e.path = strdup(path);
	if (!e.path)
		return volt_err_set(err, ENOMEM, "commit");
	if (put_both(w, &e, err) < 0)
		return -1;
	return sub >= 0 ? volt_walk_sorted(steal_fd(sub), path, walk_entry, w, err) : 0;
}

/* add_layer - the new layer's diff id and history entry in the config */
static int add_layer(const struct volt_ctr_commit *c, const char *diff_id, size_t n_before, struct volt_err *err)
{
	json_t *rootfs = json_object_get(c->config, "rootfs");
	json_t *ids = json_object_get(rootfs, "diff_ids");
	json_t *hist = json_object_get(c->config, "history");
	char ts[48];

	if (!json_is_object(rootfs)) {
		json_object_set_new(c->config, "rootfs", json_pack("{s:s,s:[]}", "type", "layers", "diff_ids"));
		rootfs = json_object_get(c->config, "rootfs");
	}
	if (!json_is_array(ids)) {
		json_object_set_new(rootfs, "diff_ids", json_array());
		ids = json_object_get(rootfs, "diff_ids");
	}
	json_array_append_new(ids, json_string(diff_id));
	if (!json_is_array(hist)) {
		/* an image without history (an import): one entry per layer it has,
		 * so that history's n-th non-empty entry stays its n-th layer */
		json_object_set_new(c->config, "history", json_array());
		hist = json_object_get(c->config, "history");
		for (size_t i = 0; i < n_before; i++)
			json_array_append_new(hist, json_pack("{s:s}", "created_by", "(imported)"));
	}
	volt_format_time(volt_now_ns(), ts, sizeof(ts));
	json_t *h = json_pack("{s:s,s:s}", "created", ts, "created_by", c->created_by ? c->created_by : "");
	if (!h)
		return volt_err_set(err, ENOMEM, "commit");
	if (c->comment && c->comment[0])
		json_object_set_new(h, "comment", json_string(c->comment));
	if (c->author && c->author[0]) {
		json_object_set_new(h, "author", json_string(c->author));
		json_object_set_new(c->config, "author", json_string(c->author));
	}
	json_array_append_new(hist, h);
	json_object_set_new(c->config, "created", json_string(ts));
	return 0;
}

int volt_image_commit_upper(struct volt_ctx *ctx, const struct volt_ctr_commit *c, char id_out[65],
			    struct volt_err *err)
{
	struct volt_cas cas;
	struct volt_tree image, layer;
	json_t *whiteouts = json_array();
	json_t *layers = json_loads(c->layers ? c->layers : "[]", 0, NULL);
	cleanup_free char *ref = NULL, *config = NULL;
	char diff[80];
	int64_t size;
	int ret = -1;

	if (!whiteouts || !json_is_array(layers)) {
		json_decref(whiteouts);
		json_decref(layers);
		return volt_err_set(err, EINVAL, "commit: the image's layer list is damaged");
	}
	if (volt_cas_open(&cas, ctx->root, err) < 0) {
		json_decref(whiteouts);
		json_decref(layers);
		return -1;
	}
	volt_tree_init(&image);
	volt_tree_init(&layer);
	struct uwalk w = {&cas, &image, &layer, whiteouts, (int)json_array_size(layers)};
	ref = volt_path("%s/refs/%s.tree", cas.dir, c->image_id);
	/* the gc lock from the first object stored to the image's ref */
	if (volt_cas_lock(&cas, false, err) < 0 || volt_tree_load(&image, ref, err) < 0)
		goto out;
	{
		int fd = open(c->upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 && errno != ENOENT) {
			volt_err_sys(err, "open %s", c->upper);
			goto out;
		}
		if (fd >= 0 && volt_walk_sorted(fd, "", walk_entry, &w, err) < 0)
			goto out;
	}
	/* the diff id: the digest of the layer as push and save write it */
	{
		cleanup_close int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null < 0) {
			volt_err_sys(err, "open /dev/null");
			goto out;
		}
		if (volt_export_layer(&cas, &layer, whiteouts, null, diff, &size, err) < 0)
			goto out;
	}
	if (volt_layercache_save(&cas, diff, diff, size, &layer, whiteouts, err) < 0 ||
	    add_layer(c, diff, json_array_size(layers), err) < 0)
		goto out;
	json_array_append_new(layers, json_string(diff));
	config = json_dumps(c->config, JSON_COMPACT | JSON_SORT_KEYS);
	if (!config) {
		volt_err_set(err, ENOMEM, "commit");
		goto out;
	}
	ret = volt_image_commit(ctx, &cas, &image, config, layers, c->name, c->source, id_out, err);
out:
	volt_tree_free(&image);
	volt_tree_free(&layer);
	volt_cas_close(&cas);
	json_decref(whiteouts);
	json_decref(layers);
	return ret;
}
