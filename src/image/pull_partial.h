/* The compressed bytes of a layer being downloaded, kept so that an
 * interrupted pull resumes where it stopped (HTTP Range) instead of
 * downloading the whole layer again:
 *
 *   $VOLT_ROOT/cas/partial/<blob-hex>       the first bytes of the blob
 *   $VOLT_ROOT/cas/partial/<blob-hex>.ok    "<length> <sha256 of them>\n"
 *
 * Every downloaded byte is kept, whatever the network's speed: in a memfd
 * (up to VOLT_PARTIAL_MEM per layer; beyond, it is appended to the file and
 * emptied), written out when the pull stops with the layer unfinished
 * (signal, dropped connection). A layer that completes never touches the
 * disk (pull_partial.c says why).
 * A pull killed outright (SIGKILL) loses what was only in memory. The .ok
 * record is written with the file; a file without one or whose bytes do not
 * hash to it is not used. The whole blob is still checked against its
 * digest while it is unpacked. `volt cas gc` removes them all. */
#ifndef VOLT_IMAGE_PULL_PARTIAL_H
#define VOLT_IMAGE_PULL_PARTIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cas/store.h"

/* layers smaller than this are not kept: downloading again costs less */
#define VOLT_PARTIAL_MIN (1 << 20)
/* at most this much of a layer is held in memory; more is spilled to the
 * file this much at a time */
#define VOLT_PARTIAL_MEM (64 << 20)

struct volt_partial {
	int fd;		 /* the open, flock'ed file; -1 for none */
	int dirfd;	 /* cas/partial */
	char name[72];	 /* the blob's hex digest */
	int64_t have;	 /* bytes verified at open, to feed before the download */
	int64_t written; /* bytes kept: the file's length plus mem_len */
	int mfd;	 /* a memfd: the bytes not yet in the file (mem_len of mem_cap) */
	size_t mem_len, mem_cap;
	bool failed; /* a write failed (disk full, no memory): nothing more is kept */
};

/* volt_partial_open - the partial file of blob digest (sha256:...) of size
 * bytes (-1: unknown): created, or reopened with its verified bytes in
 * p->have. Never fails the pull: when the file cannot be used (another pull
 * writes it, no room), p->fd is -1. */
void volt_partial_open(struct volt_cas *cas, const char *digest, int64_t size, struct volt_partial *p);

/* volt_partial_write - append downloaded bytes (to memory; to the file when
 * VOLT_PARTIAL_MEM is full); a failure only stops keeping. */
void volt_partial_write(struct volt_partial *p, const void *buf, size_t len);

/* volt_partial_keep - the pull stops with this layer unfinished: write out
 * what is in memory, record the length and hash of what the file holds for
 * the next pull, and close.
 * Return the bytes kept (0: nothing kept, the file is removed). */
int64_t volt_partial_keep(struct volt_partial *p);

/* volt_partial_drop - the layer is done (or its bytes are bad): remove. */
void volt_partial_drop(struct volt_partial *p);

#endif
