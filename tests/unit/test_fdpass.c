/* util/fdpass.c: an fd sent over a socket pair arrives with what was sent
 * beside it (a payload, or volt_fd_send's one-byte tag), and open on the
 * same file. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/fdpass.h"

/* recv_with - the fd and the message's bytes (into buf, *len) */
static int recv_with(int sock, char *buf, size_t *len)
{
	struct iovec iov = {buf, *len};
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)};
	ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	assert_true(n >= 0);
	*len = (size_t)n;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	assert_non_null(c);
	assert_int_equal(c->cmsg_type, SCM_RIGHTS);
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* assert_same_file - a and b are the same open file (device and inode) */
static void assert_same_file(int a, int b)
{
	struct stat sa, sb;
	assert_int_equal(fstat(a, &sa), 0);
	assert_int_equal(fstat(b, &sb), 0);
	assert_true(sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

static void test_payload_and_fd_arrive(void **state)
{
	int sv[2], p[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	const char *json = "{\"ociVersion\":\"1.2.0\",\"fds\":[\"seccompFd\"]}";
	assert_int_equal(volt_fd_send_payload(sv[0], p[1], json, strlen(json)), 0);
	char buf[256];
	size_t len = sizeof(buf) - 1;
	int fd = recv_with(sv[1], buf, &len);
	buf[len] = '\0';
	assert_string_equal(buf, json);
	assert_same_file(fd, p[1]);
	/* it is the pipe's write end: what goes in comes out of p[0] */
	assert_int_equal(write(fd, "x", 1), 1);
	char c = 0;
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'x');
	close(fd);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_tag_send_and_recv(void **state)
{
	int sv[2], p[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(volt_fd_send(sv[0], p[0], 'T'), 0);
	char buf[4];
	size_t len = sizeof(buf);
	int fd = recv_with(sv[1], buf, &len);
	assert_int_equal(len, 1);
	assert_int_equal(buf[0], 'T');
	assert_same_file(fd, p[0]);
	close(fd);
	/* volt_fd_recv reads what volt_fd_send sent; CLOEXEC on arrival */
	assert_int_equal(volt_fd_send(sv[0], p[1], 'P'), 0);
	fd = volt_fd_recv(sv[1], 0);
	assert_true(fd >= 0);
	assert_same_file(fd, p[1]);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	/* a peer gone: the send fails with EPIPE, no SIGPIPE */
	close(sv[1]);
	errno = 0;
	assert_int_equal(volt_fd_send_payload(sv[0], p[0], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(sv[0]);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_payload_and_fd_arrive),
		cmocka_unit_test(test_tag_send_and_recv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
