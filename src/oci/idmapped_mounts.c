/* Idmapped bind mounts (see idmapped_mounts.h).
 *
 * Theory of operation: runtime-spec's mapping is written into a new user
 * namespace's maps and handed to mount_setattr(MOUNT_ATTR_IDMAP) on a
 * detached copy of the source (open_tree(OPEN_TREE_CLONE)), which is then
 * moved onto the destination. The mapping's hostID counts in the caller's
 * user namespace (the host's for runc); the child making the namespace is
 * already in the container's one, so each range is first translated through
 * the child's own /proc/self/uid_map (which shows the parent namespace's
 * ids): the composition gives the caller's ids back. A helper process
 * unshares the namespace and waits while the child writes its maps (root of
 * the container's namespace may write any of its own ids there).
 *
 * The kernel allows an idmapped mount only of a file system that supports
 * them and whose superblock belongs to a user namespace the caller is
 * privileged over: for an unprivileged caller that means one mounted inside
 * the container's namespace (a tmpfs: kernel 6.3 and later), never the
 * host's ext4 or xfs (EPERM). That is reported as such. */
#include "oci/idmapped_mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/child.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/syscalls.h"

/* translate - the ranges with outside ids of the caller's namespace into
 * ids of this process's (through /proc/self/NAME, "inside outside count") */
static int translate(const char *name, const struct volt_idrange *in, int n, char *out, size_t len, const char *field,
		     struct volt_err *err)
{
	struct volt_idrange own[64];
	int n_own = 0;
	char path[32];
	snprintf(path, sizeof(path), "/proc/self/%s", name);
	FILE *f = fopen(path, "re");
	if (!f)
		return volt_err_sys(err, "read %s", path);
	while (n_own < 64 && fscanf(f, "%u %u %u", &own[n_own].inside, &own[n_own].outside, &own[n_own].count) == 3)
		n_own++;
	fclose(f);
	size_t used = 0;
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		int k;
		for (k = 0; k < n_own; k++)
			if (in[i].outside >= own[k].outside &&
			    (uint64_t)in[i].outside + in[i].count <= (uint64_t)own[k].outside + own[k].count)
				break;
		if (k == n_own)
			return volt_err_set(err, 0,
					    "config.json: %s: host ids %u-%u are not mapped in the container's user "
					    "namespace (%s)",
					    field, in[i].outside, in[i].outside + in[i].count - 1, name);
		used += (size_t)snprintf(out + used, len - used, "%u %u %u\n", in[i].inside,
					 own[k].inside + (in[i].outside - own[k].outside), in[i].count);
	}
	return 0;
}

static int write_file(pid_t pid, const char *name, const char *text, struct volt_err *err)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		return volt_err_sys(err, "write the idmapped mount's %s", name);
	return 0;
}

/* make_userns - a user namespace with the mount's maps; its fd */
static int make_userns(const struct volt_oci_mount *m, const char *field, struct volt_err *err)
{
	char umap[512], gmap[512];
	if (translate("uid_map", m->uids, m->n_uids, umap, sizeof(umap), field, err) < 0 ||
	    translate("gid_map", m->gids, m->n_gids, gmap, sizeof(gmap), field, err) < 0)
		return -1;
	int up[2], down[2];
	if (pipe2(up, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	if (pipe2(down, O_CLOEXEC) < 0) {
		close(up[0]);
		close(up[1]);
		return volt_err_sys(err, "pipe");
	}
	pid_t h = fork();
	if (h == 0) {
		/* the helper: its host pid (this /proc is still the host's), then
		 * wait until the maps are written and the namespace opened */
		char self[32] = "";
		close(up[0]);
		close(down[1]); /* else its own copy keeps the read below from EOF */
		ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
		self[n > 0 ? n : 0] = 0;
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		if (write(up[1], self, strlen(self) + 1) < 0)
			_exit(1);
		char c;
		(void)!read(down[0], &c, 1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	int fd = -1;
	char buf[32] = "";
	ssize_t n = h < 0 ? -1 : read(up[0], buf, sizeof(buf) - 1);
	if (n <= 0) {
		volt_err_set(err, 0, "config.json: %s: could not make the idmapped mount's user namespace", field);
	} else {
		pid_t hp = (pid_t)atoi(buf);
		char ns[64];
		snprintf(ns, sizeof(ns), "/proc/%d/ns/user", (int)hp);
		if (write_file(hp, "uid_map", umap, err) == 0 && write_file(hp, "gid_map", gmap, err) == 0 &&
		    (fd = open(ns, O_RDONLY | O_CLOEXEC)) < 0)
			volt_err_sys(err, "open %s", ns);
	}
	close(up[0]);
	close(down[1]);
	if (h > 0)
		waitpid(h, NULL, 0);
	return fd;
}

int volt_oci_idmapped_bind(int rootfd, const struct volt_oci_mount *m, size_t i, struct volt_err *err)
{
	struct volt_oci_mount_opts o;
	struct stat st;
	char field[64];
	snprintf(field, sizeof(field), "mounts[%zu]", i);
	if (volt_oci_mount_opts(m->options, &o, err) < 0)
		return -1;
	free(o.data);
	bool rec = o.rec || o.idmap == 2;
	if (stat(m->source, &st) < 0)
		return volt_err_sys(err, "config.json: %s: mount source %s", field, m->source);
	cleanup_close int userns = make_userns(m, field, err);
	if (userns < 0)
		return -1;
	cleanup_close int tree =
		(int)open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
	if (tree < 0)
		return volt_err_sys(err, "config.json: %s: clone the mount of %s", field, m->source);
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP | (o.flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
					      (o.flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
					      (o.flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
					      (o.flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0),
				  .userns_fd = (uint64_t)userns};
	if (mount_setattr(tree, "", AT_EMPTY_PATH | (rec ? AT_RECURSIVE : 0), &attr, sizeof(attr)) < 0) {
		int e = errno;
		return volt_err_set(err, 0, "config.json: %s: idmapped mount of %s on %s refused by the kernel: %s",
				    field, m->source, m->dest,
				    e == EPERM ?
					    "its file system belongs to a user namespace this one does not control "
					    "(unprivileged, only a file system mounted in the container's own "
					    "namespace, such as a tmpfs, can be idmapped)" :
				    e == EINVAL ? "its file system does not support idmapped mounts" :
						  strerror(e));
	}
	cleanup_close int dest = volt_oci_mount_target(rootfd, m->dest, !S_ISDIR(st.st_mode), err);
	if (dest < 0)
		return -1;
	if (move_mount(tree, "", dest, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return volt_err_sys(err, "config.json: %s: move the idmapped mount on %s", field, m->dest);
	return 0;
}
