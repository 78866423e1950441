/* Unit tests for container/reset.c: which process arguments name a store
 * (the reset kills those processes, and refuses a runtime directory another
 * store uses), and which directories it refuses. */
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

#include "container/reset.h"
#include "util/fs.h"

/* cls - volt_store_cmdline_class of a command line written with spaces */
static int cls(const char *line, const char *id)
{
	char buf[512];
	size_t n = strlen(line);
	memcpy(buf, line, n + 1);
	for (size_t i = 0; i < n; i++)
		if (buf[i] == ' ')
			buf[i] = '\0';
	return volt_store_cmdline_class(buf, n + 1, "/h/u/.local/share/volt", "/run/user/1000/volt", id);
}

static void test_cmdline_class(void **state)
{
	(void)state;
	const char *shim = "/usr/libexec/volt/volt-shim --root /h/u/.local/share/volt --runroot "
			   "/run/user/1000/volt --id abcd --detach --ready-fd 7";
	assert_int_equal(cls(shim, NULL), VOLT_PROC_STORE);
	assert_int_equal(cls(shim, "abcd"), VOLT_PROC_STORE);
	assert_int_not_equal(cls(shim, "abce"), VOLT_PROC_STORE);
	/* a FUSE server */
	assert_int_equal(cls("volt --root /h/u/.local/share/volt --runroot /run/user/1000/volt cas mount "
			     "--host-ids 00ff /run/user/1000/volt/fuse/00ff",
			     NULL),
			 VOLT_PROC_STORE);
	/* a keeper serves the runtime directory, whichever store started it */
	assert_int_equal(
		cls("volt __userns-keeper /run/user/1000/volt/userns-4c44 600 0:1000:1 0:1000:1 /s/other", NULL),
		VOLT_PROC_STORE);
	assert_int_equal(cls("volt __userns-keeper /run/user/1000/volt/userns-4c44 600 0:1000:1 0:1000:1", "abcd"),
			 VOLT_PROC_OTHER);
	/* another store's monitor in the same runtime directory */
	assert_int_equal(cls("volt-shim --root /s/other --runroot /run/user/1000/volt --id ab", NULL),
			 VOLT_PROC_SHARED);
	/* a sibling path with the same beginning is not the store */
	assert_int_equal(cls("volt-shim --root /h/u/.local/share/volt2 --runroot /run/user/1000/volt2", NULL),
			 VOLT_PROC_OTHER);
	/* not volt's: a shell whose arguments name the store */
	assert_int_equal(cls("/bin/sh -c rm /h/u/.local/share/volt", NULL), VOLT_PROC_OTHER);
	assert_int_equal(cls("/usr/bin/volt ps", NULL), VOLT_PROC_OTHER);
	/* relative words never match */
	assert_int_equal(cls("volt --root volt ps", NULL), VOLT_PROC_OTHER);
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

	assert_int_equal(volt_store_check_paths(root, run, &err), 0); /* not there */
	assert_int_equal(mkdir(root, 0700), 0);
	assert_int_equal(volt_store_check_paths(root, run, &err), 0); /* empty */
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(volt_store_check_paths(root, run, &err), -1); /* not a store */
	f = fopen(db, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(volt_store_check_paths(root, run, &err), 0); /* a store */
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
		cmocka_unit_test(test_cmdline_class),
		cmocka_unit_test(test_check_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
