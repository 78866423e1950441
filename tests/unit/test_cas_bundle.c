/* Unit tests for the bundle reader: a bundle built in memory verifies; a
 * changed object, a missing object, a config that does not match the id and
 * junk are each reported with the object named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "cas/bundle.h"

static char cfg[] = "{\"config\":{}}";
static char content[] = "hello\n";

static void add(struct archive *a, const char *name, const char *data)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)strlen(data));
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	archive_write_data(a, data, strlen(data));
	archive_entry_free(e);
}

/* make - a zip with: meta (id of cfg_used), config, tree naming `content`,
 * and the object holding obj_data (skipped when NULL) */
static size_t make(char *buf, size_t cap, const char *cfg_used, const char *obj_data)
{
	char id[VOLT_SHA256_HEX], dg[VOLT_SHA256_HEX], meta[256], tree[512], oname[80];
	size_t used = 0;
	struct archive *a = archive_write_new();
	volt_sha256_buf(cfg, strlen(cfg), id);
	volt_sha256_buf(content, strlen(content), dg);
	snprintf(meta, sizeof(meta), "{\"version\":1,\"id\":\"%s\",\"name\":\"t:1\",\"layers\":[]}", id);
	snprintf(tree, sizeof(tree),
		 "{\"version\":1,\"entries\":[{\"path\":\"etc\",\"type\":\"dir\",\"mode\":493,\"uid\":0,\"gid\":0,"
		 "\"mtime\":0},{\"path\":\"etc/hello\",\"type\":\"file\",\"mode\":420,\"uid\":0,\"gid\":0,"
		 "\"mtime\":0,\"size\":6,\"digest\":\"%s\"}]}",
		 dg);
	snprintf(oname, sizeof(oname), "objects/%s", dg);
	archive_write_set_format_zip(a);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	add(a, "volt-bundle.json", meta);
	add(a, "config.json", cfg_used);
	add(a, "tree.json", tree);
	if (obj_data)
		add(a, oname, obj_data);
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

struct seen {
	int n;
	char last[256];
};

static void cb(const char *object, const char *problem, void *arg)
{
	struct seen *s = arg;
	s->n++;
	snprintf(s->last, sizeof(s->last), "%s %s", object, problem);
}

static size_t check(const char *cfg_used, const char *obj_data, struct seen *s, int *ret)
{
	static char buf[1 << 16];
	struct volt_bundle_info info;
	struct volt_err err;
	size_t problems = 99;
	size_t len = make(buf, sizeof(buf), cfg_used, obj_data);
	memset(s, 0, sizeof(*s));
	*ret = volt_bundle_verify_mem(buf, len, cb, s, &info, &problems, &err);
	if (*ret == 0 && problems == 0) {
		assert_string_equal(info.name, "t:1");
		assert_int_equal(info.objects, 1);
		assert_int_equal(info.files, 1);
		assert_int_equal(info.entries, 2);
	}
	volt_bundle_info_free(&info);
	return problems;
}

static void test_good(void **state)
{
	struct seen s;
	int ret;
	(void)state;
	assert_int_equal(check(cfg, content, &s, &ret), 0);
	assert_int_equal(ret, 0);
	assert_int_equal(s.n, 0);
}

static void test_tampered_object(void **state)
{
	struct seen s;
	int ret;
	char dg[VOLT_SHA256_HEX];
	(void)state;
	volt_sha256_buf(content, strlen(content), dg);
	assert_int_equal(check(cfg, "HELLO\n", &s, &ret), 1);
	assert_int_equal(ret, 0);
	assert_non_null(strstr(s.last, dg));
	assert_non_null(strstr(s.last, "does not match its digest"));
}

static void test_missing_object(void **state)
{
	struct seen s;
	int ret;
	(void)state;
	assert_int_equal(check(cfg, NULL, &s, &ret), 1);
	assert_non_null(strstr(s.last, "is missing from the bundle"));
}

static void test_config_mismatch(void **state)
{
	struct seen s;
	int ret;
	(void)state;
	assert_int_equal(check("{\"config\":{\"User\":\"x\"}}", content, &s, &ret), 1);
	assert_non_null(strstr(s.last, "config.json does not match the image id"));
}

static void test_junk(void **state)
{
	struct volt_bundle_info info;
	struct volt_err err;
	size_t problems;
	(void)state;
	assert_int_equal(volt_bundle_verify_mem("PK\3\4 not really", 16, NULL, NULL, &info, &problems, &err), -1);
	volt_bundle_info_free(&info);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),	       cmocka_unit_test(test_tampered_object),
		cmocka_unit_test(test_missing_object), cmocka_unit_test(test_config_mismatch),
		cmocka_unit_test(test_junk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
