/* The lower layer of a container's root file system, from the CAS: the
 * hardlinked checkout, or the FUSE view of the image.
 *
 * Theory of operation (FUSE). One FUSE server per image serves all of its
 * containers: it is mounted on first use under runroot/fuse/<image-id> by a
 * daemonized `volt cas mount --host-ids` (the same binary, re-executed, so
 * that nothing of this process - the state database, stdio - leaks into the
 * daemon), and stays until `volt cas umount` or reboot. It is mounted in the
 * user's own mount namespace, so every container's mount namespace (a copy
 * made at clone) sees it; overlayfs inside the container's user namespace
 * takes it as lowerdir and accesses it with the mounter's credentials, which
 * are the user's: the only ones a FUSE mount without allow_other admits. The
 * server translates the manifest's owners to host ids through the user's id
 * map, so inside the container they read back as the manifest says. A lock
 * file serialises concurrent first uses; a dead mount (server gone) is
 * lazily unmounted and mounted again. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cas/fuse.h"
#include "cas/sha256.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* (kept here, not in fuse.c, so that volt itself need not link libfuse3) */
/* volt_cas_fuse_umount - see fuse.h; fusermount3 is setuid, so this must not
 * run inside a user namespace. */
int volt_cas_fuse_umount(const char *dir, struct volt_err *err)
{
	int status;
	pid_t pid = fork();
	if (pid < 0)
		return volt_err_sys(err, "fork");
	if (pid == 0) {
		execlp("fusermount3", "fusermount3", "-u", "-q", dir, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return volt_err_sys(err, "wait for fusermount3");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return volt_err_set(err, 0, "umount %s: fusermount3 -u failed%s", dir,
				    WIFEXITED(status) && WEXITSTATUS(status) == 127 ? " (not installed)" : "");
	return 0;
}

/* volt_cas_fuse_is_mounted - see fuse.h; statfs tells a FUSE mount by its magic. */
int volt_cas_fuse_is_mounted(const char *dir)
{
	struct statfs sf;
	if (statfs(dir, &sf) < 0)
		return errno == ENOTCONN ? -1 : 0;
	return sf.f_type == FUSE_SUPER_MAGIC ? 1 : 0;
}

/* mount_view - run `volt cas mount --host-ids ID DIR` and wait for its
 * daemonizing parent: exit 0 means the mount is in place */
static int mount_view(struct volt_ctx *ctx, const char *image_id, const char *dir, struct volt_err *err)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	int status;
	pid_t pid;

	if (n < 0)
		return volt_err_sys(err, "find the volt binary");
	self[n] = '\0';
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return volt_err_sys(err, "fork");
	if (pid == 0) {
		execl(self, "volt", "--root", ctx->root, "--runroot", ctx->runroot, "cas", "mount", "--host-ids",
		      image_id, dir, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return volt_err_sys(err, "wait for the FUSE server");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return volt_err_set(err, 0, "the FUSE server for image %.12s did not start", image_id);
	return 0;
}

/* volt_cas_lower - see fuse.h. The per-image lock makes concurrent first uses
 * mount once; a dead mount (ENOTCONN) is unmounted and mounted again. */
int volt_cas_lower(struct volt_ctx *ctx, const char *mode, const char *image_id, char **lower, struct volt_err *err)
{
	cleanup_free char *base = NULL, *dir = NULL, *lockp = NULL;
	cleanup_close int lfd = -1;

	if (!mode || !*mode)
		mode = getenv("VOLT_ROOTFS_LOWER");
	if (!mode || !*mode)
		mode = VOLT_CAS_LOWER_DEFAULT;
	if (!strcmp(mode, "checkout"))
		return 0; /* *lower already is the checkout */
	if (strcmp(mode, "fuse"))
		return volt_err_set(err, EINVAL, "--rootfs-lower %s: use checkout or fuse", mode);
	base = volt_path("%s/fuse", ctx->runroot);
	dir = volt_path("%s/%s", base, image_id);
	lockp = volt_path("%s/%s.lock", base, image_id);
	if (volt_mkdir_p(dir, 0700, err) < 0)
		return -1;
	lfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lfd < 0 || flock(lfd, LOCK_EX) < 0)
		return volt_err_sys(err, "lock %s", lockp);
	int m = volt_cas_fuse_is_mounted(dir);
	if (m < 0) {
		struct volt_err ignored;
		volt_cas_fuse_umount(dir, &ignored);
	}
	if (m <= 0 && mount_view(ctx, image_id, dir, err) < 0)
		return -1;
	free(*lower);
	*lower = steal_ptr(dir);
	return 0;
}

/* volt_cas_lower_prune - see fuse.h. */
void volt_cas_lower_prune(struct volt_ctx *ctx, bool dry_run, void (*cb)(const char *id, void *arg), void *arg)
{
	cleanup_free char *base = volt_path("%s/fuse", ctx->runroot);
	cleanup_dir DIR *d = opendir(base);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		if (strlen(de->d_name) != 64 || !volt_sha256_is_hex(de->d_name))
			continue;
		cleanup_free char *ref = volt_path("%s/cas/refs/%s.tree", ctx->root, de->d_name);
		cleanup_free char *dir = volt_path("%s/%s", base, de->d_name);
		if (access(ref, F_OK) == 0 || volt_cas_fuse_is_mounted(dir) == 0)
			continue;
		if (cb)
			cb(de->d_name, arg);
		if (!dry_run) {
			struct volt_err ignored;
			volt_cas_fuse_umount(dir, &ignored);
		}
	}
}
