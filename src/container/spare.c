/* Emptied container directories, kept for the next container.
 *
 * Why: a container's directory, its upper/ and its work/ are three new inodes
 * per run, and the removal of a --rm container frees them again. On ext4
 * without a journal (these test hosts) a new inode is not cheap: the
 * allocator skips every inode freed in the last minute or more, so the cost
 * of a mkdir grows with the rate of runs (~0.1-0.25 ms each measured here).
 * The background remover of a --rm container (monitor.c) therefore empties
 * the directory down to upper/ and work/ and renames it into
 * $VOLT_ROOT/spare/N, and the next create renames it into place: a rename
 * allocates nothing. Overlayfs still makes its own four work inodes at every
 * mount; those cannot be kept.
 *
 * A spare is kept only when it is exactly what a new one would be: upper/ and
 * work/ empty directories of mode 0755 owned like the container directory
 * (mode 0700), modes as our umask makes them, with no extended attributes. A
 * container that changed its root directory (chmod, chown, setfacl, xattrs,
 * an opaque mark) changed upper/, and that directory is removed as before.
 * The one attribute overlayfs itself leaves on upper/, its uuid, is removed.
 * Renames are atomic and RENAME_NOREPLACE, so racing runs never share one:
 * the loser of a race finds the slot empty or taken and makes or removes its
 * own. */
#include "container/spare.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

bool volt_spare_take(const char *root, const char *dir)
{
	for (int i = 0; i < VOLT_SPARE_SLOTS; i++) {
		cleanup_free char *p = volt_path("%s/spare/%d", root, i);
		if (renameat2(AT_FDCWD, p, AT_FDCWD, dir, RENAME_NOREPLACE) == 0)
			return true;
		if (errno != ENOENT)
			return false; /* no spare directory, another file system, ... */
	}
	return false;
}

bool volt_spare_check(int dfd, unsigned mode, unsigned uid, unsigned gid)
{
	struct stat st;
	char c;

	if (fstat(dfd, &st) < 0 || !S_ISDIR(st.st_mode) || (st.st_mode & 07777) != mode || st.st_uid != uid ||
	    st.st_gid != gid)
		return false;
	/* flistxattr with a 1-byte buffer: 0 means none; anything else
	 * (a name, ERANGE) means some */
	return flistxattr(dfd, &c, 1) == 0;
}

/* empty_sub - empty dir/name, and keep it only when it is as new (mode
 * 0755 under umask um, owned like top) */
static bool empty_sub(int dfd, const char *name, const struct stat *top, unsigned um)
{
	struct volt_err ignored;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	/* overlayfs names its upper layer at the first mount (the mount is
	 * made with userxattr); the next one names it anew */
	fremovexattr(fd, "user.overlay.uuid");
	bool ok = volt_empty_dir_fd(fd, &ignored) == 0 && volt_spare_check(fd, 0755 & ~um, top->st_uid, top->st_gid);
	close(fd);
	return ok;
}

bool volt_spare_give(const char *root, const char *dir)
{
	struct volt_err ignored;
	struct stat top;
	bool upper = false, work = false;
	unsigned um = umask(0); /* the modes mkdir gives here */
	umask(um);

	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return false;
	if (fstat(dfd, &top) < 0 || (top.st_mode & 07777) != (0700 & ~um)) {
		close(dfd);
		return false;
	}
	/* everything but upper/ and work/ goes (the log, /etc files) */
	cleanup_dir DIR *d = fdopendir(fcntl(dfd, F_DUPFD_CLOEXEC, 0));
	struct dirent *e;
	bool ok = d != NULL;
	while (ok && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!strcmp(e->d_name, "upper"))
			ok = upper = empty_sub(dfd, "upper", &top, um);
		else if (!strcmp(e->d_name, "work"))
			ok = work = empty_sub(dfd, "work", &top, um);
		else
			ok = volt_rm_rf_at(dfd, e->d_name, &ignored) == 0;
	}
	close(dfd);
	if (!ok || !upper || !work)
		return false;
	cleanup_free char *spare = volt_path("%s/spare", root);
	if (mkdir(spare, 0700) < 0 && errno != EEXIST)
		return false;
	for (int i = 0; i < VOLT_SPARE_SLOTS; i++) {
		cleanup_free char *p = volt_path("%s/%d", spare, i);
		if (renameat2(AT_FDCWD, dir, AT_FDCWD, p, RENAME_NOREPLACE) == 0)
			return true;
		if (errno != EEXIST)
			return false;
	}
	return false;
}
