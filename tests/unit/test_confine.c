/* workload/confine.c: the monitor's stages and the exec it leaves to a
 * child. Every stage is irreversible, so each case confines a forked child. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "security/landlock.h"
#include "util/fs.h"
#include "workload/confine.h"

static char dir[] = "/tmp/volt-test-confine-XXXXXX";
static char root[4096], run[4096], ctr[4096], outside[4096];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(run, sizeof(run), "%s/run", dir);
	snprintf(ctr, sizeof(ctr), "%s/root/containers/c", dir);
	snprintf(outside, sizeof(outside), "%s/root/containers", dir);
	mkdir(root, 0700);
	mkdir(run, 0700);
	mkdir(outside, 0700);
	mkdir(ctr, 0700);
	snprintf(outside, sizeof(outside), "%s/outside", dir);
	int fd = open(outside, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	struct volt_err err;
	(void)state;
	volt_rm_rf(dir, &err);
	return 0;
}

static const struct volt_confine conf = {.root = root, .runroot = run, .workload_dir = ctr};

/* confined_child - run fn in a child after the given stages; its exit status */
static int confined_child(int (*fn)(void), bool landlock, bool seccomp)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct volt_err err;
		if (volt_confine_no_new_privs(&err) < 0)
			_exit(100);
		if (landlock && volt_confine_landlock(&conf, &err) < 0)
			_exit(err.errnum == ENOSYS ? 77 : 101);
		if (seccomp && volt_confine_seccomp(&conf, &err) < 0)
			_exit(102);
		_exit(fn());
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* what the monitor does: write its directory's log, fork, pipes, sockets */
static int allowed_calls(void)
{
	char p[4200];
	int sv[2];
	snprintf(p, sizeof(p), "%s/ctr.log", ctr);
	int fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, "x\n", 2) != 2)
		return 1;
	close(fd);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 2;
	pid_t pid = fork();
	if (pid < 0)
		return 3;
	if (pid == 0)
		_exit(0);
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return 4;
	return 0;
}

static void test_allowed(void **state)
{
	(void)state;
	int r = confined_child(allowed_calls, true, true);
	if (r == 77)
		skip();
	assert_int_equal(r, 0);
}

/* what it must not: ptrace, exec, a namespace, a netlink socket */
static int denied_calls(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 || errno != EPERM)
		return 1;
	execl("/bin/true", "true", (char *)NULL);
	if (errno != EPERM)
		return 2;
	if (unshare(CLONE_NEWUSER) == 0 || errno != EPERM)
		return 3;
	if (socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0) >= 0 || errno != EPERM)
		return 4;
	return 0;
}

static void test_seccomp_denies_with_eperm(void **state)
{
	(void)state;
	assert_int_equal(confined_child(denied_calls, false, true), 0);
}

/* Landlock alone: a file beside the store is out of reach, the
 * container's directory is not */
static int outside_denied(void)
{
	int fd = open(outside, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES)
		return 1;
	char p[4200];
	snprintf(p, sizeof(p), "%s/f", ctr);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return 2;
	close(fd);
	/* and nothing runs: execute is never granted */
	execl("/bin/true", "true", (char *)NULL);
	return errno == EACCES ? 0 : 3;
}

static void test_landlock_limits_files(void **state)
{
	(void)state;
	int r = confined_child(outside_denied, true, false);
	if (r == 77)
		skip();
	assert_int_equal(r, 0);
}

/* the restart child: execs when told, exits when dropped */
static void test_exec_later(void **state)
{
	struct volt_exec_later x;
	struct volt_err err;
	char mark[4200], cmd[4300];
	int st;
	(void)state;
	snprintf(mark, sizeof(mark), "%s/mark", dir);
	snprintf(cmd, sizeof(cmd), "echo ran >%s", mark);
	char *argv[] = {"sh", "-c", cmd, NULL};

	assert_int_equal(volt_exec_later_start(&x, "/bin/sh", argv, 2, &err), 0);
	assert_int_equal(volt_exec_later_go(&x), 0);
	assert_int_equal(waitpid(x.pid, &st, 0), x.pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(access(mark, F_OK), 0);
	unlink(mark);

	assert_int_equal(volt_exec_later_start(&x, "/bin/sh", argv, 2, &err), 0);
	volt_exec_later_drop(&x);
	assert_int_equal(waitpid(x.pid, &st, 0), x.pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(access(mark, F_OK), -1); /* it did not exec */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_seccomp_denies_with_eperm),
		cmocka_unit_test(test_landlock_limits_files),
		cmocka_unit_test(test_exec_later),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
