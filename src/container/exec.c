/* volt exec as a library function (see exec.h).
 *
 * Theory of operation: the caller forks the command's monitor, which makes
 * itself undumpable, joins every namespace of the container and forks again
 * (joining a PID namespace takes effect for children only). That child is
 * inside the container: it makes the pty when asked, and then runs the
 * container's in-container sequence (enter.c), the one the container's
 * first process ends with. A failure before exec comes back over a CLOEXEC
 * pipe; EOF on it means exec succeeded.
 *
 * Both processes are undumpable until exec (CVE-2019-5736): a container
 * process cannot open their /proc/PID/exe, the volt binary, which a volt
 * the user owns would let container root (the user, mapped) overwrite.
 * Dumpability is a property of the memory map, so the fork inherits it and
 * the command's exec resets it. */
#include "container/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/enter.h"
#include "container/spawn.h"
#include "util/cleanup.h"
#include "util/fdpass.h"

/* open_tty - -t: a pty from the container's own devpts; the master goes to
 * the caller, the slave (*slave) becomes the command's stdio (enter.c) */
static int open_tty(int sock, int *slave, struct volt_err *err)
{
	char name[64];
	cleanup_close int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0)
		return volt_err_sys(err, "allocate a pty in the container");
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		return volt_err_sys(err, "open %s", name);
	if (volt_fd_send(sock, m, VOLT_FD_TAG_PTY) < 0)
		return volt_err_sys(err, "pass the pty to volt");
	return 0;
}

static _Noreturn void report_exit(int report, struct volt_err *err)
{
	if (!err->exit_code)
		err->exit_code = VOLT_EXIT_INTERNAL;
	if (write(report, err, sizeof(*err)) < 0) {
		/* the caller is gone: nobody to tell */
	}
	_exit(err->exit_code);
}

/* exec_child - inside the container's namespaces, the command's process */
static _Noreturn void exec_child(const struct volt_exec *x, int report, int tty_sock)
{
	struct volt_err err = {0};
	cleanup_strv char **env = volt_strv_dup(x->spec->env);
	struct volt_enter e = {
		.spec = x->spec,
		.security = x->security,
		.user = x->user,
		.cwd = x->workdir,
		.argv = x->argv,
		.stdio = {0, 1, 2},
		.preserve_fds = x->preserve_fds,
		.report_fd = report,
		.ppid = getppid(), /* 0 while the monitor, outside our PID namespace, lives */
		/* a session of its own: the caller's terminal is not its
		 * controlling terminal, so it cannot push input into it
		 * (TIOCSTI) nor be stopped by it; the terminal's signals come
		 * through the monitor (forward) */
		.new_session = true,
	};

	/* the monitor ignores the terminal's ^C and ^\; the command must not */
	volt_enter_signals();
	for (size_t i = 0; x->env_add && x->env_add[i]; i++)
		volt_env_set(&env, x->env_add[i]);
	if (x->tty) {
		if (!volt_env_get(env, "TERM"))
			volt_env_set(&env, "TERM=xterm");
		if (open_tty(tty_sock, &e.stdio[0], &err) < 0)
			report_exit(report, &err);
		e.stdio[1] = e.stdio[2] = e.stdio[0];
		e.ctty = true;
	} else if (!x->keep_stdin) {
		/* the container's /dev/null; its own fd goes at exec */
		e.stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (e.stdio[0] < 0) {
			volt_err_sys(&err, "open /dev/null");
			report_exit(report, &err);
		}
	}
	volt_enter_exec(&e, &env, &err);
	report_exit(report, &err);
}

static volatile sig_atomic_t forward_to;

/* forward - the terminal's signals (the monitor is in the caller's process
 * group) and the caller's, for the command in its own session */
static void forward(int sig)
{
	if (forward_to > 0)
		kill((pid_t)forward_to, sig);
}

static const int forwarded[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2};

/* exec_monitor - the command's parent: join, fork the command, wait for it */
static _Noreturn void exec_monitor(const struct volt_exec *x, pid_t caller, int report, int tty_sock)
{
	struct volt_err err = {0};
	int st;

	/* before the first namespace is joined: see the top */
	if (prctl(PR_SET_DUMPABLE, 0) < 0) {
		volt_err_sys(&err, "prctl(PR_SET_DUMPABLE)");
		report_exit(report, &err);
	}
	/* die with the caller, so that the command dies with us; the ^C of
	 * the terminal is the command's to handle */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != caller)
		_exit(VOLT_EXIT_INTERNAL);
	sigset_t block, old;
	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&block, forwarded[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (volt_container_join(x->target,
				CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
					CLONE_NEWNET | CLONE_NEWCGROUP,
				&err) < 0)
		report_exit(report, &err);
	pid_t inner = fork();
	if (inner == 0)
		exec_child(x, report, tty_sock);
	if (inner < 0) {
		volt_err_sys(&err, "fork into the container");
		report_exit(report, &err);
	}
	close(report);
	if (tty_sock >= 0)
		close(tty_sock);
	forward_to = inner;
	struct sigaction sa = {.sa_handler = forward};
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(inner, &st, 0) < 0 && errno == EINTR)
		;
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

int volt_container_exec(struct volt_exec *x, struct volt_err *err)
{
	int p[2], sv[2] = {-1, -1};
	struct volt_err cerr;
	ssize_t n;

	x->pid = -1;
	x->pty_fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	if (x->tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		volt_err_sys(err, "socketpair");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	pid_t caller = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (sv[0] >= 0)
			close(sv[0]);
		exec_monitor(x, caller, p[1], sv[1]);
	}
	int e = errno;
	close(p[1]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (pid < 0) {
		close(p[0]);
		if (sv[0] >= 0)
			close(sv[0]);
		return volt_err_set(err, e, "fork");
	}
	x->pid = pid;
	if (sv[0] >= 0) {
		x->pty_fd = volt_fd_recv(sv[0], 0); /* -1: the child failed before; p says why */
		close(sv[0]);
	}
	while ((n = read(p[0], &cerr, sizeof(cerr))) < 0 && errno == EINTR)
		;
	close(p[0]);
	if (n != (ssize_t)sizeof(cerr))
		return 0; /* EOF: exec'd */
	*err = cerr;
	if (x->pty_fd >= 0)
		close(x->pty_fd);
	x->pty_fd = -1;
	volt_container_exec_wait(x);
	return -1;
}

int volt_container_exec_wait(struct volt_exec *x)
{
	int st;
	if (x->pid < 0)
		return VOLT_EXIT_INTERNAL;
	while (waitpid(x->pid, &st, 0) < 0) {
		if (errno != EINTR)
			return VOLT_EXIT_INTERNAL;
	}
	x->pid = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
