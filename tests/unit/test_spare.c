/* Unit tests for spare container directories (container/spare.c): only an
 * emptied directory whose upper/ and work/ are as new is kept, and a kept one
 * is taken whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "container/spare.h"
#include "util/fs.h"

struct dirs {
	char root[64];
	char ctr[128], dest[128];
};

static int setup(void **state)
{
	struct dirs *d = calloc(1, sizeof(*d));
	if (!d)
		return -1;
	snprintf(d->root, sizeof(d->root), "/tmp/volt-spare-test.XXXXXX");
	if (!mkdtemp(d->root)) {
		free(d);
		return -1;
	}
	snprintf(d->ctr, sizeof(d->ctr), "%s/trash-ctr", d->root);
	snprintf(d->dest, sizeof(d->dest), "%s/new-ctr", d->root);
	umask(022);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct dirs *d = *state;
	struct volt_err err;
	volt_rm_rf(d->root, &err);
	free(d);
	return 0;
}

/* make_ctr - a removed container's directory: upper/ with files, work/ with
 * overlayfs's work/work, a log */
static void make_ctr(const char *ctr)
{
	static const struct {
		const char *name;
		bool dir;
		mode_t mode;
	} entries[] = {
		{"upper", true, 0755}, {"upper/etc", true, 0755}, {"upper/etc/written", false, 0644},
		{"work", true, 0755},  {"work/work", true, 0},	  {"ctr.log", false, 0600},
	};
	char p[256];
	assert_int_equal(mkdir(ctr, 0700), 0);
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", ctr, entries[i].name);
		if (entries[i].dir)
			assert_int_equal(mkdir(p, entries[i].mode), 0);
		else
			close(open(p, O_CREAT | O_WRONLY, entries[i].mode));
	}
}

static void test_give_take(void **state)
{
	struct dirs *d = *state;
	char p[256];
	struct stat st;

	make_ctr(d->ctr);
	assert_true(volt_spare_give(d->root, d->ctr));
	assert_int_equal(access(d->ctr, F_OK), -1);
	assert_true(volt_spare_take(d->root, d->dest));
	/* exactly upper/ and work/, both empty */
	snprintf(p, sizeof(p), "%s/ctr.log", d->dest);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s/upper/etc", d->dest);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s/work/work", d->dest);
	assert_int_equal(access(p, F_OK), -1);
	snprintf(p, sizeof(p), "%s/upper", d->dest);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	/* none left: the next take makes nothing */
	assert_false(volt_spare_take(d->root, d->ctr));
	assert_int_equal(access(d->ctr, F_OK), -1);
}

static void test_changed_root_not_kept(void **state)
{
	struct dirs *d = *state;
	char p[256];

	/* a container that did chmod 700 / changed upper/ */
	make_ctr(d->ctr);
	snprintf(p, sizeof(p), "%s/upper", d->ctr);
	assert_int_equal(chmod(p, 0700), 0);
	assert_false(volt_spare_give(d->root, d->ctr));
	assert_false(volt_spare_take(d->root, d->dest));
}

static void test_xattr_not_kept(void **state)
{
	struct dirs *d = *state;
	char p[256];

	make_ctr(d->ctr);
	snprintf(p, sizeof(p), "%s/upper", d->ctr);
	if (setxattr(p, "user.overlay.opaque", "y", 1, 0) < 0)
		skip(); /* no user xattrs on this file system */
	assert_false(volt_spare_give(d->root, d->ctr));
	/* overlayfs's own uuid alone is removed, and the directory kept */
	assert_int_equal(removexattr(p, "user.overlay.opaque"), 0);
	assert_int_equal(setxattr(p, "user.overlay.uuid", "0123456789abcdef", 16, 0), 0);
	assert_true(volt_spare_give(d->root, d->ctr));
	assert_true(volt_spare_take(d->root, d->dest));
	snprintf(p, sizeof(p), "%s/upper", d->dest);
	assert_int_equal(listxattr(p, NULL, 0), 0);
}

static void test_slots_bounded(void **state)
{
	struct dirs *d = *state;

	for (int i = 0; i < VOLT_SPARE_SLOTS; i++) {
		make_ctr(d->ctr);
		assert_true(volt_spare_give(d->root, d->ctr));
	}
	make_ctr(d->ctr);
	assert_false(volt_spare_give(d->root, d->ctr)); /* full: the caller removes it */
	assert_int_equal(access(d->ctr, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_give_take, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_root_not_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_xattr_not_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slots_bounded, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
