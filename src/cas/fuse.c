/* The FUSE view of an image: `volt cas mount`, and the FUSE lower layer.
 *
 * Theory of operation. The tree manifest is loaded once and never changes,
 * and objects are immutable by construction (named by their content), so the
 * kernel may cache everything for as long as it likes: entry, attribute and
 * negative timeouts are a day, page cache is kept across opens
 * (kernel_cache, keep_cache) and readdirplus hands the attributes over with
 * the names. After the first touch a lookup costs no round trip to us.
 *
 * Each entry is presented with its own owner, mode and mtime from the
 * manifest, whatever the object file's metadata is: unlike a hardlinked
 * checkout, one object serves every owner/mode combination (no variants).
 * File content is read from the canonical object ab/<digest> with pread on
 * an fd opened at open(); the server never writes.
 *
 * Directory children are an index built at load time over the sorted tree
 * (parents sort before children): first_child / next_sibling arrays. */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cas/admin.h"
#include "cas/fuse.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define FUSE_SUPER_MAGIC 0x65735546
#define CACHE_SECONDS 86400.0

struct view {
	struct volt_cas cas;
	struct volt_tree tree;
	struct volt_tree_entry **v; /* sorted */
	size_t n;
	size_t *sorted_of;		     /* tree index -> sorted index */
	ssize_t *first_child, *next_sibling; /* sorted indices, -1 none; slot n is the root */
	const struct volt_idmap *map;
};

/* view_of - the view this FUSE request is for. */
static struct view *view_of(void)
{
	return fuse_get_context()->private_data;
}

/* host_id - manifest id to the id shown: itself, or through the map (an id
 * the map lacks shows as the user, as a checkout in single mode does) */
static uint32_t host_id(const struct volt_idrange *r, int n, uint32_t id)
{
	for (int pass = 0; pass < 2; pass++, id = 0)
		for (int i = 0; i < n; i++)
			if (id >= r[i].inside && id - r[i].inside < r[i].count)
				return r[i].outside + (id - r[i].inside);
	return (uint32_t)-1;
}

/* entry_of - the sorted index of path ("/" is n), or -1 */
static ssize_t entry_of(struct view *vw, const char *path)
{
	while (*path == '/')
		path++;
	if (!*path)
		return (ssize_t)vw->n;
	struct volt_tree_entry *e = volt_tree_find(&vw->tree, path);
	return e ? (ssize_t)vw->sorted_of[e - vw->tree.e] : -1;
}

/* fill_stat - the attributes of sorted entry i (n = the root) as the manifest
 * gives them, translated to host ids when the view serves a container. */
static void fill_stat(struct view *vw, ssize_t i, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	if (i == (ssize_t)vw->n) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		if (vw->map) {
			st->st_uid = host_id(vw->map->uids, vw->map->n_uids, 0);
			st->st_gid = host_id(vw->map->gids, vw->map->n_gids, 0);
		}
		return;
	}
	struct volt_tree_entry *e = vw->v[i];
	static const mode_t fmt[] = {
		[VOLT_T_DIR] = S_IFDIR, [VOLT_T_FILE] = S_IFREG, [VOLT_T_SYMLINK] = S_IFLNK, [VOLT_T_FIFO] = S_IFIFO};
	st->st_mode = fmt[e->type] | (e->mode & 07777);
	st->st_nlink = e->type == VOLT_T_DIR ? 2 : 1;
	st->st_uid = vw->map ? host_id(vw->map->uids, vw->map->n_uids, e->uid) : e->uid;
	st->st_gid = vw->map ? host_id(vw->map->gids, vw->map->n_gids, e->gid) : e->gid;
	st->st_size = e->type == VOLT_T_FILE ? e->size : e->type == VOLT_T_SYMLINK ? (off_t)strlen(e->target) : 0;
	st->st_blksize = 65536;
	st->st_blocks = (st->st_size + 511) / 512;
	st->st_mtim.tv_sec = st->st_ctim.tv_sec = st->st_atim.tv_sec = e->mtime;
	st->st_mtim.tv_nsec = st->st_ctim.tv_nsec = st->st_atim.tv_nsec = e->mtime_nsec;
}

/* op_init - ask the kernel to cache entries, attributes, negative lookups and
 * pages for a day: nothing in the view ever changes. */
static void *op_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
	(void)conn;
	cfg->entry_timeout = cfg->attr_timeout = cfg->negative_timeout = CACHE_SECONDS;
	cfg->kernel_cache = 1;
	return fuse_get_context()->private_data;
}

/* op_getattr - attributes from the manifest; no object is touched. */
static int op_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	struct view *vw = view_of();
	ssize_t i = entry_of(vw, path);
	(void)fi;
	if (i < 0)
		return -ENOENT;
	fill_stat(vw, i, st);
	return 0;
}

/* op_readlink - a symlink's target from the manifest (truncated to size). */
static int op_readlink(const char *path, char *buf, size_t size)
{
	struct view *vw = view_of();
	ssize_t i = entry_of(vw, path);
	if (i < 0 || i == (ssize_t)vw->n)
		return -ENOENT;
	if (vw->v[i]->type != VOLT_T_SYMLINK)
		return -EINVAL;
	snprintf(buf, size, "%s", vw->v[i]->target);
	return 0;
}

/* op_readdir - the children from the index, with their attributes
 * (readdirplus), so that a listing fills the kernel's caches in one go. */
static int op_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off, struct fuse_file_info *fi,
		      enum fuse_readdir_flags flags)
{
	struct view *vw = view_of();
	ssize_t i = entry_of(vw, path);
	struct stat st;
	(void)off;
	(void)fi;
	(void)flags;
	if (i < 0)
		return -ENOENT;
	if (i != (ssize_t)vw->n && vw->v[i]->type != VOLT_T_DIR)
		return -ENOTDIR;
	filler(buf, ".", NULL, 0, 0);
	filler(buf, "..", NULL, 0, 0);
	for (ssize_t c = vw->first_child[i]; c >= 0; c = vw->next_sibling[c]) {
		const char *slash = strrchr(vw->v[c]->path, '/');
		fill_stat(vw, c, &st);
		if (filler(buf, slash ? slash + 1 : vw->v[c]->path, &st, 0, FUSE_FILL_DIR_PLUS))
			break;
	}
	return 0;
}

/* op_open - open the canonical object read-only; writes are refused (EROFS).
 * keep_cache: the page cache of the file survives close and reopen. */
static int op_open(const char *path, struct fuse_file_info *fi)
{
	struct view *vw = view_of();
	ssize_t i = entry_of(vw, path);
	char rel[80];
	if (i < 0 || i == (ssize_t)vw->n)
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	if (vw->v[i]->type != VOLT_T_FILE)
		return -EISDIR;
	volt_cas_object_rel(vw->v[i]->digest, rel, sizeof(rel));
	int fd = openat(vw->cas.objects_fd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -EIO; /* a missing object: `volt cas verify` names it */
	fi->fh = (uint64_t)fd;
	fi->keep_cache = 1;
	return 0;
}

/* op_read - pread from the object opened at op_open. */
static int op_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void)path;
	ssize_t n = pread((int)fi->fh, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

/* op_release - close the object fd. */
static int op_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close((int)fi->fh);
	return 0;
}

/* op_statfs - a read-only file system with as many inodes as entries. */
static int op_statfs(const char *path, struct statvfs *st)
{
	struct view *vw = view_of();
	(void)path;
	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = 4096;
	st->f_files = vw->n + 1;
	st->f_namemax = 255;
	return 0;
}

static const struct fuse_operations ops = {
	.init = op_init,
	.getattr = op_getattr,
	.readlink = op_readlink,
	.readdir = op_readdir,
	.open = op_open,
	.read = op_read,
	.release = op_release,
	.statfs = op_statfs,
};

/* index_children - first_child/next_sibling over the sorted entries */
static int index_children(struct view *vw, struct volt_err *err)
{
	size_t n = vw->n;
	ssize_t *last = calloc(n + 1, sizeof(*last));
	vw->sorted_of = calloc(vw->tree.n ? vw->tree.n : 1, sizeof(size_t));
	vw->first_child = malloc((n + 1) * sizeof(ssize_t));
	vw->next_sibling = malloc((n + 1) * sizeof(ssize_t));
	if (!last || !vw->sorted_of || !vw->first_child || !vw->next_sibling) {
		free(last);
		return volt_err_set(err, ENOMEM, "index tree");
	}
	for (size_t i = 0; i < n; i++)
		vw->sorted_of[vw->v[i] - vw->tree.e] = i;
	for (size_t i = 0; i <= n; i++)
		vw->first_child[i] = vw->next_sibling[i] = last[i] = -1;
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(vw->v[i]->path, '/');
		ssize_t p = (ssize_t)n;
		if (slash) {
			cleanup_free char *pp = strndup(vw->v[i]->path, (size_t)(slash - vw->v[i]->path));
			p = entry_of(vw, pp);
			if (p < 0)
				continue; /* cannot happen: volt_tree_put makes parents */
		}
		if (last[p] < 0)
			vw->first_child[p] = (ssize_t)i;
		else
			vw->next_sibling[last[p]] = (ssize_t)i;
		last[p] = (ssize_t)i;
	}
	free(last);
	return 0;
}

/* volt_cas_fuse_serve - see fuse.h. Load the ref, index it, mount, then
 * daemonize (the mount is in place when the parent exits 0) and serve with the
 * multi-threaded loop until unmounted. */
int volt_cas_fuse_serve(const struct volt_cas_fuse_opts *o, struct volt_err *err)
{
	struct view vw = {.map = o->host_ids};
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse *f = NULL;
	cleanup_free char *mopts = volt_path("ro,fsname=volt-cas:%.12s,subtype=volt", o->image_id);
	int ret = -1;

	if (volt_cas_open(&vw.cas, o->volt_root, err) < 0)
		return -1;
	if (volt_cas_ref_load(&vw.cas, o->image_id, &vw.tree, err) < 0) {
		volt_cas_close(&vw.cas);
		return -1;
	}
	vw.v = volt_tree_sorted(&vw.tree, &vw.n);
	if (!vw.v) {
		volt_err_set(err, ENOMEM, "mount");
		goto out;
	}
	if (index_children(&vw, err) < 0)
		goto out;
	if (fuse_opt_add_arg(&args, "volt") || fuse_opt_add_arg(&args, "-o") || fuse_opt_add_arg(&args, mopts)) {
		volt_err_set(err, ENOMEM, "mount");
		goto out;
	}
	f = fuse_new(&args, &ops, sizeof(ops), &vw);
	if (!f) {
		volt_err_set(err, EINVAL, "fuse: cannot set up the file system");
		goto out;
	}
	if (fuse_mount(f, o->mountpoint) != 0) {
		volt_err_set(err, EPERM, "fuse: mount on %s failed (is /dev/fuse usable and fusermount3 installed?)",
			     o->mountpoint);
		fuse_destroy(f);
		f = NULL;
		goto out;
	}
	fuse_daemonize(o->foreground);
	if (fuse_set_signal_handlers(fuse_get_session(f)) == 0) {
		ret = fuse_loop_mt(f, 0) == 0 ? 0 : -1;
		fuse_remove_signal_handlers(fuse_get_session(f));
	}
	fuse_unmount(f);
	fuse_destroy(f);
	if (ret < 0)
		volt_err_set(err, EIO, "fuse: serving %s failed", o->mountpoint);
out:
	fuse_opt_free_args(&args);
	free(vw.v);
	free(vw.sorted_of);
	free(vw.first_child);
	free(vw.next_sibling);
	volt_tree_free(&vw.tree);
	volt_cas_close(&vw.cas);
	return ret;
}
