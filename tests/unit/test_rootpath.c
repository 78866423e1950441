/* Unit tests for paths under a root fd: a planted symlink that points at
 * "/" or climbs with ".." stays inside the root; with RESOLVE_NO_SYMLINKS
 * (the checkout's variant) it is refused. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/cleanup.h"
#include "util/rootpath.h"

static char root[] = "/tmp/volt-rootpath-XXXXXX";

static int setup(void **state)
{
	char p[128];
	(void)state;
	if (!mkdtemp(root))
		return -1;
	snprintf(p, sizeof(p), "%s/etc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/marker", root);
	close(open(p, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof(p), "%s/up", root); /* up -> ../../.. */
	return symlink("../../..", p);
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void test_open_in_root(void **state)
{
	(void)state;
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(rootfd >= 0);
	/* "/etc/marker" and "up/etc/marker" both name the root's own file */
	cleanup_close int a = volt_rootfs_open(rootfd, "/etc/marker", O_RDONLY, 0);
	cleanup_close int b = volt_rootfs_open(rootfd, "up/etc/marker", O_RDONLY, 0);
	assert_true(a >= 0);
	assert_true(b >= 0);
	/* the host's /etc has no marker: had "up" escaped, this would fail */
	cleanup_close int none = volt_rootfs_open_how(rootfd, "up/etc/marker", O_RDONLY, 0, RESOLVE_NO_SYMLINKS);
	assert_true(none < 0);
	assert_int_equal(errno, ELOOP);
	cleanup_close int dot = volt_rootfs_open_how(rootfd, "", O_PATH | O_DIRECTORY, 0, RESOLVE_NO_SYMLINKS);
	assert_true(dot >= 0);
}

static void test_mkdir_p(void **state)
{
	struct volt_err err = {0};
	char p[160];
	struct stat st;
	(void)state;
	cleanup_close int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	/* through the symlink: made inside the root, not three levels above it */
	cleanup_close int fd = volt_rootfs_mkdir_p(rootfd, "/up/made/here", &err);
	assert_true(fd >= 0);
	snprintf(p, sizeof(p), "%s/made/here", root);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_in_root),
		cmocka_unit_test(test_mkdir_p),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
