/* Copying files in and out of a container (`volt cp`, `volt export`): a
 * source (a path under a root fd, or a tar stream) feeds a sink (a path under
 * a root fd, or a tar stream). Every path of a root is resolved with
 * openat2(RESOLVE_IN_ROOT) (util/rootpath.h), and what a walk finds below it
 * is opened entry by entry with O_NOFOLLOW: `..` and symlinks, absolute or
 * not, never lead out of the root. Runs as root of the container's user
 * namespace (container/rootview.h), so owners are the container's ids. */
#ifndef VOLT_CONTAINER_COPY_H
#define VOLT_CONTAINER_COPY_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

struct volt_copy_opts {
	/* the owner of what is created: (uid_t)-1 keeps the source's (cp -a);
	 * else these ids, as the namespace numbers them */
	uid_t uid;
	gid_t gid;
	bool follow; /* -L: follow a symlink named as the source */
		     /* a walk stays on the file system of the directory it enters
	 * (a mount point inside is listed, not entered) */
	/* where the bytes of the regular files a path sink writes are added
	 * (NULL: not counted); `volt cp`'s summary line */
	unsigned long long *bytes;
};

/* volt_copy_fs_to_fs - docker cp's rules: src (under src_root) to dst (under
 * dst_root). A file onto a missing path becomes that path; into a directory,
 * it keeps its name; a directory onto a missing path becomes it, into a
 * directory it goes inside, unless src ends in "/." (its contents then). */
int volt_copy_fs_to_fs(int src_root, const char *src, int dst_root, const char *dst, const struct volt_copy_opts *o,
		       struct volt_err *err);
/* volt_copy_fs_to_tar - src as a tar stream on out_fd, named by its base name
 * (its contents for "/." or "/"; the whole root for export). */
int volt_copy_fs_to_tar(int src_root, const char *src, int out_fd, const struct volt_copy_opts *o,
			struct volt_err *err);
/* volt_copy_tar_to_fs - extract the tar stream (any compression libarchive
 * reads) of in_fd into the directory dst; entries with ".." are refused. */
int volt_copy_tar_to_fs(int in_fd, int dst_root, const char *dst, const struct volt_copy_opts *o, struct volt_err *err);

#endif
