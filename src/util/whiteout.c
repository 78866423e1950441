#include "util/whiteout.h"

#include <fcntl.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

enum volt_wh volt_whiteout_kind(const char *name, const struct stat *st, const char **target)
{
	size_t pl = strlen(WH_PREFIX);
	*target = NULL;
	if (strncmp(name, WH_PREFIX, pl) != 0) {
		if (!S_ISCHR(st->st_mode) || st->st_rdev != makedev(0, 0))
			return VOLT_WH_NONE;
		*target = name;
		return VOLT_WH_DELETED;
	}
	/* fuse-overlayfs' fallback whiteout is a regular file; its opaque
	 * marker and the devices it makes beside it are bookkeeping */
	if (!S_ISREG(st->st_mode) || !strcmp(name, WH_OPAQUE) || !name[pl])
		return VOLT_WH_META;
	*target = name + pl;
	return VOLT_WH_DELETED;
}

static bool xattr_yes(int fd, const char *key)
{
	char v[2];
	return fgetxattr(fd, key, v, sizeof(v)) == 1 && v[0] == 'y';
}

bool volt_dir_opaque(int fd)
{
	struct stat st;
	return xattr_yes(fd, "user.overlay.opaque") || xattr_yes(fd, "user.fuseoverlayfs.opaque") ||
	       fstatat(fd, WH_OPAQUE, &st, AT_SYMLINK_NOFOLLOW) == 0;
}
