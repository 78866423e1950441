/* Unit tests for pure parsers: tree path normalisation, subuid lines, user
 * resolution, signals, CRI log lines, image names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cas/tree.h"
#include "userns/idmap.h"
#include "container/log.h"
#include "container/spec.h"
#include "container/user.h"
#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

static void test_normalize(void **state)
{
	struct volt_err err;
	char *p;
	(void)state;
	p = volt_tree_normalize("./usr//bin/", &err);
	assert_string_equal(p, "usr/bin");
	free(p);
	p = volt_tree_normalize("/etc/./passwd", &err);
	assert_string_equal(p, "etc/passwd");
	free(p);
	p = volt_tree_normalize("./", &err);
	assert_string_equal(p, "");
	free(p);
	assert_null(volt_tree_normalize("a/../../b", &err));
	assert_null(volt_tree_normalize("..", &err));
	p = volt_tree_normalize("a/..b/c..", &err);
	assert_string_equal(p, "a/..b/c..");
	free(p);
}

static void put(struct volt_tree *t, const char *path, enum volt_tree_type ty, int layer)
{
	struct volt_err err;
	struct volt_tree_entry e = {.path = strdup(path), .type = ty, .mode = 0644, .layer = layer};
	if (ty == VOLT_T_SYMLINK)
		e.target = strdup("/x");
	assert_int_equal(volt_tree_put(t, &e, &err), 0);
}

static void test_tree_whiteouts(void **state)
{
	struct volt_tree t;
	struct volt_err err;
	(void)state;
	volt_tree_init(&t);
	put(&t, "a/b/c", VOLT_T_FILE, 0);
	assert_non_null(volt_tree_find(&t, "a"));
	assert_int_equal(volt_tree_find(&t, "a")->type, VOLT_T_DIR);
	put(&t, "a/d", VOLT_T_FILE, 0);
	volt_tree_remove(&t, "a/b");
	assert_null(volt_tree_find(&t, "a/b/c"));
	assert_non_null(volt_tree_find(&t, "a/d"));
	put(&t, "a/e", VOLT_T_FILE, 1);
	volt_tree_opaque(&t, "a", 1);
	assert_null(volt_tree_find(&t, "a/d"));
	assert_non_null(volt_tree_find(&t, "a/e"));
	/* a symlink as a parent is refused */
	put(&t, "link", VOLT_T_SYMLINK, 1);
	struct volt_tree_entry e = {.path = strdup("link/evil"), .type = VOLT_T_FILE};
	assert_int_equal(volt_tree_put(&t, &e, &err), -1);
	assert_non_null(strstr(err.msg, "not a directory"));
	/* a file replaced by a directory loses nothing it should keep */
	put(&t, "a/e", VOLT_T_DIR, 2);
	assert_int_equal(volt_tree_find(&t, "a/e")->type, VOLT_T_DIR);
	size_t n;
	struct volt_tree_entry **v = volt_tree_sorted(&t, &n);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(v[i - 1]->path, v[i]->path) != 0);
	free(v);
	volt_tree_free(&t);
}

static void test_tree_roundtrip(void **state)
{
	struct volt_tree t, u;
	struct volt_err err;
	(void)state;
	volt_tree_init(&t);
	volt_tree_init(&u);
	assert_int_equal(volt_tree_load_buf(&t, "{\"entries\":[{\"path\":\"../x\",\"type\":\"dir\"}]}", 42, &err), -1);
	assert_int_equal(volt_tree_load_buf(&u,
					    "{\"entries\":[{\"path\":\"etc\",\"type\":\"dir\",\"mode\":493},"
					    "{\"path\":\"etc/f\",\"type\":\"file\",\"digest\":\"zz\"}]}",
					    strlen("{\"entries\":[{\"path\":\"etc\",\"type\":\"dir\",\"mode\":493},"
						   "{\"path\":\"etc/f\",\"type\":\"file\",\"digest\":\"zz\"}]}"),
					    &err),
			 -1);
	volt_tree_free(&t);
	volt_tree_free(&u);
}

static void test_subid(void **state)
{
	const char *text = "# comment\nalice:100000:65536\n1001:200000:1000\nbob:bad\n";
	uint32_t s, c;
	(void)state;
	assert_int_equal(volt_idmap_parse_subid(text, "alice", 5, &s, &c), 0);
	assert_int_equal(s, 100000);
	assert_int_equal(c, 65536);
	assert_int_equal(volt_idmap_parse_subid(text, "carol", 1001, &s, &c), 0);
	assert_int_equal(s, 200000);
	assert_int_equal(volt_idmap_parse_subid(text, "bob", 7, &s, &c), 1);
	assert_int_equal(volt_idmap_parse_subid(text, "ali", 8, &s, &c), 1);
}

/* /proc/PID/uid_map text, as the kernel pads it */
static void test_proc_map(void **state)
{
	struct volt_idrange r[VOLT_IDMAP_MAX];
	struct volt_idmap host = {.n_uids = 1, .n_gids = 1};
	(void)state;
	assert_int_equal(volt_idmap_parse_proc("         0       1002          1\n         1     165536      65536\n",
					       r, VOLT_IDMAP_MAX),
			 2);
	assert_true(r[0].inside == 0 && r[0].outside == 1002 && r[0].count == 1);
	assert_true(r[1].inside == 1 && r[1].outside == 165536 && r[1].count == 65536);
	assert_int_equal(volt_idmap_parse_proc("0 0 4294967295\n", r, VOLT_IDMAP_MAX), 1);
	assert_int_equal(r[0].count, 4294967295u);
	assert_int_equal(volt_idmap_parse_proc("", r, VOLT_IDMAP_MAX), 0);
	assert_int_equal(volt_idmap_parse_proc("0 1 x\n", r, VOLT_IDMAP_MAX), -1);
	assert_int_equal(volt_idmap_parse_proc("0 1 2junk\n", r, VOLT_IDMAP_MAX), -1);
	assert_int_equal(volt_idmap_parse_proc("0 0 4294967296\n", r, VOLT_IDMAP_MAX), -1);
	assert_int_equal(volt_idmap_parse_proc("0 1 1\n1 2 1\n2 3 1\n3 4 1\n", r, VOLT_IDMAP_MAX), -1);
	/* our own maps are current; one range off is not */
	char buf[512] = {0};
	FILE *f = fopen("/proc/self/uid_map", "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	host.n_uids = volt_idmap_parse_proc(buf, host.uids, VOLT_IDMAP_MAX);
	memset(buf, 0, sizeof(buf));
	f = fopen("/proc/self/gid_map", "r");
	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	host.n_gids = volt_idmap_parse_proc(buf, host.gids, VOLT_IDMAP_MAX);
	assert_true(host.n_uids > 0 && host.n_gids > 0);
	assert_true(volt_idmap_is_current(&host));
	host.uids[0].count--;
	assert_false(volt_idmap_is_current(&host));
}

/* the name comes from the given passwd file first, NSS after */
static void test_user_name(void **state)
{
	char path[] = "/tmp/volt-test-passwd.XXXXXX";
	const char *pw = "# comment\nroot:x:0:0:root:/root:/bin/sh\nbad line\nvoltx:x:4242:4242::/h:/bin/sh\n";
	char name[64];
	int fd = mkstemp(path);
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pw, strlen(pw)), (ssize_t)strlen(pw));
	close(fd);
	assert_int_equal(volt_idmap_user_name(4242, path, name, sizeof(name)), 0);
	assert_string_equal(name, "voltx");
	assert_int_equal(volt_idmap_user_name(4242, path, name, 5), -1); /* too long for the buffer */
	/* not in the file: NSS (root is in every passwd database) */
	assert_int_equal(volt_idmap_user_name(0, "/nonexistent/passwd", name, sizeof(name)), 0);
	assert_string_equal(name, "root");
	assert_int_equal(volt_idmap_user_name(3999999, path, name, sizeof(name)), -1);
	unlink(path);
}

static void test_user(void **state)
{
	const char *pw = "root:x:0:0:root:/root:/bin/sh\nweb:x:101:102:w:/var/www:/bin/sh\n";
	const char *gr = "root:x:0:\nweb:x:102:\nextra:x:2000:web,other\n";
	struct volt_user u;
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_user_resolve("web", pw, gr, &u, &err), 0);
	assert_int_equal(u.uid, 101);
	assert_int_equal(u.gid, 102);
	assert_string_equal(u.home, "/var/www");
	assert_int_equal(u.n_groups, 2);
	assert_int_equal(u.groups[1], 2000);
	assert_int_equal(volt_user_resolve("101:0", pw, gr, &u, &err), 0);
	assert_int_equal(u.gid, 0);
	assert_int_equal(volt_user_resolve("5000", pw, gr, &u, &err), 0);
	assert_int_equal(u.uid, 5000);
	assert_int_equal(volt_user_resolve("nobody", pw, gr, &u, &err), -1);
	assert_int_equal(volt_user_resolve("web:nogroup", pw, gr, &u, &err), -1);
	assert_int_equal(volt_user_resolve("", NULL, NULL, &u, &err), 0);
	assert_int_equal(u.uid, 0);
	assert_string_equal(u.home, "/root");
}

static void test_signals(void **state)
{
	(void)state;
	assert_int_equal(volt_signal_parse("TERM"), 15);
	assert_int_equal(volt_signal_parse("SIGKILL"), 9);
	assert_int_equal(volt_signal_parse("usr1"), 10);
	assert_int_equal(volt_signal_parse("2"), 2);
	assert_int_equal(volt_signal_parse("99"), -1);
	assert_int_equal(volt_signal_parse("NOPE"), -1);
	assert_int_equal(volt_signal_parse(""), -1);
}

static void test_log_line(void **state)
{
	struct volt_log_record r;
	const char *l = "2026-11-25T14:35:12.000000001Z stderr P half";
	(void)state;
	assert_int_equal(volt_log_parse_line(l, strlen(l), &r), 0);
	assert_true(r.is_stderr);
	assert_true(r.partial);
	assert_int_equal(r.msg_len, 4);
	assert_int_equal(volt_log_parse_line("garbage", 7, &r), -1);
	assert_int_equal(volt_log_parse_line("t stdin F x", 11, &r), -1);
	const char *empty = "t stdout F ";
	assert_int_equal(volt_log_parse_line(empty, strlen(empty), &r), 0);
	assert_int_equal(r.msg_len, 0);
}

static void test_image_names(void **state)
{
	char *repo, *tag;
	struct volt_err err;
	(void)state;
	assert_int_equal(volt_image_parse_name("busybox", &repo, &tag, &err), 0);
	assert_string_equal(repo, "busybox");
	assert_string_equal(tag, "latest");
	free(repo);
	free(tag);
	assert_int_equal(volt_image_parse_name("localhost:5000/a/b:1.2", &repo, &tag, &err), 0);
	assert_string_equal(repo, "localhost:5000/a/b");
	assert_string_equal(tag, "1.2");
	free(repo);
	free(tag);
	assert_int_equal(volt_image_parse_name("UPPER", &repo, &tag, &err), -1);
	assert_int_equal(volt_image_parse_name("a:", &repo, &tag, &err), -1);
	assert_int_equal(volt_image_parse_name("/abs", &repo, &tag, &err), -1);
	assert_int_equal(volt_image_parse_name("a@sha256:00", &repo, &tag, &err), -1);
}

static void test_env(void **state)
{
	char **env = calloc(1, sizeof(char *));
	(void)state;
	volt_env_set(&env, "A=1");
	volt_env_set(&env, "B=2");
	volt_env_set(&env, "A=3");
	assert_int_equal(volt_strv_len(env), 2);
	assert_string_equal(volt_env_get(env, "A"), "3");
	assert_null(volt_env_get(env, "AB"));
	volt_strv_free(env);
}

/* image configs' "created": RFC 3339, Z or an offset, 0-9+ fraction digits */
static void test_parse_time(void **state)
{
	long long ns = -1;
	(void)state;
	assert_int_equal(volt_parse_time("2001-02-03T04:05:06Z", &ns), 0);
	assert_int_equal(ns, 981173106LL * 1000000000LL);
	assert_int_equal(volt_parse_time("2001-02-03T06:05:06.5+02:00", &ns), 0);
	assert_int_equal(ns, 981173106LL * 1000000000LL + 500000000);
	assert_int_equal(volt_parse_time("2001-02-03T03:35:06.123456789123-00:30", &ns), 0);
	assert_int_equal(ns, 981173106LL * 1000000000LL + 123456789);
	assert_int_equal(volt_parse_time("1970-01-01T00:00:00Z", &ns), 0);
	assert_int_equal(ns, 0);
	char buf[48];
	assert_int_equal(volt_parse_time("2024-02-29T23:59:59.000000001Z", &ns), 0);
	volt_format_time(ns, buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29T23:59:59.000000001Z");
	static const char *bad[] = {"",
				    "2001-02-03",
				    "2001-02-03T04:05:06",
				    "2001-02-03T04:05:06.Z",
				    "2001-13-03T04:05:06Z",
				    "2001-02-03T04:05:06Zjunk",
				    "2001-02-03T04:05:06+0200",
				    "0001-01-01T00:00:00X",
				    "2001-02-03T24:05:06Z"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(volt_parse_time(bad[i], &ns), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_tree_whiteouts),
		cmocka_unit_test(test_tree_roundtrip),
		cmocka_unit_test(test_subid),
		cmocka_unit_test(test_user_name),
		cmocka_unit_test(test_proc_map),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_signals),
		cmocka_unit_test(test_log_line),
		cmocka_unit_test(test_image_names),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_parse_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
