/* Unpacking oci-archive and docker-archive tarballs into a private work
 * directory under $VOLT_ROOT/cas/tmp.
 *
 * Only directories, regular files and symbolic links are created (old
 * `docker save` links duplicate layer.tar files); anything else is refused.
 * Entry names with ".." are refused, every parent is resolved with
 * openat2(RESOLVE_IN_ROOT) from the work directory, and the final component
 * is created with O_EXCL / mkdirat / symlinkat, which never follow a link:
 * so an archive cannot write outside the work directory, whatever its
 * symlinks say. Later reads of the unpacked files resolve in the same root.
 * The work directory is removed by volt_image_source_close. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/tree.h"
#include "image/source_int.h"
#include "util/archive_cleanup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/rootpath.h"

/* open_parent - an O_PATH fd of the directory holding path (created as
 * needed), *base the last component. */
static int open_parent(int rootfd, char *path, const char **base, struct volt_err *err)
{
	char *slash = strrchr(path, '/');
	if (!slash) {
		*base = path;
		return volt_rootfs_open(rootfd, "/", O_PATH | O_DIRECTORY, 0);
	}
	*slash = '\0';
	*base = slash + 1;
	int fd = volt_rootfs_mkdir_p(rootfd, path, err);
	*slash = '/';
	return fd;
}

/* copy_data - the entry's content (sparse blocks at their offsets) into fd. */
static int copy_data(struct archive *a, int fd, const char *name, struct volt_err *err)
{
	const void *buf;
	size_t len;
	la_int64_t off, pos = 0;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK) {
		if (off != pos && lseek(fd, off, SEEK_SET) < 0)
			return volt_err_sys(err, "entry \"%s\": seek", name);
		for (size_t done = 0; done < len;) {
			ssize_t n = write(fd, (const char *)buf + done, len - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return volt_err_sys(err, "entry \"%s\": write", name);
			done += (size_t)n;
		}
		pos = off + (la_int64_t)len;
	}
	if (r != ARCHIVE_EOF)
		return volt_err_set(err, EINVAL, "entry \"%s\": %s", name, archive_error_string(a));
	/* a sparse file's trailing hole */
	if (ftruncate(fd, pos) < 0 && errno != EINVAL)
		return volt_err_sys(err, "entry \"%s\": truncate", name);
	return 0;
}

/* unpack_entry - create one archive entry below rootfd, or refuse it. */
static int unpack_entry(int rootfd, struct archive *a, struct archive_entry *ae, struct volt_err *err)
{
	const char *raw = archive_entry_pathname(ae);
	cleanup_free char *path = NULL;
	struct volt_err nerr;
	const char *base;
	mode_t type = archive_entry_filetype(ae);

	if (!raw)
		return volt_err_set(err, EINVAL, "entry without a name");
	path = volt_tree_normalize(raw, &nerr);
	if (!path)
		return volt_err_set(err, EINVAL, "entry \"%s\": path contains \"..\"", raw);
	if (!path[0])
		return 0; /* "./" */
	if (archive_entry_hardlink(ae))
		return volt_err_set(err, EINVAL, "entry \"%s\": hardlinks are not supported in image archives", raw);
	cleanup_close int dirfd = open_parent(rootfd, path, &base, err);
	if (dirfd < 0)
		return volt_err_prefix(err, "entry \"%s\"", raw);
	switch (type) {
	case AE_IFDIR:
		if (mkdirat(dirfd, base, 0700) < 0 && errno != EEXIST)
			return volt_err_sys(err, "entry \"%s\": mkdir", raw);
		return 0;
	case AE_IFREG: {
		cleanup_close int fd = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return volt_err_sys(err, "entry \"%s\": create", raw);
		return copy_data(a, fd, raw, err);
	}
	case AE_IFLNK:
		if (!archive_entry_symlink(ae) || symlinkat(archive_entry_symlink(ae), dirfd, base) < 0)
			return volt_err_sys(err, "entry \"%s\": symlink", raw);
		return 0;
	default:
		return volt_err_set(err, EINVAL,
				    "entry \"%s\": only files, directories and symlinks belong in an image archive",
				    raw);
	}
}

int src_unpack_archive(struct volt_image_source *src, const char *cas_dir, struct volt_err *err)
{
	struct archive_entry *ae;
	cleanup_close int fd = open(src->path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return volt_err_sys(err, "open %s", src->path);
	src->workdir = volt_path("%s/tmp/src-XXXXXX", cas_dir);
	if (!mkdtemp(src->workdir)) {
		volt_err_sys(err, "create %s", src->workdir);
		free(src->workdir);
		src->workdir = NULL;
		return -1;
	}
	src->rootfd = open(src->workdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src->rootfd < 0)
		return volt_err_sys(err, "open %s", src->workdir);
	/* after fd: freed before it is closed */
	cleanup_archive_read struct archive *a = archive_read_new();
	if (!a)
		return volt_err_set(err, ENOMEM, "archive");
	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	if (archive_read_open_fd(a, fd, 1 << 17) != ARCHIVE_OK)
		return volt_err_set(err, EINVAL, "%s: %s", src->path, archive_error_string(a));
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN)
		if (unpack_entry(src->rootfd, a, ae, err) < 0)
			return volt_err_prefix(err, "%s", src->path);
	if (r != ARCHIVE_EOF)
		return volt_err_set(err, EINVAL, "%s: %s", src->path,
				    archive_error_string(a) ? archive_error_string(a) : "not a tar archive");
	return 0;
}
