/* Unit tests for the pure helpers of store administration: the digest set,
 * object names (canonical and variants), the dedup ratio. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cas/admin.h"

#define D1 "0e69011d56341a958b07b7830a80a7f5b4683a4e3584c4c17b834b093dc7ae0d"
#define D2 "ff1eba122f345ffa3b0ab48a857281530768a3de6e9f567a47fd1f77df51fa50"

static void test_digest_set(void **state)
{
	struct volt_digest_set s;
	char hex[VOLT_SHA256_HEX];
	(void)state;
	volt_digest_set_init(&s);
	assert_false(volt_digest_set_has(&s, D1));
	assert_int_equal(volt_digest_set_add(&s, D1), 1);
	assert_int_equal(volt_digest_set_add(&s, D1), 0);
	assert_true(volt_digest_set_has(&s, D1));
	assert_false(volt_digest_set_has(&s, D2));
	*volt_digest_set_slot(&s, D1) = 7;
	/* growth keeps keys and values */
	for (int i = 0; i < 5000; i++) {
		volt_sha256_buf(&i, sizeof(i), hex);
		assert_int_equal(volt_digest_set_add(&s, hex), 1);
	}
	assert_int_equal(s.n, 5001);
	assert_int_equal(*volt_digest_set_slot(&s, D1), 7);
	for (int i = 0; i < 5000; i++) {
		volt_sha256_buf(&i, sizeof(i), hex);
		assert_true(volt_digest_set_has(&s, hex));
	}
	assert_null(volt_digest_set_slot(&s, "short"));
	volt_digest_set_free(&s);
}

static void test_object_names(void **state)
{
	char d[VOLT_SHA256_HEX];
	uint32_t m = 0, u = 0, g = 0;
	(void)state;
	assert_int_equal(volt_cas_parse_object_name(D1, d, &m, &u, &g, NULL), 0);
	assert_string_equal(d, D1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".4755.0.0", d, &m, &u, &g, NULL), 1);
	assert_int_equal(m, 04755);
	assert_int_equal(volt_cas_parse_object_name(D2 ".600.100101.65534", d, &m, &u, &g, NULL), 1);
	assert_string_equal(d, D2);
	assert_int_equal(m, 0600);
	assert_int_equal(u, 100101);
	assert_int_equal(g, 65534);
	/* not object names: tmp files, bad digests, junk after the digest */
	assert_int_equal(volt_cas_parse_object_name("obj-1234", d, &m, &u, &g, NULL), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".tmp", d, &m, &u, &g, NULL), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0", d, &m, &u, &g, NULL), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.0", d, &m, &u, &g, NULL), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".800.0.0", d, &m, &u, &g, NULL), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".17777.0.0", d, &m, &u, &g, NULL), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.99999999999.0", d, &m, &u, &g, NULL), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644..0", d, &m, &u, &g, NULL), -1);
	assert_int_equal(volt_cas_parse_object_name("0E69011d56341a958b07b7830a80a7f5b4683a4e3584c4c17b834b093dc7ae0d",
						    d, &m, &u, &g, NULL),
			 -1);
	assert_int_equal(volt_cas_parse_object_name("", d, &m, &u, &g, NULL), -1);
}

/* variants named with the image's mtime (checkout.c), and the names of
 * stores from before image times were kept (no mtime) */
static void test_object_names_mtime(void **state)
{
	char d[VOLT_SHA256_HEX];
	uint32_t m = 0, u = 0, g = 0;
	struct volt_cas_vtime vt = {.set = true};
	(void)state;
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0", d, &m, &u, &g, &vt), 1);
	assert_false(vt.set);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.946684800.0", d, &m, &u, &g, &vt), 1);
	assert_true(vt.set);
	assert_int_equal(vt.sec, 946684800);
	assert_int_equal(vt.nsec, 0);
	assert_int_equal(volt_cas_parse_object_name(D1 ".600.1000.1000.-5.999999999", d, &m, &u, &g, &vt), 1);
	assert_int_equal(m, 0600);
	assert_int_equal(vt.sec, -5);
	assert_int_equal(vt.nsec, 999999999);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.99999999999.1", d, &m, &u, &g, &vt), 1);
	assert_int_equal(vt.sec, 99999999999LL);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.1.1000000000", d, &m, &u, &g, &vt), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.1.", d, &m, &u, &g, &vt), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.-0.0", d, &m, &u, &g, &vt), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.1.2.3", d, &m, &u, &g, &vt), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.99999999999999999999.0", d, &m, &u, &g, &vt), -1);
	assert_int_equal(volt_cas_parse_object_name(D1 ".644.0.0.x.0", d, &m, &u, &g, &vt), -1);
}

static void test_ratio(void **state)
{
	char buf[32];
	(void)state;
	volt_cas_ratio_format(300, 100, buf, sizeof(buf));
	assert_string_equal(buf, "3.00x");
	volt_cas_ratio_format(199, 100, buf, sizeof(buf));
	assert_string_equal(buf, "1.99x");
	volt_cas_ratio_format(0, 0, buf, sizeof(buf));
	assert_string_equal(buf, "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_set),
		cmocka_unit_test(test_object_names),
		cmocka_unit_test(test_object_names_mtime),
		cmocka_unit_test(test_ratio),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
