/* Checkout: a tree manifest made into a directory of hardlinks to objects.
 *
 * Every entry gets the image's mtime. A hardlink shares its mtime with every
 * other link of the inode, so a file links to the canonical object only when
 * the object has the entry's mode, owner and mtime. A canonical object that
 * no checkout uses yet (one link: its name in objects/) is "claimed": it takes
 * the entry's mtime, under a flock on the object so that two concurrent
 * checkouts cannot both claim it. Otherwise the file links to a variant keyed
 * by mode, owner and mtime. See docs/cas.md ("File times"). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/store.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/rootpath.h"
#include "util/syscalls.h"

struct id_ranges {
	uint32_t in[16], cnt[16];
	int n;
};

static void read_ranges(const char *file, struct id_ranges *r)
{
	cleanup_fclose FILE *f = fopen(file, "re");
	unsigned a, b, c;
	r->n = 0;
	while (f && r->n < 16 && fscanf(f, "%u %u %u", &a, &b, &c) == 3) {
		r->in[r->n] = a;
		r->cnt[r->n] = c;
		r->n++;
	}
}

/* Ids the image uses but this user namespace does not map become 0: the
 * single-uid mode records ownership in the manifest instead of failing. */
static uint32_t map_id(const struct id_ranges *r, uint32_t id)
{
	for (int i = 0; i < r->n; i++)
		if (id >= r->in[i] && id - r->in[i] < r->cnt[i])
			return id;
	return 0;
}

/* entry_times - atime and mtime for utimensat: both the image's mtime */
static void entry_times(const struct volt_tree_entry *e, struct timespec ts[2])
{
	ts[0].tv_sec = ts[1].tv_sec = (time_t)e->mtime;
	ts[0].tv_nsec = ts[1].tv_nsec = (long)e->mtime_nsec;
}

static bool same_mtime(const struct stat *st, const struct volt_tree_entry *e)
{
	return st->st_mtim.tv_sec == (time_t)e->mtime && st->st_mtim.tv_nsec == (long)e->mtime_nsec;
}

struct checkout {
	struct volt_cas *cas;
	int rootfd;
	struct id_ranges uids, gids;
	char parent_path[4096];
	int parent_fd;
};

/* open_in_root - no symlink is followed at all: the checkout makes every
 * entry itself, so one met on the way was planted. */
static int open_in_root(int rootfd, const char *path, int flags)
{
	return volt_rootfs_open_how(rootfd, path, flags, 0, RESOLVE_NO_SYMLINKS);
}

/* parent_of - an fd of the directory that holds path (cached: entries come
 * sorted, so neighbours share parents). *base gets the last component. */
static int parent_of(struct checkout *c, const char *path, const char **base, struct volt_err *err)
{
	const char *slash = strrchr(path, '/');
	size_t plen = slash ? (size_t)(slash - path) : 0;

	*base = slash ? slash + 1 : path;
	if (plen >= sizeof(c->parent_path))
		return volt_err_set(err, ENAMETOOLONG, "checkout %s", path);
	if (c->parent_fd >= 0 && strlen(c->parent_path) == plen && !strncmp(c->parent_path, path, plen))
		return c->parent_fd;
	if (c->parent_fd >= 0)
		close(c->parent_fd);
	memcpy(c->parent_path, path, plen);
	c->parent_path[plen] = '\0';
	c->parent_fd = open_in_root(c->rootfd, c->parent_path, O_PATH | O_DIRECTORY);
	if (c->parent_fd < 0)
		return volt_err_sys(err, "checkout %s: open parent", path);
	return c->parent_fd;
}

static int copy_fd(int in, int out)
{
	if (ioctl(out, FICLONE, in) == 0)
		return 0;
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL))
			break;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
	}
	char buf[65536];
	ssize_t n;
	lseek(in, 0, SEEK_SET);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

/* make_copy - a new inode with the object's content and the given metadata,
 * created in dirfd/name (a variant in the store, or a private file). */
static int make_copy(struct checkout *c, const struct volt_tree_entry *e, int dirfd, const char *name, uint32_t uid,
		     uint32_t gid, int noreplace, struct volt_err *err)
{
	const char *digest = e->digest;
	char rel[80], tmp[64], rnd[17];
	cleanup_close int in = -1, out = -1;
	struct timespec ts[2];

	volt_cas_object_rel(digest, rel, sizeof(rel));
	in = openat(c->cas->objects_fd, rel, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return volt_err_sys(err, "object %s", digest);
	volt_random_hex(rnd, 8);
	snprintf(tmp, sizeof(tmp), "var-%s", rnd);
	out = openat(c->cas->tmp_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return volt_err_sys(err, "create copy of object %s", digest);
	entry_times(e, ts);
	if (copy_fd(in, out) < 0 || fchown(out, uid, gid) < 0 || fchmod(out, e->mode) < 0 || futimens(out, ts) < 0) {
		volt_err_sys(err, "copy object %s", digest);
		unlinkat(c->cas->tmp_fd, tmp, 0);
		return -1;
	}
	if (renameat2(c->cas->tmp_fd, tmp, dirfd, name, noreplace ? RENAME_NOREPLACE : 0) < 0) {
		int en = errno;
		unlinkat(c->cas->tmp_fd, tmp, 0);
		if (en != EEXIST)
			return volt_err_set(err, en, "place copy of object %s", digest);
	}
	return 0;
}

static int checkout_file(struct checkout *c, struct volt_tree_entry *e, int pfd, const char *base, struct volt_err *err)
{
	uint32_t uid = map_id(&c->uids, e->uid), gid = map_id(&c->gids, e->gid);
	char rel[200];
	struct stat st;
	cleanup_close int ofd = -1;

	if (e->target) { /* hardlink inside the image: link to the entry already made */
		char proc[64];
		cleanup_close int tfd = open_in_root(c->rootfd, e->target, O_PATH | O_NOFOLLOW);
		if (tfd < 0)
			return volt_err_sys(err, "checkout %s: hardlink target %s", e->path, e->target);
		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", tfd);
		if (linkat(AT_FDCWD, proc, pfd, base, AT_SYMLINK_FOLLOW) < 0)
			return volt_err_sys(err, "checkout %s: link to %s", e->path, e->target);
		return 0;
	}
	if (e->size == 0) { /* the empty file is too common to share one inode */
		struct timespec ts[2];
		cleanup_close int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		entry_times(e, ts);
		if (fd < 0 || fchown(fd, uid, gid) < 0 || fchmod(fd, e->mode) < 0 || futimens(fd, ts) < 0)
			return volt_err_sys(err, "checkout %s", e->path);
		return 0;
	}
	volt_cas_object_rel(e->digest, rel, sizeof(rel));
	if (fstatat(c->cas->objects_fd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return volt_err_sys(err, "checkout %s: object %s", e->path, e->digest);
	if ((st.st_mode & 07777) == e->mode && st.st_uid == uid && st.st_gid == gid && st.st_nlink == 1) {
		/* no checkout uses it: ours to claim, decided under the object's lock,
		 * held (until close) past the link so that no other checkout can
		 * re-time it in between. A linked object is never re-timed, so the
		 * common case (a later image of the same files) needs no lock. */
		ofd = openat(c->cas->objects_fd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (ofd < 0 || flock(ofd, LOCK_EX) < 0 || fstat(ofd, &st) < 0)
			return volt_err_sys(err, "checkout %s: object %s", e->path, e->digest);
		if (st.st_nlink == 1 && !same_mtime(&st, e)) {
			struct timespec ts[2];
			entry_times(e, ts);
			if (futimens(ofd, ts) == 0)
				st.st_mtim = ts[1];
		}
	}
	if ((st.st_mode & 07777) != e->mode || st.st_uid != uid || st.st_gid != gid || !same_mtime(&st, e)) {
		snprintf(rel, sizeof(rel), "%.2s/%s.%o.%u.%u.%lld.%u", e->digest, e->digest, e->mode, uid, gid,
			 (long long)e->mtime, e->mtime_nsec);
		if (faccessat(c->cas->objects_fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
		    make_copy(c, e, c->cas->objects_fd, rel, uid, gid, 1, err) < 0)
			return volt_err_prefix(err, "checkout %s", e->path);
	}
	if (linkat(c->cas->objects_fd, rel, pfd, base, 0) < 0) {
		if (errno != EMLINK)
			return volt_err_sys(err, "checkout %s", e->path);
		/* too many links to one inode: this file gets its own copy */
		return make_copy(c, e, pfd, base, uid, gid, 0, err);
	}
	return 0;
}

static int fix_dir(struct checkout *c, struct volt_tree_entry *e, struct volt_err *err)
{
	cleanup_close int fd = open_in_root(c->rootfd, e->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	struct timespec ts[2];
	entry_times(e, ts);
	if (fd < 0 || fchown(fd, map_id(&c->uids, e->uid), map_id(&c->gids, e->gid)) < 0 || fchmod(fd, e->mode) < 0)
		return volt_err_sys(err, "checkout %s", e->path);
	futimens(fd, ts); /* best effort, as before: an image's time is not worth a failed import */
	return 0;
}

int volt_cas_checkout(struct volt_cas *cas, struct volt_tree *tree, const char *dest, struct volt_err *err)
{
	struct checkout c = {.cas = cas, .parent_fd = -1};
	cleanup_free char *tmp = NULL;
	cleanup_free struct volt_tree_entry **v = NULL;
	char rnd[17];
	size_t n;
	int ret = -1;

	read_ranges("/proc/self/uid_map", &c.uids);
	read_ranges("/proc/self/gid_map", &c.gids);
	v = volt_tree_sorted(tree, &n);
	if (!v)
		return volt_err_set(err, ENOMEM, "checkout");
	volt_random_hex(rnd, 8);
	tmp = volt_path("%s.tmp-%s", dest, rnd);
	if (mkdir(tmp, 0700) < 0)
		return volt_err_sys(err, "checkout: mkdir %s", tmp);
	c.rootfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.rootfd < 0) {
		volt_err_sys(err, "checkout: open %s", tmp);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		struct volt_tree_entry *e = v[i];
		const char *base;
		struct timespec ts[2];
		int pfd = parent_of(&c, e->path, &base, err);
		if (pfd < 0)
			goto out;
		switch (e->type) {
		case VOLT_T_DIR:
			if (mkdirat(pfd, base, 0700) < 0) {
				volt_err_sys(err, "checkout %s", e->path);
				goto out;
			}
			break;
		case VOLT_T_FILE:
			if (checkout_file(&c, e, pfd, base, err) < 0)
				goto out;
			break;
		case VOLT_T_SYMLINK:
			entry_times(e, ts);
			if (symlinkat(e->target, pfd, base) < 0 ||
			    fchownat(pfd, base, map_id(&c.uids, e->uid), map_id(&c.gids, e->gid), AT_SYMLINK_NOFOLLOW) <
				    0 ||
			    utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0) {
				volt_err_sys(err, "checkout %s", e->path);
				goto out;
			}
			break;
		case VOLT_T_FIFO:
			if (mkfifoat(pfd, base, 0600) < 0 ||
			    fchownat(pfd, base, map_id(&c.uids, e->uid), map_id(&c.gids, e->gid), AT_SYMLINK_NOFOLLOW) <
				    0 ||
			    fchmodat(pfd, base, e->mode, 0) < 0 ||
			    (entry_times(e, ts), utimensat(pfd, base, ts, 0)) < 0) {
				volt_err_sys(err, "checkout %s", e->path);
				goto out;
			}
			break;
		}
	}
	/* directories get their real owner and mode last, deepest first, so that a
	 * 0555 directory could still be filled */
	for (size_t i = n; i-- > 0;)
		if (v[i]->type == VOLT_T_DIR && fix_dir(&c, v[i], err) < 0)
			goto out;
	if (fchmod(c.rootfd, 0755) < 0 || rename(tmp, dest) < 0) {
		volt_err_sys(err, "checkout: rename to %s", dest);
		goto out;
	}
	ret = 0;
out:
	if (c.parent_fd >= 0)
		close(c.parent_fd);
	if (c.rootfd >= 0)
		close(c.rootfd);
	if (ret < 0) {
		struct volt_err ignored;
		volt_rm_rf(tmp, &ignored);
	}
	return ret;
}
