/* Unit tests for the config.json parser (oci/config.c) and the documents
 * volt-runtime writes (oci/template.c: spec, features). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>
#include <cmocka.h>

#include "oci/config.h"
#include "oci/runtime.h"

static int parse(struct volt_oci_config *c, const char *text, struct volt_err *err)
{
	memset(err, 0, sizeof(*err));
	return volt_oci_config_parse(c, text, strlen(text), err);
}

/* a minimal valid config with EXTRA spliced into the top object */
static int parse_with(struct volt_oci_config *c, const char *extra, const char *linux_, struct volt_err *err)
{
	char buf[4096];
	bool own_ns = strstr(linux_, "namespaces") != NULL;
	snprintf(buf, sizeof(buf),
		 "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
		 "\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},\"linux\":{%s%s%s}%s%s}",
		 own_ns ? "" : "\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"uts\"}]",
		 !own_ns && linux_[0] ? "," : "", linux_, extra[0] ? "," : "", extra);
	return parse(c, buf, err);
}

static void test_runc_template(void **state)
{
	struct volt_oci_config c;
	struct volt_err err;
	(void)state;
	const char *t =
		"{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"terminal\":true,\"user\":{\"uid\":5,\"gid\":6,"
		"\"additionalGids\":[7,8]},\"args\":[\"sh\",\"-c\",\"x\"],\"env\":[\"A=1\"],\"cwd\":\"/w\","
		"\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NOT_A_CAP\"],\"effective\":[\"CAP_CHOWN\"]},"
		"\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":512}],\"noNewPrivileges\":true},"
		"\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"h\",\"mounts\":[{\"destination\":"
		"\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},{\"destination\":\"/sys\",\"type\":\"none\","
		"\"source\":\"/sys\",\"options\":[\"rbind\",\"ro\"]}],\"linux\":{\"uidMappings\":[{\"containerID\":0,"
		"\"hostID\":1000,\"size\":1}],\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		"\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"uts\"},{\"type\":\"user\"},"
		"{\"type\":\"network\",\"path\":\"/run/netns/x\"}],\"maskedPaths\":[\"/proc/kcore\"],"
		"\"readonlyPaths\":[\"/proc/sys\"],\"sysctl\":{\"net.ipv4.ping_group_range\":\"0 0\"}},"
		"\"annotations\":{\"k\":\"v\"}}";
	assert_int_equal(parse(&c, t, &err), 0);
	assert_true(c.terminal);
	assert_int_equal(c.uid, 5);
	assert_int_equal(c.gid, 6);
	assert_int_equal(c.n_add_gids, 2);
	assert_int_equal(c.add_gids[1], 8);
	assert_string_equal(c.args[2], "x");
	assert_string_equal(c.env[0], "A=1");
	assert_string_equal(c.cwd, "/w");
	assert_true(c.has_caps);
	assert_int_equal(c.cap_bounding, 1 << 5); /* the unknown one is left out */
	assert_int_equal(c.cap_effective, 1 << 0);
	assert_int_equal(c.cap_ambient, 0);
	assert_int_equal(c.n_rlimits, 1);
	assert_int_equal(c.rlimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(c.rlimits[0].soft, 512);
	assert_true(c.no_new_privs);
	assert_true(c.root_readonly);
	assert_string_equal(c.hostname, "h");
	assert_int_equal(c.n_mounts, 2);
	assert_string_equal(c.mounts[1].source, "/sys");
	assert_int_equal(c.n_uids, 1);
	assert_int_equal(c.uids[0].outside, 1000);
	assert_int_equal(c.n_ns, 5);
	assert_non_null(volt_oci_find_ns(&c, CLONE_NEWUSER));
	assert_null(volt_oci_find_ns(&c, CLONE_NEWIPC));
	assert_string_equal(volt_oci_find_ns(&c, CLONE_NEWNET)->path, "/run/netns/x");
	assert_string_equal(c.masked[0], "/proc/kcore");
	assert_string_equal(c.readonly[0], "/proc/sys");
	assert_string_equal(c.sysctl[0], "net.ipv4.ping_group_range=0 0");
	assert_string_equal(c.annotations_json, "{\"k\":\"v\"}");
	volt_oci_config_free(&c);
}

/* process.user.umask (runtime-spec 1.1): kept, absent means the caller's,
 * beyond 0777 refused */
static int parse_user(struct volt_oci_config *c, const char *user_extra, struct volt_err *err)
{
	char buf[512];
	snprintf(buf, sizeof(buf),
		 "{\"ociVersion\":\"1.2.0\",\"process\":{\"user\":{\"uid\":0,\"gid\":0%s},"
		 "\"args\":[\"sh\"],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"},"
		 "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}",
		 user_extra);
	return parse(c, buf, err);
}

static void test_user_umask(void **state)
{
	struct volt_oci_config c;
	struct volt_err err;
	(void)state;
	assert_int_equal(parse_user(&c, ",\"umask\":63", &err), 0);
	assert_true(c.has_umask);
	assert_int_equal(c.umask, 077);
	volt_oci_config_free(&c);
	assert_int_equal(parse_user(&c, "", &err), 0);
	assert_false(c.has_umask);
	volt_oci_config_free(&c);
	assert_true(parse_user(&c, ",\"umask\":512", &err) < 0);
	assert_non_null(strstr(err.msg, "process.user.umask"));
}

/* each bad input is refused with the field named */
static void test_refusals(void **state)
{
	static const struct {
		const char *extra, *linux_, *field;
	} cases[] = {
		{"", "\"namespaces\":[{\"type\":\"bogus\"}]", "linux.namespaces[0]"},
		{"", "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]", "listed twice"},
		{"",
		 "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1},{\"containerID\":1,\"hostID\":2,"
		 "\"size\":1},{\"containerID\":2,\"hostID\":3,\"size\":1},{\"containerID\":3,\"hostID\":4,\"size\":1}]",
		 "at most 3"},
		{"", "\"uidMappings\":[{\"containerID\":0,\"hostID\":1,\"size\":1}]", "go together"},
		{"", "\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"x\",\"major\":10,\"minor\":229}]",
		 "linux.devices[0]"},
		{"", "\"devices\":[{\"path\":\"dev/fuse\",\"type\":\"c\"}]", "path must be absolute"},
		{"", "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "linux.seccomp"},
		{"", "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"x\"}",
		 "listenerPath: must be an absolute path"},
		{"", "\"sysctl\":{\"a/b\":\"1\"}", "linux.sysctl"},
		{"\"hooks\":{\"prestart\":[{\"path\":\"bin/true\"}]}", "", "hooks.prestart[0]"},
		{"\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":0}]}", "", "timeout"},
		{"\"hooks\":{\"later\":[]}", "", "unknown hook kind"},
		{"\"mounts\":[{\"destination\":\"rel\",\"type\":\"tmpfs\"}]", "", "mounts[0]"},
		{"\"mounts\":[{\"destination\":\"/a\",\"source\":\"rel\",\"options\":[\"bind\"]}]", "",
		 "absolute source"},
		{"\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\",\"options\":[\"idmap\"]}]", "",
		 "needs both uidMappings and gidMappings"},
		{"\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\",\"options\":[\"a,b\"]}]", "", "comma"},
		{"\"annotations\":[]", "", "annotations"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct volt_oci_config c;
		struct volt_err err;
		int r = parse_with(&c, cases[i].extra, cases[i].linux_, &err);
		if (r == 0 || !strstr(err.msg, cases[i].field))
			fail_msg("case %zu: r=%d msg=%s (want %s)", i, r, err.msg, cases[i].field);
	}
}

static void test_top_level(void **state)
{
	struct volt_oci_config c;
	struct volt_err err;
	(void)state;
	assert_int_equal(parse(&c, "{", &err), -1);
	assert_non_null(strstr(err.msg, "config.json:1:"));
	assert_int_equal(parse(&c, "{\"ociVersion\":\"2.0\"}", &err), -1);
	assert_non_null(strstr(err.msg, "ociVersion"));
	assert_int_equal(parse(&c, "{\"ociVersion\":\"1.0\",\"root\":{\"path\":\"r\"}}", &err), -1);
	assert_non_null(strstr(err.msg, "process"));
	/* JSON with a key twice is ambiguous: refused */
	assert_int_equal(parse(&c, "{\"ociVersion\":\"1.0\",\"ociVersion\":\"1.0\"}", &err), -1);
	/* hostname needs a UTS namespace */
	assert_int_equal(parse(&c,
			       "{\"ociVersion\":\"1.0\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],"
			       "\"cwd\":\"/\"},\"root\":{\"path\":\"r\"},\"hostname\":\"h\"}",
			       &err),
			 -1);
	assert_non_null(strstr(err.msg, "uts"));
	/* a NUL inside a string would cut a path short: refused */
	const char nul[] =
		"{\"ociVersion\":\"1.0\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\\u0000b\"],"
		"\"cwd\":\"/\"},\"root\":{\"path\":\"r\"}}";
	assert_int_equal(parse(&c, nul, &err), -1);
	assert_non_null(strstr(err.msg, "NUL"));
	/* rlimit soft above hard */
	assert_int_equal(parse(&c,
			       "{\"ociVersion\":\"1.0\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"a\"],"
			       "\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":2,\"hard\":1}]},"
			       "\"root\":{\"path\":\"r\"}}",
			       &err),
			 -1);
	assert_non_null(strstr(err.msg, "process.rlimits[0]"));
}

static void test_mount_opts(void **state)
{
	struct volt_oci_mount_opts o;
	struct volt_err err;
	char *opts[] = {"rbind", "ro", "nosuid", "mode=755", "rw", "rslave", "size=1m", "noexec", "tmpcopyup", NULL};
	(void)state;
	assert_int_equal(volt_oci_mount_opts(opts, &o, &err), 0);
	assert_true(o.bind);
	assert_true(o.rec);
	/* "rw" after "ro" clears it: the last word wins, as in mount(8) */
	assert_int_equal(o.flags, MS_NOSUID | MS_NOEXEC);
	assert_int_equal(o.prop, MS_SLAVE | MS_REC);
	assert_string_equal(o.data, "mode=755,size=1m");
	free(o.data);
	assert_int_equal(volt_oci_mount_opts(NULL, &o, &err), 0);
	assert_false(o.bind);
	assert_string_equal(o.data, "");
	free(o.data);
}

/* `exec --process`: a process object alone, with config.json's checks */
static void test_process_parse(void **state)
{
	struct volt_oci_config c;
	struct volt_err err;
	const char *ok = "{\"args\":[\"id\"],\"cwd\":\"/tmp\",\"user\":{\"uid\":3,\"gid\":4},\"terminal\":true}";
	(void)state;
	assert_int_equal(volt_oci_process_parse(&c, ok, strlen(ok), &err), 0);
	assert_string_equal(c.args[0], "id");
	assert_int_equal(c.uid, 3);
	assert_true(c.terminal);
	volt_oci_config_free(&c);
	const char *bad = "{\"args\":[],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}";
	assert_int_equal(volt_oci_process_parse(&c, bad, strlen(bad), &err), -1);
	assert_non_null(strstr(err.msg, "process.args"));
}

/* what `spec` writes is what `create` reads */
static void test_spec_template_parses(void **state)
{
	(void)state;
	for (int rootless = 0; rootless < 2; rootless++) {
		struct volt_oci_config c;
		struct volt_err err;
		char *t = volt_oci_spec_template(rootless);
		assert_non_null(t);
		assert_int_equal(parse(&c, t, &err), 0);
		assert_int_equal(volt_oci_find_ns(&c, CLONE_NEWUSER) != NULL, rootless);
		assert_int_equal(volt_oci_find_ns(&c, CLONE_NEWNET) != NULL, !rootless);
		if (rootless)
			assert_int_equal(c.uids[0].outside, geteuid());
		assert_string_equal(c.args[0], "sh");
		volt_oci_config_free(&c);
		free(t);
	}
	char *f = volt_oci_features();
	assert_non_null(strstr(f, "\"ociVersionMax\": \"1.2.0\""));
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runc_template), cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_user_umask),    cmocka_unit_test(test_top_level),
		cmocka_unit_test(test_mount_opts),    cmocka_unit_test(test_spec_template_parses),
		cmocka_unit_test(test_process_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
