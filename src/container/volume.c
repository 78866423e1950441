/* Named volumes: $VOLT_ROOT/volumes/NAME/_data, bound into containers.
 *
 * Theory of operation: a volume is a directory; `-v NAME:/path` creates it on
 * first use (container/create.c) and `volt volume create` ahead of time. As
 * docker does, the first container that mounts an empty, never-filled volume
 * copies what its image has at the mount point into it: the copy runs in the
 * container child (rootfs.c), as root of the container's user namespace, so
 * owners, modes and times are kept exactly (the ids are mapped there). A
 * "filled" marker beside _data records that it happened, so a volume the user
 * emptied later stays empty. Files in a volume belong to ids of the
 * container's map, so removing one goes through a user namespace with the same
 * map (volt_userns_run), like removing a container. */
#include "container/volume.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userns/idmap.h"
#include "container/rootfs.h"
#include "container/spec.h"
#include "state/events.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define COPY_DEPTH_MAX 256

char *volt_volume_data_dir(struct volt_ctx *ctx, const char *name)
{
	return volt_path("%s/volumes/%s/_data", ctx->root, name);
}

char *volt_volume_dir(struct volt_ctx *ctx, const char *name)
{
	return volt_path("%s/volumes/%s", ctx->root, name);
}

int volt_volume_create(struct volt_ctx *ctx, const char *name, struct volt_err *err)
{
	if (!volt_name_valid(name))
		return volt_err_set(err, EINVAL, "invalid volume name \"%s\": use [a-zA-Z0-9][a-zA-Z0-9_.-]*", name);
	cleanup_free char *data = volt_volume_data_dir(ctx, name);
	if (volt_mkdir_p(data, 0755, err) < 0)
		return -1;
	/* docker's volume service logs a create for every request, an
	 * existing volume's too (a container's -v NAME:/DST included) */
	volt_event("volume", "create", name, "driver", "local", (char *)NULL);
	return 0;
}

void volt_volume_events(const struct volt_spec *s, const char *ctr_id, bool mount)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct volt_mount *m = &s->mounts[i];
		if (m->kind != VOLT_MOUNT_VOLUME || !m->name)
			continue;
		if (mount) /* docker's attributes, "propagation" empty for a volume */
			volt_event("volume", "mount", m->name, "container", ctr_id, "destination", m->dest, "driver",
				   "local", "propagation", "", "read/write", m->ro ? "false" : "true", (char *)NULL);
		else
			volt_event("volume", "unmount", m->name, "container", ctr_id, "driver", "local", (char *)NULL);
	}
}

/* copy_file - regular file src (open) to a new name in dst */
static int copy_file(int sfd, int dstdir, const char *name, const struct stat *st, struct volt_err *err)
{
	cleanup_close int dfd = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (dfd < 0)
		return volt_err_sys(err, "create %s in the volume", name);
	for (;;) {
		ssize_t n = copy_file_range(sfd, NULL, dfd, NULL, 1 << 30, 0);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
				return volt_err_sys(err, "copy %s into the volume", name);
			char buf[65536];
			ssize_t r;
			while ((r = read(sfd, buf, sizeof(buf))) > 0)
				if (write(dfd, buf, (size_t)r) != r)
					return volt_err_sys(err, "copy %s into the volume", name);
			if (r < 0)
				return volt_err_sys(err, "read %s", name);
			break;
		}
	}
	/* owner first: chown clears setuid/setgid, which the mode then restores */
	if (fchown(dfd, st->st_uid, st->st_gid) < 0 && errno != EINVAL)
		return volt_err_sys(err, "chown %s in the volume", name);
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	if (fchmod(dfd, st->st_mode & 07777) < 0 || futimens(dfd, ts) < 0)
		return volt_err_sys(err, "set the mode of %s in the volume", name);
	return 0;
}

/* copy_tree - the entries of directory src into directory dst, keeping
 * owners, modes and times; devices and sockets are skipped (they cannot be
 * made in a user namespace), hard links become copies. */
static int copy_tree(int src, int dst, int depth, struct volt_err *err)
{
	if (depth > COPY_DEPTH_MAX)
		return volt_err_set(err, ELOOP, "the image's directory is nested too deep to copy into the volume");
	int dupfd = fcntl(src, F_DUPFD_CLOEXEC, 0); /* fdopendir owns the copy */
	if (dupfd < 0)
		return volt_err_sys(err, "dup");
	cleanup_dir DIR *d = fdopendir(dupfd);
	struct dirent *e;
	struct stat st;

	if (!d) {
		close(dupfd);
		return volt_err_sys(err, "read a directory to copy into the volume");
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		const char *n = e->d_name;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		if (fstatat(src, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return volt_err_sys(err, "stat %s", n);
		if (S_ISDIR(st.st_mode)) {
			if (mkdirat(dst, n, 0700) < 0 && errno != EEXIST)
				return volt_err_sys(err, "mkdir %s in the volume", n);
			cleanup_close int s2 = openat(src, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			cleanup_close int d2 = openat(dst, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (s2 < 0 || d2 < 0)
				return volt_err_sys(err, "open %s", n);
			if (copy_tree(s2, d2, depth + 1, err) < 0)
				return -1;
			struct timespec ts[2] = {st.st_atim, st.st_mtim};
			if ((fchown(d2, st.st_uid, st.st_gid) < 0 && errno != EINVAL) ||
			    fchmod(d2, st.st_mode & 07777) < 0 || futimens(d2, ts) < 0)
				return volt_err_sys(err, "set the owner of %s in the volume", n);
		} else if (S_ISREG(st.st_mode)) {
			cleanup_close int s2 = openat(src, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			if (s2 < 0)
				return volt_err_sys(err, "open %s", n);
			if (copy_file(s2, dst, n, &st, err) < 0)
				return -1;
		} else if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t l = readlinkat(src, n, target, sizeof(target) - 1);
			if (l < 0)
				return volt_err_sys(err, "readlink %s", n);
			target[l] = '\0';
			if (symlinkat(target, dst, n) < 0 && errno != EEXIST)
				return volt_err_sys(err, "symlink %s in the volume", n);
			if (fchownat(dst, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
				return volt_err_sys(err, "chown %s in the volume", n);
		}
	}
	return 0;
}

static bool dir_empty(int fd)
{
	int dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dupfd < 0)
		return false;
	cleanup_dir DIR *d = fdopendir(dupfd);
	struct dirent *e;
	if (!d) {
		close(dupfd);
		return false;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			return false;
	return true;
}

int volt_volume_fill(int rootfd, const char *dest, const char *data_dir, struct volt_err *err)
{
	cleanup_free char *marker = volt_path("%s/../filled", data_dir);
	if (access(marker, F_OK) == 0)
		return 0;
	cleanup_close int dst = open(data_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dst < 0)
		return volt_err_sys(err, "open volume %s", data_dir);
	cleanup_close int src = volt_rootfs_open(rootfd, dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
	if (src >= 0 && dir_empty(dst)) {
		struct stat st;
		if (copy_tree(src, dst, 0, err) < 0)
			return volt_err_prefix(err, "fill the volume mounted on %s", dest);
		/* the mount point's own owner and mode, as docker keeps them */
		if (fstat(src, &st) == 0) {
			if (fchown(dst, st.st_uid, st.st_gid) < 0 && errno != EINVAL)
				return volt_err_sys(err, "chown volume %s", data_dir);
			fchmod(dst, st.st_mode & 07777);
		}
	}
	cleanup_close int m = open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (m < 0)
		return volt_err_sys(err, "mark volume %s filled", data_dir);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int volt_volume_list(struct volt_ctx *ctx, char ***names, struct volt_err *err)
{
	cleanup_free char *dir = volt_path("%s/volumes", ctx->root);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	*names = calloc(1, sizeof(char *));
	if (!d)
		return errno == ENOENT ? 0 : volt_err_sys(err, "open %s", dir);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && volt_name_valid(e->d_name)) {
			volt_strv_push(names, e->d_name);
			n++;
		}
	qsort(*names, n, sizeof(char *), cmp_str);
	return 0;
}

struct users_arg {
	const char *name;
	char ***users;
};

static int collect_user(const struct volt_ctr_row *c, void *arg)
{
	struct users_arg *u = arg;
	json_t *spec = json_loads(c->spec, 0, NULL), *m;
	size_t k;
	json_array_foreach(json_object_get(spec, "mounts"), k, m) {
		const char *ty = json_string_value(json_object_get(m, "type"));
		const char *nm = json_string_value(json_object_get(m, "name"));
		if (ty && nm && !strcmp(ty, "volume") && !strcmp(nm, u->name)) {
			volt_strv_push(u->users, c->name);
			break;
		}
	}
	json_decref(spec);
	return 0;
}

int volt_volume_users(struct volt_ctx *ctx, const char *name, char ***users, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct users_arg u = {name, users};

	*users = calloc(1, sizeof(char *));
	if (!db)
		return -1;
	return volt_db_ctr_list(db, collect_user, &u, err);
}

static int rm_volume_dir(void *arg, struct volt_err *err)
{
	return volt_rm_rf((const char *)arg, err);
}

int volt_volume_remove(struct volt_ctx *ctx, const char *name, bool force, struct volt_err *err)
{
	cleanup_free char *dir = volt_volume_dir(ctx, name);
	cleanup_strv char **users = NULL;
	struct stat st;
	struct volt_idmap map;

	if (!volt_name_valid(name) || stat(dir, &st) < 0)
		return volt_err_said(err, ENOENT, "no such volume: %s", name);
	if (volt_volume_users(ctx, name, &users, err) < 0)
		return -1;
	if (users[0] && !force)
		return volt_err_said(err, EBUSY, "volume %s is in use by container %s: remove it first, or use -f",
				     name, users[0]);
	/* files of the volume belong to ids of the containers' map */
	if (volt_idmap_detect(&map, false, err) < 0)
		return -1;
	if (volt_userns_run(&map, rm_volume_dir, dir, err) < 0)
		return volt_err_prefix(err, "remove volume %s", name);
	volt_event("volume", "destroy", name, "driver", "local", (char *)NULL);
	return 0;
}

/* rm_as_root - remove dir, first as ourselves (the container's root is our
 * uid in both modes), then, for files of other mapped ids, as root of the
 * user namespace userns_fd (the monitor's: it cannot map a new one) or of a
 * new one */
static int rm_as_root(struct volt_ctx *ctx, const char *name, const char *dir, int userns_fd, struct volt_err *err)
{
	if (volt_rm_rf(dir, err) == 0) {
		volt_event("volume", "destroy", name, "driver", "local", (char *)NULL);
		return 0;
	}
	if (userns_fd < 0)
		return volt_volume_remove(ctx, name, true, err);
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return volt_err_sys(err, "fork");
	if (pid == 0) /* EINVAL: in it already */
		_exit((setns(userns_fd, CLONE_NEWUSER) < 0 && errno != EINVAL) || volt_rm_rf(dir, err) < 0 ? 1 : 0);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return volt_err_set(err, 0, "remove volume %s", name);
	volt_event("volume", "destroy", name, "driver", "local", (char *)NULL);
	return 0;
}

bool volt_volume_is_anonymous(const char *name)
{
	return name && strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64;
}

bool volt_volume_has_anonymous(const struct volt_spec *s)
{
	for (size_t i = 0; i < s->n_mounts; i++)
		if (s->mounts[i].kind == VOLT_MOUNT_VOLUME && volt_volume_is_anonymous(s->mounts[i].name))
			return true;
	return false;
}

void volt_volume_remove_anonymous(struct volt_ctx *ctx, const struct volt_spec *s, int userns_fd)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const char *name = s->mounts[i].name;
		struct volt_err ignored = {0};
		cleanup_strv char **users = NULL;
		if (s->mounts[i].kind != VOLT_MOUNT_VOLUME || !volt_volume_is_anonymous(name))
			continue;
		if (volt_volume_users(ctx, name, &users, &ignored) < 0 || users[0])
			continue; /* another container's too: docker keeps it */
		cleanup_free char *dir = volt_volume_dir(ctx, name);
		rm_as_root(ctx, name, dir, userns_fd, &ignored);
	}
}
