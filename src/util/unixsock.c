#include "util/unixsock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* addr - sa for path; *dirfd is the directory kept open for a long one
 * (-1 otherwise; the caller closes it) */
static int addr(const char *path, struct sockaddr_un *sa, int *dirfd, struct volt_err *err)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	*dirfd = -1;
	if (strlen(path) < sizeof(sa->sun_path)) {
		strcpy(sa->sun_path, path);
		return 0;
	}
	const char *slash = strrchr(path, '/');
	if (!slash || strlen(slash + 1) + 32 >= sizeof(sa->sun_path))
		return volt_err_set(err, ENAMETOOLONG, "socket %s", path);
	cleanup_free char *dir = strndup(path, (size_t)(slash - path));
	*dirfd = open(dir && *dir ? dir : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return volt_err_sys(err, "socket %s: open its directory", path);
	snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", *dirfd, slash + 1);
	return 0;
}

int volt_unix_connect(const char *path, struct volt_err *err)
{
	struct sockaddr_un sa;
	cleanup_close int dirfd = -1;
	if (addr(path, &sa, &dirfd, err) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return volt_err_sys(err, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		volt_err_sys(err, "connect to %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

int volt_unix_listen(const char *path, int backlog, struct volt_err *err)
{
	struct sockaddr_un sa;
	cleanup_close int dirfd = -1;
	if (addr(path, &sa, &dirfd, err) < 0)
		return -1;
	unlink(path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return volt_err_sys(err, "socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, backlog) < 0) {
		volt_err_sys(err, "listen on %s", path);
		close(fd);
		return -1;
	}
	return fd;
}
