/* Unit tests for the user namespace keeper's record and key: parsing is
 * strict (a record that does not parse is ignored, never half-trusted), and
 * the record's file name follows the map. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "userns/userns_keeper.h"

static void test_record_parse(void **state)
{
	struct volt_userns_keeper_key k;
	unsigned long long start = 0;
	pid_t pid = 0;
	(void)state;
	assert_int_equal(volt_userns_keeper_record_parse(
				 "437 2088679 0:1002:1,1:165536:65536 0:1002:1,1:165536:65536\n", &pid, &start, &k),
			 0);
	assert_int_equal(pid, 437);
	assert_true(start == 2088679ULL);
	assert_string_equal(k.uids, "0:1002:1,1:165536:65536");
	assert_string_equal(k.gids, "0:1002:1,1:165536:65536");
}

static void test_record_rejects(void **state)
{
	static const char *bad[] = {
		"",
		"\n",
		"not a record\n",
		"437 2088679 0:1002:1\n",		 /* no gid map */
		"437 2088679 0:1002:1 0:1002:1",	 /* no newline: cut short */
		"437 2088679 0:1002:1 0:1002:1\nmore\n", /* trailing lines */
		"437 2088679 0:1002:1 0:1002:1 extra\n", /* trailing field */
		"1 2088679 0:1002:1 0:1002:1\n",	 /* init is never a keeper */
		"0 2088679 0:1002:1 0:1002:1\n",
		"-5 2088679 0:1002:1 0:1002:1\n",
		"437 2088679 0:1002:1;rm 0:1002:1\n", /* not a map */
		"437 x 0:1002:1 0:1002:1\n",
	};
	struct volt_userns_keeper_key k;
	unsigned long long start;
	pid_t pid;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(volt_userns_keeper_record_parse(bad[i], &pid, &start, &k), -1);
}

static void test_key_and_path(void **state)
{
	struct volt_idmap m = {.full = true, .n_uids = 2, .n_gids = 2};
	struct volt_userns_keeper_key a, b;
	(void)state;
	m.uids[0] = (struct volt_idrange){0, 1000, 1};
	m.uids[1] = (struct volt_idrange){1, 100000, 65536};
	m.gids[0] = m.uids[0];
	m.gids[1] = m.uids[1];
	volt_userns_keeper_key(&m, &a);
	assert_string_equal(a.uids, "0:1000:1,1:100000:65536");
	char *p1 = volt_userns_keeper_path("/run/user/1000/volt", &a);
	assert_non_null(strstr(p1, "/run/user/1000/volt/userns-"));
	assert_int_equal(strlen(strrchr(p1, '/')), strlen("/userns-") + 16);
	/* another map (keep-id), another file */
	m.uids[0] = (struct volt_idrange){1000, 1000, 1};
	volt_userns_keeper_key(&m, &b);
	char *p2 = volt_userns_keeper_path("/run/user/1000/volt", &b);
	assert_string_not_equal(p1, p2);
	/* the same map, the same file */
	char *p3 = volt_userns_keeper_path("/run/user/1000/volt", &b);
	assert_string_equal(p2, p3);
	free(p1);
	free(p2);
	free(p3);
}

static void test_idle(void **state)
{
	(void)state;
	unsetenv("VOLT_USERNS_KEEPER_IDLE");
	assert_int_equal(volt_userns_keeper_idle(), VOLT_USERNS_KEEPER_IDLE);
	setenv("VOLT_USERNS_KEEPER_IDLE", "5", 1);
	assert_int_equal(volt_userns_keeper_idle(), 5);
	setenv("VOLT_USERNS_KEEPER_IDLE", "0", 1);
	assert_int_equal(volt_userns_keeper_idle(), VOLT_USERNS_KEEPER_IDLE);
	setenv("VOLT_USERNS_KEEPER_IDLE", "5s", 1);
	assert_int_equal(volt_userns_keeper_idle(), VOLT_USERNS_KEEPER_IDLE);
	unsetenv("VOLT_USERNS_KEEPER");
	assert_true(volt_userns_keeper_enabled());
	setenv("VOLT_USERNS_KEEPER", "0", 1);
	assert_false(volt_userns_keeper_enabled());
	unsetenv("VOLT_USERNS_KEEPER");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_parse),
		cmocka_unit_test(test_record_rejects),
		cmocka_unit_test(test_key_and_path),
		cmocka_unit_test(test_idle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
