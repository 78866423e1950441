/* Unit tests for volt_human_ago (util/fs.c): docker's HumanDuration wording,
 * which `ps` and `images` print and scripts compare with docker's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/fs.h"

static void check(long long secs_ago, const char *want)
{
	char buf[64];
	/* half a second more: the clock moves on between the two reads */
	volt_human_ago(volt_now_ns() - secs_ago * 1000000000LL - 500000000LL, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_wording(void **state)
{
	(void)state;
	char buf[64];
	volt_human_ago(volt_now_ns(), buf, sizeof(buf));
	assert_string_equal(buf, "Less than a second ago");
	check(1, "1 second ago");
	check(2, "2 seconds ago");
	check(59, "59 seconds ago");
	check(60, "About a minute ago");
	check(119, "About a minute ago");
	check(120, "2 minutes ago");
	check(3599, "59 minutes ago");
	check(3600, "About an hour ago");
	check(2 * 3600, "2 hours ago");
	check(47 * 3600, "47 hours ago");
	check(48 * 3600, "2 days ago");
	check(13 * 86400, "13 days ago");
	check(14 * 86400, "2 weeks ago");
	check(60 * 86400, "2 months ago");
	check(2 * 365 * 86400, "2 years ago");
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_wording)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
