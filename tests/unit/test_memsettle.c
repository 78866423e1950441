/* Unit tests for util/memsettle.c: after volt_mem_settle the process's
 * resident set is smaller, and what it holds is intact: relocated data
 * (function pointers, strings), heap and code all still work. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/memsettle.h"

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

/* relocated pointers in read-only-after-relocation data (RELRO) */
static int one(void)
{
	return 1;
}
static int two(void)
{
	return 2;
}
static int (*const table[])(void) = {one, two};
static const char *const names[] = {"alpha", "beta"};

static void test_settle_shrinks_and_keeps_data(void **state)
{
	(void)state;
	/* heap that is freed again: malloc keeps it until trimmed */
	void *big[64];
	for (int i = 0; i < 64; i++) {
		big[i] = malloc(100000);
		memset(big[i], i, 100000);
	}
	char *keep = strdup("still here");
	for (int i = 0; i < 64; i++)
		free(big[i]);
	long before = rss_kb();
	volt_mem_settle();
	long after = rss_kb();
	print_message("VmRSS %ld kB -> %ld kB\n", before, after);
	assert_true(before > 0 && after > 0);
	assert_true(after < before);
	assert_int_equal(table[0]() + table[1](), 3);
	assert_string_equal(names[1], "beta");
	assert_string_equal(keep, "still here");
	free(keep);
	/* a second call is harmless */
	volt_mem_settle();
	assert_int_equal(table[1](), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settle_shrinks_and_keeps_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
