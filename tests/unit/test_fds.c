/* util/fds.c: which fds a child keeps. Each case runs in a forked child,
 * since it closes fds of the process. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <linux/close_range.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/fds.h"

static bool is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static bool is_cloexec(int fd)
{
	return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
}

/* in_child - run fn in a child; its exit status (0: every check held) */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* open_at - an fd at exactly n */
static void open_at(int n)
{
	int fd = open("/dev/null", O_RDONLY);
	if (fd != n) {
		dup2(fd, n);
		close(fd);
	}
}

static int close_except_child(void)
{
	for (int i = 3; i <= 12; i++)
		open_at(i);
	volt_fds_close_except(3, (int[]){9, -1, 5, 5, 12}, 5, 0);
	for (int i = 3; i <= 12; i++)
		if (is_open(i) != (i == 5 || i == 9 || i == 12))
			return i;
	return 0;
}

static void test_close_except(void **state)
{
	(void)state;
	assert_int_equal(in_child(close_except_child), 0);
}

static int cloexec_child(void)
{
	for (int i = 3; i <= 8; i++)
		open_at(i);
	/* from 5: 3 and 4 stay as they are, 6 is kept, the rest is marked */
	volt_fds_close_except(5, (int[]){6, 3}, 2, CLOSE_RANGE_CLOEXEC);
	for (int i = 3; i <= 8; i++)
		if (!is_open(i) || is_cloexec(i) != (i == 5 || i == 7 || i == 8))
			return i;
	return 0;
}

static void test_close_except_cloexec(void **state)
{
	(void)state;
	assert_int_equal(in_child(cloexec_child), 0);
}

static int keep_only_child(void)
{
	int p[2];
	if (pipe(p) < 0)
		return 100;
	dup2(p[1], 1); /* stdout: a pipe the parent would wait on */
	open_at(7);
	open_at(8);
	volt_fds_keep_only(VOLT_STDIO_NULL_IN | VOLT_STDIO_NULL_OUT, (int[]){8}, 1);
	if (write(1, "x", 1) != 1) /* /dev/null now */
		return 101;
	char c;
	if (read(p[0], &c, 1) != -1 || errno != EBADF) /* closed */
		return 102;
	if (is_open(7) || !is_open(8) || !is_open(2))
		return 103;
	for (int i = 9; i < 16; i++)
		if (is_open(i))
			return i;
	return 0;
}

static void test_keep_only(void **state)
{
	(void)state;
	assert_int_equal(in_child(keep_only_child), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_close_except),
		cmocka_unit_test(test_close_except_cloexec),
		cmocka_unit_test(test_keep_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
