/* The compressed bytes of a layer being downloaded, kept so that an
 * interrupted pull resumes where it stopped (HTTP Range) instead of
 * downloading the whole layer again:
 *
 *   $VOLT_ROOT/cas/partial/<blob-hex>       the first bytes of the blob
 *   $VOLT_ROOT/cas/partial/<blob-hex>.ok    "<length> <sha256 of them>\n"
 *
 * Only downloads the unpacker waits for (a network slower than the CPU) are
 * kept beyond their first VOLT_PARTIAL_PROBE bytes: a fast one is cheaper to
 * download again than to store. The .ok record is written when a pull stops with the file kept (signal,
 * dropped connection); a file without one (a pull killed outright) or whose
 * bytes do not hash to it is not used. The whole blob is still checked
 * against its digest while it is unpacked. `volt cas gc` removes them all. */
#ifndef VOLT_IMAGE_PULL_PARTIAL_H
#define VOLT_IMAGE_PULL_PARTIAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cas/store.h"

/* layers smaller than this are not kept: downloading again costs less */
#define VOLT_PARTIAL_MIN (1 << 20)
/* a layer is kept past this many bytes only when its download is slower than
 * its unpacking (pull.c's tee_sink): storing every byte of a fast download
 * cost 15-35 % more CPU and, on ext4, 40 % more time (writeback, discard) */
#define VOLT_PARTIAL_PROBE (2 << 20)

struct volt_partial {
	int fd;		 /* the open, flock'ed file; -1 for none */
	int dirfd;	 /* cas/partial */
	char name[72];	 /* the blob's hex digest */
	int64_t have;	 /* bytes verified at open, to feed before the download */
	int64_t written; /* the file's length now */
	bool failed;	 /* a write failed (disk full): the file is no longer kept */
};

/* volt_partial_open - the partial file of blob digest (sha256:...): created,
 * or reopened with its verified bytes in p->have. Never fails the pull: when
 * the file cannot be used (another pull writes it, no room), p->fd is -1. */
void volt_partial_open(struct volt_cas *cas, const char *digest, struct volt_partial *p);

/* volt_partial_write - append downloaded bytes; a failure only stops keeping. */
void volt_partial_write(struct volt_partial *p, const void *buf, size_t len);

/* volt_partial_keep - the pull stops with this layer unfinished: record the
 * length and hash of what the file holds for the next pull, and close.
 * Return the bytes kept (0: nothing kept, the file is removed). */
int64_t volt_partial_keep(struct volt_partial *p);

/* volt_partial_drop - the layer is done (or its bytes are bad): remove. */
void volt_partial_drop(struct volt_partial *p);

#endif
