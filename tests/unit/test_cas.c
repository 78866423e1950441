/* Unit tests: the object store dedups by content, a layer applies with
 * whiteouts, and a checkout materialises the tree with hardlinks. */
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
	struct volt_layer_opts o = {.expect_digest = "sha256:0000000000000000000000000000000000000000000000000000000000000000"};
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
