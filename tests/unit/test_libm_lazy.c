/* Unit tests for util/libm_lazy.c: the math functions the static SQLite
 * calls are defined by volt and load libm.so.6 on first use; SQL that uses
 * them gets libm's results. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>

/* sql_double - the one REAL a query on an in-memory database returns */
static double sql_double(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	double v;

	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_double(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void test_sql_math(void **state)
{
	assert_true(fabs(sql_double("SELECT sqrt(16.0)") - 4.0) < 1e-12);
	assert_true(fabs(sql_double("SELECT pow(2.0, 10.0)") - 1024.0) < 1e-12);
	assert_true(fabs(sql_double("SELECT mod(7.5, 2.0)") - 1.5) < 1e-12);
	assert_true(fabs(sql_double("SELECT acos(-1.0)") - 3.14159265358979) < 1e-9);
	assert_true(fabs(sql_double("SELECT trunc(-2.7)") + 2.0) < 1e-12);
}

static void test_direct(void **state)
{
	volatile double x = 2.0; /* no constant folding: call the functions */

	assert_true(fabs(sqrt(x) * sqrt(x) - 2.0) < 1e-12);
	assert_true(fabs(fmod(x + 5.5, x) - 1.5) < 1e-12);
	assert_true(fabs(exp(log(x)) - 2.0) < 1e-12);
	assert_true(fabs(atan2(x, x) - atan(1.0)) < 1e-12);
	assert_true(fabs(cosh(0.0 * x) - 1.0) < 1e-12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sql_math),
		cmocka_unit_test(test_direct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
