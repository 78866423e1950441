/* Unit tests for util/prog.c: running a packaged program, its output, its
 * failure in one line, and a bounded wait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/prog.h"

static void test_output_and_input(void **state)
{
	struct volt_err err = {0};
	char *out = NULL;
	(void)state;
	char *argv[] = {"sh", "-c", "cat; echo done", NULL};
	assert_int_equal(
		volt_prog_run(&(struct volt_prog){.argv = argv, .input = "in\n", .out = &out, .out_max = 100}, &err),
		0);
	assert_string_equal(out, "in\ndone\n");
	free(out);
	/* only the first out_max bytes are kept */
	char *big[] = {"sh", "-c", "yes | head -c 100000", NULL};
	assert_int_equal(volt_prog_run(&(struct volt_prog){.argv = big, .out = &out, .out_max = 10}, &err), 0);
	assert_int_equal(strlen(out), 10);
	free(out);
}

static void test_failure(void **state)
{
	struct volt_err err = {0};
	(void)state;
	char *argv[] = {"sh", "-c", "echo first >&2; echo 'E: the reason' >&2; exit 3", NULL};
	assert_int_equal(volt_prog_run(&(struct volt_prog){.argv = argv}, &err), -1);
	assert_string_equal(err.msg, "sh -c: exited 3: E: the reason");
	char *none[] = {"/nonexistent/program", NULL};
	assert_int_equal(volt_prog_run(&(struct volt_prog){.argv = none}, &err), -1);
	assert_int_not_equal(err.errnum, 0);
}

static void test_timeout(void **state)
{
	struct volt_err err = {0};
	char *out = NULL;
	(void)state;
	char *argv[] = {"sh", "-c", "echo started; exec sleep 30", NULL};
	assert_int_equal(
		volt_prog_run(&(struct volt_prog){.argv = argv, .out = &out, .out_max = 100, .timeout_ms = 300}, &err),
		-1);
	assert_non_null(strstr(err.msg, "timed out"));
	/* what it printed before is kept for the caller */
	assert_string_equal(out, "started\n");
	free(out);
}

static void test_find(void **state)
{
	(void)state;
	char *sh = volt_prog_find("sh");
	assert_non_null(sh);
	assert_true(sh[0] == '/');
	free(sh);
	assert_null(volt_prog_find("no-such-program-volt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_and_input),
		cmocka_unit_test(test_failure),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
