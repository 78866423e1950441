/* Unit tests for util/whiteout.c: an overlay upper layer's whiteouts and
 * opaque directories, the native overlay's and fuse-overlayfs' (whose
 * ".wh.NAME" files a kernel that lets it make 0/0 devices never shows). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/whiteout.h"

static struct stat of(mode_t type, dev_t rdev)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_mode = type | 0600;
	st.st_rdev = rdev;
	return st;
}

static void test_kind(void **state)
{
	(void)state;
	const char *t = "x";
	struct stat reg = of(S_IFREG, 0), dev0 = of(S_IFCHR, makedev(0, 0)), dev1 = of(S_IFCHR, makedev(1, 3));
	struct stat dir = of(S_IFDIR, 0);

	assert_int_equal(volt_whiteout_kind("f", &reg, &t), VOLT_WH_NONE);
	assert_null(t);
	assert_int_equal(volt_whiteout_kind("null", &dev1, &t), VOLT_WH_NONE);
	assert_int_equal(volt_whiteout_kind("d", &dir, &t), VOLT_WH_NONE);
	/* native: a 0/0 device deletes its own name */
	assert_int_equal(volt_whiteout_kind("ls", &dev0, &t), VOLT_WH_DELETED);
	assert_string_equal(t, "ls");
	/* fuse-overlayfs' fallback: a .wh.NAME file deletes NAME */
	assert_int_equal(volt_whiteout_kind(".wh.ls", &reg, &t), VOLT_WH_DELETED);
	assert_string_equal(t, "ls");
	assert_int_equal(volt_whiteout_kind(".wh..hidden", &reg, &t), VOLT_WH_DELETED);
	assert_string_equal(t, ".hidden");
	/* its opaque marker, the 0/0 device it makes beside it, a bare .wh. */
	assert_int_equal(volt_whiteout_kind(".wh..wh..opq", &reg, &t), VOLT_WH_META);
	assert_int_equal(volt_whiteout_kind(".wh..opq", &dev0, &t), VOLT_WH_META);
	assert_int_equal(volt_whiteout_kind(".wh.", &reg, &t), VOLT_WH_META);
	assert_int_equal(volt_whiteout_kind(".wh.d", &dir, &t), VOLT_WH_META);
	/* a name that only looks alike is a file */
	assert_int_equal(volt_whiteout_kind(".whx", &reg, &t), VOLT_WH_NONE);
	assert_int_equal(volt_whiteout_kind("a.wh.b", &reg, &t), VOLT_WH_NONE);
}

static void test_opaque(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/volt-whiteout-XXXXXX";
	char *dir = mkdtemp(tmpl);
	char path[256];
	assert_non_null(dir);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_false(volt_dir_opaque(fd));
	/* fuse-overlayfs' marker file */
	snprintf(path, sizeof(path), "%s/.wh..wh..opq", dir);
	int m = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(m >= 0);
	close(m);
	assert_true(volt_dir_opaque(fd));
	unlink(path);
	assert_false(volt_dir_opaque(fd));
	/* the xattrs, where the file system takes user xattrs */
	if (fsetxattr(fd, "user.fuseoverlayfs.opaque", "y", 1, 0) == 0) {
		assert_true(volt_dir_opaque(fd));
		fremovexattr(fd, "user.fuseoverlayfs.opaque");
		assert_false(volt_dir_opaque(fd));
		assert_int_equal(fsetxattr(fd, "user.overlay.opaque", "y", 1, 0), 0);
		assert_true(volt_dir_opaque(fd));
		assert_int_equal(fsetxattr(fd, "user.overlay.opaque", "n", 1, 0), 0);
		assert_false(volt_dir_opaque(fd));
	}
	close(fd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_opaque),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
