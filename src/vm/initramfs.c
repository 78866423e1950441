#include "vm/initramfs.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "util/cleanup.h"
#include "util/fs.h"

int volt_initramfs_entry(struct archive *a, const char *path, mode_t mode, dev_t rdev, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	if (!e)
		return -1;
	archive_entry_set_pathname(e, path);
	archive_entry_set_mode(e, mode);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_nlink(e, S_ISDIR(mode) ? 2 : 1);
	if (rdev)
		archive_entry_set_rdev(e, rdev);
	archive_entry_set_size(e, S_ISREG(mode) ? (la_int64_t)len : 0);
	int r = archive_write_header(a, e);
	if (r == ARCHIVE_OK && S_ISREG(mode) && len && archive_write_data(a, data, len) != (la_ssize_t)len)
		r = ARCHIVE_FATAL;
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : -1;
}

/* host_file - a file of the host at path in the archive */
static int host_file(struct archive *a, const char *src, const char *path, mode_t mode, struct volt_err *err)
{
	cleanup_free char *data = NULL;
	size_t len;
	if (volt_read_file(src, 256u << 20, &data, &len, err) < 0)
		return -1;
	if (volt_initramfs_entry(a, path, S_IFREG | mode, 0, data, len) < 0)
		return volt_err_set(err, 0, "initramfs: add %s: %s", path, archive_error_string(a));
	return 0;
}

/* add_parents - the directories above path below top (a directory twice
 * in a cpio is harmless: the kernel's unpacker keeps the first) */
static int add_parents(struct archive *a, char *path, size_t top_len)
{
	for (char *s = strchr(path + top_len + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = volt_initramfs_entry(a, path, S_IFDIR | 0755, 0, NULL, 0);
		*s = '/';
		if (r < 0)
			return -1;
	}
	return 0;
}

/* add_modules - k's guest modules and their order (volt.load) */
static int add_modules(struct archive *a, const struct volt_kernel *k, struct volt_err *err)
{
	if (k->origin != VOLT_KERNEL_STORE || !k->modules)
		return 0;
	cleanup_free char *listfile = volt_path("%s.load", k->modules); /* <version>/modules.load */
	cleanup_free char *list = NULL;
	if (volt_read_file(listfile, 1u << 20, &list, NULL, err) < 0)
		return -1;
	cleanup_free char *top = volt_path("lib/modules/%s", k->version);
	if (volt_initramfs_entry(a, "lib", S_IFDIR | 0755, 0, NULL, 0) < 0 ||
	    volt_initramfs_entry(a, "lib/modules", S_IFDIR | 0755, 0, NULL, 0) < 0 ||
	    volt_initramfs_entry(a, top, S_IFDIR | 0755, 0, NULL, 0) < 0)
		return volt_err_set(err, 0, "initramfs: %s", archive_error_string(a));
	cleanup_free char *copy = strdup(list);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strstr(line, "..") || line[0] == '/')
			return volt_err_set(err, EINVAL, "%s: a module path outside the tree: %s", listfile, line);
		cleanup_free char *src = volt_path("%s/%s", k->modules, line);
		cleanup_free char *dst = volt_path("%s/%s", top, line);
		if (add_parents(a, dst, strlen(top)) < 0)
			return volt_err_set(err, 0, "initramfs: %s", archive_error_string(a));
		if (host_file(a, src, dst, 0644, err) < 0)
			return volt_err_prefix(err, "module");
	}
	cleanup_free char *load = volt_path("%s/volt.load", top);
	if (volt_initramfs_entry(a, load, S_IFREG | 0644, 0, list, strlen(list)) < 0)
		return volt_err_set(err, 0, "initramfs: add %s: %s", load, archive_error_string(a));
	return 0;
}

int volt_initramfs_agent(struct archive *a, const char *init, const struct volt_kernel *k, struct volt_err *err)
{
	if (volt_initramfs_entry(a, "dev", S_IFDIR | 0755, 0, NULL, 0) < 0 ||
	    volt_initramfs_entry(a, "dev/console", S_IFCHR | 0600, makedev(5, 1), NULL, 0) < 0 ||
	    volt_initramfs_entry(a, "proc", S_IFDIR | 0555, 0, NULL, 0) < 0 ||
	    volt_initramfs_entry(a, "sys", S_IFDIR | 0555, 0, NULL, 0) < 0)
		return volt_err_set(err, 0, "initramfs: %s", archive_error_string(a));
	if (host_file(a, init, "init", 0755, err) < 0)
		return volt_err_prefix(err, "the agent");
	return add_modules(a, k, err);
}

int volt_initramfs_write(const char *out, unsigned flags, const char *init, const struct volt_kernel *k,
			 volt_initramfs_fill fill, void *arg, struct volt_err *err)
{
	struct archive *a = archive_write_new();
	int r = -1;
	if (!a)
		return volt_err_set(err, ENOMEM, "initramfs %s", out);
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    ((flags & VOLT_INITRAMFS_ZSTD) && archive_write_add_filter_zstd(a) != ARCHIVE_OK) ||
	    archive_write_open_filename(a, out) != ARCHIVE_OK) {
		volt_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "write initramfs %s: %s", out,
			     archive_error_string(a));
		goto done;
	}
	if ((fill && fill(a, arg, err) < 0) || volt_initramfs_agent(a, init, k, err) < 0)
		goto done;
	if (archive_write_close(a) != ARCHIVE_OK) {
		volt_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "write initramfs %s: %s", out,
			     archive_error_string(a));
		goto done;
	}
	r = 0;
done:
	archive_write_free(a);
	return r;
}
