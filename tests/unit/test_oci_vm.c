/* Unit tests for volt-runtime's run.oci.volt.vm annotations (oci/vm.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "oci/vm.h"

static int parse(const char *json, struct volt_oci_vm *vm, struct volt_err *err)
{
	memset(err, 0, sizeof(*err));
	return volt_oci_vm_parse(json, vm, err);
}

static void test_absent_and_false(void **state)
{
	(void)state;
	struct volt_oci_vm vm;
	struct volt_err err;
	assert_int_equal(parse(NULL, &vm, &err), 0);
	assert_false(vm.on);
	assert_int_equal(parse("{\"run.oci.volt.vm\":\"false\"}", &vm, &err), 0);
	assert_false(vm.on);
	assert_false(volt_oci_vm_of("{}"));
	assert_false(volt_oci_vm_of(NULL));
	assert_true(volt_oci_vm_of("{\"run.oci.volt.vm\":\"true\"}"));
	assert_false(volt_oci_vm_of("{\"run.oci.volt.vm\":\"maybe\"}"));
}

static void test_options(void **state)
{
	(void)state;
	struct volt_oci_vm vm;
	struct volt_err err;
	assert_int_equal(parse("{\"run.oci.volt.vm\":\"true\",\"run.oci.volt.vm.memory\":\"512\","
			       "\"run.oci.volt.vm.cpus\":\"2\",\"run.oci.volt.vm.kernel\":\"/k/vmlinuz\"}",
			       &vm, &err),
			 0);
	assert_true(vm.on);
	assert_int_equal(vm.mem_mib, 512);
	assert_int_equal(vm.cpus, 2);
	assert_string_equal(vm.kernel, "/k/vmlinuz");
	volt_oci_vm_free(&vm);
	const char *sizes[][2] = {{"1g", "1024"},    {"2G", "2048"},	 {"256m", "256"},
				  {"256MiB", "256"}, {"524288k", "512"}, {"1Gi", "1024"}};
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char j[128];
		snprintf(j, sizeof(j), "{\"run.oci.volt.vm.memory\":\"%s\"}", sizes[i][0]);
		assert_int_equal(parse(j, &vm, &err), 0);
		assert_int_equal(vm.mem_mib, strtoul(sizes[i][1], NULL, 10));
		assert_false(vm.on);
	}
}

static void test_invalid(void **state)
{
	(void)state;
	struct volt_oci_vm vm;
	struct volt_err err;
	assert_int_equal(parse("{\"run.oci.volt.vm\":\"maybe\"}", &vm, &err), -1);
	assert_string_equal(err.msg, "annotation run.oci.volt.vm: must be \"true\" or \"false\", not \"maybe\"");
	assert_int_equal(parse("{\"run.oci.volt.vm\":\"TRUE\"}", &vm, &err), -1);
	assert_int_equal(parse("{\"run.oci.volt.vm\":true}", &vm, &err), -1);
	assert_non_null(strstr(err.msg, "must be a string"));
	const char *bad_mem[] = {"", "0", "-1", "12x", "1t", "1gb2", "99999999999999999999", "1k"};
	for (size_t i = 0; i < sizeof(bad_mem) / sizeof(bad_mem[0]); i++) {
		char j[128];
		snprintf(j, sizeof(j), "{\"run.oci.volt.vm.memory\":\"%s\"}", bad_mem[i]);
		assert_int_equal(parse(j, &vm, &err), -1);
		assert_non_null(strstr(err.msg, "run.oci.volt.vm.memory"));
	}
	const char *bad_cpus[] = {"0", "256", "1.5", "two", "", "-2"};
	for (size_t i = 0; i < sizeof(bad_cpus) / sizeof(bad_cpus[0]); i++) {
		char j[128];
		snprintf(j, sizeof(j), "{\"run.oci.volt.vm.cpus\":\"%s\"}", bad_cpus[i]);
		assert_int_equal(parse(j, &vm, &err), -1);
		assert_non_null(strstr(err.msg, "run.oci.volt.vm.cpus"));
	}
	assert_int_equal(parse("{\"run.oci.volt.vm.kernel\":\"\"}", &vm, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_and_false),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
