/* Unit tests for vm/kernel_pvh.c: the ELF with a PVH note taken out of a
 * bzImage's compressed payload; none from a kernel without the note, a
 * truncated ELF, or a file that is not a bzImage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <archive_entry.h>

#include "util/archive_cleanup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/kernel.h"

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (v >> (8 * i)) & 0xff;
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/* a minimal ELF64 x86-64 file: one PT_NOTE segment holding one note */
static size_t make_elf(unsigned char *e, const char *name, uint32_t type)
{
	memset(e, 0, 256);
	memcpy(e, "\177ELF", 4);
	e[4] = 2;
	e[5] = 1;
	e[6] = 1;
	put16(e + 16, 2);
	put16(e + 18, 62);
	put64(e + 32, 64); /* e_phoff */
	put16(e + 54, 56); /* e_phentsize */
	put16(e + 56, 1);  /* e_phnum */
	unsigned char *ph = e + 64, *n = e + 120;
	put32(ph, 4);	    /* PT_NOTE */
	put64(ph + 8, 120); /* p_offset */
	put64(ph + 32, 24); /* p_filesz */
	put32(n, (uint32_t)strlen(name) + 1);
	put32(n + 4, 8);
	put32(n + 8, type);
	memcpy(n + 12, name, strlen(name) + 1);
	return 144;
}

/* a bzImage around data, gzip-compressed as the kernel's build does */
static size_t make_bzimage(unsigned char *b, size_t cap, const unsigned char *data, size_t len)
{
	memset(b, 0, cap);
	b[0x1f1] = 1; /* one setup sector: the payload's base is at 1024 */
	memcpy(b + 0x202, "HdrS", 4);
	put16(b + 0x206, 0x20f);
	cleanup_archive_write struct archive *a = archive_write_new();
	size_t used = 0;
	assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
	assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, b + 1024, cap - 1024, &used), ARCHIVE_OK);
	struct archive_entry *ent = archive_entry_new();
	archive_entry_set_pathname(ent, "vmlinux");
	archive_entry_set_filetype(ent, AE_IFREG);
	archive_entry_set_size(ent, (la_int64_t)len);
	assert_int_equal(archive_write_header(a, ent), ARCHIVE_OK);
	archive_entry_free(ent);
	assert_int_equal(archive_write_data(a, data, len), (la_ssize_t)len);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	/* the build's size_append: the uncompressed size after the stream */
	put32(b + 1024 + used, (uint32_t)len);
	used += 4;
	put32(b + 0x248, 0);
	put32(b + 0x24c, (uint32_t)used);
	return 1024 + used;
}

static void test_has_pvh(void **state)
{
	unsigned char e[256];
	(void)state;
	size_t n = make_elf(e, "Xen", 18);
	assert_true(volt_kernel_elf_has_pvh(e, n));
	assert_false(volt_kernel_elf_has_pvh(e, 130)); /* the note cut off */
	n = make_elf(e, "Xen", 17);		       /* another Xen note */
	assert_false(volt_kernel_elf_has_pvh(e, n));
	n = make_elf(e, "GNU", 18);
	assert_false(volt_kernel_elf_has_pvh(e, n));
	make_elf(e, "Xen", 18);
	put16(e + 18, 183); /* aarch64 */
	assert_false(volt_kernel_elf_has_pvh(e, n));
}

static void test_extract(void **state)
{
	char tmpl[] = "/tmp/volt-test-pvh-XXXXXX";
	struct volt_err err = {0};
	unsigned char e[256], b[8192];
	(void)state;
	assert_non_null(mkdtemp(tmpl));
	cleanup_free char *bz = volt_path("%s/vmlinuz", tmpl);
	cleanup_free char *out = volt_path("%s/vmlinux", tmpl);

	size_t n = make_elf(e, "Xen", 18);
	size_t bn = make_bzimage(b, sizeof(b), e, n);
	assert_int_equal(volt_write_file_atomic(bz, b, bn, 0644, &err), 0);
	assert_int_equal(volt_kernel_pvh_extract(bz, out, &err), 1);
	cleanup_free char *got = NULL;
	size_t gl;
	assert_int_equal(volt_read_file(out, 1 << 20, &got, &gl, &err), 0);
	assert_int_equal(gl, n);
	assert_memory_equal(got, e, n);
	assert_int_equal(unlink(out), 0);

	/* no PVH note (a kernel built without CONFIG_PVH): nothing written */
	n = make_elf(e, "Xen", 17);
	bn = make_bzimage(b, sizeof(b), e, n);
	assert_int_equal(volt_write_file_atomic(bz, b, bn, 0644, &err), 0);
	assert_int_equal(volt_kernel_pvh_extract(bz, out, &err), 0);
	assert_int_equal(access(out, F_OK), -1);

	/* not a bzImage */
	assert_int_equal(volt_write_file_atomic(bz, e, n, 0644, &err), 0);
	assert_int_equal(volt_kernel_pvh_extract(bz, out, &err), 0);
	assert_int_equal(access(out, F_OK), -1);

	/* a missing file is an error */
	assert_int_equal(volt_kernel_pvh_extract("/nonexistent/vmlinuz", out, &err), -1);
	assert_int_equal(volt_rm_rf(tmpl, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_has_pvh),
		cmocka_unit_test(test_extract),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
