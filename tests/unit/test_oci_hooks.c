/* Unit tests for config.json's hooks (oci/hooks.c): args, env, the state on
 * stdin, exit statuses and the timeout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "oci/hooks.h"
#include "util/cleanup.h"
#include "util/fs.h"

static void test_state_args_env(void **state)
{
	char tmpl[] = "/tmp/volt-oci-hooks-XXXXXX";
	struct volt_err err;
	(void)state;
	assert_non_null(mkdtemp(tmpl));
	cleanup_free char *out = volt_path("%s/out", tmpl);
	cleanup_free char *hooks = volt_path("{\"prestart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\","
					     "\"cat >%s; echo \\\" $1 $K\\\" >>%s\",\"sh\",\"one\"],"
					     "\"env\":[\"K=v\"]}]}",
					     out, out);
	assert_int_equal(volt_oci_hooks_run(hooks, "prestart", "{\"status\":\"creating\"}", 0, &err), 0);
	cleanup_free char *text = NULL;
	assert_int_equal(volt_read_file(out, 4096, &text, NULL, &err), 0);
	assert_string_equal(text, "{\"status\":\"creating\"} one v\n");
	/* another kind: nothing runs */
	assert_int_equal(volt_oci_hooks_run(hooks, "poststop", "{}", 0, &err), 0);
	assert_int_equal(volt_oci_hooks_run(NULL, "prestart", "{}", 0, &err), 0);
	volt_rm_rf(tmpl, &err);
}

static void test_failures(void **state)
{
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_oci_hooks_run("{\"poststart\":[{\"path\":\"/bin/true\"},{\"path\":\"/bin/false\"}]}",
					    "poststart", "{}", 0, &err),
			 -1);
	assert_non_null(strstr(err.msg, "hooks.poststart[1] (/bin/false) exited with status 1"));
	assert_int_equal(
		volt_oci_hooks_run("{\"poststart\":[{\"path\":\"/no/such/hook\"}]}", "poststart", "{}", 0, &err), -1);
	assert_non_null(strstr(err.msg, "/no/such/hook"));
	/* the timeout kills it: well before the hook's own 30 s */
	time_t t0 = time(NULL);
	assert_int_equal(volt_oci_hooks_run("{\"poststop\":[{\"path\":\"/bin/sleep\",\"args\":[\"sleep\",\"30\"],"
					    "\"timeout\":1}]}",
					    "poststop", "{}", 0, &err),
			 -1);
	assert_non_null(strstr(err.msg, "timed out after 1 s"));
	assert_true(time(NULL) - t0 < 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_args_env),
		cmocka_unit_test(test_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
