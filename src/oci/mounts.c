/* The bundle's root file system, in the container child (before pivot_root).
 *
 * Theory of operation: the bundle's root.path is used as it is (no overlay,
 * no store): it is bound onto itself so that it is a mount of its own, every
 * entry of config.json's mounts[] is made under it in order, each target
 * resolved inside the root with openat2(RESOLVE_IN_ROOT) (rootfs.c's
 * helpers, so a symlink in the bundle never sends a mount outside it), then
 * the default devices, sysctls, masked and read-only paths, root.readonly,
 * and pivot_root. Flags that a user namespace may not set with mount(2) on a
 * bind (the ones the host mount has locked) are added with mount_setattr,
 * which only ever adds restrictions. */
#include "oci/child.h"
#include "oci/idmapped_mounts.h"
#include "oci/namespaces.h"
#include "oci/seccomp_listener.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "container/rootfs.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/syscalls.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif

static int mount_at(const char *src, int fd, const char *type, unsigned long flags, const char *data)
{
	char p[64];
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	return mount(src, p, type, flags, data);
}

/* set_attrs - add the MS_RDONLY/NOSUID/NODEV/NOEXEC of flags to the mount at
 * path (recursively with rec) */
static int set_attrs(int rootfd, const char *path, unsigned long flags, bool rec)
{
	struct mount_attr attr = {0};
	if (flags & MS_RDONLY)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	if (flags & MS_NOSUID)
		attr.attr_set |= MOUNT_ATTR_NOSUID;
	if (flags & MS_NODEV)
		attr.attr_set |= MOUNT_ATTR_NODEV;
	if (flags & MS_NOEXEC)
		attr.attr_set |= MOUNT_ATTR_NOEXEC;
	if (!attr.attr_set)
		return 0;
	cleanup_close int fd = volt_rootfs_open(rootfd, path, O_PATH, 0);
	if (fd < 0)
		return -1;
	return mount_setattr(fd, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr, sizeof(attr));
}

/* target - the mount point for dest, created in the root: a directory, or a
 * file when the source is not a directory (a bind of a file) */
int volt_oci_mount_target(int rootfd, const char *dest, bool file, struct volt_err *err)
{
	if (!file)
		return volt_rootfs_mkdir_p(rootfd, dest, err);
	int fd = volt_rootfs_open(rootfd, dest, O_PATH, 0);
	if (fd >= 0)
		return fd;
	cleanup_free char *dir = strdup(dest);
	char *slash = strrchr(dir, '/');
	*slash = '\0';
	cleanup_close int dfd = volt_rootfs_mkdir_p(rootfd, dir[0] ? dir : "/", err);
	if (dfd < 0)
		return -1;
	cleanup_close int nf = openat(dfd, slash + 1, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (nf < 0)
		return volt_err_sys(err, "create %s in the container", dest);
	fd = volt_rootfs_open(rootfd, dest, O_PATH, 0);
	return fd < 0 ? volt_err_sys(err, "open %s in the container", dest) : fd;
}

/* bind - bind src on dest with the restrictions of flags */
static int bind(int rootfd, const char *src, const char *dest, unsigned long flags, bool rec, struct volt_err *err)
{
	struct stat st;
	if (stat(src, &st) < 0)
		return volt_err_sys(err, "mount source %s", src);
	cleanup_close int fd = volt_oci_mount_target(rootfd, dest, !S_ISDIR(st.st_mode), err);
	if (fd < 0)
		return -1;
	if (mount_at(src, fd, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
		return volt_err_sys(err, "bind %s on %s", src, dest);
	if (set_attrs(rootfd, dest, flags, rec) < 0)
		return volt_err_sys(err, "restrict the mount on %s", dest);
	return 0;
}

/* strip_opt - data without its "name=..." option (devpts gid=5 where gid 5 is not mapped) */
static void strip_opt(char *data, const char *name)
{
	size_t n = strlen(name);
	for (char *p = data; (p = strstr(p, name));) {
		if ((p == data || p[-1] == ',') && p[n] == '=') {
			char *end = strchr(p, ',');
			if (end)
				memmove(p, end + 1, strlen(end + 1) + 1);
			else
				*(p > data ? p - 1 : p) = '\0';
			continue;
		}
		p += n;
	}
}

static int one_mount(int rootfd, const struct volt_oci_mount *m, struct volt_err *err)
{
	struct volt_oci_mount_opts o;
	const char *type = m->type ? m->type : "none";
	int r = 0;

	if (volt_oci_mount_opts(m->options, &o, err) < 0)
		return -1;
	cleanup_free char *data = o.data;
	unsigned long flags = o.flags & ~(unsigned long)MS_REMOUNT;
	if (o.bind) {
		r = bind(rootfd, m->source, m->dest, flags, o.rec, err);
	} else if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2")) {
		/* a cgroup file system may not be mounted from a user namespace
		 * without a cgroup namespace of its own; the host's hierarchy,
		 * bound read-only, is what a rootless runc shows too */
		r = bind(rootfd, "/sys/fs/cgroup", m->dest, flags | MS_RDONLY, true, err);
	} else {
		cleanup_close int fd = volt_rootfs_mkdir_p(rootfd, m->dest, err);
		if (fd < 0)
			return -1;
		const char *src = m->source ? m->source : type;
		r = mount_at(src, fd, type, flags, data[0] ? data : NULL);
		if (r < 0 && errno == EINVAL && !strcmp(type, "devpts") && strstr(data, "gid=")) {
			/* gid=5 (tty) where that group is not mapped: as crun, without it */
			strip_opt(data, "gid");
			r = mount_at(src, fd, type, flags, data[0] ? data : NULL);
		}
		if (r < 0 && (errno == EPERM || errno == EACCES) &&
		    (!strcmp(type, "sysfs") || !strcmp(type, "mqueue"))) {
			/* sysfs and mqueue belong to the network and IPC namespaces'
			 * owners: without our own, the host's, bound */
			r = bind(rootfd, !strcmp(type, "sysfs") ? "/sys" : "/dev/mqueue", m->dest,
				 flags | (!strcmp(type, "sysfs") ? MS_RDONLY : 0), true, err);
		} else if (r < 0) {
			r = volt_err_sys(err, "mount %s (%s) on %s", src, type, m->dest);
		}
	}
	if (r == 0 && o.prop) {
		cleanup_close int fd = volt_rootfs_open(rootfd, m->dest, O_PATH, 0);
		if (fd < 0 || mount_at(NULL, fd, NULL, o.prop, NULL) < 0)
			r = volt_err_sys(err, "set the propagation of %s", m->dest);
	}
	return r;
}

/* default_devices - what runtime-spec says every container has in /dev
 * (null, zero, full, random, urandom, tty, the fd links, ptmx): bound from the
 * host, as device nodes cannot be made in a user namespace */
static int default_devices(int rootfd, struct volt_err *err)
{
	static const char *devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
	static const char *links[][2] = {{"fd", "/proc/self/fd"},	{"stdin", "/proc/self/fd/0"},
					 {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
					 {"ptmx", "pts/ptmx"},		{"core", "/proc/kcore"}};
	cleanup_close int d = volt_rootfs_mkdir_p(rootfd, "/dev", err);
	if (d < 0)
		return -1;
	cleanup_close int dir = volt_rootfs_open(rootfd, "/dev", O_RDONLY | O_DIRECTORY, 0);
	if (dir < 0)
		return volt_err_sys(err, "open /dev");
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
		char host[32];
		struct stat st;
		snprintf(host, sizeof(host), "/dev/%s", devices[i]);
		if (fstatat(dir, devices[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISCHR(st.st_mode))
			continue; /* a host /dev bound in, or one made before */
		cleanup_close int f = openat(dir, devices[i], O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (f < 0)
			return volt_err_sys(err, "create /dev/%s", devices[i]);
		if (mount_at(host, f, NULL, MS_BIND, NULL) < 0)
			return volt_err_sys(err, "bind %s", host);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlinkat(links[i][1], dir, links[i][0]) < 0 && errno != EEXIST)
			return volt_err_sys(err, "symlink /dev/%s", links[i][0]);
	return 0;
}

/* bind_devices - linux.devices: an unprivileged user cannot mknod, so each
 * is the host's node at the same path, bound (as crun does rootless); it
 * must be a device of the type (and major:minor) asked. fileMode, uid and
 * gid stay the host's. */
static int bind_devices(int rootfd, const struct volt_oci_config *c, struct volt_err *err)
{
	for (size_t i = 0; i < c->n_devices; i++) {
		const struct volt_oci_device *d = &c->devices[i];
		struct stat st;
		if (stat(d->path, &st) < 0)
			return volt_err_sys(err, "linux.devices[%zu]: %s on the host", i, d->path);
		bool ok = d->type == 'b' ? S_ISBLK(st.st_mode) :
			  d->type == 'p' ? S_ISFIFO(st.st_mode) :
					   S_ISCHR(st.st_mode);
		if (!ok ||
		    (d->has_num && ((int64_t)major(st.st_rdev) != d->major || (int64_t)minor(st.st_rdev) != d->minor)))
			return volt_err_set(err, EINVAL,
					    "linux.devices[%zu]: %s on the host is not a device of type %c%s (an "
					    "unprivileged runtime binds the host's node, it cannot make one)",
					    i, d->path, d->type, d->has_num ? " with that major:minor" : "");
		cleanup_close int fd = volt_oci_mount_target(rootfd, d->path, true, err);
		if (fd < 0)
			return -1;
		if (mount_at(d->path, fd, NULL, MS_BIND, NULL) < 0)
			return volt_err_sys(err, "linux.devices[%zu]: bind %s", i, d->path);
	}
	return 0;
}

static int write_sysctls(int rootfd, char *const *sysctl, struct volt_err *err)
{
	for (size_t i = 0; sysctl && sysctl[i]; i++) {
		cleanup_free char *path = NULL;
		const char *eq = strchr(sysctl[i], '=');
		path = volt_path("/proc/sys/%.*s", (int)(eq - sysctl[i]), sysctl[i]);
		for (char *p = path + strlen("/proc/sys/"); *p; p++)
			if (*p == '.')
				*p = '/';
		cleanup_close int fd = volt_rootfs_open(rootfd, path, O_WRONLY | O_TRUNC, 0);
		if (fd < 0 || !volt_write_all(fd, eq + 1, strlen(eq + 1)))
			return volt_err_sys(err, "sysctl %.*s", (int)(eq - sysctl[i]), sysctl[i]);
	}
	return 0;
}

static int mask_paths(int rootfd, char *const *masked, char *const *readonly, struct volt_err *err)
{
	struct stat st;
	for (size_t i = 0; masked && masked[i]; i++) {
		cleanup_close int fd = volt_rootfs_open(rootfd, masked[i], O_PATH | O_NOFOLLOW, 0);
		if (fd < 0 || fstat(fd, &st) < 0)
			continue; /* what the kernel lacks needs no mask (no /proc/kcore here) */
		int r = S_ISDIR(st.st_mode) ? mount_at("tmpfs", fd, "tmpfs", MS_RDONLY, "size=0") :
					      mount_at("/dev/null", fd, NULL, MS_BIND, NULL);
		if (r < 0)
			return volt_err_sys(err, "mask %s", masked[i]);
	}
	for (size_t i = 0; readonly && readonly[i]; i++) {
		cleanup_close int fd = volt_rootfs_open(rootfd, readonly[i], O_PATH | O_NOFOLLOW, 0);
		char p[64];
		if (fd < 0)
			continue;
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0 ||
		    set_attrs(rootfd, readonly[i], MS_RDONLY, true) < 0)
			return volt_err_sys(err, "make %s read-only", readonly[i]);
	}
	return 0;
}

int volt_oci_child_rootfs(void *arg, struct volt_err *err)
{
	const struct volt_oci_child *ch = arg;
	const struct volt_oci_config *c = ch->cfg;
	struct volt_oci_mount_opts prop;
	bool dev_bound = false;

	/* namespaces given by path that only this process can join (spawn.c
	 * joins the network one, the parent the user and PID ones); a mount
	 * namespace joined is the container's root as it is, as with runc */
	/* the listener's path is the host's: connected before any of that */
	if (volt_oci_seccomp_connect((struct volt_oci_child *)ch, err) < 0)
		return -1;
	int joined = volt_oci_join_child(ch->join_fds, err);
	if (joined < 0)
		return -1;
	if (joined)
		return volt_oci_create_container_hooks(ch, err);

	/* nothing mounted here may reach the host: private unless the bundle
	 * asks for another propagation of / */
	char *const propv[] = {c->rootfs_propagation ? c->rootfs_propagation : "rprivate", NULL};
	if (volt_oci_mount_opts(propv, &prop, err) < 0)
		return -1;
	free(prop.data);
	if (mount(NULL, "/", NULL, (prop.prop ? prop.prop : MS_PRIVATE) | MS_REC, NULL) < 0)
		return volt_err_sys(err, "set the propagation of /");
	if (mount(ch->rootfs, ch->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return volt_err_sys(err, "bind the root file system %s", ch->rootfs);
	cleanup_close int rootfd = open(ch->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return volt_err_sys(err, "open %s", ch->rootfs);
	for (size_t i = 0; i < c->n_mounts; i++) {
		struct volt_oci_mount_opts o;
		if (c->mounts[i].idmap ? volt_oci_idmapped_bind(rootfd, &c->mounts[i], i, err) < 0 :
					 one_mount(rootfd, &c->mounts[i], err) < 0)
			return -1;
		if (!strcmp(c->mounts[i].dest, "/dev") && volt_oci_mount_opts(c->mounts[i].options, &o, err) == 0) {
			dev_bound = o.bind;
			free(o.data);
		}
	}
	if (!dev_bound && default_devices(rootfd, err) < 0)
		return -1;
	if (bind_devices(rootfd, c, err) < 0)
		return -1;
	if (write_sysctls(rootfd, c->sysctl, err) < 0 || mask_paths(rootfd, c->masked, c->readonly, err) < 0)
		return -1;
	if (c->root_readonly) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			return volt_err_sys(err, "make the root file system read-only");
	}
	if (volt_oci_create_container_hooks(ch, err) < 0)
		return -1;
	/* pivot_root(".", "."): the old root is stacked under the new one and
	 * detached at once (as rootfs.c does) */
	if (fchdir(rootfd) < 0 || volt_pivot_root(".", ".") < 0)
		return volt_err_sys(err, "pivot_root into %s", ch->rootfs);
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return volt_err_sys(err, "detach the old root");
	return 0;
}
