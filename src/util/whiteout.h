/* What an overlay upper layer's entries mean (util/whiteout.c), as `volt
 * diff` and `volt commit` read them: the native overlay's (userxattr mode:
 * a 0/0 character device, user.overlay.opaque) and fuse-overlayfs's (which
 * also writes ".wh.NAME" files where it cannot make a device node, its own
 * opaque xattr, and a ".wh..wh..opq" file in an opaque directory). */
#ifndef VOLT_UTIL_WHITEOUT_H
#define VOLT_UTIL_WHITEOUT_H

#include <stdbool.h>
#include <sys/stat.h>

enum volt_wh {
	VOLT_WH_NONE,	 /* a file of the container */
	VOLT_WH_DELETED, /* a whiteout: the lower layers' *target is deleted */
	VOLT_WH_META,	 /* the overlay's bookkeeping, no file of the container */
};

/* volt_whiteout_kind - the entry name (its lstat st) of an upper directory.
 * *target: for VOLT_WH_DELETED, the name deleted (name itself for a 0/0
 * device, NAME for ".wh.NAME"). Any other ".wh." entry is VOLT_WH_META: as
 * in an OCI layer, no file of the container can have such a name. */
enum volt_wh volt_whiteout_kind(const char *name, const struct stat *st, const char **target);
/* volt_dir_opaque - the upper directory fd hides what the lower layers have
 * at its path: user.overlay.opaque=y, user.fuseoverlayfs.opaque=y, or a
 * ".wh..wh..opq" entry */
bool volt_dir_opaque(int fd);

#endif
