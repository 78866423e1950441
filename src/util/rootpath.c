/* Paths under a root directory fd (an image, a checkout, a container's
 * root): every component resolves with openat2(RESOLVE_IN_ROOT), so a symlink
 * an image planted can never lead out of that root. */
#include "util/rootpath.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/syscalls.h"

int volt_rootfs_open_how(int rootfd, const char *path, int flags, mode_t mode, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
	};
	while (*path == '/')
		path++;
	return volt_openat2(rootfd, *path ? path : ".", &how);
}

int volt_rootfs_open(int rootfd, const char *path, int flags, mode_t mode)
{
	return volt_rootfs_open_how(rootfd, path, flags, mode, 0);
}

int volt_rootfs_mkdir_p(int rootfd, const char *path, struct volt_err *err)
{
	cleanup_free char *p = strdup(path);
	cleanup_free char *sofar = calloc(1, strlen(path) + 2);
	int fd = volt_rootfs_open(rootfd, "/", O_PATH | O_DIRECTORY, 0);

	if (fd < 0)
		return volt_err_sys(err, "open container root");
	for (char *tok = strtok(p, "/"); tok; tok = strtok(NULL, "/")) {
		if (mkdirat(fd, tok, 0755) < 0 && errno != EEXIST) {
			volt_err_sys(err, "mkdir %s in the container", path);
			close(fd);
			return -1;
		}
		strcat(sofar, "/");
		strcat(sofar, tok);
		close(fd);
		/* resolve from the root each time: a symlink the image planted
		 * (/var/run -> /run) is followed, but never out of the root */
		fd = volt_rootfs_open(rootfd, sofar, O_PATH | O_DIRECTORY, 0);
		if (fd < 0)
			return volt_err_sys(err, "open %s in the container", sofar);
	}
	return fd;
}
