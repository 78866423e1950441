/* Unit tests: the object store dedups by content, a layer applies with
 * whiteouts, a checkout materialises the tree with hardlinks and the image's
 * mtimes, and the tree manifest (format 2: mtime_nsec) saves and loads. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "cas/store.h"
#include "image/layer.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char root[64];

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/volt-unit-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	struct volt_err err;
	(void)state;
	return volt_rm_rf(root, &err);
}

/* make_tar - a tar in memory from (name, type, content) triples */
static size_t make_tar(char *buf, size_t cap, const char **names, const char **contents, int n)
{
	struct archive *a = archive_write_new();
	size_t used = 0;
	archive_write_set_format_pax_restricted(a);
	archive_write_open_memory(a, buf, cap, &used);
	for (int i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, names[i]);
		if (contents[i] && !strncmp(contents[i], "->", 2)) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_hardlink(e, contents[i] + 2);
			archive_entry_set_size(e, 0);
		} else if (contents[i]) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)strlen(contents[i]));
		} else {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		}
		archive_write_header(a, e);
		if (contents[i] && strncmp(contents[i], "->", 2))
			archive_write_data(a, contents[i], strlen(contents[i]));
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

static void test_layers_and_checkout(void **state)
{
	struct volt_cas cas;
	struct volt_tree tree;
	struct volt_err err;
	struct volt_layer_stats st;
	static char buf[1 << 16];
	(void)state;

	assert_int_equal(volt_cas_open(&cas, root, &err), 0);
	volt_tree_init(&tree);
	const char *n1[] = {"etc/", "etc/a", "etc/b", "etc/link", "gone/", "gone/x"};
	const char *c1[] = {NULL, "same", "same", "->etc/a", NULL, "bye"};
	size_t len = make_tar(buf, sizeof(buf), n1, c1, 6);
	assert_int_equal(volt_layer_apply_mem(&cas, &tree, buf, len, 0, "l0", NULL, &st, &err), 0);
	assert_int_equal(st.files, 3);
	const char *n2[] = {".wh.gone", "etc/.wh.b", "etc/c"};
	const char *c2[] = {"", "", "new"};
	len = make_tar(buf, sizeof(buf), n2, c2, 3);
	assert_int_equal(volt_layer_apply_mem(&cas, &tree, buf, len, 1, "l1", NULL, &st, &err), 0);
	assert_null(volt_tree_find(&tree, "gone/x"));
	assert_null(volt_tree_find(&tree, "etc/b"));
	assert_non_null(volt_tree_find(&tree, "etc/c"));
	/* "same" stored once: a and b have one object */
	assert_string_equal(volt_tree_find(&tree, "etc/a")->digest, volt_tree_find(&tree, "etc/link")->digest);

	/* a digest mismatch is refused */
	struct volt_layer_opts o = {.expect_digest =
					    "sha256:0000000000000000000000000000000000000000000000000000000000000000"};
	assert_int_equal(volt_layer_apply_mem(&cas, &tree, buf, len, 2, "l2", &o, &st, &err), -1);
	assert_non_null(strstr(err.msg, "digest mismatch"));

	/* a checkout sets the image's owners: root, or a user namespace, only */
	if (geteuid() != 0) {
		volt_tree_free(&tree);
		volt_cas_close(&cas);
		skip();
	}
	char dest[128];
	snprintf(dest, sizeof(dest), "%s/co", root);
	assert_int_equal(volt_cas_checkout(&cas, &tree, dest, &err), 0);
	char p1[160], p2[160];
	struct stat s1, s2;
	snprintf(p1, sizeof(p1), "%s/etc/a", dest);
	snprintf(p2, sizeof(p2), "%s/etc/link", dest);
	assert_int_equal(stat(p1, &s1), 0);
	assert_int_equal(stat(p2, &s2), 0);
	assert_int_equal(s1.st_ino, s2.st_ino); /* the image's hardlink */
	snprintf(p2, sizeof(p2), "%s/gone", dest);
	assert_int_not_equal(access(p2, F_OK), 0);
	volt_tree_free(&tree);
	volt_cas_close(&cas);
}

/* a manifest of format 2 keeps mtime and mtime_nsec; format 1 (no nsec)
 * still loads; unknown versions and bad nanoseconds are refused */
static void test_tree_format(void **state)
{
	struct volt_tree t, u;
	struct volt_err err;
	char path[128];
	cleanup_free char *buf = NULL;
	size_t len;
	(void)state;

	volt_tree_init(&t);
	assert_int_equal(t.version, VOLT_TREE_VERSION);
	struct volt_tree_entry d = {.path = strdup("d"), .type = VOLT_T_DIR, .mode = 0755, .mtime = -5};
	struct volt_tree_entry f = {.path = strdup("d/f"),
				    .type = VOLT_T_FILE,
				    .mode = 0644,
				    .size = 1,
				    .mtime = 1000000600,
				    .mtime_nsec = 123456789};
	struct volt_tree_entry l = {.path = strdup("d/l"),
				    .target = strdup("f"),
				    .type = VOLT_T_SYMLINK,
				    .mode = 0777,
				    .mtime = 4102444800LL};
	memset(f.digest, 'a', 64);
	assert_int_equal(volt_tree_put(&t, &d, &err), 0);
	assert_int_equal(volt_tree_put(&t, &f, &err), 0);
	assert_int_equal(volt_tree_put(&t, &l, &err), 0);
	snprintf(path, sizeof(path), "%s/t.tree", root);
	assert_int_equal(volt_tree_save(&t, path, &err), 0);
	volt_tree_free(&t);
	assert_int_equal(volt_read_file(path, 1 << 20, &buf, &len, &err), 0);
	assert_non_null(strstr(buf, "{\"version\":2,"));
	assert_non_null(strstr(buf, "\"mtime_nsec\":123456789"));
	assert_null(strstr(strstr(buf, "mtime_nsec") + 1, "mtime_nsec")); /* only f has nanoseconds */

	volt_tree_init(&u);
	assert_int_equal(volt_tree_load(&u, path, &err), 0);
	assert_int_equal(u.version, 2);
	assert_int_equal(volt_tree_find(&u, "d")->mtime, -5);
	assert_int_equal(volt_tree_find(&u, "d/f")->mtime, 1000000600);
	assert_int_equal(volt_tree_find(&u, "d/f")->mtime_nsec, 123456789);
	assert_int_equal(volt_tree_find(&u, "d/l")->mtime, 4102444800LL);
	assert_int_equal(volt_tree_find(&u, "d/l")->mtime_nsec, 0);
	volt_tree_free(&u);

	/* format 1 (and no version at all): loads, seconds kept, no nanoseconds */
	static const char v1[] = "{\"version\":1,\"entries\":[{\"path\":\"x\",\"type\":\"dir\","
				 "\"mode\":493,\"uid\":0,\"gid\":0,\"mtime\":77}]}";
	static const char v0[] = "{\"entries\":[{\"path\":\"x\",\"type\":\"dir\",\"mtime\":78}]}";
	volt_tree_init(&u);
	assert_int_equal(volt_tree_load_buf(&u, v1, strlen(v1), &err), 0);
	assert_int_equal(u.version, 1);
	assert_int_equal(volt_tree_find(&u, "x")->mtime, 77);
	volt_tree_free(&u);
	volt_tree_init(&u);
	assert_int_equal(volt_tree_load_buf(&u, v0, strlen(v0), &err), 0);
	assert_int_equal(u.version, 1);
	assert_int_equal(volt_tree_find(&u, "x")->mtime, 78);
	volt_tree_free(&u);

	static const char *bad[] = {
		"{\"version\":3,\"entries\":[]}",
		"{\"version\":0,\"entries\":[]}",
		"{\"version\":2,\"entries\":[{\"path\":\"x\",\"type\":\"dir\",\"mtime_nsec\":1000000000}]}",
		"{\"version\":2,\"entries\":[{\"path\":\"x\",\"type\":\"dir\",\"mtime_nsec\":-1}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		volt_tree_init(&u);
		assert_int_equal(volt_tree_load_buf(&u, bad[i], strlen(bad[i]), &err), -1);
		volt_tree_free(&u);
	}
	volt_tree_init(&u);
	assert_int_equal(volt_tree_load_buf(&u, bad[0], strlen(bad[0]), &err), -1);
	assert_non_null(strstr(err.msg, "format version 3 is not known"));
	volt_tree_free(&u);
}

/* a checkout gives every entry the manifest's mtime: an object no checkout
 * uses takes the first file's time; the same content at another time, or
 * once the object is linked, goes to a variant named with the time */
static void test_checkout_times(void **state)
{
	struct volt_cas cas;
	struct volt_tree tree;
	struct volt_err err;
	struct volt_layer_stats st;
	char buf[1 << 16], dest[128], p[256];
	const char *names[] = {"d/", "d/a", "d/b", "d/e"};
	const char *contents[] = {NULL, "same\n", "same\n", ""};
	struct stat sa, sb, sd, se;
	(void)state;

	if (geteuid() != 0) /* owners are set: root, or a user namespace, only */
		skip();
	assert_int_equal(volt_cas_open(&cas, root, &err), 0);
	volt_tree_init(&tree);
	size_t len = make_tar(buf, sizeof(buf), names, contents, 4);
	assert_int_equal(volt_layer_apply_mem(&cas, &tree, buf, len, 0, "l0", NULL, &st, &err), 0);
	volt_tree_find(&tree, "d")->mtime = 1000;
	volt_tree_find(&tree, "d/a")->mtime = 2000;
	volt_tree_find(&tree, "d/a")->mtime_nsec = 5;
	volt_tree_find(&tree, "d/b")->mtime = 3000;
	volt_tree_find(&tree, "d/e")->mtime = 4000;
	snprintf(dest, sizeof(dest), "%s/co", root);
	assert_int_equal(volt_cas_checkout(&cas, &tree, dest, &err), 0);
	snprintf(p, sizeof(p), "%s/d", dest);
	assert_int_equal(stat(p, &sd), 0);
	snprintf(p, sizeof(p), "%s/d/a", dest);
	assert_int_equal(stat(p, &sa), 0);
	snprintf(p, sizeof(p), "%s/d/b", dest);
	assert_int_equal(stat(p, &sb), 0);
	snprintf(p, sizeof(p), "%s/d/e", dest);
	assert_int_equal(stat(p, &se), 0);
	assert_int_equal(sd.st_mtim.tv_sec, 1000);
	assert_int_equal(sa.st_mtim.tv_sec, 2000);
	assert_int_equal(sa.st_mtim.tv_nsec, 5);
	assert_int_equal(sb.st_mtim.tv_sec, 3000);
	assert_int_equal(se.st_mtim.tv_sec, 4000);
	assert_int_not_equal(sa.st_ino, sb.st_ino);
	/* a: the claimed canonical object; b: a variant named with its time */
	const char *dg = volt_tree_find(&tree, "d/a")->digest;
	struct stat so, sv;
	snprintf(p, sizeof(p), "%s/cas/objects/%.2s/%s", root, dg, dg);
	assert_int_equal(stat(p, &so), 0);
	assert_int_equal(so.st_ino, sa.st_ino);
	snprintf(p, sizeof(p), "%s/cas/objects/%.2s/%s.644.0.0.3000.0", root, dg, dg);
	assert_int_equal(stat(p, &sv), 0);
	assert_int_equal(sv.st_ino, sb.st_ino);

	/* a second checkout at a's time links the same inode; the canonical
	 * object is linked now, so it is never re-timed */
	volt_tree_find(&tree, "d/b")->mtime = 2000;
	volt_tree_find(&tree, "d/b")->mtime_nsec = 5;
	volt_tree_find(&tree, "d/a")->mtime = 2500;
	volt_tree_find(&tree, "d/a")->mtime_nsec = 0;
	snprintf(dest, sizeof(dest), "%s/co2", root);
	assert_int_equal(volt_cas_checkout(&cas, &tree, dest, &err), 0);
	snprintf(p, sizeof(p), "%s/d/b", dest);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_ino, so.st_ino);
	snprintf(p, sizeof(p), "%s/d/a", dest);
	assert_int_equal(stat(p, &sa), 0);
	assert_int_equal(sa.st_mtim.tv_sec, 2500);
	snprintf(p, sizeof(p), "%s/cas/objects/%.2s/%s", root, dg, dg);
	assert_int_equal(stat(p, &so), 0);
	assert_int_equal(so.st_mtim.tv_sec, 2000);
	volt_tree_free(&tree);
	volt_cas_close(&cas);
}

static void test_hostile(void **state)
{
	struct volt_cas cas;
	struct volt_tree tree;
	struct volt_err err;
	struct volt_layer_stats st;
	static char buf[1 << 16];
	(void)state;
	assert_int_equal(volt_cas_open(&cas, root, &err), 0);
	volt_tree_init(&tree);
	const char *n[] = {"../../evil"};
	const char *c[] = {"x"};
	size_t len = make_tar(buf, sizeof(buf), n, c, 1);
	assert_int_equal(volt_layer_apply_mem(&cas, &tree, buf, len, 0, "bad", NULL, &st, &err), -1);
	assert_non_null(strstr(err.msg, "layer bad: entry \"../../evil\""));
	const char *n2[] = {"h"};
	const char *c2[] = {"->/etc/shadow"};
	len = make_tar(buf, sizeof(buf), n2, c2, 1);
	assert_int_equal(volt_layer_apply_mem(&cas, &tree, buf, len, 0, "bad2", NULL, &st, &err), -1);
	assert_int_equal(volt_layer_apply_mem(&cas, &tree, "garbage!", 8, 0, "bad3", NULL, &st, &err), -1);
	volt_tree_free(&tree);
	volt_cas_close(&cas);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layers_and_checkout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tree_format, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkout_times, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
