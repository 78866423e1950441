#include "workload/monitor_common.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "container/volume.h"
#include "state/events.h"
#include "supervise/supervisor.h"
#include "workload/lifecycle.h"
#include "util/cleanup.h"
#include "util/fs.h"

void volt_monitor_report_ready(int *fd, int code, pid_t pid, const struct volt_err *err)
{
	char buf[VOLT_ERR_MSG_MAX + 64];
	if (*fd < 0)
		return;
	if (err) {
		char msg[VOLT_ERR_MSG_MAX + 32];
		volt_err_format(err, msg, sizeof(msg));
		snprintf(buf, sizeof(buf), "%d %s", code, msg);
	} else {
		snprintf(buf, sizeof(buf), "0 %d", (int)pid);
	}
	if (write(*fd, buf, strlen(buf)) < 0) {
		/* volt gave up waiting: nothing to tell */
	}
	close(*fd);
	*fd = -1;
}

/* A child the previous monitor forked on its way out holds the lock until
 * it has closed its inherited fds, a moment after that monitor is gone: a
 * `volt start` right after a run must not fail on it. */
bool volt_monitor_take_lock(int fd, const struct volt_ctr_row *row)
{
	struct timespec ts = {0, 5 * 1000000};
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return true;
	if (errno != EWOULDBLOCK || row->state == VOLT_CTR_RUNNING || row->state == VOLT_CTR_PAUSED)
		return false;
	for (int i = 0; i < 200; i++) {
		nanosleep(&ts, NULL);
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return true;
	}
	return false;
}

/* The record used to stay behind, one row per --rm run. The exit code goes
 * first onto the directory on lock_fd (VOLT_EXIT_XATTR): a waiter holds
 * that directory open and reads it once the lock is free and the row gone.
 * A file system without user xattrs leaves waiters the code they saw last. */
void volt_monitor_forget(struct volt_db *db, const char *id, int code, int lock_fd, const struct volt_spec *spec)
{
	struct volt_err err;
	char c[16];
	int n = snprintf(c, sizeof(c), "%d", code);
	if (lock_fd >= 0)
		fsetxattr(lock_fd, VOLT_EXIT_XATTR, c, (size_t)n, 0);
	/* docker's die comes before the destroy of a --rm container too */
	volt_event("container", "die", id, "exitCode", c, (char *)NULL);
	volt_volume_events(spec, id, false);
	bool tx = volt_db_begin(db, &err) == 0;
	volt_db_ctr_delete(db, id, &err);
	volt_sup_rec_delete(db, id, &err);
	if (tx)
		volt_db_commit(db, &err);
}

int volt_monitor_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return VOLT_EXIT_INTERNAL;
}

int volt_monitor_signals(void)
{
	static const int sigs[] = {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
	sigset_t mask;
	sigemptyset(&mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

void volt_monitor_warn_unconfined(struct volt_log *log, bool attached, const char *id, const struct volt_err *err)
{
	char msg[VOLT_ERR_MSG_MAX + 32];
	volt_err_format(err, msg, sizeof(msg));
	if (attached) {
		volt_warn("the monitor of %.12s is not confined: %s", id, msg);
		return;
	}
	char line[VOLT_ERR_MSG_MAX + 96];
	int n = snprintf(line, sizeof(line), "volt: the monitor of %.12s is not confined: %s\n", id, msg);
	if (n > 0)
		volt_log_write(log, &log->err, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
