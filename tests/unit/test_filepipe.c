/* Unit tests for image/filepipe.c: files queued by one thread are stored by
 * the writer thread with the right digest, size and mode, including files
 * that span several slots and empty files; stopping early leaves nothing in
 * objects/ or tmp/ for the file being written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "cas/sha256.h"
#include "cas/store.h"
#include "image/filepipe.h"
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

/* count_entries - names in dir (not . and ..). */
static int count_entries(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "find %s -type f | wc -l", dir);
	FILE *f = popen(cmd, "r");
	int n = -1;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

static void test_store(void **state)
{
	(void)state;
	struct volt_cas cas;
	struct volt_err err;
	struct volt_filepipe *p;
	size_t big_len = 200000 + 17; /* spans four 64 KiB slots */
	unsigned char *big = malloc(big_len);
	char want_big[VOLT_SHA256_HEX], want_small[VOLT_SHA256_HEX], want_empty[VOLT_SHA256_HEX];
	char got[VOLT_SHA256_HEX], rel[80];
	int64_t size;
	uint32_t j0, j1, j2;
	struct stat st;

	assert_non_null(big);
	for (size_t i = 0; i < big_len; i++)
		big[i] = (unsigned char)(i * 31 + 7);
	volt_sha256_buf(big, big_len, want_big);
	volt_sha256_buf("hello\n", 6, want_small);
	volt_sha256_buf("", 0, want_empty);

	assert_int_equal(volt_cas_open(&cas, root, &err), 0);
	assert_int_equal(volt_filepipe_start(&p, &cas, &err), 0);
	/* exec on a file whose end comes in a later slot than its begin */
	assert_int_equal(volt_filepipe_begin(p, 1, &j0), 0);
	for (size_t off = 0; off < big_len; off += 10000)
		assert_int_equal(volt_filepipe_data(p, big + off, big_len - off < 10000 ? big_len - off : 10000), 0);
	assert_int_equal(volt_filepipe_end(p), 0);
	assert_int_equal(volt_filepipe_begin(p, 0, &j1), 0);
	assert_int_equal(volt_filepipe_data(p, "hello\n", 6), 0);
	assert_int_equal(volt_filepipe_end(p), 0);
	assert_int_equal(volt_filepipe_begin(p, 0, &j2), 0);
	assert_int_equal(volt_filepipe_end(p), 0);
	assert_int_equal(volt_filepipe_finish(p, &err), 0);
	assert_int_equal(j0, 0);
	assert_int_equal(j2, 2);

	assert_int_equal(volt_filepipe_result(p, j0, got, &size), 0);
	assert_string_equal(got, want_big);
	assert_int_equal(size, (int64_t)big_len);
	volt_cas_object_rel(got, rel, sizeof(rel));
	assert_int_equal(fstatat(cas.objects_fd, rel, &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(volt_filepipe_result(p, j1, got, &size), 0);
	assert_string_equal(got, want_small);
	volt_cas_object_rel(got, rel, sizeof(rel));
	assert_int_equal(fstatat(cas.objects_fd, rel, &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(volt_filepipe_result(p, j2, got, &size), 0);
	assert_string_equal(got, want_empty);
	assert_int_equal(size, 0);
	assert_int_equal(volt_filepipe_result(p, 3, got, &size), -1);
	volt_filepipe_free(p);
	volt_cas_close(&cas);
	free(big);
}

static void test_stop_early(void **state)
{
	(void)state;
	struct volt_cas cas;
	struct volt_err err;
	struct volt_filepipe *p;
	static unsigned char buf[100000];
	char dir[128];
	uint32_t j;

	assert_int_equal(volt_cas_open(&cas, root, &err), 0);
	assert_int_equal(volt_filepipe_start(&p, &cas, &err), 0);
	assert_int_equal(volt_filepipe_begin(p, 0, &j), 0);
	assert_int_equal(volt_filepipe_data(p, buf, sizeof(buf)), 0);
	/* no end: the reader failed (a hostile entry, a truncated stream) */
	volt_filepipe_free(p);
	snprintf(dir, sizeof(dir), "%s/cas/objects", root);
	assert_int_equal(count_entries(dir), 0);
	snprintf(dir, sizeof(dir), "%s/cas/tmp", root);
	assert_int_equal(count_entries(dir), 0);
	volt_cas_close(&cas);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_early, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
