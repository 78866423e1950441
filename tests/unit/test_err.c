/* Unit tests for the error idiom: strerror follows a message unless the
 * message says it already (volt_err_said), and a later set clears that. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/err.h"

static void test_format(void **state)
{
	struct volt_err err = {0};
	char buf[256];
	(void)state;
	volt_err_set(&err, ENOENT, "open %s", "/x");
	volt_err_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "open /x: No such file or directory");
	assert_int_equal(volt_err_said(&err, EEXIST, "the container name \"%s\" is already in use", "web"), -1);
	assert_int_equal(err.errnum, EEXIST); /* callers still test it */
	volt_err_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "the container name \"web\" is already in use");
	/* a prefix keeps it said */
	volt_err_prefix(&err, "create");
	volt_err_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "create: the container name \"web\" is already in use");
	/* the next set does not inherit it */
	volt_err_set(&err, EBUSY, "umount");
	volt_err_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "umount: Device or resource busy");
	volt_err_set(&err, 0, "plain");
	volt_err_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_format)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
