/* The gc lock: what keeps `volt cas gc` from removing the objects of an import
 * or pull that is still running.
 *
 * Theory of operation. gc decides reachability from the tree manifests in
 * refs/. A writer stores its objects first and saves its ref last, so between
 * its first object and its ref the objects look unreferenced. Every writer
 * therefore holds a shared flock(2) on cas/gc.lock for that whole window (and
 * through the checkout, which adds metadata variants); gc takes the same lock
 * exclusively, so it waits for running writers and writers started during gc
 * wait for it. flock is released by the kernel when the holder dies, so a
 * killed pull never wedges gc; what it left behind is unreferenced and the
 * next gc removes it. Writers run inside a user namespace child: flock does
 * not care about namespaces. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "cas/store.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* volt_cas_lock - take cas/gc.lock shared (writers) or exclusive (gc).
 * @cas: the open store; @exclusive: gc; @err: filled on failure.
 * Return: 0 when held (a second call while held is a no-op), -1 on error.
 * Blocks: a writer waits for a gc in progress and gc for every writer. */
int volt_cas_lock(struct volt_cas *cas, bool exclusive, struct volt_err *err)
{
	cleanup_free char *path = NULL;
	int fd;

	if (cas->lock_fd >= 0)
		return 0;
	path = volt_path("%s/gc.lock", cas->dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return volt_err_sys(err, "open %s", path);
	while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
		if (errno == EINTR)
			continue;
		close(fd);
		return volt_err_sys(err, "lock %s", path);
	}
	cas->lock_fd = fd;
	return 0;
}

/* volt_cas_trylock_exclusive - the gc lock exclusively, without waiting.
 * Return: 0 held, 1 when a writer or a gc holds it, -1 on error. */
int volt_cas_trylock_exclusive(struct volt_cas *cas, struct volt_err *err)
{
	if (cas->lock_fd >= 0)
		return 0;
	cleanup_free char *path = volt_path("%s/gc.lock", cas->dir);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return volt_err_sys(err, "open %s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		if (e == EWOULDBLOCK)
			return 1;
		errno = e;
		return volt_err_sys(err, "lock %s", path);
	}
	cas->lock_fd = fd;
	return 0;
}

/* volt_cas_unlock - release the gc lock if this handle holds it. */
void volt_cas_unlock(struct volt_cas *cas)
{
	if (cas->lock_fd >= 0) {
		close(cas->lock_fd);
		cas->lock_fd = -1;
	}
}
