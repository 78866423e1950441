/* Unit tests for util/duration.c: Go's time.ParseDuration syntax, as
 * docker's --health-* options take it, and Duration.String's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/duration.h"

#define S 1000000000LL

static int64_t ok(const char *s)
{
	struct volt_err err = {0};
	int64_t ns = -42;
	assert_int_equal(volt_duration_parse(s, &ns, &err), 0);
	return ns;
}

static const char *bad(const char *s)
{
	static struct volt_err err;
	int64_t ns = -42;
	memset(&err, 0, sizeof(err));
	assert_int_equal(volt_duration_parse(s, &ns, &err), -1);
	assert_int_equal(ns, -42); /* left alone */
	return err.msg;
}

static void test_parse(void **state)
{
	(void)state;
	assert_int_equal(ok("0"), 0);
	assert_int_equal(ok("0s"), 0);
	assert_int_equal(ok("1s"), S);
	assert_int_equal(ok("30s"), 30 * S);
	assert_int_equal(ok("1m30s"), 90 * S);
	assert_int_equal(ok("1.5s"), S + S / 2);
	assert_int_equal(ok(".5s"), S / 2);
	assert_int_equal(ok("500ms"), S / 2);
	assert_int_equal(ok("2h"), 7200 * S);
	assert_int_equal(ok("1h2m3s4ms5us6ns"), 3723 * S + 4000000 + 5000 + 6);
	assert_int_equal(ok("10\xc2\xb5s"), 10000); /* µs */
	assert_int_equal(ok("1.000000001s"), S + 1);
	assert_int_equal(ok("2562047h"), 2562047LL * 3600 * S);
}

static void test_bad(void **state)
{
	(void)state;
	assert_string_equal(bad("10"), "invalid duration \"10\": missing unit (as in 30s)");
	assert_string_equal(bad("5x"), "invalid duration \"5x\": unknown unit (use ns, us, ms, s, m or h)");
	assert_string_equal(bad(""), "invalid duration \"\"");
	assert_string_equal(bad("-1s"), "invalid duration \"-1s\"");
	assert_string_equal(bad("s"), "invalid duration \"s\"");
	assert_string_equal(bad("1s "), "invalid duration \"1s \"");
	assert_string_equal(bad("1.s2"), "invalid duration \"1.s2\": missing unit (as in 30s)");
	assert_string_equal(bad("99999999999h"), "invalid duration \"99999999999h\": too long");
	assert_string_equal(bad("2562048h"), "invalid duration \"2562048h\": too long");
}

static void fmt(int64_t ns, const char *want)
{
	char buf[64];
	volt_duration_format(ns, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	(void)state;
	fmt(0, "0s");
	fmt(S, "1s");
	fmt(S + S / 2, "1.5s");
	fmt(90 * S, "1m30s");
	fmt(3600 * S, "1h0m0s");
	fmt(S / 2, "500ms");
	fmt(1500, "1.5\xc2\xb5s");
	fmt(7, "7ns");
	fmt(-S, "-1s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
