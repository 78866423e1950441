/* blobchan: the bytes of one layer blob, from the thread that downloads it to
 * the thread that unpacks it.
 *
 * Theory of operation: a ring buffer under a mutex. The writer copies curl's
 * buffers in (one memcpy); the reader gets pointers into the ring (no copy)
 * and gives the bytes back on its next read. This replaced a pipe, which
 * cost two copies and two syscalls per 16 KiB chunk (~10% of the CPU time of
 * a pull). To keep the two threads from waking each other for every chunk,
 * a waiting reader is woken only once WAKE_READER bytes are there (or at the
 * end), and a waiting writer only once a quarter of the ring is free. The
 * ring is never resized; a reader that holds `lent` bytes keeps them until it
 * asks for more, so the writer never overwrites what libarchive still reads. */
#include "image/blobchan.h"

#include <stdlib.h>
#include <string.h>

#define READ_MAX (256u << 10) /* at most this much per read */
#define WAKE_READER (64u << 10)

int volt_blobchan_init(struct volt_blobchan *c, size_t cap)
{
	memset(c, 0, sizeof(*c));
	c->ring = malloc(cap);
	if (!c->ring)
		return -1;
	c->cap = cap;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->not_empty, NULL);
	pthread_cond_init(&c->not_full, NULL);
	return 0;
}

void volt_blobchan_free(struct volt_blobchan *c)
{
	if (!c->ring)
		return;
	pthread_cond_destroy(&c->not_empty);
	pthread_cond_destroy(&c->not_full);
	pthread_mutex_destroy(&c->mu);
	free(c->ring);
	c->ring = NULL;
}

int volt_blobchan_write(struct volt_blobchan *c, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	pthread_mutex_lock(&c->mu);
	while (len) {
		while (c->used == c->cap && !c->reader_done) {
			c->writer_waits = true;
			pthread_cond_wait(&c->not_full, &c->mu);
		}
		c->writer_waits = false;
		if (c->reader_done) {
			pthread_mutex_unlock(&c->mu);
			return -1;
		}
		size_t head = (c->tail + c->used) % c->cap;
		size_t n = c->cap - c->used;
		if (n > c->cap - head)
			n = c->cap - head; /* up to the end of the ring; the rest wraps */
		if (n > len)
			n = len;
		/* only this thread fills [head, head + n): copy without the lock */
		pthread_mutex_unlock(&c->mu);
		memcpy(c->ring + head, p, n);
		pthread_mutex_lock(&c->mu);
		c->used += n;
		p += n;
		len -= n;
		if (c->reader_waits && c->used - c->lent >= WAKE_READER)
			pthread_cond_signal(&c->not_empty);
	}
	pthread_mutex_unlock(&c->mu);
	return 0;
}

ssize_t volt_blobchan_read(struct volt_blobchan *c, const void **out)
{
	size_t n;

	pthread_mutex_lock(&c->mu);
	/* give back what the previous read lent */
	c->tail = (c->tail + c->lent) % c->cap;
	c->used -= c->lent;
	c->lent = 0;
	if (c->writer_waits && c->cap - c->used >= c->cap / 4)
		pthread_cond_signal(&c->not_full);
	/* (the writer waits only on a full ring, cap > WAKE_READER: the two
	 * never wait on each other) */
	while (c->used < WAKE_READER && !c->writer_done) {
		c->reader_waits = true;
		pthread_cond_wait(&c->not_empty, &c->mu);
	}
	c->reader_waits = false;
	n = c->used;
	if (n > c->cap - c->tail)
		n = c->cap - c->tail;
	if (n > READ_MAX)
		n = READ_MAX;
	c->lent = n;
	*out = c->ring + c->tail;
	pthread_mutex_unlock(&c->mu);
	return (ssize_t)n;
}

void volt_blobchan_close_writer(struct volt_blobchan *c)
{
	pthread_mutex_lock(&c->mu);
	c->writer_done = true;
	pthread_cond_signal(&c->not_empty);
	pthread_mutex_unlock(&c->mu);
}

void volt_blobchan_close_reader(struct volt_blobchan *c)
{
	pthread_mutex_lock(&c->mu);
	c->reader_done = true;
	pthread_cond_signal(&c->not_full);
	pthread_mutex_unlock(&c->mu);
}
