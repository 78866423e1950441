/* Unit tests: the container spec survives a JSON round trip; id ranges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "container/spec.h"
#include "util/cleanup.h"

static void test_roundtrip(void **state)
{
	struct volt_spec s = {0}, t;
	struct volt_err err;
	(void)state;
	s.id = strdup("abc");
	s.name = strdup("n1");
	s.lower = strdup("/store/x");
	s.args = volt_strv_dup((char *[]){"sh", "-c", "echo \"quoted\"", NULL});
	s.env = volt_strv_dup((char *[]){"A=1", NULL});
	s.tty = true;
	s.read_only = true;
	s.stop_signal = 10;
	s.stop_timeout = 3;
	s.n_mounts = 1;
	s.mounts = calloc(1, sizeof(*s.mounts));
	s.mounts[0] = (struct volt_mount){.kind = VOLT_MOUNT_TMPFS, .dest = strdup("/t"), .options = strdup("size=1m")};
	s.idmap.full = true;
	s.idmap.n_uids = 2;
	s.idmap.uids[0] = (struct volt_idrange){0, 1000, 1};
	s.idmap.uids[1] = (struct volt_idrange){1, 100000, 65536};
	s.ulimits = volt_strv_dup((char *[]){"nofile=100:200", NULL});
	s.sysctls = volt_strv_dup((char *[]){"net.ipv4.ip_forward=1", "kernel.sem=1 2 3 4", NULL});
	s.group_add = volt_strv_dup((char *[]){"10", "audio", NULL});
	char *j = volt_spec_to_json(&s);
	assert_int_equal(volt_spec_from_json(&t, j, &err), 0);
	assert_string_equal(t.args[2], "echo \"quoted\"");
	assert_string_equal(t.ulimits[0], "nofile=100:200");
	assert_string_equal(t.sysctls[1], "kernel.sem=1 2 3 4");
	assert_string_equal(t.group_add[1], "audio");
	assert_null(t.group_add[2]);
	assert_true(t.tty);
	assert_true(t.read_only);
	assert_false(t.rm);
	assert_int_equal(t.stop_signal, 10);
	assert_int_equal(t.n_mounts, 1);
	assert_int_equal(t.mounts[0].kind, VOLT_MOUNT_TMPFS);
	assert_string_equal(t.mounts[0].options, "size=1m");
	assert_int_equal(t.idmap.n_uids, 2);
	assert_int_equal(t.idmap.uids[1].outside, 100000);
	free(j);
	volt_spec_free(&s);
	volt_spec_free(&t);
}

static void test_incomplete(void **state)
{
	struct volt_spec t;
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_spec_from_json(&t, "{}", &err), -1);
	assert_int_equal(volt_spec_from_json(&t, "not json", &err), -1);
	assert_int_equal(volt_spec_from_json(&t, "{\"id\":\"x\",\"lower\":\"/l\",\"args\":[]}", &err), -1);
}

static void test_idmap_lookup(void **state)
{
	struct volt_idmap m = {0};
	(void)state;
	m.n_uids = 2;
	m.uids[0] = (struct volt_idrange){0, 1000, 1};
	m.uids[1] = (struct volt_idrange){1, 100000, 65536};
	assert_int_equal(volt_idmap_uid_to_host(&m, 0), 1000);
	assert_int_equal(volt_idmap_uid_to_host(&m, 101), 100100);
	assert_int_equal(volt_idmap_uid_to_host(&m, 65536), 165535);
	assert_int_equal(volt_idmap_uid_to_host(&m, 65537), -1);
	char buf[128];
	volt_idmap_format(m.uids, m.n_uids, buf, sizeof(buf));
	assert_string_equal(buf, "0:1000:1,1:100000:65536");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_idmap_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
