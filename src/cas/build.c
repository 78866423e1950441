/* `volt cas build DIR NAME`: a directory made into an image.
 *
 * Runs inside the store's user namespace (volt_userns_run), so lstat() shows
 * the owners as the image will have them: the user's own files become root's,
 * files of the subordinate range keep their ids, anything unmapped shows as
 * the overflow id. The walk stays on DIR's file system, never follows
 * symlinks, skips sockets and device nodes, records hardlinks once. Each
 * regular file streams into the store; the tree is saved, checked out and
 * recorded through the same commit path as an import (volt_image_commit),
 * under the gc lock from the first object to the ref. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/build.h"
#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/walk.h"

struct inode_seen {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct walk {
	struct volt_cas *cas;
	struct volt_tree *tree;
	dev_t dev;
	struct inode_seen *seen;
	size_t n_seen, cap_seen;
	int64_t files, bytes;
};

/* store_file - stream fd into the store; digest into e->digest */
static int store_file(struct walk *w, int fd, struct volt_tree_entry *e, struct volt_err *err)
{
	struct volt_cas_writer wr;
	static char buf[1 << 17];
	ssize_t n;

	if (volt_cas_writer_begin(w->cas, &wr, err) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			volt_cas_writer_abort(&wr);
			return volt_err_sys(err, "read %s", e->path);
		}
		if (volt_cas_writer_write(&wr, buf, (size_t)n, err) < 0) {
			volt_cas_writer_abort(&wr);
			return -1;
		}
	}
	e->size = wr.size;
	w->bytes += wr.size;
	w->files++;
	return volt_cas_writer_commit(&wr, (e->mode & 0111) != 0, e->digest, err);
}

/* seen_link - the image path of an inode already stored (a hardlink), or NULL. */
static const char *seen_link(struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return w->seen[i].path;
	return NULL;
}

/* remember - note a multiply-linked inode and its first image path. */
static void remember(struct walk *w, const struct stat *st, const char *path)
{
	if (w->n_seen == w->cap_seen) {
		size_t nc = w->cap_seen ? w->cap_seen * 2 : 64;
		struct inode_seen *ns = realloc(w->seen, nc * sizeof(*ns));
		if (!ns)
			return; /* a hardlink is then stored as a second file: still correct */
		w->seen = ns;
		w->cap_seen = nc;
	}
	w->seen[w->n_seen++] = (struct inode_seen){st->st_dev, st->st_ino, strdup(path)};
}

/* add_entry - one directory entry of dfd named name, its image path `path` */
static int add_entry(void *arg, int dfd, const char *name, const char *path, struct volt_err *err)
{
	struct walk *w = arg;
	struct stat st;
	struct volt_tree_entry e = {0};

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return volt_err_sys(err, "stat %s", path);
	e.mode = st.st_mode & 07777;
	e.uid = st.st_uid;
	e.gid = st.st_gid;
	e.mtime = st.st_mtim.tv_sec;
	e.mtime_nsec = (uint32_t)st.st_mtim.tv_nsec;
	if (S_ISDIR(st.st_mode)) {
		e.type = VOLT_T_DIR;
	} else if (S_ISREG(st.st_mode)) {
		const char *first = st.st_nlink > 1 ? seen_link(w, &st) : NULL;
		e.type = VOLT_T_FILE;
		if (first) {
			struct volt_tree_entry *te = volt_tree_find(w->tree, first);
			if (te) {
				memcpy(e.digest, te->digest, VOLT_SHA256_HEX);
				e.size = te->size;
				e.target = strdup(first);
			}
		}
		if (!e.target) {
			cleanup_close int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			e.path = (char *)path;
			if (fd < 0)
				return volt_err_sys(err, "open %s", path);
			if (store_file(w, fd, &e, err) < 0)
				return -1;
			if (st.st_nlink > 1)
				remember(w, &st, path);
		}
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
		return 0; /* sockets and device nodes do not belong in an image */
	}
	e.path = strdup(path);
	if (!e.path)
		return volt_err_set(err, ENOMEM, "build");
	if (volt_tree_put(w->tree, &e, err) < 0)
		return -1;
	if (S_ISDIR(st.st_mode) && st.st_dev == w->dev) {
		cleanup_close int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0)
			return volt_err_sys(err, "open %s", path);
		return volt_walk_sorted(steal_fd(sub), path, add_entry, w, err);
	}
	return 0;
}

/* build_config - the config of a built image: docker import's shape, with
 * /bin/sh as the command and the tree's digest as its only "layer" */
static char *build_config(const char *tree_digest, const char *dir)
{
	char ts[48];
	json_t *cfg = json_pack("{s:s,s:s,s:{s:[s],s:[s]},s:{s:s,s:[s]}}", "architecture", "amd64", "os", "linux",
				"config", "Env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				"Cmd", "/bin/sh", "rootfs", "type", "layers", "diff_ids", tree_digest);
	volt_format_time(volt_now_ns(), ts, sizeof(ts));
	json_object_set_new(cfg, "created", json_string(ts));
	json_object_set_new(cfg, "comment", json_sprintf("volt cas build %s", dir));
	char *s = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(cfg);
	return s;
}

/* volt_cas_build - see build.h. The gc lock is taken before the first object
 * and held until volt_image_commit has saved the ref and the checkout. */
int volt_cas_build(struct volt_ctx *ctx, const char *dir, const char *name, char *id_out, struct volt_err *err)
{
	struct volt_cas cas;
	struct volt_tree tree;
	struct walk w = {.cas = &cas, .tree = &tree};
	struct stat st;
	cleanup_free char *config = NULL;
	char tdig[VOLT_SHA256_HEX], diff[80];
	json_t *layers = NULL;
	int fd, ret = -1;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return volt_err_sys(err, "build: open %s", dir);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return volt_err_sys(err, "build: stat %s", dir);
	}
	w.dev = st.st_dev;
	if (volt_cas_open(&cas, ctx->root, err) < 0) {
		close(fd);
		return -1;
	}
	volt_tree_init(&tree);
	if (volt_cas_lock(&cas, false, err) < 0 || volt_walk_sorted(fd, "", add_entry, &w, err) < 0) {
		volt_err_prefix(err, "build %s", dir);
		goto out;
	}
	/* the diff id of a built image: the digest of its sorted manifest */
	{
		size_t n;
		cleanup_free struct volt_tree_entry **v = volt_tree_sorted(&tree, &n);
		struct volt_sha256 h;
		if (!v || volt_sha256_init(&h) < 0) {
			volt_err_set(err, ENOMEM, "build");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			char line[128];
			int l = snprintf(line, sizeof(line), "%d %o %u %u %s ", v[i]->type, v[i]->mode, v[i]->uid,
					 v[i]->gid, v[i]->type == VOLT_T_FILE ? v[i]->digest : "");
			volt_sha256_update(&h, line, (size_t)l);
			volt_sha256_update(&h, v[i]->path, strlen(v[i]->path) + 1);
			if (v[i]->target)
				volt_sha256_update(&h, v[i]->target, strlen(v[i]->target) + 1);
		}
		volt_sha256_final(&h, tdig);
	}
	snprintf(diff, sizeof(diff), "sha256:%s", tdig);
	config = build_config(diff, dir);
	layers = json_pack("[s]", diff);
	if (!config || !layers) {
		volt_err_set(err, ENOMEM, "build");
		goto out;
	}
	ret = volt_image_commit(ctx, &cas, &tree, config, layers, name, dir, id_out, err);
out:
	json_decref(layers);
	for (size_t i = 0; i < w.n_seen; i++)
		free(w.seen[i].path);
	free(w.seen);
	volt_tree_free(&tree);
	volt_cas_close(&cas);
	return ret;
}
