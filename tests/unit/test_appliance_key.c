/* Unit tests for vm/appliance_key.c: the key with the agent's digest kept
 * in the run root (vm-agent) is the key computed from the file, a stale or
 * malformed record is not believed, and a changed agent is hashed again. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cached_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
