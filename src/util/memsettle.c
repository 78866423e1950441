/* volt_mem_settle (memsettle.h).
 *
 * Why: a detached container's monitor (volt-shim) sets the container up
 * (database, spec, seccomp compile on a cold cache, libslirp and glib
 * loaded) and then sits in poll() for the container's whole life. What setup
 * touched stays counted in its resident set: freed heap that malloc keeps,
 * and the code and read-only data of volt-shim, libc, libcrypto, glib that
 * setup ran once (measured: 4.3 MB VmRSS with slirp on a warm store, 8.8 MB
 * for the first container of a store, of which 0.4 MB and 1.7 MB were
 * anonymous). So, once: malloc_trim, and MADV_DONTNEED on each private,
 * non-writable, file-backed mapping that holds no anonymous (copied-on-write)
 * page. For such a mapping that only drops this process's page-table entries:
 * the pages stay in the page cache (shared with every other process that maps
 * them) and a later touch maps them again with a minor fault, exactly as
 * after the kernel reclaimed them under memory pressure. A mapping with an
 * anonymous page (RELRO after relocation, a text relocation) is left alone:
 * dropping it would bring back the file's unrelocated bytes. */
#include "util/memsettle.h"

#include <malloc.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define MAX_RANGES 512

struct range {
	unsigned long start, end;
};

int volt_mem_settle_open(void)
{
	return open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
}

void volt_mem_settle(void)
{
	volt_mem_settle_fd(volt_mem_settle_open());
}

void volt_mem_settle_fd(int fd)
{
	static struct range r[MAX_RANGES]; /* static: no heap use while malloc trims */
	size_t n = 0, cap = 0;
	char *line = NULL;
	unsigned long start = 0, end = 0;
	bool cand = false;
	long anon = -1;

	malloc_trim(0);
	FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while (getline(&line, &cap, f) > 0) {
		unsigned long s, e;
		char perms[8];
		int off = 0;
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &s, &e, perms, &off) == 3 && off > 0) {
			if (cand && anon == 0 && n < MAX_RANGES)
				r[n++] = (struct range){start, end};
			start = s;
			end = e;
			/* private, not writable, backed by a file ("/..."; not [vdso]) */
			cand = perms[1] == '-' && perms[3] == 'p' && line[off] == '/';
			anon = -1;
		} else if (!strncmp(line, "Anonymous:", 10)) {
			anon = strtol(line + 10, NULL, 10);
		}
	}
	if (cand && anon == 0 && n < MAX_RANGES)
		r[n++] = (struct range){start, end};
	free(line);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		madvise((void *)r[i].start, r[i].end - r[i].start, MADV_DONTNEED);
}
