/* Unit tests for named volumes: names, and filling a new volume from a tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "container/spec.h"
#include "container/volume.h"
#include "util/cleanup.h"
#include "util/fs.h"

static void test_names(void **state)
{
	(void)state;
	assert_true(volt_name_valid("data"));
	assert_true(volt_name_valid("a.b_c-1"));
	assert_false(volt_name_valid(""));
	assert_false(volt_name_valid(".hidden"));
	assert_false(volt_name_valid("a/b"));
	assert_false(volt_name_valid("../x"));
	assert_false(volt_name_valid("a b"));
}

static void put(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	fchmod(fd, mode);
	close(fd);
}

/* a tree with a file, a setgid directory, a symlink: copied with modes;
 * the marker stops a second fill of the emptied volume */
static void test_fill(void **state)
{
	char dir[] = "/tmp/volt-test-vol.XXXXXX";
	struct volt_err err;
	struct stat st;
	char buf[64];
	(void)state;
	assert_non_null(mkdtemp(dir));
	cleanup_free char *root = volt_path("%s/root", dir), *data = volt_path("%s/vol/_data", dir);
	cleanup_free char *src = volt_path("%s/root/srv", dir);
	assert_int_equal(volt_mkdir_p(src, 0755, &err), 0);
	assert_int_equal(volt_mkdir_p(data, 0755, &err), 0);
	cleanup_free char *f = volt_path("%s/file", src), *sub = volt_path("%s/sub", src);
	put(f, "hello", 0640);
	assert_int_equal(mkdir(sub, 02750), 0);
	chmod(sub, 02750);
	cleanup_free char *ln = volt_path("%s/link", src);
	assert_int_equal(symlink("file", ln), 0);

	int rootfd = open(root, O_PATH | O_DIRECTORY);
	assert_true(rootfd >= 0);
	assert_int_equal(volt_volume_fill(rootfd, "/srv", data, &err), 0);
	cleanup_free char *cf = volt_path("%s/file", data), *cs = volt_path("%s/sub", data),
			  *cl = volt_path("%s/link", data), *marker = volt_path("%s/vol/filled", dir);
	assert_int_equal(stat(cf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(stat(cs, &st), 0);
	assert_int_equal(st.st_mode & 07777, 02750);
	ssize_t n = readlink(cl, buf, sizeof(buf) - 1);
	assert_int_equal(n, 4);
	buf[n] = '\0';
	assert_string_equal(buf, "file");
	assert_int_equal(access(marker, F_OK), 0);

	/* emptied, it stays empty */
	unlink(cf);
	unlink(cl);
	rmdir(cs);
	assert_int_equal(volt_volume_fill(rootfd, "/srv", data, &err), 0);
	assert_int_equal(access(cf, F_OK), -1);
	/* a missing mount point in the image: nothing to copy, still marked */
	cleanup_free char *data2 = volt_path("%s/vol2/_data", dir), *m2 = volt_path("%s/vol2/filled", dir);
	assert_int_equal(volt_mkdir_p(data2, 0755, &err), 0);
	assert_int_equal(volt_volume_fill(rootfd, "/nope", data2, &err), 0);
	assert_int_equal(access(m2, F_OK), 0);
	close(rootfd);
	volt_rm_rf(dir, &err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
