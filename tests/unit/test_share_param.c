/* Unit tests for vm/share_param.c: volt_vol= on the kernel command line,
 * written by the host and read by the guest agent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vm/share_param.h"

static void test_round_trip(void **state)
{
	(void)state;
	struct volt_share_entry e[2] = {
		{.kind = "virtiofs", .tag = "volt0", .path = "/data", .ro = false},
		{.kind = "9p", .tag = "volt1", .path = "/a b,c:d%e\xc3\xa9", .ro = true},
	};
	char *v = volt_share_param_encode(e, 2);
	assert_non_null(v);
	/* nothing the kernel would split at, nor our own separators */
	assert_string_equal(v, "virtiofs:volt0:/data:rw,9p:volt1:/a%20b%2Cc%3Ad%25e%C3%A9:ro");
	struct volt_share_entry d;
	const char *p = v;
	assert_int_equal(volt_share_param_next(&p, &d), 1);
	assert_string_equal(d.kind, "virtiofs");
	assert_string_equal(d.tag, "volt0");
	assert_string_equal(d.path, "/data");
	assert_false(d.ro);
	assert_int_equal(volt_share_param_next(&p, &d), 1);
	assert_string_equal(d.kind, "9p");
	assert_string_equal(d.path, e[1].path);
	assert_true(d.ro);
	assert_int_equal(volt_share_param_next(&p, &d), 0);
	free(v);
}

static void test_encode_refuses(void **state)
{
	(void)state;
	struct volt_share_entry rel = {.kind = "virtiofs", .tag = "volt0", .path = "data"};
	struct volt_share_entry tag = {.kind = "virtiofs", .tag = "a:b", .path = "/data"};
	assert_null(volt_share_param_encode(&rel, 1));
	assert_null(volt_share_param_encode(&tag, 1));
}

static void test_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"virtiofs:volt0:/data",		/* no mode */
		"virtiofs:volt0:/data:rx",	/* a bad mode */
		"virtiofs:volt0:data:rw",	/* relative */
		"virtiofs:volt0:/a%2:rw",	/* a cut escape */
		"virtiofs:volt0:/a%zz:rw",	/* not hex */
		"virtiofs:volt0:/a%00b:rw",	/* a NUL */
		"virtiofs::/data:rw",		/* no tag */
		"virtiofs:volt0:/data:rw:more", /* a fifth field */
		"virtiofs:volt0:/data:rw,",	/* a trailing comma */
		"virtio fs:volt0:/data:rw",	/* a kind with a space */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct volt_share_entry d;
		const char *p = bad[i];
		int k = volt_share_param_next(&p, &d);
		if (k == 1)
			k = volt_share_param_next(&p, &d);
		if (k != -1)
			fail_msg("accepted: %s", bad[i]);
	}
	/* a path longer than the guest's buffer */
	size_t n = sizeof(((struct volt_share_entry *)0)->path) + 20;
	char *big = malloc(n + 32);
	strcpy(big, "virtiofs:volt0:/");
	memset(big + strlen(big), 'a', n);
	strcpy(big + 16 + n, ":rw");
	const char *p = big;
	struct volt_share_entry d;
	assert_int_equal(volt_share_param_next(&p, &d), -1);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
