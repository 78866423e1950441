/* Unit tests: --ulimit's and --sysctl's parsers (container/limits.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "container/limits.h"

static void test_ulimit(void **state)
{
	struct volt_ulimit u;
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_ulimit_parse("nofile=100:200", &u, &err), 0);
	assert_string_equal(u.name, "nofile");
	assert_int_equal(u.resource, RLIMIT_NOFILE);
	assert_true(u.soft == 100 && u.hard == 200);
	assert_int_equal(volt_ulimit_parse("core=0", &u, &err), 0);
	assert_true(u.soft == 0 && u.hard == 0);
	assert_int_equal(volt_ulimit_parse("memlock=-1:-1", &u, &err), 0);
	assert_true(u.soft == RLIM_INFINITY && u.hard == RLIM_INFINITY);
	assert_int_equal(volt_ulimit_parse("stack=8192:-1", &u, &err), 0);
	assert_true(u.soft == 8192 && u.hard == RLIM_INFINITY);
	assert_int_equal(volt_ulimit_parse("nproc=5", &u, &err), 0);
	assert_int_equal(u.resource, RLIMIT_NPROC);
	assert_int_equal(volt_ulimit_parse("nofile=20:10", &u, &err), -1);
	assert_non_null(strstr(err.msg, "soft limit is above"));
	assert_int_equal(volt_ulimit_parse("nofile=-1:10", &u, &err), -1);
	assert_int_equal(volt_ulimit_parse("nofoo=1", &u, &err), -1);
	assert_non_null(strstr(err.msg, "no such limit"));
	assert_int_equal(volt_ulimit_parse("nofile", &u, &err), -1);
	assert_int_equal(volt_ulimit_parse("nofile=", &u, &err), -1);
	assert_int_equal(volt_ulimit_parse("nofile=1x", &u, &err), -1);
	assert_int_equal(volt_ulimit_parse("nofile=1:", &u, &err), -1);
	assert_int_equal(volt_ulimit_parse("nofi=1", &u, &err), -1);
	assert_int_equal(volt_ulimit_parse("nofile=+5", &u, &err), -1);
}

static void test_sysctl(void **state)
{
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_sysctl_check("net.ipv4.ip_forward=1", NULL, &err), 0);
	assert_int_equal(volt_sysctl_check("net.ipv4.ip_forward=1", "slirp", &err), 0);
	assert_int_equal(volt_sysctl_check("kernel.shmmax=1", "host", &err), 0);
	assert_int_equal(volt_sysctl_check("kernel.shm_rmid_forced=1", NULL, &err), 0);
	assert_int_equal(volt_sysctl_check("kernel.msgmax=1", NULL, &err), 0);
	assert_int_equal(volt_sysctl_check("kernel.sem=1 2 3 4", NULL, &err), 0);
	assert_int_equal(volt_sysctl_check("fs.mqueue.msg_max=20", NULL, &err), 0);
	assert_int_equal(volt_sysctl_check("kernel.domainname=x", NULL, &err), 0);
	assert_int_equal(volt_sysctl_check("net.ipv4.ip_forward=1", "host", &err), -1);
	assert_non_null(strstr(err.msg, "own network namespace"));
	assert_int_equal(volt_sysctl_check("net.core.somaxconn=1", "container:web", &err), -1);
	assert_int_equal(volt_sysctl_check("kernel.hostname=x", NULL, &err), -1);
	assert_non_null(strstr(err.msg, "--hostname"));
	assert_int_equal(volt_sysctl_check("kernel.panic=1", NULL, &err), -1);
	assert_int_equal(volt_sysctl_check("kernel.shmfoo=1", NULL, &err), -1);
	assert_int_equal(volt_sysctl_check("vm.swappiness=1", NULL, &err), -1);
	assert_int_equal(volt_sysctl_check("net.ipv4.ip_forward", NULL, &err), -1);
	assert_int_equal(volt_sysctl_check("=1", NULL, &err), -1);
	assert_int_equal(volt_sysctl_check("net/../kernel/panic=1", NULL, &err), -1);
	assert_int_equal(volt_sysctl_check("net..x=1", NULL, &err), -1);
}

static void test_group_add(void **state)
{
	struct volt_user u = {.gid = 0, .groups = {0}, .n_groups = 1};
	struct volt_err err;
	const char *grp = "root:x:0:\nweb:x:101:\nextra:x:2000:user\n";
	(void)state;
	assert_int_equal(volt_limits_group_add((char *[]){"10", "web", "0", NULL}, grp, &u, &err), 0);
	assert_int_equal(u.n_groups, 3);
	assert_int_equal(u.groups[1], 10);
	assert_int_equal(u.groups[2], 101);
	assert_int_equal(volt_limits_group_add((char *[]){"we", NULL}, grp, &u, &err), -1);
	assert_int_equal(volt_limits_group_add((char *[]){"x", NULL}, NULL, &u, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ulimit),
		cmocka_unit_test(test_sysctl),
		cmocka_unit_test(test_group_add),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
