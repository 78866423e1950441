/* Unit tests for the local image sources (src/image/source*.c): the SOURCE
 * syntax, the image config check, and archive unpacking that must never
 * write outside its work directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "image/source.h"
#include "image/source_int.h"
#include "util/fs.h"

static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/volt-unit-src-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	char *t = volt_path("%s/cas/tmp", tmpdir);
	struct volt_err err;
	int r = volt_mkdir_p(t, 0700, &err);
	free(t);
	return r;
}

static int teardown(void **state)
{
	struct volt_err err;
	(void)state;
	volt_rm_rf(tmpdir, &err);
	return 0;
}

static void test_split(void **state)
{
	char *p, *s;
	(void)state;
	volt_source_split("/no/such/dir:tag", &p, &s);
	assert_string_equal(p, "/no/such/dir");
	assert_string_equal(s, "tag");
	free(p);
	free(s);
	volt_source_split("/no/such/file.tar", &p, &s);
	assert_string_equal(p, "/no/such/file.tar");
	assert_null(s);
	free(p);
	/* docker-archive:FILE:REPO:TAG splits at the first colon */
	volt_source_split("f.tar:repo/x:v1", &p, &s);
	assert_string_equal(p, "f.tar");
	assert_string_equal(s, "repo/x:v1");
	free(p);
	free(s);
	volt_source_split("/x:", &p, &s);
	assert_string_equal(p, "/x");
	assert_null(s);
	free(p);
	/* an existing path with a colon wins */
	char *odd = volt_path("%s/a:b", tmpdir);
	assert_int_equal(mkdir(odd, 0700), 0);
	volt_source_split(odd, &p, &s);
	assert_string_equal(p, odd);
	assert_null(s);
	free(p);
	free(odd);
}

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"

static void test_check_config(void **state)
{
	struct volt_err err;
	json_t *ids = NULL;
	const char *ok =
		"{\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D1 "\"]}}";
	(void)state;
	assert_int_equal(src_check_config(ok, strlen(ok), 2, &ids, &err), 0);
	assert_int_equal(json_array_size(ids), 2);
	json_decref(ids);
	assert_int_equal(src_check_config(ok, strlen(ok), 3, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "diff_ids lists 2 layers, the manifest 3"));
	/* no diff_ids at all is accepted (the caller decides) */
	assert_int_equal(src_check_config("{}", 2, 5, &ids, &err), 0);
	assert_null(ids);
	static const char *const bad[] = {
		"[]",
		"nope",
		"{\"config\":[]}",
		"{\"rootfs\":{\"diff_ids\":[\"sha256:xyz\"]}}",
		"{\"rootfs\":{\"diff_ids\":\"" D1 "\"}}",
		"{\"a\":1,\"a\":2}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(src_check_config(bad[i], strlen(bad[i]), 1, NULL, &err), -1);
	/* a NUL inside the bytes */
	assert_int_equal(src_check_config("{}\0{}", 5, 0, NULL, &err), -1);
}

enum { E_FILE, E_DIR, E_SYM, E_FIFO, E_HARD };

static void add(struct archive *a, const char *name, int type, const char *data)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_perm(e, 0644);
	switch (type) {
	case E_DIR: archive_entry_set_filetype(e, AE_IFDIR); break;
	case E_SYM:
		archive_entry_set_filetype(e, AE_IFLNK);
		archive_entry_set_symlink(e, data);
		break;
	case E_FIFO: archive_entry_set_filetype(e, AE_IFIFO); break;
	case E_HARD:
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_hardlink(e, data);
		break;
	default: archive_entry_set_filetype(e, AE_IFREG); archive_entry_set_size(e, (la_int64_t)strlen(data));
	}
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	if (type == E_FILE)
		archive_write_data(a, data, strlen(data));
	archive_entry_free(e);
}

/* unpack - write entries into a tar, unpack it as an image archive. */
static int unpack(struct volt_image_source *src, void (*fill)(struct archive *), struct volt_err *err)
{
	char *tar = volt_path("%s/in.tar", tmpdir);
	char *cas = volt_path("%s/cas", tmpdir);
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	assert_int_equal(archive_write_open_filename(a, tar), ARCHIVE_OK);
	fill(a);
	archive_write_close(a);
	archive_write_free(a);
	memset(src, 0, sizeof(*src));
	src->rootfd = -1;
	src->path = tar;
	int r = src_unpack_archive(src, cas, err);
	free(cas);
	return r;
}

static void fill_layout(struct archive *a)
{
	add(a, "./", E_DIR, NULL);
	add(a, "oci-layout", E_FILE, "{\"imageLayoutVersion\":\"1.0.0\"}");
	add(a, "blobs/sha256/aa", E_FILE, "blob");
	/* old docker save: a layer linked from another directory */
	add(a, "id1/layer.tar", E_SYM, "../blobs/sha256/aa");
}

static void fill_escape_dotdot(struct archive *a)
{
	add(a, "a/../../escaped", E_FILE, "x");
}

/* a symlink to / followed by a file through it: must land inside */
static void fill_escape_symlink(struct archive *a)
{
	add(a, "evil", E_SYM, "/");
	add(a, "evil/tmp/volt-unit-escaped", E_FILE, "x");
	add(a, "up", E_SYM, "../../../../../../..");
	add(a, "up/tmp/volt-unit-escaped2", E_FILE, "x");
}

static void fill_fifo(struct archive *a)
{
	add(a, "fifo", E_FIFO, NULL);
}

static void fill_hardlink(struct archive *a)
{
	add(a, "f", E_FILE, "x");
	add(a, "g", E_HARD, "f");
}

static void test_unpack(void **state)
{
	struct volt_image_source src;
	struct volt_err err;
	int64_t size;
	char *buf = NULL;
	size_t len;
	(void)state;

	assert_int_equal(unpack(&src, fill_layout, &err), 0);
	assert_non_null(src.workdir);
	assert_int_equal(src_read_verified(&src, "oci-layout", NULL, -1, 4096, "layout", &buf, &len, &err), 0);
	assert_string_equal(buf, "{\"imageLayoutVersion\":\"1.0.0\"}");
	free(buf);
	/* the symlink resolves inside the work directory */
	int fd = src_open_file(&src, "id1/layer.tar", &size, &err);
	assert_true(fd >= 0);
	assert_int_equal(size, 4);
	close(fd);
	/* the digest and size checks */
	assert_int_equal(src_read_verified(&src, "blobs/sha256/aa", D1, -1, 4096, "config", &buf, &len, &err), -1);
	assert_non_null(strstr(err.msg, "config blob " D1 ": digest mismatch"));
	assert_int_equal(src_read_verified(&src, "blobs/sha256/aa", NULL, 5, 4096, "config", &buf, &len, &err), -1);
	assert_non_null(strstr(err.msg, "size mismatch"));
	assert_int_equal(src_read_verified(&src, "blobs/sha256/aa", NULL, -1, 3, "config", &buf, &len, &err), -1);
	/* a FIFO in a layout directory is refused, without hanging */
	char *fifo = volt_path("%s/fifo", src.workdir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_true(src_open_file(&src, "fifo", &size, &err) < 0);
	assert_non_null(strstr(err.msg, "not a regular file"));
	free(fifo);
	/* metadata naming a path outside cannot reach it */
	assert_true(src_open_file(&src, "../../../../etc/passwd", &size, &err) < 0);
	char *wd = strdup(src.workdir);
	volt_image_source_close(&src);
	assert_int_equal(access(wd, F_OK), -1);
	free(wd);

	assert_int_equal(unpack(&src, fill_escape_dotdot, &err), -1);
	assert_non_null(strstr(err.msg, "contains \"..\""));
	volt_image_source_close(&src);

	unlink("/tmp/volt-unit-escaped");
	unlink("/tmp/volt-unit-escaped2");
	assert_int_equal(unpack(&src, fill_escape_symlink, &err), 0);
	assert_int_equal(access("/tmp/volt-unit-escaped", F_OK), -1);
	assert_int_equal(access("/tmp/volt-unit-escaped2", F_OK), -1);
	/* both landed under the work directory */
	fd = src_open_file(&src, "tmp/volt-unit-escaped", &size, &err);
	assert_true(fd >= 0);
	close(fd);
	volt_image_source_close(&src);

	assert_int_equal(unpack(&src, fill_fifo, &err), -1);
	assert_non_null(strstr(err.msg, "only files, directories and symlinks"));
	volt_image_source_close(&src);
	assert_int_equal(unpack(&src, fill_hardlink, &err), -1);
	assert_non_null(strstr(err.msg, "hardlinks"));
	volt_image_source_close(&src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_check_config),
		cmocka_unit_test(test_unpack),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
