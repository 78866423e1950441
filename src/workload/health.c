/* Running health checks (health.h).
 *
 * Where they run: volt has no daemon, and the one process that lives as long
 * as a container is its monitor. The monitor confines itself once the
 * container runs (confine.c: Landlock, a seccomp allow-list without setns,
 * clone of namespaces or exec), so it cannot join the container for a check
 * itself. Just before confining, it forks a scheduler child, as it forks the
 * restart child (volt_exec_later): the child keeps what the monitor could do
 * before, holds none of its fds, dies with it (PR_SET_PDEATHSIG) and is
 * killed when the container exits. Each check is one `volt exec`
 * (container/exec.c) from that child, with its output on a pipe; `volt
 * healthcheck run` calls the same volt_health_check_once. */
#include "workload/health.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container/exec.h"
#include "security/security.h"
#include "supervise/cgroup.h"
#include "util/cleanup.h"
#include "util/duration.h"
#include "util/fds.h"
#include "util/fs.h"

/* exec_child - in a child of the checker: the check with out as its stdout
 * and stderr; exits with the check's code */
static void exec_child(struct volt_ctx *ctx, const struct volt_spec *spec, pid_t target, int out)
{
	struct volt_security sec;
	struct volt_sec_spec ss;
	struct volt_err err = {0};
	char *shell[] = {"/bin/sh", "-c", spec->health.test[1], NULL};
	bool is_shell = !strcmp(spec->health.test[0], "CMD-SHELL");
	char msg[VOLT_ERR_MSG_MAX + 32];

	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* the check's stdio: what volt_container_exec passes on is ours */
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(125);
	volt_spec_security(spec, &ss);
	struct volt_exec x = {
		.spec = spec, .security = &sec, .target = target, .argv = is_shell ? shell : spec->health.test + 1};
	if (volt_security_prepare(ctx, &ss, NULL, true, &sec, &err) < 0 || volt_container_exec(&x, &err) < 0) {
		volt_err_format(&err, msg, sizeof(msg));
		size_t n = strlen(msg);
		msg[n++] = '\n';
		if (write(out, msg, n) < 0) {
			/* the checker is gone */
		}
		_exit(err.exit_code ? err.exit_code : 125);
	}
	_exit(volt_container_exec_wait(&x));
}

int volt_health_run_check(struct volt_ctx *ctx, const struct volt_spec *spec, pid_t target,
			  struct volt_health_result *r, struct volt_err *err)
{
	int p[2], st = 0;
	char *buf = malloc(VOLT_HEALTH_OUTPUT_MAX + 1);
	size_t got = 0;
	bool timed_out = false;

	memset(r, 0, sizeof(*r));
	if (!buf)
		return volt_err_set(err, ENOMEM, "health check");
	if (!spec->health.test || !spec->health.test[1]) {
		free(buf);
		return volt_err_set(err, EINVAL, "the container has no health check");
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(buf);
		return volt_err_sys(err, "pipe");
	}
	r->start = volt_now_ns();
	long long deadline = r->start + volt_health_timeout(&spec->health);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a checker killed takes its check along */
		exec_child(ctx, spec, target, p[1]);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		free(buf);
		return volt_err_sys(err, "fork");
	}
	for (;;) {
		long long left = deadline - volt_now_ns();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		struct pollfd pf = {.fd = p[0], .events = POLLIN};
		int n = poll(&pf, 1, (int)(left / 1000000 + 1));
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0)
			continue; /* the deadline, checked above */
		char tmp[4096];
		ssize_t k = read(p[0], tmp, sizeof(tmp));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* EOF: every writer is gone */
		size_t take = (size_t)k < VOLT_HEALTH_OUTPUT_MAX - got ? (size_t)k : VOLT_HEALTH_OUTPUT_MAX - got;
		memcpy(buf + got, tmp, take);
		got += take; /* the rest is read and dropped, as docker drops it */
	}
	close(p[0]);
	if (timed_out)
		kill(pid, SIGKILL); /* the exec's waiter and the check die with it */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	r->end = volt_now_ns();
	buf[got] = '\0';
	if (timed_out) {
		char d[32];
		volt_duration_format(volt_health_timeout(&spec->health), d, sizeof(d));
		free(buf);
		r->exit_code = -1;
		r->output = volt_path("Health check exceeded timeout (%s)", d);
		return 0;
	}
	r->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->output = buf;
	return 0;
}

int volt_health_check_once(struct volt_ctx *ctx, const struct volt_spec *spec, pid_t target, const char *ctr_dir,
			   long long started, struct volt_err *err)
{
	struct volt_health_result r;
	if (volt_health_run_check(ctx, spec, target, &r, err) < 0)
		return -1;
	bool in_start = spec->health.start_period > 0 && r.start - started < spec->health.start_period;
	int s = volt_health_record(ctr_dir, &spec->health, &r, in_start, spec->id, spec->name, err);
	free(r.output);
	return s;
}

/* frozen - the container is paused: docker runs no checks then, and an
 * exec would join its namespaces, not its cgroup or its stop, and run. volt
 * pause freezes the cgroup (v2) or, without one, SIGSTOPs the tree
 * (supervise/observe.c): either shows on PID 1. */
static bool frozen(pid_t target)
{
	cleanup_free char *stat = volt_path("/proc/%d/stat", (int)target), *st = NULL;
	size_t len;
	struct volt_err err;
	const char *rp = volt_read_file(stat, 4096, &st, &len, &err) == 0 ? strrchr(st, ')') : NULL;
	if (rp && (rp[1] == ' ') && (rp[2] == 'T' || rp[2] == 't'))
		return true;
	cleanup_free char *cg = volt_cg_of(target);
	cleanup_free char *dir = cg ? volt_cg_dir(cg) : NULL;
	cleanup_free char *p = dir ? volt_path("%s/cgroup.events", dir) : NULL, *text = NULL;
	return p && volt_read_file(p, 4096, &text, &len, &err) == 0 && strstr(text, "frozen 1");
}

static void sleep_ns(long long ns)
{
	struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000LL), .tv_nsec = (long)(ns % 1000000000LL)};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

pid_t volt_health_scheduler_start(struct volt_ctx *ctx, const struct volt_spec *spec, pid_t target, const char *ctr_dir)
{
	const struct volt_health *h = &spec->health;
	if (!h->test || !h->test[0])
		return 0;
	long long started = volt_now_ns();
	pid_t monitor = getpid();
	struct volt_err err = {0};
	/* starting before the fork: ps says so once volt run has returned */
	volt_health_reset(ctr_dir, &err);
	fflush(NULL);
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	sigset_t none;
	prctl(PR_SET_NAME, "volt-health");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != monitor)
		_exit(0);
	volt_fds_keep_only(VOLT_STDIO_NULL_ALL, NULL, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		struct volt_health_state st;
		bool starting = volt_health_load(ctr_dir, &st, &err) == 0 && st.status == VOLT_HEALTH_STARTING;
		volt_health_state_free(&st);
		/* docker's start interval: the pace while starting, in the start
		 * period; unset, never slower than the interval (docker's 5s
		 * default would slow a 1s check down) */
		bool fast = starting && h->start_period > 0 && volt_now_ns() - started < h->start_period;
		int64_t pace = volt_health_interval(h);
		if (fast && (h->start_interval > 0 || volt_health_start_interval(h) < pace))
			pace = volt_health_start_interval(h);
		sleep_ns(pace);
		if (getppid() != monitor)
			_exit(0);
		if (!frozen(target))
			volt_health_check_once(ctx, spec, target, ctr_dir, started, &err);
	}
}

void volt_health_scheduler_stop(pid_t pid)
{
	int st;
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}
