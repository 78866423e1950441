/* A bounded in-process byte channel from the download thread (curl's write
 * callback) to the unpacker thread (libarchive's read callback). See
 * blobchan.c. */
#ifndef VOLT_IMAGE_BLOBCHAN_H
#define VOLT_IMAGE_BLOBCHAN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct volt_blobchan {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	unsigned char *ring;
	size_t cap, head, tail, used; /* bytes in the ring: [tail, tail + used) mod cap */
	size_t lent;		      /* bytes the reader holds since its last read */
	bool writer_done, reader_done;
	bool writer_waits, reader_waits;
};

/* volt_blobchan_init - a channel of cap bytes. Return 0, -1 (ENOMEM). */
int volt_blobchan_init(struct volt_blobchan *c, size_t cap);
void volt_blobchan_free(struct volt_blobchan *c);

/* volt_blobchan_write - copy len bytes in, waiting for room. Return 0, or
 * -1 when the reader has gone (the producer should stop). */
int volt_blobchan_write(struct volt_blobchan *c, const void *buf, size_t len);

/* volt_blobchan_read - the next bytes, in place: *out points into the ring
 * and stays valid until the next call. Return their count, 0 at the end
 * (the writer closed and all was read). */
ssize_t volt_blobchan_read(struct volt_blobchan *c, const void **out);

/* volt_blobchan_close_writer - no more bytes: the reader sees the end. */
void volt_blobchan_close_writer(struct volt_blobchan *c);
/* volt_blobchan_close_reader - the reader stops: writes fail from now on. */
void volt_blobchan_close_reader(struct volt_blobchan *c);

#endif
