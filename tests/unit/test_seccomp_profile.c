/* Unit tests for the seccomp profile parser and compiler (security/seccomp_profile.c,
 * security/seccomp.c) and the capability helpers (security/caps.c). */
#include <errno.h>
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
	assert_int_equal(
		parse(&p,
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
	struct volt_scmp_env def = {volt_caps_default(), "SCMP_ARCH_X86_64", VOLT_SCMP_KERNEL(6, 1)};
	struct volt_scmp_env ptr = {UINT64_C(1) << 19, "SCMP_ARCH_X86_64", VOLT_SCMP_KERNEL(6, 1)};
	assert_false(volt_scmp_rule_active(&p.rules[2], &def));
	assert_true(volt_scmp_rule_active(&p.rules[2], &ptr));
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
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}",
		 "syscalls[0]: missing"},
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
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"read\",\"names\":[\"write\"],"
		 "\"action\":\"SCMP_ACT_ALLOW\"}]}",
		 "syscalls[0]: both \"name\" and \"names\""},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
		 "\"includes\":{\"minKernel\":\"4.8.1\"}}]}",
		 "syscalls[0].includes: \"minKernel\" must be \"MAJOR.MINOR\""},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
		 "\"excludes\":{\"minKernel\":\"four\"}}]}",
		 "syscalls[0].excludes: \"minKernel\""},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\","
		 "\"includes\":{\"minKernel\":4}}]}",
		 "\"minKernel\" must be"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
		 "\"errno\":\"ENOPE\"}]}",
		 "syscalls[0].errnoRet: \"errno\" is no errno name"},
		{"{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\","
		 "\"errnoRet\":1,\"errno\":\"EINVAL\"}]}",
		 "disagrees with \"errno\""},
		{"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrno\":\"NOPE\"}", "defaultErrnoRet"},
		{"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"listenerPath\":\"/run/agent.sock\"}",
		 "listenerPath: not supported"},
		{"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_FAST\"]}",
		 "flags: unknown flag \"SECCOMP_FILTER_FLAG_FAST\""},
		{"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],\"archMap\":[{"
		 "\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[]}]}",
		 "archMap: given with \"architectures\""},
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
	const char *prof =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
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

static void test_arch_names(void **state)
{
	(void)state;
	/* Docker's names (profiles/seccomp/seccomp_linux.go), Go's, libseccomp's */
	assert_string_equal(volt_scmp_arch_name("amd64"), "SCMP_ARCH_X86_64");
	assert_string_equal(volt_scmp_arch_name("x86_64"), "SCMP_ARCH_X86_64");
	assert_string_equal(volt_scmp_arch_name("SCMP_ARCH_X86_64"), "SCMP_ARCH_X86_64");
	assert_string_equal(volt_scmp_arch_name("x86"), "SCMP_ARCH_X86");
	assert_string_equal(volt_scmp_arch_name("386"), "SCMP_ARCH_X86");
	assert_string_equal(volt_scmp_arch_name("x32"), "SCMP_ARCH_X32");
	assert_string_equal(volt_scmp_arch_name("arm64"), "SCMP_ARCH_AARCH64");
	assert_string_equal(volt_scmp_arch_name("arm"), "SCMP_ARCH_ARM");
	assert_string_equal(volt_scmp_arch_name("mipsel"), "SCMP_ARCH_MIPSEL");
	assert_string_equal(volt_scmp_arch_name("mips3l64n32"), "SCMP_ARCH_MIPSEL64N32"); /* sic, Docker's */
	assert_string_equal(volt_scmp_arch_name("ppc64le"), "SCMP_ARCH_PPC64LE");
	assert_string_equal(volt_scmp_arch_name("s390x"), "SCMP_ARCH_S390X");
	assert_null(volt_scmp_arch_name("AMD64")); /* Docker compares case-sensitively */
	assert_null(volt_scmp_arch_name(""));
	assert_null(volt_scmp_arch_name("SCMP_ARCH_VAX"));
}

static void test_rule_conditions(void **state)
{
	struct volt_scmp_profile p;
	struct volt_err err;
	(void)state;
	/* the shapes of Docker's and podman's rules, their spellings unchanged */
	assert_int_equal(
		parse(&p,
		      "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrno\":\"ENOSYS\",\"archMap\":[{\"architecture\":"
		      "\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\",\"x32\"]}],\"syscalls\":["
		      "{\"names\":[\"arch_prctl\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"amd64\",\"x32\"]}},"
		      "{\"names\":[\"set_tls\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"arm\",\"arm64\"]}},"
		      "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"],"
		      "\"arches\":[\"s390\",\"s390x\"]},\"args\":[{\"index\":0,\"value\":2114060288,\"op\":"
		      "\"SCMP_CMP_MASKED_EQ\"}],\"comment\":\"x\"},"
		      "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38,\"excludes\":{\"arches\":"
		      "[\"amd64\"]}},"
		      "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4.8\"}},"
		      "{\"names\":[\"old\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"minKernel\":\"5.10\"}},"
		      "{\"names\":[\"vmsplice\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1,\"errno\":\"EPERM\"},"
		      "{\"names\":[\"futex\"],\"action\":\"SCMP_ACT_ERRNO\",\"errno\":\"EINVAL\",\"includes\":{\"minKernel\":\"\"},"
		      "\"excludes\":{\"arches\":[\"vax\"]}},"
		      "{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"errno\":\"EWOULDBLOCK\"}]}",
		      &err),
		0);
	assert_int_equal(p.default_errno, 38);
	assert_string_equal(p.arches[0], "SCMP_ARCH_X86_64");
	assert_string_equal(p.arches[2], "SCMP_ARCH_X32");
	assert_string_equal(p.rules[0].arch_include[0], "SCMP_ARCH_X86_64");
	assert_string_equal(p.rules[0].arch_include[1], "SCMP_ARCH_X32");
	assert_string_equal(p.rules[7].arch_exclude[0], "vax"); /* unknown: kept, matches nothing */
	assert_int_equal(p.rules[4].kernel_include, VOLT_SCMP_KERNEL(4, 8));
	assert_int_equal(p.rules[6].errno_ret, 1);
	assert_int_equal(p.rules[7].errno_ret, 22);
	assert_int_equal(p.rules[7].kernel_include, 0);
	assert_int_equal(p.rules[8].errno_ret, EAGAIN);

	struct volt_scmp_env x86_64 = {volt_caps_default(), "SCMP_ARCH_X86_64", VOLT_SCMP_KERNEL(6, 1)};
	struct volt_scmp_env arm64 = {volt_caps_default(), "SCMP_ARCH_AARCH64", VOLT_SCMP_KERNEL(6, 1)};
	struct volt_scmp_env admin = {volt_caps_default() | UINT64_C(1) << 21, "SCMP_ARCH_X86_64",
				      VOLT_SCMP_KERNEL(6, 1)};
	struct volt_scmp_env s390x = {volt_caps_default(), "SCMP_ARCH_S390X", VOLT_SCMP_KERNEL(6, 1)};
	struct volt_scmp_env oldk = {volt_caps_default(), "SCMP_ARCH_X86_64", VOLT_SCMP_KERNEL(4, 4)};
	struct volt_scmp_env nok = {volt_caps_default(), "SCMP_ARCH_X86_64", 0};
	/* "amd64" is the native x86_64: arch_prctl stays (it was dropped) */
	assert_true(volt_scmp_rule_active(&p.rules[0], &x86_64));
	assert_false(volt_scmp_rule_active(&p.rules[0], &arm64));
	assert_false(volt_scmp_rule_active(&p.rules[1], &x86_64));
	assert_true(volt_scmp_rule_active(&p.rules[1], &arm64));
	/* excludes: a capability held, or the architecture, drops the rule */
	assert_true(volt_scmp_rule_active(&p.rules[2], &x86_64));
	assert_false(volt_scmp_rule_active(&p.rules[2], &admin));
	assert_false(volt_scmp_rule_active(&p.rules[2], &s390x));
	assert_false(volt_scmp_rule_active(&p.rules[3], &x86_64));
	assert_true(volt_scmp_rule_active(&p.rules[3], &arm64));
	/* minKernel: at least, for includes; below, for excludes */
	assert_true(volt_scmp_rule_active(&p.rules[4], &x86_64));
	assert_false(volt_scmp_rule_active(&p.rules[4], &oldk));
	assert_false(volt_scmp_rule_active(&p.rules[4], &nok));
	assert_false(volt_scmp_rule_active(&p.rules[5], &x86_64));
	assert_true(volt_scmp_rule_active(&p.rules[5], &oldk));
	assert_true(volt_scmp_rule_active(&p.rules[7], &x86_64));
	volt_scmp_profile_free(&p);

	assert_int_equal(volt_scmp_kernel_parse("6.1.0-18-amd64"), VOLT_SCMP_KERNEL(6, 1));
	assert_int_equal(volt_scmp_kernel_parse("4.8"), VOLT_SCMP_KERNEL(4, 8));
	assert_int_equal(volt_scmp_kernel_parse("5.10.209"), VOLT_SCMP_KERNEL(5, 10));
	assert_true(volt_scmp_kernel_parse("5.10") > volt_scmp_kernel_parse("5.9"));
	assert_int_equal(volt_scmp_kernel_parse("4"), 0);
	assert_int_equal(volt_scmp_kernel_parse("-4.8"), 0);
	assert_int_equal(volt_scmp_kernel_parse("4.-8"), 0);
	assert_int_equal(volt_scmp_kernel_parse(" 4.8"), 0);
	assert_int_equal(volt_scmp_kernel_parse("256.1"), 0);
	assert_int_equal(volt_scmp_kernel_parse(""), 0);
	assert_int_equal(volt_scmp_kernel_parse(NULL), 0);
}

/* find_rule - the first rule of p active in env that names sys, or NULL */
static const struct volt_scmp_rule *find_rule(const struct volt_scmp_profile *p, const struct volt_scmp_env *env,
					      const char *sys)
{
	for (size_t i = 0; i < p->n_rules; i++)
		for (size_t k = 0; p->rules[i].names[k]; k++)
			if (!strcmp(p->rules[i].names[k], sys) && volt_scmp_rule_active(&p->rules[i], env))
				return &p->rules[i];
	return NULL;
}

/* Docker's default profile as Debian ships it (golang-github-docker-docker-dev,
 * or scripts/get-docker-seccomp's copy) and podman's (golang-github-containers-
 * common), unchanged: they parse, compile, and keep their amd64-only rules */
static void test_docker_podman_profiles(void **state)
{
	const char *paths[] = {
		"/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json",
		"/var/cache/volt-test/docker-seccomp-default.json",
		"/usr/share/containers/seccomp.json",
	};
	struct volt_scmp_env env = {volt_caps_default(), "SCMP_ARCH_X86_64", VOLT_SCMP_KERNEL(6, 1)};
	int seen = 0;
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		cleanup_free char *text = NULL;
		size_t len;
		struct volt_scmp_profile p;
		struct volt_err err;
		if (access(paths[i], R_OK) < 0)
			continue;
		seen++;
		assert_int_equal(volt_read_file(paths[i], 1 << 20, &text, &len, &err), 0);
		if (volt_scmp_profile_parse(&p, paths[i], text, len, &err) < 0)
			fail_msg("%s", err.msg);
		const struct volt_scmp_rule *r = find_rule(&p, &env, "arch_prctl");
		assert_non_null(r);
		assert_int_equal(r->action, VOLT_SCMP_ALLOW);
		assert_non_null(find_rule(&p, &env, "modify_ldt"));
		assert_null(find_rule(&p, &env, "set_tls")); /* arm only */
		volt_scmp_profile_free(&p);
		assert_true(compile(text, volt_caps_default(), VOLT_SECCOMP_ENFORCE) > 100);
	}
	if (!seen)
		skip();
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
		cmocka_unit_test(test_docker_format),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_shipped_profiles),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_arch_names),
		cmocka_unit_test(test_rule_conditions),
		cmocka_unit_test(test_docker_podman_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
