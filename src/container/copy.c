/* volt cp and volt export: a source feeds a sink, entry by entry (copy.h).
 *
 * The source is a walk under a root fd (every directory entered with
 * openat(O_NOFOLLOW) from its parent, after the named path was resolved with
 * RESOLVE_IN_ROOT) or a tar stream; the sink creates each entry under a root
 * fd (its parent resolved with RESOLVE_IN_ROOT, the entry itself made with
 * the *at calls, never through a symlink) or writes it to a tar stream.
 * Directory times are set last, deepest first: their contents change them. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/copy.h"
#include "util/archive_cleanup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/rootpath.h"

struct ent {
	const char *rel; /* below the copy's top; "" is the top itself */
	struct stat st;
	const char *symlink;  /* a symlink's target */
	const char *hardlink; /* rel of the first name of a hardlinked file */
	int fd;		      /* a regular file's data, or -1 */
	struct archive *ar;   /* or the tar stream being read */
};

struct dirtime {
	char *path;
	struct timespec ts[2];
};

struct sink {
	int (*put)(struct sink *s, const struct ent *e, struct volt_err *err);
	const struct volt_copy_opts *o;
	/* fs */
	int root;
	const char *target; /* where rel "" goes */
	struct dirtime *dirs;
	size_t n_dirs, cap_dirs;
	/* tar */
	struct archive *aw;
	const char *prefix; /* the top's name in the stream; "" lists the contents */
};

static ssize_t ent_read(const struct ent *e, void *buf, size_t n)
{
	if (e->ar)
		return archive_read_data(e->ar, buf, n);
	ssize_t r;
	while ((r = read(e->fd, buf, n)) < 0 && errno == EINTR)
		;
	return r;
}

static char *join(const char *a, const char *b)
{
	if (!b[0])
		return strdup(a);
	if (!a[0])
		return strdup(b);
	size_t l = strlen(a);
	return volt_path("%s%s%s", a, l && a[l - 1] == '/' ? "" : "/", b);
}

/* open_parent - an O_PATH fd of path's directory under root; *base gets the
 * last component (trailing slashes dropped) */
static int open_parent(int root, const char *path, char **base, struct volt_err *err)
{
	cleanup_free char *p = strdup(path);
	if (!p)
		return volt_err_set(err, ENOMEM, "copy");
	size_t l = strlen(p);
	while (l > 1 && p[l - 1] == '/')
		p[--l] = '\0';
	char *slash = strrchr(p, '/');
	const char *b = slash ? slash + 1 : p;
	if (!b[0] || !strcmp(b, ".") || !strcmp(b, ".."))
		return volt_err_said(err, EINVAL, "%s: not a path a file can be created at", path);
	if (!(*base = strdup(b)))
		return volt_err_set(err, ENOMEM, "copy");
	if (slash)
		slash[1] = '\0';
	int fd = volt_rootfs_open(root, slash ? p : ".", O_PATH | O_DIRECTORY, 0);
	if (fd < 0) {
		free(*base);
		*base = NULL;
		return volt_err_sys(err, "%s", slash ? p : ".");
	}
	return fd;
}

/* fs sink */

static int own(const struct sink *s, int dfd, const char *name, const struct ent *e, int flags, struct volt_err *err)
{
	uid_t u = s->o->uid == (uid_t)-1 ? e->st.st_uid : s->o->uid;
	gid_t g = s->o->uid == (uid_t)-1 ? e->st.st_gid : s->o->gid;
	/* EINVAL: the id has no number in this namespace; ours stays */
	if (fchownat(dfd, name, u, g, flags) < 0 && errno != EINVAL)
		return volt_err_sys(err, "chown %s", e->rel[0] ? e->rel : name);
	return 0;
}

static int write_data(int fd, const struct ent *e, const char *path, unsigned long long *bytes, struct volt_err *err)
{
	static char buf[1 << 16];
	int64_t left = e->st.st_size;

	while (left > 0) {
		ssize_t n = ent_read(e, buf, left < (int64_t)sizeof(buf) ? (size_t)left : sizeof(buf));
		if (n < 0)
			return e->ar ? volt_err_set(err, EIO, "read %s: %s", path, archive_error_string(e->ar)) :
				       volt_err_sys(err, "read %s", path);
		if (n == 0)
			break; /* shrank while read: what there was */
		if (!volt_write_all(fd, buf, (size_t)n))
			return volt_err_sys(err, "write %s", path);
		left -= n;
		if (bytes)
			*bytes += (unsigned long long)n;
	}
	return 0;
}

static int remember_dir(struct sink *s, const char *path, const struct stat *st)
{
	if (s->n_dirs == s->cap_dirs) {
		size_t nc = s->cap_dirs ? s->cap_dirs * 2 : 32;
		struct dirtime *nd = realloc(s->dirs, nc * sizeof(*nd));
		if (!nd)
			return -1;
		s->dirs = nd;
		s->cap_dirs = nc;
	}
	s->dirs[s->n_dirs++] = (struct dirtime){strdup(path), {st->st_atim, st->st_mtim}};
	return 0;
}

static int fs_put(struct sink *s, const struct ent *e, struct volt_err *err)
{
	cleanup_free char *path = join(s->target, e->rel);
	cleanup_free char *base = NULL;
	cleanup_close int pfd = open_parent(s->root, path, &base, err);
	mode_t type = e->st.st_mode & S_IFMT, perm = e->st.st_mode & 07777;
	struct timespec ts[2] = {e->st.st_atim, e->st.st_mtim};
	struct stat cur;

	if (pfd < 0)
		return -1;
	if (e->hardlink)
		type = S_IFREG;
	bool exists = fstatat(pfd, base, &cur, AT_SYMLINK_NOFOLLOW) == 0;
	if (exists && !(type == S_IFDIR && S_ISDIR(cur.st_mode))) {
		if (S_ISDIR(cur.st_mode))
			return volt_err_said(err, EISDIR, "cannot overwrite directory %s with a non-directory", path);
		if (type == S_IFDIR)
			return volt_err_said(err, ENOTDIR, "cannot overwrite non-directory %s with a directory", path);
		if (unlinkat(pfd, base, 0) < 0)
			return volt_err_sys(err, "replace %s", path);
	}
	switch (type) {
	case S_IFDIR: {
		if (!exists && mkdirat(pfd, base, 0700) < 0)
			return volt_err_sys(err, "mkdir %s", path);
		cleanup_close int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || own(s, fd, "", e, AT_EMPTY_PATH, err) < 0 || fchmod(fd, perm) < 0)
			return err->msg[0] ? -1 : volt_err_sys(err, "mkdir %s", path);
		if (remember_dir(s, path, &e->st) < 0)
			return volt_err_set(err, ENOMEM, "copy");
		return 0;
	}
	case S_IFREG: {
		if (e->hardlink) {
			cleanup_free char *first = join(s->target, e->hardlink);
			cleanup_free char *fbase = NULL;
			cleanup_close int fpfd = open_parent(s->root, first, &fbase, err);
			if (fpfd < 0)
				return -1;
			if (linkat(fpfd, fbase, pfd, base, 0) < 0)
				return volt_err_sys(err, "link %s to %s", path, first);
			return 0;
		}
		cleanup_close int fd =
			openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, (perm & 0777) | 0600);
		if (fd < 0)
			return volt_err_sys(err, "create %s", path);
		if (write_data(fd, e, path, s->o->bytes, err) < 0 || own(s, fd, "", e, AT_EMPTY_PATH, err) < 0)
			return -1;
		/* after the chown, which clears set-id bits */
		if (fchmod(fd, perm) < 0 || futimens(fd, ts) < 0)
			return volt_err_sys(err, "set the mode and times of %s", path);
		return 0;
	}
	case S_IFLNK:
		if (symlinkat(e->symlink, pfd, base) < 0)
			return volt_err_sys(err, "symlink %s", path);
		if (own(s, pfd, base, e, AT_SYMLINK_NOFOLLOW, err) < 0)
			return -1;
		utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW); /* a time is not worth failing a copy */
		return 0;
	case S_IFIFO:
		if (mknodat(pfd, base, S_IFIFO | perm, 0) < 0)
			return volt_err_sys(err, "mkfifo %s", path);
		if (own(s, pfd, base, e, AT_SYMLINK_NOFOLLOW, err) < 0 || fchmodat(pfd, base, perm, 0) < 0)
			return err->msg[0] ? -1 : volt_err_sys(err, "chmod %s", path);
		utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW);
		return 0;
	default: return 0; /* device nodes cannot be made in a user namespace; sockets are not copied */
	}
}

/* fs_finish - the directories' times, deepest (last made) first */
static void fs_finish(struct sink *s)
{
	for (size_t i = s->n_dirs; i-- > 0;) {
		if (s->dirs[i].path) {
			cleanup_close int fd =
				volt_rootfs_open(s->root, s->dirs[i].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
			if (fd >= 0)
				futimens(fd, s->dirs[i].ts);
		}
		free(s->dirs[i].path);
	}
	free(s->dirs);
}

/* tar sink */

static int tar_put(struct sink *s, const struct ent *e, struct volt_err *err)
{
	cleanup_free char *name = s->prefix[0] ? join(s->prefix, e->rel) : strdup(e->rel);
	static char buf[1 << 16];

	if (!name)
		return volt_err_set(err, ENOMEM, "copy");
	if (!name[0])
		return 0; /* the root of an export: no entry of its own */
	if (S_ISSOCK(e->st.st_mode))
		return 0;
	struct archive_entry *ae = archive_entry_new();
	if (!ae)
		return volt_err_set(err, ENOMEM, "copy");
	archive_entry_copy_stat(ae, &e->st);
	archive_entry_set_pathname(ae, name);
	if (!S_ISREG(e->st.st_mode) || e->hardlink)
		archive_entry_set_size(ae, 0);
	if (e->symlink)
		archive_entry_set_symlink(ae, e->symlink);
	if (e->hardlink) {
		cleanup_free char *first = s->prefix[0] ? join(s->prefix, e->hardlink) : strdup(e->hardlink);
		archive_entry_set_hardlink(ae, first);
	}
	int r = archive_write_header(s->aw, ae);
	archive_entry_free(ae);
	if (r < ARCHIVE_WARN)
		return volt_err_set(err, EIO, "write %s: %s", name, archive_error_string(s->aw));
	if (S_ISREG(e->st.st_mode) && !e->hardlink) {
		int64_t left = e->st.st_size;
		while (left > 0) {
			ssize_t n = ent_read(e, buf, left < (int64_t)sizeof(buf) ? (size_t)left : sizeof(buf));
			if (n < 0)
				return volt_err_sys(err, "read %s", name);
			if (n == 0)
				break; /* shrank while read: libarchive pads the entry */
			if (archive_write_data(s->aw, buf, (size_t)n) < 0)
				return volt_err_set(err, EIO, "write %s: %s", name, archive_error_string(s->aw));
			left -= n;
		}
	}
	if (archive_write_finish_entry(s->aw) < ARCHIVE_WARN)
		return volt_err_set(err, EIO, "write %s: %s", name, archive_error_string(s->aw));
	return 0;
}

/* fs source */

struct inode_seen {
	dev_t dev;
	ino_t ino;
	char *rel;
};

struct walker {
	struct sink *s;
	struct inode_seen *seen;
	size_t n_seen, cap_seen;
};

static const char *seen_link(struct walker *w, const struct stat *st)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return w->seen[i].rel;
	return NULL;
}

static void remember(struct walker *w, const struct stat *st, const char *rel)
{
	if (w->n_seen == w->cap_seen) {
		size_t nc = w->cap_seen ? w->cap_seen * 2 : 32;
		struct inode_seen *ns = realloc(w->seen, nc * sizeof(*ns));
		if (!ns)
			return; /* the next name is then a second copy: still correct */
		w->seen = ns;
		w->cap_seen = nc;
	}
	w->seen[w->n_seen++] = (struct inode_seen){st->st_dev, st->st_ino, strdup(rel)};
}

static int walk_dir(struct walker *w, int dfd, const char *rel, dev_t dev, struct volt_err *err);

/* walk_entry - name in pfd (or pfd itself, name ""), listed as rel */
static int walk_entry(struct walker *w, int pfd, const char *name, const char *rel, dev_t parent_dev, bool emit,
		      struct volt_err *err)
{
	struct ent e = {.rel = rel, .fd = -1};
	char target[4096];
	cleanup_close int fd = -1;
	int fl = name[0] ? AT_SYMLINK_NOFOLLOW : AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW;

	if (fstatat(pfd, name, &e.st, fl) < 0)
		return volt_err_sys(err, "stat %s", rel[0] ? rel : name);
	if (S_ISLNK(e.st.st_mode)) {
		ssize_t n = readlinkat(pfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return volt_err_sys(err, "readlink %s", rel);
		target[n] = '\0';
		e.symlink = target;
	} else if (S_ISREG(e.st.st_mode)) {
		e.hardlink = e.st.st_nlink > 1 ? seen_link(w, &e.st) : NULL;
		if (!e.hardlink) {
			struct stat again;
			/* O_NONBLOCK: swapped for a fifo meanwhile, it cannot hang us */
			fd = openat(pfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
			if (fd < 0)
				return volt_err_sys(err, "open %s", rel[0] ? rel : name);
			if (fstat(fd, &again) < 0 || !S_ISREG(again.st_mode))
				return volt_err_said(err, EAGAIN, "%s changed while copied", rel[0] ? rel : name);
			e.fd = fd;
			if (e.st.st_nlink > 1)
				remember(w, &e.st, rel);
		}
	}
	if (emit && w->s->put(w->s, &e, err) < 0)
		return -1;
	/* a directory on another file system (a mount point) is listed, not entered */
	if (S_ISDIR(e.st.st_mode) && (parent_dev == 0 || e.st.st_dev == parent_dev)) {
		int dfd = name[0] ? openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) :
				    openat(pfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return volt_err_sys(err, "open %s", rel[0] ? rel : name);
		return walk_dir(w, dfd, rel, e.st.st_dev, err);
	}
	return 0;
}

static int walk_dir(struct walker *w, int dfd, const char *rel, dev_t dev, struct volt_err *err)
{
	struct dirent **names = NULL;
	cleanup_dir DIR *d = fdopendir(dfd);
	int n, ret = 0;

	if (!d) {
		close(dfd);
		return volt_err_sys(err, "read directory %s", rel[0] ? rel : ".");
	}
	n = scandirat(dirfd(d), ".", &names, NULL, alphasort);
	if (n < 0)
		return volt_err_sys(err, "read directory %s", rel[0] ? rel : ".");
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (ret == 0 && strcmp(nm, ".") && strcmp(nm, "..")) {
			cleanup_free char *sub = join(rel, nm);
			ret = walk_entry(w, dirfd(d), nm, sub, dev, true, err);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

/* src_top - how a source path is read: follow its last symlink (-L, or a
 * trailing "/" or "/."), copy its contents rather than itself ("/." or the
 * root), its base name */
struct top {
	bool follow, contents;
	char *base;
};

static int src_top(const char *src, const struct volt_copy_opts *o, struct top *t, struct volt_err *err)
{
	size_t l = strlen(src);
	t->contents = (l >= 2 && !strcmp(src + l - 2, "/.")) || !strcmp(src, ".");
	t->follow = o->follow || t->contents || (l && src[l - 1] == '/');
	cleanup_free char *p = strdup(src);
	if (!p)
		return volt_err_set(err, ENOMEM, "copy");
	while (l > 0 && (p[l - 1] == '/' || (p[l - 1] == '.' && (l == 1 || p[l - 2] == '/'))))
		p[--l] = '\0';
	if (!l)
		t->contents = true; /* the root: its contents, never itself */
	const char *b = strrchr(p, '/');
	t->base = strdup(b ? b + 1 : p);
	return t->base ? 0 : volt_err_set(err, ENOMEM, "copy");
}

/* walk_src - open src under root and feed it to the sink */
static int walk_src(int root, const char *src, const struct top *t, struct sink *s, struct volt_err *err)
{
	struct walker w = {.s = s};
	int ret;

	if (t->follow || t->contents) {
		cleanup_close int fd = volt_rootfs_open(root, src, O_PATH, 0);
		struct stat st;
		if (fd < 0)
			return volt_err_sys(err, "%s", src);
		if (fstat(fd, &st) < 0)
			return volt_err_sys(err, "stat %s", src);
		if (t->contents && !S_ISDIR(st.st_mode))
			return volt_err_said(err, ENOTDIR, "%s: not a directory", src);
		if (S_ISDIR(st.st_mode)) {
			ret = walk_entry(&w, fd, "", "", 0, !t->contents, err);
			goto out;
		}
		/* a file through a symlink: by its name, as a file */
		{
			cleanup_close int rfd = volt_rootfs_open(root, src, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
			struct ent e = {.rel = "", .st = st, .fd = rfd};
			ret = rfd < 0 ? volt_err_sys(err, "open %s", src) : s->put(s, &e, err);
		}
		goto out;
	}
	{
		cleanup_free char *base = NULL;
		cleanup_close int pfd = open_parent(root, src, &base, err);
		if (pfd < 0)
			return -1;
		ret = walk_entry(&w, pfd, base, "", 0, true, err);
	}
out:
	for (size_t i = 0; i < w.n_seen; i++)
		free(w.seen[i].rel);
	free(w.seen);
	return ret;
}

int volt_copy_fs_to_fs(int src_root, const char *src, int dst_root, const char *dst, const struct volt_copy_opts *o,
		       struct volt_err *err)
{
	struct top t = {0};
	struct sink s = {.put = fs_put, .o = o, .root = dst_root};
	cleanup_free char *target = NULL;
	struct stat sst, dstt;
	size_t dl = strlen(dst);
	cleanup_close int dfd = -1;
	int ret = -1;

	if (src_top(src, o, &t, err) < 0)
		return -1;
	{
		cleanup_close int sfd = volt_rootfs_open(src_root, src, O_PATH | (t.follow ? 0 : O_NOFOLLOW), 0);
		if (sfd < 0 || fstat(sfd, &sst) < 0) {
			volt_err_sys(err, "%s", src);
			goto out;
		}
	}
	dfd = volt_rootfs_open(dst_root, dst, O_PATH, 0);
	if (dfd >= 0 && fstat(dfd, &dstt) < 0) {
		volt_err_sys(err, "stat %s", dst);
		goto out;
	}
	if (dfd < 0 && errno != ENOENT) {
		volt_err_sys(err, "%s", dst);
		goto out;
	}
	if (dfd >= 0 && S_ISDIR(dstt.st_mode)) {
		target = t.contents ? strdup(dst) : join(dst, t.base);
	} else if (dfd >= 0) {
		if (S_ISDIR(sst.st_mode)) {
			volt_err_said(err, ENOTDIR, "cannot copy a directory to a file (%s)", dst);
			goto out;
		}
		target = strdup(dst);
	} else {
		if (dl && dst[dl - 1] == '/') {
			volt_err_said(err, ENOENT, "%s: no such directory", dst);
			goto out;
		}
		cleanup_free char *base = NULL;
		cleanup_close int pfd = open_parent(dst_root, dst, &base, err);
		if (pfd < 0)
			goto out;
		if (t.contents) { /* a new directory for the contents */
			if (mkdirat(pfd, base, S_ISDIR(sst.st_mode) ? (sst.st_mode & 07777) : 0755) < 0) {
				volt_err_sys(err, "mkdir %s", dst);
				goto out;
			}
		}
		target = strdup(dst);
	}
	if (!target) {
		volt_err_set(err, ENOMEM, "copy");
		goto out;
	}
	s.target = target;
	ret = walk_src(src_root, src, &t, &s, err);
	fs_finish(&s);
out:
	free(t.base);
	return ret;
}

int volt_copy_fs_to_tar(int src_root, const char *src, int out_fd, const struct volt_copy_opts *o, struct volt_err *err)
{
	struct top t = {0};
	cleanup_archive_write struct archive *aw = archive_write_new();
	int ret = -1;

	if (!aw)
		return volt_err_set(err, ENOMEM, "tar");
	if (src_top(src, o, &t, err) < 0)
		return -1;
	struct sink s = {.put = tar_put, .o = o, .aw = aw, .prefix = t.contents ? "" : t.base};
	if (archive_write_set_format_pax_restricted(aw) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(aw, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(aw, out_fd) != ARCHIVE_OK) {
		volt_err_set(err, EIO, "tar: %s", archive_error_string(aw));
		goto out;
	}
	ret = walk_src(src_root, src, &t, &s, err);
	if (archive_write_close(aw) != ARCHIVE_OK && ret == 0)
		ret = volt_err_set(err, EIO, "tar: %s", archive_error_string(aw));
out:
	free(t.base);
	return ret;
}

/* tar_name - an entry's name below the destination: leading "/" and "./"
 * dropped; NULL for a name with a ".." component */
static char *tar_name(const char *n)
{
	for (;;) {
		if (n[0] == '/')
			n++;
		else if (n[0] == '.' && n[1] == '/')
			n += 2;
		else if (n[0] == '.' && !n[1])
			n++;
		else
			break;
	}
	char *s = strdup(n);
	if (!s)
		return NULL;
	size_t l = strlen(s);
	while (l && s[l - 1] == '/')
		s[--l] = '\0';
	for (char *p = s; p && *p;) {
		char *e = strchr(p, '/');
		size_t cl = e ? (size_t)(e - p) : strlen(p);
		if (cl == 2 && p[0] == '.' && p[1] == '.') {
			free(s);
			return NULL;
		}
		p = e ? e + 1 : NULL;
	}
	return s;
}

int volt_copy_tar_to_fs(int in_fd, int dst_root, const char *dst, const struct volt_copy_opts *o, struct volt_err *err)
{
	cleanup_archive_read struct archive *ar = archive_read_new();
	struct sink s = {.put = fs_put, .o = o, .root = dst_root, .target = dst};
	struct archive_entry *ae;
	struct stat st;
	int r, ret = 0;

	{
		cleanup_close int dfd = volt_rootfs_open(dst_root, dst, O_PATH, 0);
		if (dfd < 0 && errno != ENOENT && errno != ENOTDIR)
			return volt_err_sys(err, "%s", dst);
		if (dfd < 0 || fstat(dfd, &st) < 0 || !S_ISDIR(st.st_mode))
			return volt_err_said(err, ENOTDIR, "destination \"%s\" must be a directory", dst);
	}
	if (!ar)
		return volt_err_set(err, ENOMEM, "tar");
	archive_read_support_format_tar(ar);
	archive_read_support_format_gnutar(ar);
	archive_read_support_filter_all(ar);
	if (archive_read_open_fd(ar, in_fd, 1 << 16) != ARCHIVE_OK)
		return volt_err_set(err, EIO, "read the tar stream: %s", archive_error_string(ar));
	while (ret == 0 && (r = archive_read_next_header(ar, &ae)) != ARCHIVE_EOF) {
		if (r < ARCHIVE_WARN) {
			ret = volt_err_set(err, EIO, "read the tar stream: %s", archive_error_string(ar));
			break;
		}
		cleanup_free char *name = tar_name(archive_entry_pathname(ae));
		cleanup_free char *link = NULL;
		if (!name) {
			ret = volt_err_said(err, EINVAL, "tar entry %s: a name with \"..\" is refused",
					    archive_entry_pathname(ae));
			break;
		}
		if (!name[0])
			continue; /* "." is the destination itself */
		struct ent e = {.rel = name, .fd = -1, .ar = ar, .symlink = archive_entry_symlink(ae)};
		e.st = *archive_entry_stat(ae);
		if (archive_entry_hardlink(ae)) {
			link = tar_name(archive_entry_hardlink(ae));
			if (!link || !link[0]) {
				ret = volt_err_said(err, EINVAL, "tar entry %s: a bad hardlink target", name);
				break;
			}
			e.hardlink = link;
		}
		if (S_ISLNK(e.st.st_mode) && !e.symlink)
			continue;
		ret = fs_put(&s, &e, err);
	}
	fs_finish(&s);
	return ret;
}
