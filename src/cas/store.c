#include "cas/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

int volt_cas_open(struct volt_cas *cas, const char *volt_root, struct volt_err *err)
{
	static const char *subdirs[] = {"objects", "refs", "checkouts", "tmp"};
	cleanup_free char *o = NULL, *t = NULL;

	memset(cas, 0, sizeof(*cas));
	cas->objects_fd = cas->tmp_fd = cas->lock_fd = -1;
	cas->dir = volt_path("%s/cas", volt_root);
	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		cleanup_free char *p = volt_path("%s/%s", cas->dir, subdirs[i]);
		if (volt_mkdir_p(p, 0700, err) < 0)
			goto fail;
	}
	o = volt_path("%s/objects", cas->dir);
	t = volt_path("%s/tmp", cas->dir);
	cas->objects_fd = open(o, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cas->tmp_fd = open(t, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cas->objects_fd < 0 || cas->tmp_fd < 0) {
		volt_err_sys(err, "open %s", cas->dir);
		goto fail;
	}
	return 0;
fail:
	volt_cas_close(cas);
	return volt_err_prefix(err, "open store");
}

void volt_cas_close(struct volt_cas *cas)
{
	if (cas->objects_fd >= 0)
		close(cas->objects_fd);
	if (cas->tmp_fd >= 0)
		close(cas->tmp_fd);
	volt_cas_unlock(cas);
	free(cas->dir);
	memset(cas, 0, sizeof(*cas));
	cas->objects_fd = cas->tmp_fd = cas->lock_fd = -1;
}

void volt_cas_object_rel(const char *digest, char *buf, size_t len)
{
	snprintf(buf, len, "%.2s/%s", digest, digest);
}

int volt_cas_has_object(struct volt_cas *cas, const char *digest)
{
	char rel[80];
	volt_cas_object_rel(digest, rel, sizeof(rel));
	return faccessat(cas->objects_fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

int volt_cas_writer_begin(struct volt_cas *cas, struct volt_cas_writer *w, struct volt_err *err)
{
	char rnd[17];

	memset(w, 0, sizeof(*w));
	w->cas = cas;
	volt_random_hex(rnd, 8);
	snprintf(w->tmpname, sizeof(w->tmpname), "obj-%s", rnd);
	w->fd = openat(cas->tmp_fd, w->tmpname, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return volt_err_sys(err, "create object in %s/tmp", cas->dir);
	if (volt_sha256_init(&w->sha) < 0) {
		close(w->fd);
		unlinkat(cas->tmp_fd, w->tmpname, 0);
		return volt_err_set(err, ENOMEM, "sha256");
	}
	return 0;
}

int volt_cas_writer_write(struct volt_cas_writer *w, const void *buf, size_t len, struct volt_err *err)
{
	const char *p = buf;
	volt_sha256_update(&w->sha, buf, len);
	w->size += (int64_t)len;
	while (len) {
		ssize_t n = write(w->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return volt_err_sys(err, "write object");
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void volt_cas_writer_abort(struct volt_cas_writer *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		unlinkat(w->cas->tmp_fd, w->tmpname, 0);
		w->fd = -1;
	}
	if (w->sha.ctx)
		volt_sha256_abort(&w->sha);
}

int volt_cas_writer_commit(struct volt_cas_writer *w, int exec, char digest_out[VOLT_SHA256_HEX], struct volt_err *err)
{
	char rel[80], dir[3];

	volt_sha256_final(&w->sha, digest_out);
	volt_cas_object_rel(digest_out, rel, sizeof(rel));
	if (faccessat(w->cas->objects_fd, rel, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
		volt_cas_writer_abort(w); /* already stored: dedup */
		return 0;
	}
	if (fchmod(w->fd, exec ? 0755 : 0644) < 0) {
		volt_err_sys(err, "chmod object");
		volt_cas_writer_abort(w);
		return -1;
	}
	close(w->fd);
	w->fd = -1;
	memcpy(dir, digest_out, 2);
	dir[2] = '\0';
	if (mkdirat(w->cas->objects_fd, dir, 0700) < 0 && errno != EEXIST) {
		volt_err_sys(err, "mkdir objects/%s", dir);
		unlinkat(w->cas->tmp_fd, w->tmpname, 0);
		return -1;
	}
	/* renameat2 NOREPLACE: a concurrent writer of the same content wins, ours goes */
	if (renameat2(w->cas->tmp_fd, w->tmpname, w->cas->objects_fd, rel, RENAME_NOREPLACE) < 0) {
		int e = errno;
		unlinkat(w->cas->tmp_fd, w->tmpname, 0);
		if (e != EEXIST)
			return volt_err_set(err, e, "store object %s", digest_out);
	}
	return 0;
}
