/* Partial layer downloads (see pull_partial.h).
 *
 * Theory of operation: the download thread of a layer also writes each
 * chunk it hands to the unpacker into a memfd of its own (tmpfs pages: the
 * cost of a write into the page cache, with no disk behind it, no
 * writeback, and freed by close). Nothing reaches cas/partial while the
 * layer comes, unless it outgrows VOLT_PARTIAL_MEM; the file gets the bytes
 * (sendfile) when the pull stops with the layer unfinished
 * (volt_partial_keep, from the SIGINT/SIGTERM path too). A file written as
 * the bytes came is what the memfd replaces: under other writers' dirty
 * pages, its pages were written back (and discarded again at unlink) while
 * the pull ran; an anonymous mapping instead cost a zeroing page fault per
 * 4 KiB (docs/registry.md has the measurements). The file is
 * flock'ed while a pull writes it: a second pull of the same layer at the
 * same moment streams without one. Nothing is hashed on the fast path: the
 * hash of the kept bytes is computed once, when a pull stops with the layer
 * unfinished, and checked before the next pull feeds them to the unpacker. */
#include "image/pull_partial.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/sha256.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* hash_prefix - sha256 of the first len bytes of fd. Return 0, -1 (short). */
static int hash_prefix(int fd, int64_t len, char hex[VOLT_SHA256_HEX])
{
	struct volt_sha256 h;
	cleanup_free unsigned char *buf = malloc(1 << 18);
	int64_t off = 0;

	if (!buf || volt_sha256_init(&h) < 0)
		return -1;
	while (off < len) {
		size_t want = len - off < (1 << 18) ? (size_t)(len - off) : (1 << 18);
		ssize_t n = pread(fd, buf, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			volt_sha256_abort(&h);
			return -1;
		}
		volt_sha256_update(&h, buf, (size_t)n);
		off += n;
	}
	volt_sha256_final(&h, hex);
	return 0;
}

/* read_ok - the length the .ok record vouches for, after checking the
 * file's bytes against its hash; 0 when there is none or it does not hold. */
static int64_t read_ok(struct volt_partial *p)
{
	char okname[80], buf[128], want[VOLT_SHA256_HEX], got[VOLT_SHA256_HEX];
	long long len = 0;
	struct stat st;

	snprintf(okname, sizeof(okname), "%s.ok", p->name);
	int fd = openat(p->dirfd, okname, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	/* the file changes from now on: the record no longer holds */
	unlinkat(p->dirfd, okname, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%lld %64s", &len, want) != 2 || len <= 0 || !volt_sha256_is_hex(want))
		return 0;
	if (fstat(p->fd, &st) < 0 || st.st_size < len)
		return 0;
	if (hash_prefix(p->fd, len, got) < 0 || strcmp(got, want))
		return 0;
	return len;
}

void volt_partial_open(struct volt_cas *cas, const char *digest, int64_t size, struct volt_partial *p)
{
	cleanup_free char *dir = volt_path("%s/partial", cas->dir);

	memset(p, 0, sizeof(*p));
	p->fd = p->dirfd = p->mfd = -1;
	if (strncmp(digest, "sha256:", 7) || !volt_sha256_is_hex(digest + 7))
		return;
	snprintf(p->name, sizeof(p->name), "%s", digest + 7);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	p->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (p->dirfd < 0)
		return;
	p->fd = openat(p->dirfd, p->name, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (p->fd < 0 || flock(p->fd, LOCK_EX | LOCK_NB) < 0) {
		/* another pull is downloading this layer into it */
		if (p->fd >= 0)
			close(p->fd);
		close(p->dirfd);
		p->fd = p->dirfd = -1;
		return;
	}
	p->have = read_ok(p);
	if (ftruncate(p->fd, (off_t)p->have) < 0 || lseek(p->fd, (off_t)p->have, SEEK_SET) < 0) {
		volt_partial_drop(p);
		return;
	}
	p->written = p->have;
	/* the memory for the rest: a memfd (no disk, no writeback, ever) */
	if (size >= 0 && size <= p->have)
		return;
	p->mfd = memfd_create("volt-partial", MFD_CLOEXEC);
	if (p->mfd < 0)
		return; /* the kept bytes are fed and stay; nothing new is kept */
	p->mem_cap = size < 0 || size - p->have > VOLT_PARTIAL_MEM ? VOLT_PARTIAL_MEM : (size_t)(size - p->have);
}

/* spill - what the memfd holds, appended to the file and freed. Return 0,
 * -1 (the file is emptied: nothing is kept). */
static int spill(struct volt_partial *p)
{
	off_t off = 0;

	while ((size_t)off < p->mem_len) {
		ssize_t n = sendfile(p->fd, p->mfd, &off, p->mem_len - (size_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* (disk full): the pull goes on without it; its space is given back */
			p->failed = true;
			p->mem_len = 0;
			if (ftruncate(p->fd, 0) == 0)
				p->written = 0;
			return -1;
		}
	}
	p->mem_len = 0;
	return ftruncate(p->mfd, 0) < 0 ? -1 : 0;
}

/* unmap - give the memory back */
static void unmap(struct volt_partial *p)
{
	if (p->mfd >= 0)
		close(p->mfd);
	p->mfd = -1;
	p->mem_len = p->mem_cap = 0;
}

void volt_partial_write(struct volt_partial *p, const void *buf, size_t len)
{
	const unsigned char *b = buf;

	if (p->fd < 0 || p->failed || p->mfd < 0)
		return;
	while (len > 0) {
		/* full: a layer bigger than VOLT_PARTIAL_MEM (or than the manifest
		 * said). Only when more comes: a layer that ends exactly at the cap
		 * is not written out at its end */
		if (p->mem_len == p->mem_cap && spill(p) < 0)
			return;
		size_t n = p->mem_cap - p->mem_len < len ? p->mem_cap - p->mem_len : len;
		ssize_t w = pwrite(p->mfd, b, n, (off_t)p->mem_len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) { /* no memory: what is kept so far stays */
			unmap(p);
			return;
		}
		p->mem_len += (size_t)w;
		p->written += (int64_t)w;
		b += w;
		len -= (size_t)w;
	}
}

int64_t volt_partial_keep(struct volt_partial *p)
{
	char hex[VOLT_SHA256_HEX], okname[80], tmpname[96], line[128];
	int64_t kept = p->written;

	if (p->fd < 0)
		return 0;
	if (p->failed || kept <= 0 || spill(p) < 0 || hash_prefix(p->fd, kept, hex) < 0)
		goto drop;
	unmap(p);
	snprintf(okname, sizeof(okname), "%s.ok", p->name);
	snprintf(tmpname, sizeof(tmpname), "%s.ok.tmp", p->name);
	int n = snprintf(line, sizeof(line), "%lld %s\n", (long long)kept, hex);
	int fd = openat(p->dirfd, tmpname, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto drop;
	bool ok = volt_write_all(fd, line, (size_t)n);
	close(fd);
	if (!ok || renameat(p->dirfd, tmpname, p->dirfd, okname) < 0) {
		unlinkat(p->dirfd, tmpname, 0);
		goto drop;
	}
	close(p->fd);
	close(p->dirfd);
	p->fd = p->dirfd = -1;
	return kept;
drop:
	volt_partial_drop(p);
	return 0;
}

void volt_partial_drop(struct volt_partial *p)
{
	unmap(p);
	if (p->fd >= 0) {
		/* unlink while the lock is held: no other pull adopts a dying file */
		unlinkat(p->dirfd, p->name, 0);
		close(p->fd);
	}
	if (p->dirfd >= 0)
		close(p->dirfd);
	p->fd = p->dirfd = -1;
}
