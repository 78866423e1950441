/* Unit tests for vm/appliance_key.c: the key with the agent's digest kept
 * in the run root (vm-agent) is the key computed from the file, a stale or
 * malformed record is not believed, and a changed agent is hashed again;
 * an added file's SRC:DEST. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/appliance_key.h"

static void put(const char *path, const char *text)
{
	struct volt_err err = {0};
	assert_int_equal(volt_write_file_atomic(path, text, strlen(text), 0600, &err), 0);
}

static void test_cached_key(void **state)
{
	(void)state;
	struct volt_err err = {0};
	char dir[] = "/tmp/volt-test-akey-XXXXXX";
	assert_non_null(mkdtemp(dir));
	cleanup_free char *init = volt_path("%s/volt-init", dir);
	cleanup_free char *cache = volt_path("%s/vm-agent", dir);
	put(init, "agent one");
	struct volt_kernel k = {.version = "6.1", .image = "/k/vmlinuz"};
	char plain[65], cached[65], again[65];
	assert_int_equal(volt_appliance_key("sha256:img", &k, init, false, plain, NULL, NULL, &err), 0);
	assert_int_equal(volt_appliance_key_cached(dir, "sha256:img", &k, init, false, cached, &err), 0);
	assert_string_equal(plain, cached);
	/* the record names the file and holds its digest */
	cleanup_free char *rec = NULL;
	assert_int_equal(volt_read_file(cache, 8192, &rec, NULL, &err), 0);
	assert_int_equal(strncmp(rec, init, strlen(init)), 0);
	/* a record for another file is not believed */
	cleanup_free char *stale = volt_path("%s 1 2 3.000000000\n%064d\n", init, 0);
	put(cache, stale);
	assert_int_equal(volt_appliance_key_cached(dir, "sha256:img", &k, init, false, again, &err), 0);
	assert_string_equal(again, plain);
	/* a changed agent (another size) gives another key */
	put(init, "agent number two");
	assert_int_equal(volt_appliance_key_cached(dir, "sha256:img", &k, init, false, again, &err), 0);
	assert_string_not_equal(again, plain);
	assert_int_equal(volt_appliance_key("sha256:img", &k, init, false, plain, NULL, NULL, &err), 0);
	assert_string_equal(again, plain);
	/* a missing agent is an error, cached or not */
	unlink(init);
	assert_int_equal(volt_appliance_key_cached(dir, "sha256:img", &k, init, false, again, &err), -1);
	unlink(cache);
	rmdir(dir);
}

static void file_arg_ok(const char *arg, const char *src, const char *dest)
{
	struct volt_err err = {0};
	cleanup_free char *s = NULL, *d = NULL;
	assert_int_equal(volt_appliance_file_arg(arg, &s, &d, &err), 0);
	assert_string_equal(s, src);
	assert_string_equal(d, dest);
}

static void file_arg_bad(const char *arg, const char *why)
{
	struct volt_err err = {0};
	char *s = (char *)"x", *d = (char *)"x";
	assert_true(volt_appliance_file_arg(arg, &s, &d, &err) < 0);
	assert_null(s);
	assert_null(d);
	assert_non_null(strstr(err.msg, why));
}

static void test_file_arg(void **state)
{
	(void)state;
	file_arg_ok("/h/hosts:/etc/hosts", "/h/hosts", "/etc/hosts");
	/* the last ":/" splits: colons in the source stay */
	file_arg_ok("/a:b/c:/d:/e", "/a:b/c:/d", "/e");
	file_arg_ok("rel:/run//.containerenv/", "rel", "/run/.containerenv");
	file_arg_bad("/h/hosts", "not SRC:DEST");
	file_arg_bad("/h/hosts:etc/hosts", "not SRC:DEST");
	file_arg_bad(":/etc/hosts", "not SRC:DEST");
	file_arg_bad("/h:/etc/../x", "\"..\"");
	file_arg_bad("/h:/./x", "\".\"");
	file_arg_bad("/h://", "DEST is /");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cached_key),
		cmocka_unit_test(test_file_arg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
