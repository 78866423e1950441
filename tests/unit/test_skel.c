/* Unit tests for the mount-point skeleton layer (container/skel.c): what an
 * image lacks goes into a shared skeleton stacked on top of it; what it has,
 * of any type, is never shadowed; the skeleton's etc/ mirrors the image's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "container/skel.h"
#include "util/cleanup.h"
#include "util/fs.h"

static bool exists(const char *dir, const char *name)
{
	struct stat st;
	cleanup_free char *p = volt_path("%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

static void touch(const char *dir, const char *name)
{
	cleanup_free char *p = volt_path("%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	close(fd);
}

/* the part of s->lower before the ':' (the skeleton), malloc'd */
static char *skel_of(const struct volt_spec *s)
{
	const char *colon = strchr(s->lower, ':');
	assert_non_null(colon);
	return strndup(s->lower, (size_t)(colon - s->lower));
}

static void test_busybox_like(void **state)
{
	char root[] = "/tmp/volt-test-skel.XXXXXX";
	struct volt_err err;
	struct volt_spec s = {0};
	struct stat st_img, st_skel;
	(void)state;
	assert_non_null(mkdtemp(root));
	cleanup_free char *lower = volt_path("%s/image", root);
	cleanup_free char *etc = volt_path("%s/etc", lower);
	assert_int_equal(volt_mkdir_p(etc, 0750, &err), 0);
	assert_int_equal(chmod(etc, 0750), 0);
	touch(lower, "etc/hosts");
	cleanup_free char *dev = volt_path("%s/dev", lower);
	assert_int_equal(symlink("somewhere", dev), 0); /* a symlink counts as there */
	struct timespec ts[2] = {{1000000000, 5}, {1000000000, 5}};
	assert_int_equal(utimensat(AT_FDCWD, etc, ts, 0), 0);

	s.lower = strdup(lower);
	assert_int_equal(volt_skel_apply(root, &s), 1);
	cleanup_free char *skel = skel_of(&s);
	assert_string_equal(strchr(s.lower, ':') + 1, lower);
	assert_true(exists(skel, "proc") && exists(skel, "sys"));
	assert_false(exists(skel, "dev"));
	assert_false(exists(skel, "etc/hosts"));
	assert_true(exists(skel, "etc/hostname") && exists(skel, "etc/resolv.conf"));
	cleanup_free char *skel_etc = volt_path("%s/etc", skel);
	assert_int_equal(stat(etc, &st_img), 0);
	assert_int_equal(stat(skel_etc, &st_skel), 0);
	assert_int_equal(st_skel.st_mode, st_img.st_mode);
	assert_int_equal(st_skel.st_mtim.tv_sec, st_img.st_mtim.tv_sec);
	assert_int_equal(st_skel.st_mtim.tv_nsec, st_img.st_mtim.tv_nsec);

	/* a second container of the image shares the same skeleton */
	struct volt_spec s2 = {0};
	s2.lower = strdup(lower);
	assert_int_equal(volt_skel_apply(root, &s2), 1);
	assert_string_equal(s2.lower, s.lower);
	/* applied twice to one spec: left alone */
	assert_int_equal(volt_skel_apply(root, &s2), 0);
	assert_string_equal(s2.lower, s.lower);
	free(s.lower);
	free(s2.lower);
	volt_rm_rf(root, &err);
}

static void test_complete_image(void **state)
{
	char root[] = "/tmp/volt-test-skel.XXXXXX";
	struct volt_err err;
	struct volt_spec s = {0};
	static const char *dirs[] = {"dev", "proc", "sys", "etc"};
	(void)state;
	assert_non_null(mkdtemp(root));
	cleanup_free char *lower = volt_path("%s/image", root);
	for (size_t i = 0; i < 4; i++) {
		cleanup_free char *d = volt_path("%s/%s", lower, dirs[i]);
		assert_int_equal(volt_mkdir_p(d, 0755, &err), 0);
	}
	touch(lower, "etc/hosts");
	touch(lower, "etc/hostname");
	touch(lower, "etc/resolv.conf");
	s.lower = strdup(lower);
	assert_int_equal(volt_skel_apply(root, &s), 0);
	assert_string_equal(s.lower, lower);
	cleanup_free char *cache = volt_path("%s/cache", root);
	assert_false(exists(cache, "."));

	/* /etc a symlink: its files are not the skeleton's business */
	cleanup_free char *etc = volt_path("%s/etc", lower);
	assert_int_equal(volt_rm_rf(etc, &err), 0);
	assert_int_equal(symlink("usr/etc", etc), 0);
	assert_int_equal(volt_skel_apply(root, &s), 0);
	assert_string_equal(s.lower, lower);
	free(s.lower);
	volt_rm_rf(root, &err);
}

/* an image without /etc: the skeleton's etc/ is 0755 and as new as itself */
static void test_no_etc(void **state)
{
	char root[] = "/tmp/volt-test-skel.XXXXXX";
	struct volt_err err;
	struct volt_spec s = {0};
	struct stat st;
	(void)state;
	assert_non_null(mkdtemp(root));
	cleanup_free char *lower = volt_path("%s/image", root);
	assert_int_equal(volt_mkdir_p(lower, 0755, &err), 0);
	s.lower = strdup(lower);
	assert_int_equal(volt_skel_apply(root, &s), 1);
	cleanup_free char *skel = skel_of(&s);
	cleanup_free char *etc = volt_path("%s/etc", skel);
	assert_int_equal(stat(etc, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_true(st.st_mtim.tv_sec > time(NULL) - 60);
	assert_true(exists(skel, "etc/hosts") && exists(skel, "etc/hostname") && exists(skel, "etc/resolv.conf"));
	assert_true(exists(skel, "dev") && exists(skel, "proc") && exists(skel, "sys"));
	free(s.lower);
	volt_rm_rf(root, &err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_busybox_like),
		cmocka_unit_test(test_complete_image),
		cmocka_unit_test(test_no_etc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
