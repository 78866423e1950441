/* Unit tests for volt-runtime's cgroups (oci/cgroup.c): linux.resources
 * mapped to cgroup v2 files, written into a directory that stands in for
 * a cgroup (files present: controllers there; absent: not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "oci/cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

static char *dir;

static void touch(const char *file)
{
	char *p = volt_path("%s/%s", dir, file);
	assert_int_equal(close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600)), 0);
	free(p);
}

static char *value(const char *file)
{
	char *p = volt_path("%s/%s", dir, file), *t = NULL;
	struct volt_err err;
	assert_int_equal(volt_read_file(p, 4096, &t, NULL, &err), 0);
	free(p);
	return t;
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/volt-oci-cgroup-XXXXXX";
	(void)state;
	assert_non_null(mkdtemp(tmpl));
	dir = strdup(tmpl);
	return 0;
}

static int teardown(void **state)
{
	struct volt_err err;
	(void)state;
	volt_rm_rf(dir, &err);
	free(dir);
	return 0;
}

/* runc's mapping: swap is memory+swap, shares become a weight, quota and
 * period one cpu.max line, a pids limit of 0 or less is "max" */
static void test_mapping(void **state)
{
	const char *files[] = {"memory.max",  "memory.low", "memory.swap.max", "cpu.weight",	  "cpu.max",
			       "cpuset.cpus", "pids.max",   "hugetlb.2MB.max", "cgroup.max.depth"};
	struct volt_err err;
	char **notes = NULL;
	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		touch(files[i]);
	assert_int_equal(
		volt_oci_cgroup_apply(dir,
				      "{\"memory\":{\"limit\":1048576,\"reservation\":524288,\"swap\":3145728},"
				      "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0\"},"
				      "\"pids\":{\"limit\":0},"
				      "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304}],"
				      "\"unified\":{\"cgroup.max.depth\":\"2\"},\"blockIO\":{\"weight\":10}}",
				      false, &notes, &err),
		0);
	const char *want[][2] = {
		{"memory.max", "1048576"}, {"memory.low", "524288"},	   {"memory.swap.max", "2097152"},
		{"cpu.weight", "39"},	   {"cpu.max", "50000 100000"},	   {"cpuset.cpus", "0"},
		{"pids.max", "max"},	   {"hugetlb.2MB.max", "4194304"}, {"cgroup.max.depth", "2"}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cleanup_free char *v = value(want[i][0]);
		if (strcmp(v, want[i][1]))
			fail_msg("%s: %s, want %s", want[i][0], v, want[i][1]);
	}
	/* blockIO is accepted and ignored, with a note */
	assert_non_null(notes);
	assert_non_null(strstr(notes[0], "blockIO"));
	volt_strv_free(notes);
}

/* a controller the cgroup lacks: a note at create, an error for update */
static void test_missing_controller(void **state)
{
	struct volt_err err;
	char **notes = NULL;
	(void)state;
	char *p = volt_path("%s/pids.max", dir);
	unlink(p);
	free(p);
	assert_int_equal(volt_oci_cgroup_apply(dir, "{\"pids\":{\"limit\":5}}", false, &notes, &err), 0);
	assert_non_null(notes);
	assert_non_null(strstr(notes[0], "pids.max=5 not applied: no pids controller"));
	volt_strv_free(notes);
	assert_int_equal(volt_oci_cgroup_apply(dir, "{\"pids\":{\"limit\":5}}", true, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "no pids controller"));
	/* a unified key that is not a cgroup file name is refused */
	assert_int_equal(volt_oci_cgroup_apply(dir, "{\"unified\":{\"../x\":\"1\"}}", true, NULL, &err), -1);
}

static void test_dir(void **state)
{
	char *why = NULL;
	(void)state;
	/* systemd's form makes no cgroup, with the reason */
	assert_null(volt_oci_cgroup_dir("user.slice:volt:c1", &why));
	assert_non_null(strstr(why, "slice:prefix:name"));
	free(why);
	assert_null(volt_oci_cgroup_dir("/a/../b", &why));
	free(why);
	/* an absolute path lands under the cgroup v2 mount (where there is one) */
	char *d = volt_oci_cgroup_dir("/volt-test/c1", &why);
	if (d) {
		assert_non_null(strstr(d, "/volt-test/c1"));
		assert_int_equal(strncmp(d, "/sys/fs/cgroup", 14), 0);
	}
	free(d);
	free(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_missing_controller),
		cmocka_unit_test(test_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
