/* Unit tests for image/pull_partial.c: kept bytes come back verified by their
 * record; bytes changed after the record, or a file without one, are not
 * used; a second opener of a file in use gets none; drop removes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "image/pull_partial.h"
#include "util/fs.h"

#define DIGEST "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX (DIGEST + 7)

struct fx {
	char root[64];
	struct volt_cas cas;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct volt_err err = {0};
	snprintf(f->root, sizeof(f->root), "/tmp/volt-unit-partial.XXXXXX");
	assert_non_null(mkdtemp(f->root));
	assert_int_equal(volt_cas_open(&f->cas, f->root, &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct volt_err err = {0};
	volt_cas_close(&f->cas);
	volt_rm_rf(f->root, &err);
	free(f);
	return 0;
}

/* keep_some - a pull that wrote n bytes of 'a'..'z' and stopped */
static int64_t keep_some(struct fx *f, size_t n)
{
	struct volt_partial p;
	char buf[4096];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	volt_partial_open(&f->cas, DIGEST, -1, &p);
	assert_true(p.fd >= 0);
	assert_int_equal(p.have, 0);
	for (size_t off = 0; off < n; off += sizeof(buf))
		volt_partial_write(&p, buf, n - off < sizeof(buf) ? n - off : sizeof(buf));
	return volt_partial_keep(&p);
}

static char *path_of(struct fx *f, const char *suffix)
{
	return volt_path("%s/cas/partial/%s%s", f->root, HEX, suffix);
}

static void test_kept_bytes_come_back(void **state)
{
	struct fx *f = *state;
	struct volt_partial p;
	assert_int_equal(keep_some(f, 10000), 10000);
	volt_partial_open(&f->cas, DIGEST, -1, &p);
	assert_true(p.fd >= 0);
	assert_int_equal(p.have, 10000);
	assert_int_equal(p.written, 10000);
	/* the record is gone while the file changes */
	char *ok = path_of(f, ".ok");
	assert_int_not_equal(access(ok, F_OK), 0);
	free(ok);
	volt_partial_drop(&p);
	char *data = path_of(f, "");
	assert_int_not_equal(access(data, F_OK), 0);
	free(data);
}

static void test_changed_bytes_are_not_used(void **state)
{
	struct fx *f = *state;
	struct volt_partial p;
	assert_int_equal(keep_some(f, 9000), 9000);
	char *data = path_of(f, "");
	FILE *fp = fopen(data, "r+e");
	assert_non_null(fp);
	fseek(fp, 100, SEEK_SET);
	fputc('#', fp);
	fclose(fp);
	volt_partial_open(&f->cas, DIGEST, -1, &p);
	assert_true(p.fd >= 0);
	assert_int_equal(p.have, 0);
	struct stat st;
	assert_int_equal(stat(data, &st), 0);
	assert_int_equal(st.st_size, 0); /* starts afresh */
	volt_partial_drop(&p);
	free(data);
}

static void test_no_record_no_use(void **state)
{
	struct fx *f = *state;
	struct volt_partial p;
	assert_int_equal(keep_some(f, 5000), 5000);
	char *ok = path_of(f, ".ok");
	assert_int_equal(unlink(ok), 0); /* as a pull killed outright leaves it */
	free(ok);
	volt_partial_open(&f->cas, DIGEST, -1, &p);
	assert_int_equal(p.have, 0);
	volt_partial_drop(&p);
}

static void test_in_use_gives_none(void **state)
{
	struct fx *f = *state;
	struct volt_partial a, b;
	volt_partial_open(&f->cas, DIGEST, -1, &a);
	assert_true(a.fd >= 0);
	volt_partial_open(&f->cas, DIGEST, -1, &b);
	assert_int_equal(b.fd, -1);
	volt_partial_write(&b, "x", 1); /* a no-op */
	assert_int_equal(volt_partial_keep(&b), 0);
	volt_partial_drop(&a);
}

/* the fast path: bytes stay in memory, the file gets them only on keep
 * (also when the layer fills its memory exactly) */
static void test_nothing_written_until_kept(void **state)
{
	struct fx *f = *state;
	struct volt_partial p;
	struct stat st;
	char buf[1000];
	memset(buf, 'q', sizeof(buf));
	volt_partial_open(&f->cas, DIGEST, 40000, &p);
	assert_true(p.fd >= 0);
	for (int i = 0; i < 40; i++)
		volt_partial_write(&p, buf, sizeof(buf));
	assert_int_equal(p.written, 40000);
	char *data = path_of(f, "");
	assert_int_equal(stat(data, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(volt_partial_keep(&p), 40000);
	assert_int_equal(stat(data, &st), 0);
	assert_int_equal(st.st_size, 40000);
	free(data);
}

/* more than the memory holds (here: a manifest size too small) spills to
 * the file in order; a resumed layer's new bytes follow the kept ones */
static void test_spill_and_resume_keep_order(void **state)
{
	struct fx *f = *state;
	struct volt_partial p;
	char buf[700], got[26];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	volt_partial_open(&f->cas, DIGEST, 3000, &p);
	for (int i = 0; i < 10; i++)
		volt_partial_write(&p, buf, sizeof(buf));
	assert_int_equal(volt_partial_keep(&p), 7000);
	volt_partial_open(&f->cas, DIGEST, 9000, &p);
	assert_int_equal(p.have, 7000);
	volt_partial_write(&p, buf, sizeof(buf));
	assert_int_equal(volt_partial_keep(&p), 7700);
	volt_partial_open(&f->cas, DIGEST, 9000, &p);
	assert_int_equal(p.have, 7700);
	/* byte k of the file is 'a' + (k mod 700) mod 26 */
	for (off_t k = 0; k < 7700; k += 350) {
		assert_int_equal(pread(p.fd, got, 1, k), 1);
		assert_int_equal(got[0], 'a' + (k % 700) % 26);
	}
	volt_partial_drop(&p);
}

static void test_bad_digest_gives_none(void **state)
{
	struct fx *f = *state;
	struct volt_partial p;
	volt_partial_open(&f->cas, "sha256:../../etc", -1, &p);
	assert_int_equal(p.fd, -1);
	volt_partial_open(&f->cas, "md5:0123", -1, &p);
	assert_int_equal(p.fd, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_bytes_come_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_bytes_are_not_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_record_no_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_use_gives_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nothing_written_until_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spill_and_resume_keep_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_digest_gives_none, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
