/* Unit tests for the /proc/PID/stat reader: fields are counted after the
 * last ')' of the command name, which may hold spaces and parentheses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/procstat.h"

static void test_parse(void **state)
{
	struct volt_procstat st;
	(void)state;
	assert_int_equal(
		volt_procstat_parse("30966 (volt-userns) S 1 30966 30966 0 -1 4194304 122 0 0 0 7 3 0 0 20 0 1 0 "
				    "2087287 5242880 610 18446744073709551615 93884719943680\n",
				    &st),
		0);
	assert_true(st.utime == 7 && st.stime == 3);
	assert_true(st.start == 2087287);
	assert_int_equal(st.rss, 610);
	/* a name with ") (" and spaces inside */
	assert_int_equal(volt_procstat_parse(
				 "12 (a) b (c) d) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22\n", &st),
			 0);
	assert_true(st.utime == 11 && st.stime == 12 && st.start == 19);
	assert_int_equal(st.rss, 21);
}

static void test_rejects(void **state)
{
	struct volt_procstat st;
	(void)state;
	assert_int_equal(volt_procstat_parse("", &st), -1);
	assert_int_equal(volt_procstat_parse("12 no parenthesis", &st), -1);
	assert_int_equal(volt_procstat_parse("12 (cut) S 1 2 3", &st), -1);
}

static void test_self(void **state)
{
	struct volt_procstat st;
	(void)state;
	assert_int_equal(volt_procstat_read(getpid(), &st), 0);
	assert_true(st.start > 0);
	assert_true(st.rss > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_self),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
