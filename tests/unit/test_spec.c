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
	assert_null(strstr(j, "\"health\"")); /* no check: no field */
	assert_int_equal(volt_spec_from_json(&t, j, &err), 0);
	assert_null(t.health.test);
	volt_spec_free(&t);
	free(j);
	s.health.test = volt_strv_dup((char *[]){"CMD-SHELL", "test -e /ok", NULL});
	s.health.interval = 1000000000;
	s.health.start_period = 3;
	s.health.retries = 2;
	j = volt_spec_to_json(&s);
	assert_int_equal(volt_spec_from_json(&t, j, &err), 0);
	assert_string_equal(t.health.test[1], "test -e /ok");
	assert_int_equal(t.health.interval, 1000000000);
	assert_int_equal(t.health.timeout, 0);
	assert_int_equal(t.health.start_period, 3);
	assert_int_equal(t.health.retries, 2);
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

/* a microVM's create-time choices: strategy, why, kept writes, appliance */
static void test_vm_roundtrip(void **state)
{
	struct volt_spec s = {0}, t;
	struct volt_err err;
	(void)state;
	s.id = strdup("abc");
	s.lower = strdup("/appliances/k.cpio.zst");
	s.args = volt_strv_dup((char *[]){"/bin/x", NULL});
	s.vm.strategy = strdup("disk");
	s.vm.strategy_why = strdup("--vm-strategy disk");
	s.vm.keep = true;
	s.vm.appliance = strdup("0123abcd");
	char *j = volt_spec_to_json(&s);
	assert_int_equal(volt_spec_from_json(&t, j, &err), 0);
	assert_string_equal(t.vm.strategy, "disk");
	assert_string_equal(t.vm.strategy_why, "--vm-strategy disk");
	assert_true(t.vm.keep);
	assert_string_equal(t.vm.appliance, "0123abcd");
	assert_null(t.vm.kernel);
	free(j);
	volt_spec_free(&t);
	/* a container's spec has none of it */
	free(s.vm.strategy);
	free(s.vm.strategy_why);
	free(s.vm.appliance);
	s.vm.strategy = s.vm.strategy_why = s.vm.appliance = NULL;
	s.vm.keep = false;
	j = volt_spec_to_json(&s);
	assert_int_equal(volt_spec_from_json(&t, j, &err), 0);
	assert_null(t.vm.strategy);
	assert_null(t.vm.appliance);
	assert_false(t.vm.keep);
	assert_null(strstr(j, "\"vm\""));
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
		cmocka_unit_test(test_vm_roundtrip),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_idmap_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
