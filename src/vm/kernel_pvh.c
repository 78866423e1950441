/* volt_kernel_pvh_extract, volt_kernel_elf_has_pvh (kernel.h).
 *
 * Why: QEMU loads a bzImage into a heap copy that fw_cfg keeps for the VM's
 * life (13.8 MB private per VM for Debian's cloud kernel) and the guest then
 * decompresses it into its own RAM (another ~14 MB the guest touches). The
 * same kernel as an ELF vmlinux with a PVH entry note is loaded from a
 * mapping of the file (page cache, shared by every VM of that kernel) straight
 * to its place, with no decompression: measured under TCG, 28 MB less per
 * further VM and a shorter boot (docs/vm.md). A bzImage carries that ELF,
 * compressed, as its payload (boot protocol 2.08+: payload_offset and
 * payload_length in the setup header); libarchive's raw format reads every
 * compression a kernel may use that Debian builds with (gzip, xz, lz4,
 * zstd). A kernel built without CONFIG_PVH has no such note, and is left to
 * boot as a bzImage. */
#include "vm/kernel.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/archive_cleanup.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* an uncompressed kernel larger than this is not one we boot */
#define VMLINUX_MAX (512u << 20)
#define XEN_ELFNOTE_PHYS32_ENTRY 18

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* notes_have_pvh - a "Xen" note of type PHYS32_ENTRY among the notes in p */
static bool notes_have_pvh(const unsigned char *p, size_t len)
{
	size_t o = 0;
	while (len - o >= 12) {
		uint32_t nsz = le32(p + o), dsz = le32(p + o + 4), type = le32(p + o + 8);
		size_t nal = ((size_t)nsz + 3) & ~(size_t)3, dal = ((size_t)dsz + 3) & ~(size_t)3;
		o += 12;
		if (nal > len - o || dal > len - o - nal)
			return false;
		if (type == XEN_ELFNOTE_PHYS32_ENTRY && nsz == 4 && memcmp(p + o, "Xen", 4) == 0)
			return true;
		o += nal + dal;
	}
	return false;
}

bool volt_kernel_elf_has_pvh(const void *elf, size_t len)
{
	const unsigned char *e = elf;
	/* ELF64, little-endian, x86-64, whole program header table in the file */
	if (len < 64 || memcmp(e, "\177ELF", 4) || e[4] != 2 || e[5] != 1 || le16(e + 18) != 62)
		return false;
	uint64_t phoff = le64(e + 32);
	uint16_t phentsize = le16(e + 54), phnum = le16(e + 56);
	if (phentsize < 56 || phoff > len || (uint64_t)phentsize * phnum > len - phoff)
		return false;
	bool pvh = false;
	for (uint16_t i = 0; i < phnum; i++) {
		const unsigned char *ph = e + phoff + (uint64_t)i * phentsize;
		uint64_t off = le64(ph + 8), filesz = le64(ph + 32);
		if (off > len || filesz > len - off)
			return false; /* truncated: not a file QEMU could load */
		if (le32(ph) == 4 /* PT_NOTE */ && notes_have_pvh(e + off, filesz))
			pvh = true;
	}
	return pvh;
}

/* payload - the compressed vmlinux inside a bzImage, or NULL */
static const unsigned char *payload(const unsigned char *b, size_t len, size_t *plen)
{
	if (len < 0x250 || memcmp(b + 0x202, "HdrS", 4) || le16(b + 0x206) < 0x208)
		return NULL;
	size_t setup = ((size_t)(b[0x1f1] ? b[0x1f1] : 4) + 1) * 512;
	size_t off = le32(b + 0x248), n = le32(b + 0x24c);
	if (setup > len || off > len - setup || n > len - setup - off || n == 0)
		return NULL;
	*plen = n;
	return b + setup + off;
}

/* inflate - the payload decompressed by libarchive, or NULL. The build
 * appends the uncompressed size after the stream, which a decoder may call
 * trailing garbage: what was read before an error is kept, and the ELF check
 * that follows refuses a truncated file. */
static unsigned char *inflate(const unsigned char *p, size_t n, size_t *out_len)
{
	cleanup_archive_read struct archive *a = archive_read_new();
	struct archive_entry *ent;
	if (!a || archive_read_support_filter_all(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK || archive_read_open_memory(a, p, n) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ent) != ARCHIVE_OK || archive_filter_code(a, 0) == ARCHIVE_FILTER_NONE)
		return NULL;
	size_t cap = 1 << 24, len = 0;
	unsigned char *buf = malloc(cap);
	if (!buf)
		return NULL;
	for (;;) {
		if (len == cap) {
			unsigned char *nb = cap < VMLINUX_MAX ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		la_ssize_t r = archive_read_data(a, buf + len, cap - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	*out_len = len;
	return buf;
}

int volt_kernel_pvh_extract(const char *bzimage, const char *out, struct volt_err *err)
{
	cleanup_free char *b = NULL;
	size_t len, plen, elen = 0;
	if (volt_read_file(bzimage, 256u << 20, &b, &len, err) < 0)
		return -1;
	const unsigned char *p = payload((const unsigned char *)b, len, &plen);
	if (!p)
		return 0;
	cleanup_free unsigned char *elf = inflate(p, plen, &elen);
	if (!elf || !volt_kernel_elf_has_pvh(elf, elen))
		return 0;
	if (volt_write_file_atomic(out, elf, elen, 0644, err) < 0)
		return volt_err_prefix(err, "keep the kernel's ELF image");
	return 1;
}
