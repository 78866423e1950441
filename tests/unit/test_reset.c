/* Unit tests for container/reset.c: which process arguments name a store
 * (the reset kills those processes), and which directories it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "container/reset.h"
#include "util/fs.h"

static void test_path_is_ours(void **state)
{
	(void)state;
	const char *root = "/home/u/.local/share/volt", *run = "/run/user/1000/volt";
	assert_true(volt_store_path_is_ours(root, root, run));
	assert_true(volt_store_path_is_ours("/home/u/.local/share/volt/containers/ab", root, run));
	assert_true(volt_store_path_is_ours("/run/user/1000/volt/userns-4c44", root, run));
	/* a sibling with the same beginning is not the store */
	assert_false(volt_store_path_is_ours("/home/u/.local/share/volt2", root, run));
	assert_false(volt_store_path_is_ours("/run/user/1000/voltx/a", root, run));
	assert_false(volt_store_path_is_ours("/home/u", root, run));
	/* relative words (a command, an option) never match */
	assert_false(volt_store_path_is_ours("volt", root, run));
	assert_false(volt_store_path_is_ours("--root", root, run));
	/* a trailing slash in the configured path */
	assert_true(volt_store_path_is_ours("/srv/v/x", "/srv/v/", run));
}

static void test_check_paths(void **state)
{
	(void)state;
	char tmpl[] = "/tmp/volt-reset-XXXXXX";
	char *top = mkdtemp(tmpl);
	struct volt_err err;
	assert_non_null(top);
	char *root = volt_path("%s/root", top), *run = volt_path("%s/run", top);
	char *file = volt_path("%s/mine", root), *db = volt_path("%s/state.db", root);

	assert_int_equal(volt_store_check_paths(root, run, &err), 0);  /* not there */
	assert_int_equal(mkdir(root, 0700), 0);
	assert_int_equal(volt_store_check_paths(root, run, &err), 0);  /* empty */
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(volt_store_check_paths(root, run, &err), -1); /* not a store */
	f = fopen(db, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(volt_store_check_paths(root, run, &err), 0);  /* a store */
	assert_int_equal(volt_store_check_paths("/", run, &err), -1);
	assert_int_equal(volt_store_check_paths("/tmp", run, &err), -1);
	assert_int_equal(volt_store_check_paths(root, "/tmp/", &err), -1);
	setenv("HOME", top, 1);
	assert_int_equal(volt_store_check_paths(top, run, &err), -1);

	unlink(file);
	unlink(db);
	rmdir(root);
	rmdir(top);
	free(root);
	free(run);
	free(file);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_is_ours),
		cmocka_unit_test(test_check_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
