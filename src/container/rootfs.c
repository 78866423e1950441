#include "container/rootfs.h"
#include "container/volume.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/net.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/fs.h"
#include "util/rootpath.h"
#include "util/trace.h"
#include "util/syscalls.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif

static int fdpath(char *buf, size_t len, int fd)
{
	return snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/* mount_at - mount onto an fd (the crun/runc way: the target was resolved
 * safely, the mount goes exactly there). */
static int mount_at(const char *src, int fd, const char *type, unsigned long flags, const char *data)
{
	char p[64];
	fdpath(p, sizeof(p), fd);
	return mount(src, p, type, flags, data);
}

static int make_ro(int rootfd, const char *path, int recursive)
{
	cleanup_close int fd = volt_rootfs_open(rootfd, path, O_PATH, 0);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	if (fd < 0)
		return -1;
	return mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof(attr));
}

/* mount_overlay - mount the container's root file system; *root gets the
 * path it is mounted on. The native overlay goes on the container directory
 * itself: in this (private) mount namespace nothing else needs what it
 * covers (the layers are resolved when mounting, the /etc files were opened
 * before), and a fresh merged/ directory would be one more inode to create
 * and delete per run. fuse-overlayfs gets a merged/ of its own: its daemon
 * stays in the namespace where the mount covers that path.
 * Returns 0, or -1 with err set. */
static int mount_overlay(const struct volt_rootfs_args *a, char **root, struct volt_err *err)
{
	cleanup_free char *opts = volt_path("lowerdir=%s,upperdir=%s/upper,workdir=%s/work,userxattr", a->spec->lower,
					    a->ctr_dir, a->ctr_dir);
	cleanup_free char *merged = volt_path("%s/merged", a->ctr_dir);
	const char *force = getenv("VOLT_OVERLAY"); /* "fuse-overlayfs": skip the native driver */
	int e = EOPNOTSUPP;
	if (!force || strcmp(force, "fuse-overlayfs") != 0) {
		if (mount("overlay", a->ctr_dir, "overlay", 0, opts) == 0) {
			*root = strdup(a->ctr_dir);
			return *root ? 0 : volt_err_set(err, ENOMEM, "mount overlay");
		}
		e = errno;
	}
	/* fall back to fuse-overlayfs, and say so */
	if (access("/usr/bin/fuse-overlayfs", X_OK) == 0 && (mkdir(merged, 0755) == 0 || errno == EEXIST)) {
		cleanup_free char *fopts = volt_path("lowerdir=%s,upperdir=%s/upper,workdir=%s/work,squash_to_root",
						     a->spec->lower, a->ctr_dir, a->ctr_dir);
		pid_t pid = fork();
		int status;
		if (pid == 0) {
			/* its own chatter ("unknown argument ...") is noise here, and
			 * the daemon, which stays, holds no fd of the monitor's */
			volt_fds_keep_only(VOLT_STDIO_NULL_ALL, NULL, 0);
			execl("/usr/bin/fuse-overlayfs", "fuse-overlayfs", "-o", fopts, merged, (char *)NULL);
			_exit(127);
		}
		if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			/* pivot_root moves every process whose root is the old root,
			 * the FUSE daemon too, which would then serve its own upper
			 * paths through itself and deadlock. Continue in a copy of
			 * this mount namespace: the daemon keeps the old one. */
			if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
				return volt_err_sys(err, "new mount namespace after fuse-overlayfs");
			dprintf(a->notice_fd, "volt: native overlayfs %s (%s); using fuse-overlayfs\n",
				force ? "skipped" : "failed", force ? "VOLT_OVERLAY" : strerror(e));
			*root = volt_steal_ptr(&merged);
			return 0;
		}
	}
	return volt_err_set(err, e, "mount overlay on %s (and fuse-overlayfs fallback failed)", merged);
}

static int setup_dev(int rootfd, const struct volt_rootfs_args *a, struct volt_err *err)
{
	static const char *devices[] = {"null", "zero", "full", "random", "urandom", "tty"};
	static const char *links[][2] = {{"fd", "/proc/self/fd"},
					 {"stdin", "/proc/self/fd/0"},
					 {"stdout", "/proc/self/fd/1"},
					 {"stderr", "/proc/self/fd/2"},
					 {"ptmx", "pts/ptmx"}};
	cleanup_close int dev = volt_rootfs_mkdir_p(rootfd, "/dev", err);
	cleanup_close int d = -1;
	char opts[128];

	if (dev < 0)
		return -1;
	if (mount_at("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
		return volt_err_sys(err, "mount /dev");
	d = volt_rootfs_open(rootfd, "/dev", O_PATH | O_DIRECTORY, 0);
	if (d < 0)
		return volt_err_sys(err, "open /dev");
	/* device nodes cannot be made in a user namespace: bind the host's */
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		char host[32];
		snprintf(host, sizeof(host), "/dev/%s", devices[i]);
		cleanup_close int f = openat(d, devices[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
		if (f < 0)
			return volt_err_sys(err, "create /dev/%s", devices[i]);
		if (mount_at(host, f, NULL, MS_BIND, NULL) < 0)
			return volt_err_sys(err, "bind %s", host);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i][1], d, links[i][0]) < 0)
			return volt_err_sys(err, "symlink /dev/%s", links[i][0]);
	if (mkdirat(d, "pts", 0755) < 0 || mkdirat(d, "shm", 01777) < 0 || mkdirat(d, "mqueue", 0755) < 0)
		return volt_err_sys(err, "mkdir in /dev");
	{
		cleanup_close int pts = openat(d, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC);
		/* gid=5 (tty) only when it is mapped */
		snprintf(opts, sizeof(opts), "newinstance,ptmxmode=0666,mode=0620%s",
			 a->spec->idmap.full ? ",gid=5" : "");
		if (mount_at("devpts", pts, "devpts", MS_NOSUID | MS_NOEXEC, opts) < 0)
			return volt_err_sys(err, "mount /dev/pts");
	}
	{
		cleanup_close int shm = openat(d, "shm", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (mount_at("shm", shm, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") < 0)
			return volt_err_sys(err, "mount /dev/shm");
	}
	{
		cleanup_close int mq = openat(d, "mqueue", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (mount_at("mqueue", mq, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			return volt_err_sys(err, "mount /dev/mqueue");
	}
	if (a->spec->init && a->init_path) {
		cleanup_close int i = openat(d, "init", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0755);
		if (i < 0 || mount_at(a->init_path, i, NULL, MS_BIND, NULL) < 0)
			return volt_err_sys(err, "bind volt-init (%s)", a->init_path);
		make_ro(rootfd, "/dev/init", 0);
	}
	return 0;
}

static int setup_proc_sys(int rootfd, const struct volt_rootfs_args *a, struct volt_err *err)
{
	cleanup_close int proc = volt_rootfs_mkdir_p(rootfd, "/proc", err);
	cleanup_close int sys = -1;

	if (proc < 0)
		return -1;
	if (mount_at("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return volt_err_sys(err, "mount /proc");
	sys = volt_rootfs_mkdir_p(rootfd, "/sys", err);
	if (sys < 0)
		return -1;
	/* sysfs may be mounted only by the owner of the network namespace; with
	 * the host's network, bind the host's /sys read-only instead */
	if (strcmp(a->spec->network ? a->spec->network : "none", "host") != 0 &&
	    mount_at("sysfs", sys, "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, NULL) == 0)
		return 0;
	if (mount_at("/sys", sys, NULL, MS_BIND | MS_REC, NULL) < 0)
		return volt_err_sys(err, "bind /sys");
	if (make_ro(rootfd, "/sys", 1) < 0)
		return volt_err_sys(err, "make /sys read-only");
	return 0;
}

/* Docker's masked and read-only paths. A path the kernel lacks is skipped. */
static int mask_paths(int rootfd, struct volt_err *err)
{
	static const char *masked[] = {"/proc/asound",	   "/proc/acpi",	"/proc/interrupts",
				       "/proc/kcore",	   "/proc/keys",	"/proc/latency_stats",
				       "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
				       "/proc/scsi",	   "/sys/firmware",	"/sys/devices/virtual/powercap"};
	static const char *readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(masked); i++) {
		cleanup_close int fd = volt_rootfs_open(rootfd, masked[i], O_PATH | O_NOFOLLOW, 0);
		if (fd < 0 || fstat(fd, &st) < 0)
			continue;
		int r = S_ISDIR(st.st_mode) ? mount_at("tmpfs", fd, "tmpfs", MS_RDONLY, "size=0") :
					      mount_at("/dev/null", fd, NULL, MS_BIND, NULL);
		if (r < 0)
			return volt_err_sys(err, "mask %s", masked[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(readonly); i++) {
		cleanup_close int fd = volt_rootfs_open(rootfd, readonly[i], O_PATH | O_NOFOLLOW, 0);
		if (fd < 0)
			continue;
		/* bind the path onto itself, then make that mount read-only */
		char p[64];
		fdpath(p, sizeof(p), fd);
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
			return volt_err_sys(err, "bind %s", readonly[i]);
		if (make_ro(rootfd, readonly[i], 1) < 0)
			return volt_err_sys(err, "make %s read-only", readonly[i]);
	}
	return 0;
}

/* bind_file - bind host file src over path in the container, creating it. */
static int bind_file(int rootfd, const char *src, const char *path, struct volt_err *err)
{
	cleanup_close int fd = volt_rootfs_open(rootfd, path, O_PATH, 0);
	if (fd < 0) {
		char *slash = strrchr(path, '/');
		cleanup_free char *dir = strndup(path, (size_t)(slash - path));
		cleanup_close int dfd = volt_rootfs_mkdir_p(rootfd, dir[0] ? dir : "/", err);
		if (dfd < 0)
			return -1;
		cleanup_close int nf = openat(dfd, slash + 1, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (nf < 0)
			return volt_err_sys(err, "create %s in the container", path);
		fd = volt_rootfs_open(rootfd, path, O_PATH, 0);
		if (fd < 0)
			return volt_err_sys(err, "open %s in the container", path);
	}
	if (mount_at(src, fd, NULL, MS_BIND, NULL) < 0)
		return volt_err_sys(err, "bind %s on %s", src, path);
	return 0;
}

static int user_mounts(int rootfd, const struct volt_spec *s, struct volt_err *err)
{
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct volt_mount *m = &s->mounts[i];
		cleanup_close int fd = -1;
		struct stat st;

		if (m->kind == VOLT_MOUNT_TMPFS) {
			fd = volt_rootfs_mkdir_p(rootfd, m->dest, err);
			if (fd < 0)
				return -1;
			if (mount_at("tmpfs", fd, "tmpfs", MS_NOSUID | MS_NODEV,
				     m->options ? m->options : "mode=1777") < 0)
				return volt_err_sys(err, "mount tmpfs on %s", m->dest);
			continue;
		}
		if (m->kind == VOLT_MOUNT_VOLUME && volt_volume_fill(rootfd, m->dest, m->source, err) < 0)
			return -1;
		if (stat(m->source, &st) < 0)
			return volt_err_sys(err, "bind mount source %s", m->source);
		if (S_ISDIR(st.st_mode)) {
			fd = volt_rootfs_mkdir_p(rootfd, m->dest, err);
			if (fd < 0)
				return -1;
			if (mount_at(m->source, fd, NULL, MS_BIND | MS_REC, NULL) < 0)
				return volt_err_sys(err, "bind %s on %s", m->source, m->dest);
		} else if (bind_file(rootfd, m->source, m->dest, err) < 0) {
			return -1;
		}
		if (m->ro && make_ro(rootfd, m->dest, 1) < 0)
			return volt_err_sys(err, "make %s read-only", m->dest);
	}
	return 0;
}

static int etc_files_write_at(const struct volt_spec *s, int dirfd, struct volt_err *err);

/* bind_etc - bind the three /etc files (O_PATH fds) into the container */
static int bind_etc(int rootfd, const char *const *etc, int *const *etcfd, struct volt_err *err)
{
	for (size_t i = 0; i < 3; i++) {
		cleanup_free char *src = volt_path("/proc/self/fd/%d", *etcfd[i]);
		cleanup_free char *dst = volt_path("/etc/%s", etc[i]);
		if (bind_file(rootfd, src, dst, err) < 0)
			return -1;
	}
	return 0;
}

/* etc_tmpfs - a --rm container's /etc files on a small tmpfs that is mounted
 * nowhere (fsopen/fsmount): they are bound into the container from there and
 * go with its mount namespace, and no inode is made on the store's disk (a
 * container that is removed at exit has no use for files that outlive it;
 * podman keeps these files on tmpfs too). Returns the tmpfs's fd, which must
 * stay open until the binds are made, or -1 when the kernel cannot (the files
 * are written on disk then). */
static int etc_tmpfs(const struct volt_spec *s)
{
	struct volt_err ignored;
	cleanup_close int fs = volt_fsopen("tmpfs", FSOPEN_CLOEXEC);

	if (fs < 0 || volt_fsconfig(fs, FSCONFIG_SET_STRING, "size", "64k", 0) < 0 ||
	    volt_fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
	    volt_fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	int m = volt_fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (m >= 0 && etc_files_write_at(s, m, &ignored) < 0) {
		close(m);
		m = -1;
	}
	return m;
}

/* open_etc - O_PATH fds of the three /etc files in dirfd (the tmpfs, or the
 * container's directory opened before the overlay covered it); write: make
 * them there first (a --rm container's, which create did not write) */
static int open_etc(const struct volt_rootfs_args *a, int dirfd, bool write, const char *const *etc, int *const *etcfd,
		    struct volt_err *err)
{
	if (write && etc_files_write_at(a->spec, dirfd, err) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (*etcfd[i] >= 0)
			close(*etcfd[i]);
		if ((*etcfd[i] = openat(dirfd, etc[i], O_PATH | O_CLOEXEC)) < 0)
			return volt_err_sys(err, "open /etc/%s of the container", etc[i]);
	}
	return 0;
}

int volt_rootfs_setup(const struct volt_rootfs_args *a, struct volt_err *err)
{
	cleanup_free char *merged = NULL;
	cleanup_close int rootfd = -1;
	static const char *etc[] = {"hosts", "hostname", "resolv.conf"};
	cleanup_close int etc0 = -1, etc1 = -1, etc2 = -1;
	int *etcfd[] = {&etc0, &etc1, &etc2};

	/* nothing we mount may propagate back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return volt_err_sys(err, "make mounts private");
	/* the generated /etc files, before the overlay covers their directory */
	cleanup_close int ctr_dirfd = open(a->ctr_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int etc_tmp = a->spec->rm ? etc_tmpfs(a->spec) : -1;
	if (ctr_dirfd < 0)
		return volt_err_sys(err, "open %s", a->ctr_dir);
	if (open_etc(a, etc_tmp >= 0 ? etc_tmp : ctr_dirfd, etc_tmp < 0 && a->spec->rm, etc, etcfd, err) < 0)
		return -1;
	if (mount_overlay(a, &merged, err) < 0)
		return -1;
	/* fuse-overlayfs left the directory uncovered but moved us to a new
	 * mount namespace, where a bind needs a source opened in it */
	if (strcmp(merged, a->ctr_dir) != 0) {
		close(ctr_dirfd);
		ctr_dirfd = open(a->ctr_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (ctr_dirfd < 0 || open_etc(a, ctr_dirfd, etc_tmp >= 0, etc, etcfd, err) < 0)
			return ctr_dirfd < 0 ? volt_err_sys(err, "open %s", a->ctr_dir) : -1;
		close(etc_tmp);
		etc_tmp = -1;
	}
	volt_trace("rootfs: overlay");
	rootfd = open(merged, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return volt_err_sys(err, "open %s", merged);
	if (setup_proc_sys(rootfd, a, err) < 0)
		return -1;
	volt_trace("rootfs: proc, sys");
	if (setup_dev(rootfd, a, err) < 0)
		return -1;
	volt_trace("rootfs: dev");
	if (mask_paths(rootfd, err) < 0)
		return -1;
	volt_trace("rootfs: masked");
	if (bind_etc(rootfd, etc, etcfd, err) < 0) {
		/* a kernel that binds nothing from a detached mount: the files
		 * on disk after all, from under the overlay */
		if (etc_tmp < 0 || open_etc(a, ctr_dirfd, true, etc, etcfd, err) < 0 ||
		    bind_etc(rootfd, etc, etcfd, err) < 0)
			return -1;
	}
	volt_trace("rootfs: etc");
	if (user_mounts(rootfd, a->spec, err) < 0)
		return -1;
	/* read-only root: only the overlay itself, not /dev, /proc, volumes */
	if (a->spec->read_only) {
		struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
		if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			return volt_err_sys(err, "make the root file system read-only");
	}
	/* pivot_root(".", "."): the old root ends up under the new one and is
	 * detached at once, so nothing of the host stays reachable */
	volt_trace("rootfs: user mounts");
	if (fchdir(rootfd) < 0 || volt_pivot_root(".", ".") < 0)
		return volt_err_sys(err, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return volt_err_sys(err, "detach the old root");
	return 0;
}

/* write_new - write a file of a container directory that nobody sees yet
 * (volt_etc_files_write). No temporary file and rename: the directory is
 * brand new and becomes visible with the container's row, after this. A
 * rewrite of a running container's file would go in place (O_TRUNC), as the
 * container holds that inode bound on its /etc file. Returns 0 or -1. */
static int write_new(int dirfd, const char *name, const char *data, size_t len, struct volt_err *err)
{
	cleanup_close int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	/* fchmod: 0644 whatever the umask, for the container's other users */
	if (fd < 0 || fchmod(fd, 0644) < 0 || !volt_write_all(fd, data, len))
		return volt_err_sys(err, "write /etc/%s of the container", name);
	return 0;
}

int volt_etc_files_write(const struct volt_spec *s, const char *ctr_dir, struct volt_err *err)
{
	cleanup_close int dirfd = open(ctr_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return volt_err_sys(err, "open %s", ctr_dir);
	return etc_files_write_at(s, dirfd, err);
}

/* etc_files_write_at - hosts, hostname and resolv.conf of spec s in dirfd */
static int etc_files_write_at(const struct volt_spec *s, int dirfd, struct volt_err *err)
{
	cleanup_free char *hosts = NULL, *resolv = NULL, *hn = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	fprintf(f, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
	if (strcmp(s->network ? s->network : "none", "host") != 0)
		fprintf(f, "127.0.1.1\t%s\n", s->hostname);
	for (size_t i = 0; s->add_hosts && s->add_hosts[i]; i++) {
		const char *c = strchr(s->add_hosts[i], ':');
		if (c)
			fprintf(f, "%s\t%.*s\n", c + 1, (int)(c - s->add_hosts[i]), s->add_hosts[i]);
	}
	fclose(f);
	hosts = buf;
	if (write_new(dirfd, "hosts", hosts, len, err) < 0)
		return -1;
	hn = volt_path("%s\n", s->hostname);
	if (write_new(dirfd, "hostname", hn, strlen(hn), err) < 0)
		return -1;
	buf = NULL;
	f = open_memstream(&buf, &len);
	if (s->dns && s->dns[0]) {
		for (size_t i = 0; s->dns[i]; i++)
			fprintf(f, "nameserver %s\n", s->dns[i]);
	} else if (volt_net_resolver(s->network)) {
		/* slirp's DNS forwards to the host's resolvers, loopback ones too */
		cleanup_free char *host = NULL;
		struct volt_err ignored;
		fprintf(f, "nameserver %s\n", volt_net_resolver(s->network));
		if (volt_read_file("/etc/resolv.conf", 1 << 16, &host, NULL, &ignored) == 0)
			for (char *line = strtok(host, "\n"); line; line = strtok(NULL, "\n"))
				if (!strncmp(line, "search", 6) || !strncmp(line, "options", 7))
					fprintf(f, "%s\n", line);
	} else {
		cleanup_free char *host = NULL;
		struct volt_err ignored;
		if (volt_read_file("/etc/resolv.conf", 1 << 16, &host, NULL, &ignored) == 0) {
			/* a loopback resolver of the host is not reachable from a
			 * separate network namespace */
			bool own_net = strcmp(s->network ? s->network : "none", "host") != 0;
			for (char *line = strtok(host, "\n"); line; line = strtok(NULL, "\n"))
				if (!(own_net && !strncmp(line, "nameserver 127.", 15)))
					fprintf(f, "%s\n", line);
		}
	}
	fclose(f);
	resolv = buf;
	return write_new(dirfd, "resolv.conf", resolv, len, err);
}
