/* Unit tests for volt-runtime's state files (oci/state.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "oci/state.h"
#include "util/fs.h"

static void test_id_valid(void **state)
{
	(void)state;
	assert_true(volt_oci_id_valid("abc-1_2.3+x"));
	assert_false(volt_oci_id_valid(""));
	assert_false(volt_oci_id_valid("."));
	assert_false(volt_oci_id_valid(".."));
	assert_false(volt_oci_id_valid("a/b"));
	assert_false(volt_oci_id_valid("a b"));
}

static void test_round_trip(void **state)
{
	char tmpl[] = "/tmp/volt-oci-state-XXXXXX";
	struct volt_err err;
	struct volt_oci_state s = {.id = "c1",
				   .bundle = "/b",
				   .rootfs = "/b/rootfs",
				   .created = "2026-01-01T00:00:00Z",
				   .annotations_json = "{\"k\":\"v\"}",
				   .cgroup = "/sys/fs/cgroup/x",
				   .hooks_json = "{\"poststop\":[{\"path\":\"/bin/true\"}]}",
				   .pid = getpid(),
				   .owner = 7};
	struct volt_oci_state r;
	(void)state;
	assert_non_null(mkdtemp(tmpl));
	char *dir = volt_path("%s/c1", tmpl);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_true(volt_oci_proc_alive(getpid(), 0, &s.start));
	assert_int_equal(volt_oci_state_write(dir, &s, &err), 0);
	assert_int_equal(volt_oci_state_read(tmpl, "c1", &r, &err), 0);
	assert_string_equal(r.bundle, "/b");
	assert_int_equal(r.pid, getpid());
	assert_int_equal(r.start, s.start);
	assert_string_equal(r.cgroup, "/sys/fs/cgroup/x");
	assert_string_equal(r.hooks_json, "{\"poststop\":[{\"path\":\"/bin/true\"}]}");
	/* the test's own process runs and there is no fifo: running */
	assert_int_equal(volt_oci_status_of(tmpl, &r), VOLT_OCI_RUNNING);
	/* the paused mark: paused, until it goes */
	char *mark = volt_path("%s/paused", dir);
	assert_int_equal(close(open(mark, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)), 0);
	assert_int_equal(volt_oci_status_of(tmpl, &r), VOLT_OCI_PAUSED);
	assert_string_equal(volt_oci_status_name(VOLT_OCI_PAUSED), "paused");
	assert_int_equal(unlink(mark), 0);
	free(mark);
	char *fifo = volt_path("%s/exec.fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(volt_oci_status_of(tmpl, &r), VOLT_OCI_CREATED);
	/* a pid reused by another process (another start time) is stopped */
	r.start++;
	assert_int_equal(volt_oci_status_of(tmpl, &r), VOLT_OCI_STOPPED);
	char *json = volt_oci_state_json(&r, VOLT_OCI_STOPPED);
	assert_non_null(strstr(json, "\"status\": \"stopped\""));
	assert_non_null(strstr(json, "\"pid\": 0"));
	assert_non_null(strstr(json, "\"k\": \"v\""));
	free(json);
	volt_oci_state_free(&r);
	assert_int_equal(volt_oci_state_read(tmpl, "nope", &r, &err), -1);
	assert_int_equal(err.errnum, ENOENT);
	assert_non_null(strstr(err.msg, "nope does not exist"));
	assert_int_equal(volt_oci_state_read(tmpl, "../x", &r, &err), -1);
	volt_rm_rf(tmpl, &err);
	free(fifo);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
