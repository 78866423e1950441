/* filepipe: the regular files of one layer, hashed and stored by a thread of
 * their own.
 *
 * Theory of operation: unpacking a layer is one stream of work: read and
 * hash the blob, inflate, parse tar headers, then for every regular file
 * hash its content and write it into the object store. With one thread per
 * layer, an image of one big layer (the common case: a distribution base
 * with thousands of files) runs on one core however many the host has. So
 * layer.c keeps libarchive and every tree operation in its own thread (they
 * stay in archive order: hardlinks, whiteouts and overrides work as before)
 * and queues the content of each regular file here; a writer thread takes
 * the queue in order, stores each file (volt_cas_writer: temporary file,
 * SHA-256 on the way, rename into objects/) and keeps its digest and size
 * under the file's job number, 0, 1, 2 ... The tree entry holds a
 * placeholder until layer.c fills it in after volt_filepipe_finish.
 *
 * The queue is a ring of 16 slots of 64 KiB (1 MiB in flight at most); a
 * slot carries "a file begins", up to 64 KiB of content and "the file ends",
 * so a small file is one slot. After a writer error the thread keeps taking
 * slots (the reader never blocks on it) but stores nothing; the reader sees
 * `failed` and stops. Stopping early (volt_filepipe_free) drops the object
 * being written: nothing half-written is ever renamed into objects/. */
#include "image/filepipe.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_SIZE (64u << 10)
#define N_SLOTS 16u

struct slot {
	bool begin, exec, end, quit; /* exec: with begin, the object's mode is 0755 */
	size_t len;
	unsigned char data[SLOT_SIZE];
};

struct result {
	char digest[VOLT_SHA256_HEX];
	int64_t size;
};

struct volt_filepipe {
	struct volt_cas *cas;
	pthread_t th;
	bool running;
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	struct slot *slots;
	unsigned head, count; /* queued slots: [head, head + count) mod N_SLOTS */
	struct slot *cur;     /* the slot the reader is filling (the tail), or NULL */
	int failed;	      /* under mu: the writer failed, err holds why */
	struct volt_err err;
	uint32_t jobs;	    /* files begun (reader) */
	struct result *res; /* writer's, read by the reader after the join */
	size_t n_res, cap_res;
};

/* take_tail - the reader's slot to fill: waits for a free one. */
static struct slot *take_tail(struct volt_filepipe *p)
{
	pthread_mutex_lock(&p->mu);
	while (p->count == N_SLOTS)
		pthread_cond_wait(&p->not_full, &p->mu);
	p->cur = &p->slots[(p->head + p->count) % N_SLOTS];
	pthread_mutex_unlock(&p->mu);
	memset(p->cur, 0, offsetof(struct slot, data));
	return p->cur;
}

/* push - hand the filled tail slot to the writer. */
static void push(struct volt_filepipe *p)
{
	pthread_mutex_lock(&p->mu);
	p->count++;
	p->cur = NULL;
	pthread_cond_signal(&p->not_empty);
	pthread_mutex_unlock(&p->mu);
}

/* has_failed - the writer's state, for the reader. */
static bool has_failed(struct volt_filepipe *p)
{
	pthread_mutex_lock(&p->mu);
	bool f = p->failed;
	pthread_mutex_unlock(&p->mu);
	return f;
}

/* fail - the writer records its first error; later slots are only drained. */
static void fail(struct volt_filepipe *p, const struct volt_err *e)
{
	pthread_mutex_lock(&p->mu);
	if (!p->failed)
		p->err = *e;
	p->failed = 1;
	pthread_mutex_unlock(&p->mu);
}

/* add_result - the writer keeps one result per job, in job order. */
static int add_result(struct volt_filepipe *p, const char *digest, int64_t size)
{
	if (p->n_res == p->cap_res) {
		size_t cap = p->cap_res ? p->cap_res * 2 : 256;
		struct result *r = realloc(p->res, cap * sizeof(*r));
		if (!r)
			return -1;
		p->res = r;
		p->cap_res = cap;
	}
	memcpy(p->res[p->n_res].digest, digest, VOLT_SHA256_HEX);
	p->res[p->n_res].size = size;
	p->n_res++;
	return 0;
}

/* writer_thread - take slots in order and store the files they carry. */
static void *writer_thread(void *arg)
{
	struct volt_filepipe *p = arg;
	struct volt_cas_writer w;
	struct volt_err e = {0};
	bool open = false, quit = false, exec = false;

	while (!quit) {
		pthread_mutex_lock(&p->mu);
		while (p->count == 0)
			pthread_cond_wait(&p->not_empty, &p->mu);
		struct slot *s = &p->slots[p->head];
		bool ok = !p->failed;
		pthread_mutex_unlock(&p->mu);

		quit = s->quit;
		if (!quit && s->begin) {
			if (open) /* a begin without an end: cannot happen; never leak */
				volt_cas_writer_abort(&w);
			open = ok && volt_cas_writer_begin(p->cas, &w, &e) == 0;
			exec = s->exec; /* the end may come in a later slot */
			if (ok && !open)
				fail(p, &e);
		}
		if (!quit && open && s->len && volt_cas_writer_write(&w, s->data, s->len, &e) < 0) {
			volt_cas_writer_abort(&w);
			open = false;
			fail(p, &e);
		}
		if (!quit && s->end) {
			char digest[VOLT_SHA256_HEX] = "";
			int64_t size = open ? w.size : 0;
			if (open && volt_cas_writer_commit(&w, exec, digest, &e) < 0)
				fail(p, &e);
			open = false;
			if (add_result(p, digest, size) < 0) {
				volt_err_set(&e, ENOMEM, "layer file results");
				fail(p, &e);
			}
		}
		pthread_mutex_lock(&p->mu);
		p->head = (p->head + 1) % N_SLOTS;
		p->count--;
		pthread_cond_signal(&p->not_full);
		pthread_mutex_unlock(&p->mu);
	}
	if (open)
		volt_cas_writer_abort(&w); /* stopped early: drop the half-written file */
	return NULL;
}

int volt_filepipe_start(struct volt_filepipe **out, struct volt_cas *cas, struct volt_err *err)
{
	struct volt_filepipe *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || !(p->slots = malloc(N_SLOTS * sizeof(*p->slots)))) {
		free(p);
		return volt_err_set(err, ENOMEM, "layer file pipe");
	}
	p->cas = cas;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->not_empty, NULL);
	pthread_cond_init(&p->not_full, NULL);
	if (pthread_create(&p->th, NULL, writer_thread, p) != 0) {
		volt_filepipe_free(p);
		return volt_err_set(err, EAGAIN, "start the layer's file writer thread");
	}
	p->running = true;
	*out = p;
	return 0;
}

int volt_filepipe_begin(struct volt_filepipe *p, int exec, uint32_t *job)
{
	if (has_failed(p))
		return -1;
	if (p->cur)
		push(p); /* cannot happen after end(); keeps the stream well formed */
	struct slot *s = take_tail(p);
	s->begin = true;
	s->exec = exec != 0;
	*job = p->jobs++;
	return 0;
}

int volt_filepipe_data(struct volt_filepipe *p, const void *buf, size_t len)
{
	const unsigned char *b = buf;

	while (len) {
		if (!p->cur) {
			if (has_failed(p))
				return -1;
			take_tail(p);
		}
		size_t n = SLOT_SIZE - p->cur->len;
		if (n > len)
			n = len;
		memcpy(p->cur->data + p->cur->len, b, n);
		p->cur->len += n;
		b += n;
		len -= n;
		if (p->cur->len == SLOT_SIZE)
			push(p);
	}
	return 0;
}

int volt_filepipe_end(struct volt_filepipe *p)
{
	if (!p->cur)
		take_tail(p);
	p->cur->end = true;
	push(p);
	return has_failed(p) ? -1 : 0;
}

/* stop - queue the end and wait for the writer thread. */
static void stop(struct volt_filepipe *p)
{
	if (!p->running)
		return;
	struct slot *s = p->cur ? p->cur : take_tail(p);
	/* a partly filled slot is dropped: its file is abandoned */
	memset(s, 0, offsetof(struct slot, data));
	s->quit = true;
	push(p);
	pthread_join(p->th, NULL);
	p->running = false;
}

int volt_filepipe_finish(struct volt_filepipe *p, struct volt_err *err)
{
	stop(p);
	if (p->failed) {
		*err = p->err;
		return -1;
	}
	if (p->n_res != p->jobs)
		return volt_err_set(err, EIO, "layer: %zu of %u files stored", p->n_res, p->jobs);
	return 0;
}

int volt_filepipe_result(struct volt_filepipe *p, uint32_t job, char digest[VOLT_SHA256_HEX], int64_t *size)
{
	if (p->running || job >= p->n_res || !p->res[job].digest[0])
		return -1;
	memcpy(digest, p->res[job].digest, VOLT_SHA256_HEX);
	*size = p->res[job].size;
	return 0;
}

void volt_filepipe_free(struct volt_filepipe *p)
{
	if (!p)
		return;
	stop(p);
	pthread_cond_destroy(&p->not_empty);
	pthread_cond_destroy(&p->not_full);
	pthread_mutex_destroy(&p->mu);
	free(p->slots);
	free(p->res);
	free(p);
}
