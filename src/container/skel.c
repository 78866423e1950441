/* The mount-point skeleton: a lower layer for the directories the runtime
 * mounts on and the image lacks.
 *
 * Theory of operation: the root file system code (rootfs.c) mounts proc,
 * sysfs and a tmpfs on /proc, /sys and /dev, creating those directories when
 * the image has none (busybox-like and scratch images). Through the overlay
 * that creation lands in the container's upper layer: three new directories
 * on every start, deleted again with the container, and on a file system
 * where a new inode is the dearest operation of a short run (ext4 scans for
 * recently freed inodes) they cost more than the mounts themselves.
 *
 * The same goes for the files bound on /etc/hosts, /etc/hostname and
 * /etc/resolv.conf: an image without them had an etc/ copied up and three
 * files created in the upper layer on every start.
 *
 * So the missing ones come from a skeleton directory instead,
 * $VOLT_ROOT/cache/skel-<what>, holding just those empty entries: made
 * once (a temporary directory renamed into place, so concurrent starts agree)
 * and shared by every container that lacks the same set, it goes on top of
 * the image as a second, read-only lower layer. An entry the image has, of
 * whatever type, is never shadowed. A directory present in both layers shows
 * the attributes of the topmost one: the root directory's come from the
 * upper layer as before; the skeleton's etc/ copies the mode and times of the
 * image's /etc and is used only where that one is the invoking user's (the
 * container's root, in every id map volt makes), so nothing the container
 * sees changes. The mount points are covered by their mounts anyway. */
#include "container/skel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

static const char *const skel_dirs[] = {"dev", "proc", "sys"};
static const char *const skel_etc[] = {"hosts", "hostname", "resolv.conf"};

struct skel {
	char key[160];	 /* the cache name: what it holds */
	bool dir[3];	 /* skel_dirs missing in the image */
	bool file[3];	 /* skel_etc missing in the image's /etc */
	bool etc;	 /* an etc/ holding those files */
	mode_t etc_mode; /* the image's /etc (0755 if it has none) */
	struct timespec etc_mtime;
};

/* skel_make - create the skeleton k describes at dir. Another start may make
 * the same one meanwhile: whoever renames first wins, the other removes its
 * copy. Returns 0 or -1. */
static int skel_make(const char *cache, const char *dir, const struct skel *k)
{
	struct volt_err ignored;
	cleanup_free char *tmp = volt_path("%s.tmp-XXXXXX", dir);

	if (!tmp || volt_mkdir_p(cache, 0700, &ignored) < 0 || !mkdtemp(tmp))
		return -1;
	if (chmod(tmp, 0755) < 0)
		goto fail;
	/* chmod: the modes an image has, whatever the umask */
	for (size_t i = 0; i < ARRAY_SIZE(skel_dirs); i++) {
		cleanup_free char *p = volt_path("%s/%s", tmp, skel_dirs[i]);
		if (k->dir[i] && (mkdir(p, 0755) < 0 || chmod(p, 0755) < 0))
			goto fail;
	}
	if (k->etc) {
		cleanup_free char *etc = volt_path("%s/etc", tmp);
		if (mkdir(etc, 0755) < 0)
			goto fail;
		for (size_t i = 0; i < ARRAY_SIZE(skel_etc); i++) {
			cleanup_free char *p = volt_path("%s/%s", etc, skel_etc[i]);
			int fd = k->file[i] ? open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -2;
			if (fd == -1 || (fd >= 0 && (fchmod(fd, 0644) < 0 || close(fd) < 0)))
				goto fail;
		}
		/* the merged /etc shows the attributes of its topmost layer,
		 * this one: the image's mode and time (its owner is ours, see
		 * skel_scan) */
		struct timespec ts[2] = {k->etc_mtime, k->etc_mtime};
		if (chmod(etc, k->etc_mode) < 0 || utimensat(AT_FDCWD, etc, ts, 0) < 0)
			goto fail;
	}
	if (rename(tmp, dir) == 0)
		return 0;
	volt_rm_rf(tmp, &ignored);
	return access(dir, F_OK) == 0 ? 0 : -1; /* ENOTEMPTY: someone else's is there */
fail:
	volt_rm_rf(tmp, &ignored);
	return -1;
}

/* missing - 1 when path is certainly not there. An error of another kind
 * (a FUSE view gone) counts as there: the image is left as it is. */
static bool missing(const char *lower, const char *name)
{
	struct stat st;
	cleanup_free char *p = volt_path("%s/%s", lower, name);
	return lstat(p, &st) < 0 && errno == ENOENT;
}

/* skel_scan - what the image at lower lacks, into k. The /etc files count
 * only where /etc is a directory of ours (the container root's) or absent,
 * so that the skeleton's etc/ is indistinguishable from the image's. */
static void skel_scan(const char *lower, struct skel *k)
{
	struct stat st;
	cleanup_free char *etc = volt_path("%s/etc", lower);
	size_t len = 0;

	memset(k, 0, sizeof(*k));
	for (size_t i = 0; i < ARRAY_SIZE(skel_dirs); i++)
		if ((k->dir[i] = missing(lower, skel_dirs[i])))
			len += (size_t)snprintf(k->key + len, sizeof(k->key) - len, "%s%s", len ? "-" : "",
						skel_dirs[i]);
	if (lstat(etc, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || st.st_gid != getgid())
			return;
		k->etc_mode = st.st_mode & 07777;
		k->etc_mtime = st.st_mtim;
	} else if (errno == ENOENT) {
		k->etc_mode = 0755; /* and the time of its making */
		k->etc_mtime.tv_nsec = UTIME_OMIT;
	} else {
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(skel_etc); i++) {
		cleanup_free char *name = volt_path("etc/%s", skel_etc[i]);
		if ((k->file[i] = missing(lower, name)))
			k->etc = true;
	}
	if (k->etc) /* the mode and time of the image's /etc: its identity here */
		snprintf(k->key + len, sizeof(k->key) - len, "%setc%d%d%d-%o-%lld.%09ld", len ? "-" : "", k->file[0],
			 k->file[1], k->file[2], (unsigned)k->etc_mode, (long long)k->etc_mtime.tv_sec,
			 k->etc_mtime.tv_nsec);
}

int volt_skel_apply(const char *root, struct volt_spec *s)
{
	struct skel k;

	if (!s->lower || strchr(s->lower, ':'))
		return 0; /* no image, or already stacked */
	skel_scan(s->lower, &k);
	if (!k.key[0])
		return 0;
	cleanup_free char *cache = volt_path("%s/cache", root);
	cleanup_free char *dir = volt_path("%s/skel-%s", cache, k.key);
	if (access(dir, F_OK) < 0 && skel_make(cache, dir, &k) < 0)
		return -1; /* the start goes on without: rootfs.c creates them */
	char *lower = volt_path("%s:%s", dir, s->lower);
	if (!lower)
		return -1;
	free(s->lower);
	s->lower = lower;
	return 1;
}
