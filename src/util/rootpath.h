/* Paths under a root directory fd, resolved with openat2(RESOLVE_IN_ROOT):
 * an image's symlinks can never point outside its root. */
#ifndef VOLT_UTIL_ROOTPATH_H
#define VOLT_UTIL_ROOTPATH_H

#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

/* volt_rootfs_open - openat2 RESOLVE_IN_ROOT under rootfd (flags | O_CLOEXEC). */
int volt_rootfs_open(int rootfd, const char *path, int flags, mode_t mode);
/* volt_rootfs_open_how - volt_rootfs_open with more RESOLVE_* bits (a
 * checkout adds RESOLVE_NO_SYMLINKS: it follows none at all). */
int volt_rootfs_open_how(int rootfd, const char *path, int flags, mode_t mode, uint64_t resolve);
/* volt_rootfs_mkdir_p - create path under rootfd, each component resolved in
 * the root; returns an O_PATH fd of the directory. */
int volt_rootfs_mkdir_p(int rootfd, const char *path, struct volt_err *err);

#endif
