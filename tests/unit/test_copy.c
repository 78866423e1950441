/* Unit tests for container/copy.c: docker cp's path rules between two roots,
 * symlinks planted in the "container" (absolute to a host path, or climbing
 * with "..") resolved inside it, tar streams both ways with hardlinks kept,
 * and a tar entry with ".." refused. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
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

#include "container/copy.h"
#include "util/cleanup.h"

static char base[] = "/tmp/volt-copy-XXXXXX";
static char host[256], ctr[256];
static struct volt_copy_opts opts;

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	size_t n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int setup(void **state)
{
	char p[512];
	(void)state;
	if (!mkdtemp(base))
		return -1;
	snprintf(host, sizeof(host), "%s/host", base);
	snprintf(ctr, sizeof(ctr), "%s/ctr", base);
	mkdir(host, 0755);
	mkdir(ctr, 0755);
	snprintf(p, sizeof(p), "%s/outside", base);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/secret", base);
	put(p, "secret");
	snprintf(p, sizeof(p), "%s/tmp", ctr);
	mkdir(p, 01777);
	/* the container's planted links: an absolute host path, and ".." climbing */
	snprintf(p, sizeof(p), "%s/tmp/esc", ctr);
	if (symlink(base, p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/tmp/up", ctr);
	if (symlink("../../../../../..", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/file", host);
	put(p, "hello");
	snprintf(p, sizeof(p), "%s/d", host);
	mkdir(p, 0750);
	snprintf(p, sizeof(p), "%s/d/sub", host);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/d/sub/f", host);
	put(p, "deep");
	char q[512];
	snprintf(q, sizeof(q), "%s/d/sub/hard", host);
	if (link(p, q) < 0)
		return -1;
	opts.uid = getuid();
	opts.gid = getgid();
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", base);
	return system(cmd);
}

static void test_path_rules(void **state)
{
	struct volt_err err = {0};
	char p[512], buf[64];
	cleanup_close int h = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int c = open(ctr, O_PATH | O_DIRECTORY | O_CLOEXEC);
	(void)state;

	/* a file into a directory keeps its name; onto a new name becomes it */
	assert_int_equal(volt_copy_fs_to_fs(h, "/file", c, "/tmp", &opts, &err), 0);
	snprintf(p, sizeof(p), "%s/tmp/file", ctr);
	assert_string_equal(get(p, buf, sizeof(buf)), "hello");
	assert_int_equal(volt_copy_fs_to_fs(h, "/file", c, "/tmp/renamed", &opts, &err), 0);
	snprintf(p, sizeof(p), "%s/tmp/renamed", ctr);
	assert_string_equal(get(p, buf, sizeof(buf)), "hello");
	/* a directory into a directory goes inside, with its mode */
	assert_int_equal(volt_copy_fs_to_fs(h, "/d", c, "/tmp", &opts, &err), 0);
	snprintf(p, sizeof(p), "%s/tmp/d/sub/f", ctr);
	assert_string_equal(get(p, buf, sizeof(buf)), "deep");
	struct stat st, st2;
	snprintf(p, sizeof(p), "%s/tmp/d", ctr);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	/* "/." copies the contents onto a new directory */
	assert_int_equal(volt_copy_fs_to_fs(h, "/d/.", c, "/tmp/contents", &opts, &err), 0);
	snprintf(p, sizeof(p), "%s/tmp/contents/sub/f", ctr);
	assert_string_equal(get(p, buf, sizeof(buf)), "deep");
	/* the hardlink stays one */
	char q[512];
	snprintf(q, sizeof(q), "%s/tmp/contents/sub/hard", ctr);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(stat(q, &st2), 0);
	assert_int_equal(st.st_ino, st2.st_ino);
	/* refused: a missing "dir/", a directory onto a file */
	assert_int_equal(volt_copy_fs_to_fs(h, "/file", c, "/nodir/", &opts, &err), -1);
	assert_int_equal(volt_copy_fs_to_fs(h, "/d", c, "/tmp/file", &opts, &err), -1);
	assert_int_equal(err.errnum, ENOTDIR);
}

static void test_symlinks_stay_inside(void **state)
{
	struct volt_err err = {0};
	char p[512], buf[64];
	cleanup_close int h = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int c = open(ctr, O_PATH | O_DIRECTORY | O_CLOEXEC);
	(void)state;

	/* writing through the absolute link: base/outside does not exist inside */
	assert_int_equal(volt_copy_fs_to_fs(h, "/file", c, "/tmp/esc/outside/x", &opts, &err), -1);
	snprintf(p, sizeof(p), "%s/outside/x", base);
	assert_int_equal(access(p, F_OK), -1);
	/* writing through ".." lands at the container's root */
	assert_int_equal(volt_copy_fs_to_fs(h, "/file", c, "/tmp/up/x", &opts, &err), 0);
	snprintf(p, sizeof(p), "%s/x", ctr);
	assert_string_equal(get(p, buf, sizeof(buf)), "hello");
	/* reading the host's secret through either link fails */
	assert_int_equal(volt_copy_fs_to_fs(c, "/tmp/esc/secret", h, "/got", &opts, &err), -1);
	assert_int_equal(volt_copy_fs_to_fs(c, "/tmp/up/secret", h, "/got", &opts, &err), -1);
	assert_int_equal(volt_copy_fs_to_fs(c, "/../../../../secret", h, "/got", &opts, &err), -1);
	snprintf(p, sizeof(p), "%s/got", host);
	assert_int_equal(access(p, F_OK), -1);
	/* a link itself is copied as a link, not followed */
	assert_int_equal(volt_copy_fs_to_fs(c, "/tmp/esc", h, "/link", &opts, &err), 0);
	snprintf(p, sizeof(p), "%s/link", host);
	ssize_t n = readlink(p, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, base);
}

static void test_tar_round_trip(void **state)
{
	struct volt_err err = {0};
	char p[512], buf[64];
	cleanup_close int h = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int c = open(ctr, O_PATH | O_DIRECTORY | O_CLOEXEC);
	(void)state;

	snprintf(p, sizeof(p), "%s/stream.tar", base);
	cleanup_close int w = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_int_equal(volt_copy_fs_to_tar(h, "/d", w, &opts, &err), 0);
	cleanup_close int r = open(p, O_RDONLY | O_CLOEXEC);
	snprintf(p, sizeof(p), "%s/tmp/fromtar", ctr);
	mkdir(p, 0755);
	assert_int_equal(volt_copy_tar_to_fs(r, c, "/tmp/fromtar", &opts, &err), 0);
	snprintf(p, sizeof(p), "%s/tmp/fromtar/d/sub/hard", ctr);
	assert_string_equal(get(p, buf, sizeof(buf)), "deep");
	/* into a file: refused */
	assert_int_equal(lseek(r, 0, SEEK_SET), 0);
	assert_int_equal(volt_copy_tar_to_fs(r, c, "/tmp/file", &opts, &err), -1);
}

static void test_tar_dotdot_refused(void **state)
{
	struct volt_err err = {0};
	char p[512];
	cleanup_close int c = open(ctr, O_PATH | O_DIRECTORY | O_CLOEXEC);
	(void)state;

	snprintf(p, sizeof(p), "%s/evil.tar", base);
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, p), ARCHIVE_OK);
	archive_entry_set_pathname(e, "ok/../../evil");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 0);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
	cleanup_close int r = open(p, O_RDONLY | O_CLOEXEC);
	assert_int_equal(volt_copy_tar_to_fs(r, c, "/tmp", &opts, &err), -1);
	snprintf(p, sizeof(p), "%s/evil", ctr);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s/evil", base);
	assert_int_equal(access(p, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_rules),
		cmocka_unit_test(test_symlinks_stay_inside),
		cmocka_unit_test(test_tar_round_trip),
		cmocka_unit_test(test_tar_dotdot_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
