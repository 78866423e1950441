/* workload/attach.c: the frames, and the server's fan-out over socket
 * pairs standing in for clients: output reaches each, input reaches the
 * container's stdin, a client that stops reading is dropped (never waited
 * for), the exit code comes last. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "workload/attach.h"

static void test_frame_roundtrip(void **state)
{
	unsigned char buf[VOLT_ATTACH_HDR + 300];
	unsigned char payload[300];
	memset(payload, 'x', sizeof(payload));
	size_t n = volt_attach_frame(buf, VOLT_ATTACH_STDERR, payload, sizeof(payload));
	assert_int_equal(n, VOLT_ATTACH_HDR + 300);
	int type;
	uint32_t len;
	volt_attach_parse(buf, &type, &len);
	assert_int_equal(type, VOLT_ATTACH_STDERR);
	assert_int_equal(len, 300);
	assert_int_equal(buf[6], 1); /* big-endian: 300 = 0x012c */
	assert_int_equal(buf[7], 0x2c);
}

/* add_client - a connected pair; the server's end goes into a's slot i */
static int add_client(struct volt_attach *a, int i)
{
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv), 0);
	a->cl[i].fd = sv[0];
	return sv[1];
}

static void read_frame(int fd, int want_type, const char *want)
{
	unsigned char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf));
	assert_true(n >= VOLT_ATTACH_HDR);
	int type;
	uint32_t len;
	volt_attach_parse(buf, &type, &len);
	assert_int_equal(type, want_type);
	assert_int_equal(len, strlen(want));
	assert_int_equal((size_t)n, VOLT_ATTACH_HDR + len);
	assert_memory_equal(buf + VOLT_ATTACH_HDR, want, len);
}

static void test_fanout_and_exit(void **state)
{
	struct volt_attach a;
	volt_attach_init(&a);
	int c1 = add_client(&a, 0), c2 = add_client(&a, 3);
	volt_attach_send(&a, VOLT_ATTACH_STDOUT, "tick\n", 5);
	read_frame(c1, VOLT_ATTACH_STDOUT, "tick\n");
	read_frame(c2, VOLT_ATTACH_STDOUT, "tick\n");
	volt_attach_finish(&a, 3);
	unsigned char buf[16];
	assert_int_equal(read(c1, buf, sizeof(buf)), VOLT_ATTACH_HDR + 4);
	assert_int_equal(buf[0], VOLT_ATTACH_EXIT);
	assert_int_equal(buf[VOLT_ATTACH_HDR + 3], 3);
	assert_int_equal(read(c1, buf, sizeof(buf)), 0); /* then the end */
	assert_int_equal(a.cl[0].fd, -1);
	assert_int_equal(a.cl[3].fd, -1);
	close(c1);
	close(c2);
}

static void test_input_reaches_stdin(void **state)
{
	struct volt_attach a;
	struct volt_pollv pv = {0};
	int p[2];
	volt_attach_init(&a);
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	a.stdin_fd = p[1];
	int c = add_client(&a, 0);
	unsigned char f[64];
	/* a frame in two writes: the server waits for the rest */
	size_t n = volt_attach_frame(f, VOLT_ATTACH_STDIN, "exit 3\n", 7);
	assert_int_equal(write(c, f, 5), 5);
	volt_attach_prepare(&a, &pv);
	pv.fds[a.cl[0].idx].revents = POLLIN;
	volt_attach_dispatch(&a, &pv);
	char got[16];
	assert_int_equal(read(p[0], got, sizeof(got)), -1);
	assert_int_equal(write(c, f + 5, n - 5), (ssize_t)(n - 5));
	pv.n = 0;
	volt_attach_prepare(&a, &pv);
	pv.fds[a.cl[0].idx].revents = POLLIN;
	volt_attach_dispatch(&a, &pv);
	assert_int_equal(read(p[0], got, sizeof(got)), 7);
	assert_memory_equal(got, "exit 3\n", 7);
	/* the client goes: the server forgets it */
	close(c);
	pv.n = 0;
	volt_attach_prepare(&a, &pv);
	pv.fds[a.cl[0].idx].revents = POLLIN | POLLHUP;
	volt_attach_dispatch(&a, &pv);
	assert_int_equal(a.cl[0].fd, -1);
	free(pv.fds);
	close(p[0]);
	close(p[1]);
}

static void test_stalled_client_dropped(void **state)
{
	struct volt_attach a;
	volt_attach_init(&a);
	int slow = add_client(&a, 0), fast = add_client(&a, 1);
	static char chunk[65536];
	memset(chunk, 'y', sizeof(chunk));
	/* 4 MiB, more than a socket's buffer and the 1 MiB a client may lag:
	 * never blocks; the fast client reads along, the slow one reads none */
	static unsigned char sink[VOLT_ATTACH_HDR + sizeof(chunk)];
	for (int i = 0; i < 64; i++) {
		volt_attach_send(&a, VOLT_ATTACH_STDOUT, chunk, sizeof(chunk));
		while (read(fast, sink, sizeof(sink)) > 0)
			;
	}
	assert_int_equal(a.cl[0].fd, -1);
	assert_true(a.cl[1].fd >= 0);
	volt_attach_finish(&a, 0);
	close(slow);
	close(fast);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_roundtrip),
		cmocka_unit_test(test_fanout_and_exit),
		cmocka_unit_test(test_input_reaches_stdin),
		cmocka_unit_test(test_stalled_client_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
