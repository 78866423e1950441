/* Unit tests for image/blobchan.c: the download-to-unpacker channel keeps
 * every byte in order across ring wraps and odd chunk sizes, ends cleanly,
 * and a reader that stops makes the writer fail instead of hang. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "image/blobchan.h"

#define TOTAL (5u << 20)

struct writer {
	struct volt_blobchan *ch;
	size_t total;
	int ret;
};

/* byte i of the stream */
static unsigned char pat(size_t i)
{
	return (unsigned char)((i * 2654435761u) >> 13);
}

/* writer_thread - TOTAL bytes in chunks of 1..70000 bytes, then the end. */
static void *writer_thread(void *arg)
{
	struct writer *w = arg;
	static unsigned char buf[70000];
	size_t off = 0, step = 1;

	w->ret = 0;
	while (off < w->total) {
		size_t n = step % sizeof(buf) + 1;
		if (n > w->total - off)
			n = w->total - off;
		for (size_t i = 0; i < n; i++)
			buf[i] = pat(off + i);
		if (volt_blobchan_write(w->ch, buf, n) < 0) {
			w->ret = -1;
			break;
		}
		off += n;
		step = step * 7 + 13;
	}
	volt_blobchan_close_writer(w->ch);
	return NULL;
}

static void test_stream(void **state)
{
	(void)state;
	struct volt_blobchan ch;
	struct writer w = {.ch = &ch, .total = TOTAL};
	pthread_t th;
	size_t got = 0;
	const void *p;
	ssize_t n;

	/* a small ring: many wraps, writer and reader both wait */
	assert_int_equal(volt_blobchan_init(&ch, 300000), 0);
	assert_int_equal(pthread_create(&th, NULL, writer_thread, &w), 0);
	while ((n = volt_blobchan_read(&ch, &p)) > 0) {
		const unsigned char *b = p;
		for (ssize_t i = 0; i < n; i++)
			if (b[i] != pat(got + (size_t)i))
				fail_msg("byte %zu differs", got + (size_t)i);
		got += (size_t)n;
	}
	assert_int_equal(n, 0);
	assert_int_equal(volt_blobchan_read(&ch, &p), 0); /* the end stays the end */
	pthread_join(th, NULL);
	assert_int_equal(w.ret, 0);
	assert_int_equal(got, TOTAL);
	volt_blobchan_free(&ch);
}

static void test_reader_stops(void **state)
{
	(void)state;
	struct volt_blobchan ch;
	struct writer w = {.ch = &ch, .total = TOTAL};
	pthread_t th;
	const void *p;

	assert_int_equal(volt_blobchan_init(&ch, 1 << 20), 0);
	assert_int_equal(pthread_create(&th, NULL, writer_thread, &w), 0);
	assert_true(volt_blobchan_read(&ch, &p) > 0);
	/* the unpacker failed: the download must stop, not block forever */
	volt_blobchan_close_reader(&ch);
	pthread_join(th, NULL);
	assert_int_equal(w.ret, -1);
	volt_blobchan_free(&ch);
}

static void test_empty(void **state)
{
	(void)state;
	struct volt_blobchan ch;
	const void *p;

	assert_int_equal(volt_blobchan_init(&ch, 4096), 0);
	volt_blobchan_close_writer(&ch);
	assert_int_equal(volt_blobchan_read(&ch, &p), 0);
	volt_blobchan_free(&ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_reader_stops),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
