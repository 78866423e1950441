/* Unit tests for vm/initramfs.c: the one writer of a microVM's initramfs
 * (probe, image, file-list and disk appliances use it): what fill adds
 * comes first, then /dev/console, /proc, /sys, the agent as /init and a
 * store kernel's modules with volt.load; zstd when asked; a failing fill
 * fails the write. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/initramfs.h"

static char dir[] = "/tmp/volt-test-initramfs-XXXXXX";

static int setup(void **state)
{
	struct volt_err err;
	if (!mkdtemp(dir))
		return -1;
	cleanup_free char *init = volt_path("%s/volt-init", dir);
	cleanup_free char *mods = volt_path("%s/6.1.0-test", dir);
	cleanup_free char *sub = volt_path("%s/kernel", mods);
	cleanup_free char *ko = volt_path("%s/kernel/virtio.ko", mods);
	cleanup_free char *load = volt_path("%s.load", mods);
	if (volt_write_file_atomic(init, "AGENT", 5, 0755, &err) < 0 || mkdir(mods, 0755) < 0 || mkdir(sub, 0755) < 0 ||
	    volt_write_file_atomic(ko, "MODULE", 6, 0644, &err) < 0 ||
	    volt_write_file_atomic(load, "kernel/virtio.ko\n", 17, 0644, &err) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	struct volt_err err;
	volt_rm_rf(dir, &err);
	return 0;
}

static int fill_two(struct archive *a, void *arg, struct volt_err *err)
{
	int *calls = arg;
	(*calls)++;
	if (volt_initramfs_entry(a, "etc", S_IFDIR | 0755, 0, NULL, 0) < 0 ||
	    volt_initramfs_entry(a, "etc/hello", S_IFREG | 0644, 0, "hi\n", 3) < 0)
		return volt_err_set(err, 0, "fill: %s", archive_error_string(a));
	return 0;
}

static int fill_fails(struct archive *a, void *arg, struct volt_err *err)
{
	return volt_err_set(err, EIO, "fill failed on purpose");
}

/* read_back - the names in the archive at path (one string, '\n' after
 * each), its filter's name, and the data of "init" */
static void read_back(const char *path, char *names, size_t len, char *filter, size_t flen, char *init, size_t ilen)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	archive_read_support_format_all(a);
	archive_read_support_filter_all(a);
	assert_int_equal(archive_read_open_filename(a, path, 4096), ARCHIVE_OK);
	names[0] = init[0] = '\0';
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		snprintf(names + strlen(names), len - strlen(names), "%s\n", archive_entry_pathname(e));
		assert_int_equal(archive_entry_uid(e), 0);
		if (!strcmp(archive_entry_pathname(e), "init")) {
			la_ssize_t n = archive_read_data(a, init, ilen - 1);
			init[n > 0 ? n : 0] = '\0';
		}
	}
	snprintf(filter, flen, "%s", archive_filter_name(a, 0));
	assert_int_equal(archive_format(a), ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
	archive_read_free(a);
}

static void test_write_zstd_fill_first(void **state)
{
	struct volt_err err = {0};
	cleanup_free char *init = volt_path("%s/volt-init", dir);
	cleanup_free char *mods = volt_path("%s/6.1.0-test", dir);
	cleanup_free char *out = volt_path("%s/a.cpio.zst", dir);
	struct volt_kernel k = {
		.version = "6.1.0-test", .image = "/nonexistent", .modules = mods, .origin = VOLT_KERNEL_STORE};
	int calls = 0;
	assert_int_equal(volt_initramfs_write(out, VOLT_INITRAMFS_ZSTD, init, &k, fill_two, &calls, &err), 0);
	assert_int_equal(calls, 1);
	char names[4096], filter[64], data[64];
	read_back(out, names, sizeof(names), filter, sizeof(filter), data, sizeof(data));
	assert_string_equal(filter, "zstd");
	assert_string_equal(data, "AGENT");
	/* fill's entries come before volt's: a later name wins on unpacking */
	char *hello = strstr(names, "etc/hello\n"), *initp = strstr(names, "init\n");
	assert_non_null(hello);
	assert_non_null(initp);
	assert_true(hello < initp);
	assert_non_null(strstr(names, "dev/console\n"));
	assert_non_null(strstr(names, "lib/modules/6.1.0-test/kernel/virtio.ko\n"));
	assert_non_null(strstr(names, "lib/modules/6.1.0-test/volt.load\n"));
}

static void test_write_plain_no_fill(void **state)
{
	struct volt_err err = {0};
	cleanup_free char *init = volt_path("%s/volt-init", dir);
	cleanup_free char *out = volt_path("%s/b.cpio", dir);
	/* a host kernel: no module set */
	struct volt_kernel k = {.version = "6.1.0-host", .image = "/nonexistent", .origin = VOLT_KERNEL_HOST};
	assert_int_equal(volt_initramfs_write(out, 0, init, &k, NULL, NULL, &err), 0);
	char names[4096], filter[64], data[64];
	read_back(out, names, sizeof(names), filter, sizeof(filter), data, sizeof(data));
	assert_string_equal(filter, "none");
	assert_string_equal(data, "AGENT");
	assert_null(strstr(names, "lib/modules"));
	assert_non_null(strstr(names, "proc\n"));
}

static void test_write_fill_error(void **state)
{
	struct volt_err err = {0};
	cleanup_free char *init = volt_path("%s/volt-init", dir);
	cleanup_free char *out = volt_path("%s/c.cpio", dir);
	struct volt_kernel k = {.version = "x", .image = "/nonexistent", .origin = VOLT_KERNEL_HOST};
	assert_int_equal(volt_initramfs_write(out, VOLT_INITRAMFS_ZSTD, init, &k, fill_fails, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "fill failed on purpose"));
	/* a missing agent is an error that names it */
	cleanup_free char *none = volt_path("%s/no-init", dir);
	assert_int_equal(volt_initramfs_write(out, 0, none, &k, NULL, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "agent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_zstd_fill_first),
		cmocka_unit_test(test_write_plain_no_fill),
		cmocka_unit_test(test_write_fill_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
