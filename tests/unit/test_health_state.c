/* Unit tests for workload/health_state.c: docker's health state machine
 * (retries, the start period, the streak reset), the log of the last five
 * results with outputs cut at 4096 bytes, and the file's round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "workload/health_state.h"

static bool feed(struct volt_health_state *st, const struct volt_health *h, int code, bool in_start)
{
	static long long t = 1000;
	struct volt_health_result r = {.start = t, .end = t + 5, .exit_code = code, .output = strdup("out")};
	t += 10;
	bool changed = volt_health_apply(st, h, &r, in_start);
	assert_null(r.output); /* moved into the log */
	return changed;
}

static void test_retries(void **state)
{
	(void)state;
	struct volt_health h = {.retries = 3};
	struct volt_health_state st = {0};
	assert_true(feed(&st, &h, 1, false)); /* none -> starting */
	assert_int_equal(st.status, VOLT_HEALTH_STARTING);
	assert_int_equal(st.failing_streak, 1);
	assert_false(feed(&st, &h, 1, false));
	assert_int_equal(st.status, VOLT_HEALTH_STARTING);
	assert_true(feed(&st, &h, 2, false)); /* any non-zero code fails */
	assert_int_equal(st.status, VOLT_HEALTH_UNHEALTHY);
	assert_int_equal(st.failing_streak, 3);
	assert_true(feed(&st, &h, 0, false));
	assert_int_equal(st.status, VOLT_HEALTH_HEALTHY);
	assert_int_equal(st.failing_streak, 0);
	/* healthy: it takes the retries again to turn */
	assert_false(feed(&st, &h, -1, false));
	assert_false(feed(&st, &h, 1, false));
	assert_int_equal(st.status, VOLT_HEALTH_HEALTHY);
	assert_true(feed(&st, &h, 1, false));
	assert_int_equal(st.status, VOLT_HEALTH_UNHEALTHY);
	volt_health_state_free(&st);
}

static void test_default_retries(void **state)
{
	(void)state;
	struct volt_health h = {0};
	struct volt_health_state st = {.status = VOLT_HEALTH_STARTING};
	assert_int_equal(volt_health_retries(&h), 3);
	assert_int_equal(volt_health_interval(&h), 30000000000LL);
	assert_int_equal(volt_health_timeout(&h), 30000000000LL);
	assert_int_equal(volt_health_start_interval(&h), 5000000000LL);
	feed(&st, &h, 1, false);
	feed(&st, &h, 1, false);
	assert_int_equal(st.status, VOLT_HEALTH_STARTING);
	feed(&st, &h, 1, false);
	assert_int_equal(st.status, VOLT_HEALTH_UNHEALTHY);
	volt_health_state_free(&st);
}

static void test_start_period(void **state)
{
	(void)state;
	struct volt_health h = {.retries = 1};
	struct volt_health_state st = {.status = VOLT_HEALTH_STARTING};
	/* failures in the start period while starting: not counted */
	assert_false(feed(&st, &h, 1, true));
	assert_false(feed(&st, &h, 1, true));
	assert_int_equal(st.status, VOLT_HEALTH_STARTING);
	assert_int_equal(st.failing_streak, 0);
	assert_int_equal(st.n_log, 2); /* but logged */
	/* a success ends starting; a failure then counts, start period or not */
	assert_true(feed(&st, &h, 0, true));
	assert_true(feed(&st, &h, 1, true));
	assert_int_equal(st.status, VOLT_HEALTH_UNHEALTHY);
	volt_health_state_free(&st);
	/* after the start period a failure counts at once */
	st = (struct volt_health_state){.status = VOLT_HEALTH_STARTING};
	assert_true(feed(&st, &h, 1, false));
	assert_int_equal(st.status, VOLT_HEALTH_UNHEALTHY);
	volt_health_state_free(&st);
}

static void test_log_and_output(void **state)
{
	(void)state;
	struct volt_health h = {0};
	struct volt_health_state st = {0};
	for (int i = 0; i < 7; i++)
		feed(&st, &h, i == 6 ? 0 : 1, false);
	assert_int_equal(st.n_log, VOLT_HEALTH_LOG_MAX);
	assert_int_equal(st.log[4].exit_code, 0); /* newest last */
	assert_true(st.log[0].start < st.log[4].start);
	char *big = malloc(10000);
	memset(big, 'x', 9999);
	big[9999] = '\0';
	struct volt_health_result r = {.start = 1, .end = 2, .exit_code = 0, .output = big};
	volt_health_apply(&st, &h, &r, false);
	assert_int_equal(strlen(st.log[4].output), VOLT_HEALTH_OUTPUT_MAX);
	struct volt_health_result none = {.start = 1, .end = 2, .exit_code = 1};
	volt_health_apply(&st, &h, &none, false);
	assert_string_equal(st.log[4].output, "");
	volt_health_state_free(&st);
}

static void test_json_and_file(void **state)
{
	(void)state;
	struct volt_health h = {.retries = 1};
	struct volt_health_state st = {0}, back;
	struct volt_err err = {0};
	feed(&st, &h, 1, false);
	char *text = volt_health_state_json(&st);
	assert_non_null(strstr(text, "\"Status\":\"unhealthy\""));
	assert_non_null(strstr(text, "\"FailingStreak\":1"));
	assert_non_null(strstr(text, "\"Start\":\"1970-01-01T00:00:00."));
	assert_int_equal(volt_health_state_parse(text, &back, &err), 0);
	assert_int_equal(back.status, VOLT_HEALTH_UNHEALTHY);
	assert_int_equal(back.n_log, 1);
	assert_int_equal(back.log[0].exit_code, 1);
	assert_int_equal(back.log[0].start, st.log[0].start);
	assert_string_equal(back.log[0].output, "out");
	free(text);
	volt_health_state_free(&back);
	volt_health_state_free(&st);
	assert_int_equal(volt_health_state_parse("[", &back, &err), -1);

	char dir[] = "/tmp/volt-health-XXXXXX";
	assert_non_null(mkdtemp(dir));
	assert_int_equal(volt_health_load(dir, &back, &err), 1); /* none yet */
	assert_int_equal(back.status, VOLT_HEALTH_NONE);
	struct volt_health_result r = {.start = 1, .end = 2, .exit_code = 0, .output = strdup("ok")};
	assert_int_equal(volt_health_record(dir, &h, &r, false, "id", "name", &err), VOLT_HEALTH_HEALTHY);
	free(r.output);
	assert_int_equal(volt_health_reset(dir, &err), 0);
	assert_int_equal(volt_health_load(dir, &back, &err), 0);
	assert_int_equal(back.status, VOLT_HEALTH_STARTING); /* restarted: starting, the log kept */
	assert_int_equal(back.n_log, 1);
	volt_health_state_free(&back);
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(volt_health_status_parse("healthy"), VOLT_HEALTH_HEALTHY);
	assert_int_equal(volt_health_status_parse("starting"), VOLT_HEALTH_STARTING);
	assert_int_equal(volt_health_status_parse("none"), VOLT_HEALTH_NONE);
	assert_int_equal(volt_health_status_parse("unhealthy"), VOLT_HEALTH_UNHEALTHY);
	assert_int_equal(volt_health_status_parse("sick"), -1);
	assert_string_equal(volt_health_status_name(VOLT_HEALTH_UNHEALTHY), "unhealthy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_retries),	      cmocka_unit_test(test_default_retries),
		cmocka_unit_test(test_start_period),  cmocka_unit_test(test_log_and_output),
		cmocka_unit_test(test_json_and_file), cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
