/* Unit tests for the seccomp profile parser and compiler (security/seccomp_profile.c,
 * security/seccomp.c) and the capability helpers (security/caps.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "security/caps.h"
#include "security/seccomp.h"
#include "security/seccomp_profile.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* the shipped profiles, relative to where `make unit` runs them (the top) */
#ifndef SRCDIR
#define SRCDIR "."
#endif

static int parse(struct volt_scmp_profile *p, const char *text, struct volt_err *err)
{
	memset(err, 0, sizeof(*err));
	return volt_scmp_profile_parse(p, "t.json", text, strlen(text), err);
}

static void test_docker_format(void **state)
{
	struct volt_scmp_profile p;
	struct volt_err err;
	(void)state;
	assert_int_equal(parse(&p,
			       "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,"
			       "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"comment\":\"ignored\","
			       "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			       "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
			       "\"value\":4294967295,\"op\":\"SCMP_CMP_EQ\"}]},"
			       "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":"
			       "[\"CAP_SYS_PTRACE\"]}},{\"name\":\"kill\",\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}",
			       &err),
			 0);
	assert_int_equal(p.default_action, VOLT_SCMP_ERRNO);
	assert_int_equal(p.default_errno, 38);
	assert_string_equal(p.arches[0], "SCMP_ARCH_X86_64");
	assert_int_equal(p.n_rules, 4);
	assert_string_equal(p.rules[0].names[1], "write");
	assert_int_equal(p.rules[1].n_args, 1);
	assert_int_equal(p.rules[1].args[0].value, 4294967295u);
	assert_int_equal(p.rules[1].args[0].op, VOLT_CMP_EQ);
	assert_false(volt_scmp_rule_active(&p.rules[2], volt_caps_default(), "SCMP_ARCH_X86_64"));
	assert_true(volt_scmp_rule_active(&p.rules[2], UINT64_C(1) << 19, "SCMP_ARCH_X86_64"));
	assert_string_equal(p.rules[3].names[0], "kill"); /* the old "name" key */
	assert_int_equal(p.rules[3].errno_ret, 1);
	volt_scmp_profile_free(&p);
}

static void test_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\n \"syscalls\": [ }", "t.json:2:"},
		{"{}", "missing \"defaultAction\""},
		{"[]", "expected an object"},
		{"{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "unknown action \"SCMP_ACT_NOPE\""},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}", "syscalls[0]: missing"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}]}",
		 "no syscall names"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
		 "\"args\":[{\"index\":7,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		 "syscalls[0].args[0]: \"index\" must be 0..5"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
		 "\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_SOMETIMES\"}]}]}",
		 "unknown op \"SCMP_CMP_SOMETIMES\""},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
		 "\"includes\":{\"caps\":[\"CAP_FLY\"]}}]}",
		 "unknown capability \"CAP_FLY\""},
		{"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":99999}", "defaultErrnoRet"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultAction\":\"SCMP_ACT_ALLOW\"}", "t.json:1:"},
	};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct volt_scmp_profile p;
		struct volt_err err;
		assert_int_equal(parse(&p, cases[i].text, &err), -1);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: \"%s\" does not contain \"%s\"", i, err.msg, cases[i].want);
		assert_non_null(strstr(err.msg, "t.json"));
	}
}

/* compile - a profile into BPF; returns its instruction count */
static size_t compile(const char *text, uint64_t caps, enum volt_seccomp_mode mode)
{
	struct volt_scmp_profile p;
	struct volt_err err;
	char path[] = "/tmp/volt-test-bpf-XXXXXX";
	int fd = mkstemp(path);
	struct stat st;

	assert_true(fd >= 0);
	assert_int_equal(parse(&p, text, &err), 0);
	if (volt_seccomp_compile(&p, caps, mode, fd, &err) < 0)
		fail_msg("compile: %s", err.msg);
	fstat(fd, &st);
	close(fd);
	unlink(path);
	volt_scmp_profile_free(&p);
	return (size_t)st.st_size / 8;
}

static void test_compile(void **state)
{
	(void)state;
	/* allow-all still gets the always-blocked calls */
	size_t a = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", 0, VOLT_SECCOMP_ENFORCE);
	size_t b = compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"reboot\",\"kexec_load\"],"
			   "\"action\":\"SCMP_ACT_ALLOW\"}]}",
			   0, VOLT_SECCOMP_ENFORCE);
	assert_true(a > 10);
	assert_true(b < a); /* naming them lets them through */
	/* args, duplicate indexes, actions, notify and log modes */
	const char *prof = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
			   "\"SCMP_ARCH_AARCH64\"],\"syscalls\":[{\"names\":[\"read\",\"nosuchcall\"],\"action\":"
			   "\"SCMP_ACT_ALLOW\"},{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
			   "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]},"
			   "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288,"
			   "\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}]},{\"names\":[\"ptrace\"],\"action\":"
			   "\"SCMP_ACT_KILL_PROCESS\"}]}";
	assert_true(compile(prof, 0, VOLT_SECCOMP_ENFORCE) > 5);
	assert_true(compile(prof, 0, VOLT_SECCOMP_NOTIFY) > 5);
	assert_true(compile(prof, 0, VOLT_SECCOMP_LOG) > 5);
}

static void test_shipped_profiles(void **state)
{
	static const char *names[] = {"default", "strict", "networking", "permissive"};
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		cleanup_free char *path = volt_path("%s/profiles/seccomp/%s.json", SRCDIR, names[i]);
		cleanup_free char *text = NULL;
		size_t len;
		struct volt_scmp_profile p;
		struct volt_err err;
		assert_int_equal(volt_read_file(path, 1 << 20, &text, &len, &err), 0);
		if (volt_scmp_profile_parse(&p, path, text, len, &err) < 0)
			fail_msg("%s", err.msg);
		volt_scmp_profile_free(&p);
		assert_true(compile(text, volt_caps_default(), VOLT_SECCOMP_ENFORCE) > 10);
	}
}

static void test_caps(void **state)
{
	uint64_t c;
	struct volt_err err;
	char buf[1024];
	(void)state;
	assert_int_equal(volt_caps_default(), UINT64_C(0xa80425fb)); /* Docker's CapEff */
	assert_int_equal(volt_caps_parse_name("net_admin"), 12);
	assert_int_equal(volt_caps_parse_name("CAP_NET_ADMIN"), 12);
	assert_int_equal(volt_caps_parse_name("Sys_Admin"), 21);
	assert_int_equal(volt_caps_parse_name("FLY"), -1);
	assert_int_equal(volt_caps_parse_name(""), -1);
	char *add[] = {"SYS_PTRACE", NULL}, *drop[] = {"ALL", NULL}, *bad[] = {"NOPE", NULL};
	assert_int_equal(volt_caps_compute(add, drop, &c, &err), 0);
	assert_int_equal(c, UINT64_C(1) << 19);
	assert_int_equal(volt_caps_compute(NULL, NULL, &c, &err), 0);
	assert_int_equal(c, volt_caps_default());
	assert_int_equal(volt_caps_compute(bad, NULL, &c, &err), -1);
	assert_non_null(strstr(err.msg, "NOPE"));
	volt_caps_format((UINT64_C(1) << 0) | (UINT64_C(1) << 5), buf, sizeof(buf));
	assert_string_equal(buf, "CHOWN,KILL");
	volt_caps_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_format), cmocka_unit_test(test_errors), cmocka_unit_test(test_compile),
		cmocka_unit_test(test_shipped_profiles), cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
