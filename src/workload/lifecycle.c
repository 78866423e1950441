#include "workload/lifecycle.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "workload/monitor.h"
#include "container/spec.h"
#include "state/events.h"
#include "supervise/observe.h"
#include "supervise/supervisor.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/syscalls.h"
#include "vm/qmp.h"

int volt_workload_runnable(const struct volt_ctr_row *row, const char *verb, struct volt_err *err)
{
	switch (row->kind) {
	case VOLT_KIND_CONTAINER:
	case VOLT_KIND_VM: return 0;
	case VOLT_KIND_UNKNOWN: break;
	}
	return volt_err_set(err, 0, "%s %s: a workload of a kind this volt does not know (a newer volt's?)", verb,
			    row->name);
}

int volt_ctr_start(struct volt_ctx *ctx, struct volt_ctr_row *row, bool attach, int *exit_code, struct volt_err *err)
{
	cleanup_free char *shim = NULL;
	int p[2];
	char fdarg[16];
	pid_t pid;
	int status;

	*exit_code = -1;
	if (volt_workload_runnable(row, "start", err) < 0)
		return -1;
	if (row->state == VOLT_CTR_RUNNING || row->state == VOLT_CTR_PAUSED)
		return volt_err_said(err, EBUSY, "container %s is already running", row->name);
	/* supervise/hooks.c: the systemd user manager, or go on with the shim */
	int sr = volt_sup_start(ctx, row, attach, err);
	if (sr <= 0)
		return sr;
	if (attach) {
		/* the caller becomes the monitor, in process: its exit is the
		 * container's (workload/monitor.c) */
		struct volt_monitor_opts mo = {.attach = true, .ready_fd = -1, .lock_fd = -1};
		*exit_code = volt_monitor_run(ctx, row->id, &mo);
		return 0;
	}
	shim = volt_ctx_helper(ctx, "volt-shim"); /* detached: the monitor is its own process */
	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	snprintf(fdarg, sizeof(fdarg), "%d", p[1]);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		volt_err_sys(err, "fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		fcntl(p[1], F_SETFD, 0); /* --ready-fd: it must cross exec */
		char *argv[] = {"volt-shim", "--root",	 ctx->root,    "--runroot", ctx->runroot, "--id",
				row->id,     "--detach", "--ready-fd", fdarg,	    NULL};
		execv(shim, argv);
		dprintf(p[1], "125 exec %s: %s", shim, strerror(errno));
		_exit(125);
	}
	close(p[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	char buf[VOLT_ERR_MSG_MAX + 64];
	size_t len = 0;
	ssize_t n;
	while (len < sizeof(buf) - 1 && (n = read(p[0], buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		len += (size_t)n;
	}
	close(p[0]);
	buf[len] = '\0';
	if (len == 0)
		return volt_err_set(err, 0, "start %s: the monitor exited without a word", row->name);
	int code = atoi(buf);
	if (code != 0) {
		const char *msg = strchr(buf, ' ');
		volt_err_set(err, 0, "%s", msg ? msg + 1 : buf);
		err->exit_code = code;
		return -1;
	}
	row->pid = atoi(strchr(buf, ' ') ? strchr(buf, ' ') + 1 : "0");
	row->state = VOLT_CTR_RUNNING;
	return 0;
}

/* kill_event - docker's kill, with the signal's number, for every signal
 * sent (stop's too), before it is: its die comes after */
static void kill_event(const char *id, int sig)
{
	char n[16];
	snprintf(n, sizeof(n), "%d", sig);
	volt_event("container", "kill", id, "signal", n, (char *)NULL);
}

int volt_ctr_kill(struct volt_ctx *ctx, struct volt_ctr_row *row, int sig, struct volt_err *err)
{
	if (volt_workload_runnable(row, "kill", err) < 0)
		return -1;
	int sr = volt_sup_kill(ctx, row, sig, err);
	if (sr == 0)
		kill_event(row->id, sig);
	if (sr <= 0)
		return sr;
	if (row->state != VOLT_CTR_RUNNING && row->state != VOLT_CTR_PAUSED)
		return volt_err_set(err, 0, "container %s is not running", row->name);
	if (row->pid <= 0)
		return volt_err_set(err, 0, "container %s has no process", row->name);
	kill_event(row->id, sig);
	/* a microVM: its monitor turns a signal into the agent's, for the
	 * guest's workload; only SIGKILL goes to QEMU itself (vm_monitor.c) */
	int target = row->kind == VOLT_KIND_VM && sig != SIGKILL && row->shim_pid > 0 ? row->shim_pid : row->pid;
	/* the pid stays ours while the monitor lives: it has not reaped it */
	cleanup_close int pfd = volt_pidfd_open(target, 0);
	if (pfd < 0 || volt_pidfd_send_signal(pfd, sig) < 0) {
		if (errno == ESRCH)
			return 0; /* already gone */
		return volt_err_sys(err, "signal container %s", row->name);
	}
	(void)ctx;
	return 0;
}

int volt_workload_pause(struct volt_ctx *ctx, struct volt_ctr_row *row, bool pause, struct volt_err *err)
{
	if (volt_workload_runnable(row, pause ? "pause" : "unpause", err) < 0)
		return -1;
	if (row->kind != VOLT_KIND_VM)
		return volt_sup_pause(ctx, row, pause, err);
	struct volt_db *db = volt_ctx_db(ctx, err);
	if (!db)
		return -1;
	if (pause && row->state != VOLT_CTR_RUNNING)
		return volt_err_set(err, 0, "container %s is not running", row->name);
	if (!pause && row->state != VOLT_CTR_PAUSED)
		return volt_err_set(err, 0, "container %s is not paused", row->name);
	/* QEMU stops its vCPUs (and the guest's clock) and goes on serving
	 * its devices and the monitor (vm_monitor.c gives it the socket) */
	cleanup_free char *run = volt_ctx_ctr_run(ctx, row->id);
	cleanup_free char *qmp = volt_path("%s/qmp.sock", run);
	if (volt_qmp_execute(qmp, pause ? "stop" : "cont", 5000, err) < 0)
		return volt_err_prefix(err, "%s %s", pause ? "pause" : "unpause", row->name);
	row->state = pause ? VOLT_CTR_PAUSED : VOLT_CTR_RUNNING;
	return volt_db_ctr_set_state(db, row->id, row->state, err);
}

static bool wait_gone(struct volt_ctx *ctx, const char *id, long ms)
{
	struct timespec ts = {0, 10 * 1000000};
	for (long t = 0; t <= ms; t += 10) {
		if (!volt_ctr_monitor_alive(ctx, id))
			return true;
		nanosleep(&ts, NULL);
	}
	return !volt_ctr_monitor_alive(ctx, id);
}

static int ctr_stop(struct volt_ctx *ctx, struct volt_ctr_row *row, int timeout, struct volt_err *err)
{
	struct volt_spec spec;
	int sig = SIGTERM;

	if (volt_workload_runnable(row, "stop", err) < 0)
		return -1;
	int sr = volt_sup_stop(ctx, row, timeout, err);
	if (sr <= 0)
		return sr;
	if (row->state != VOLT_CTR_RUNNING && row->state != VOLT_CTR_PAUSED)
		return 0; /* docker: stopping a stopped container succeeds */
	if (volt_spec_from_json(&spec, row->spec, err) == 0) {
		sig = spec.stop_signal > 0 ? spec.stop_signal : SIGTERM;
		if (timeout < 0)
			timeout = spec.stop_timeout;
		volt_spec_free(&spec);
	}
	if (timeout < 0)
		timeout = 10;
	if (volt_ctr_kill(ctx, row, sig, err) < 0)
		return -1;
	if (wait_gone(ctx, row->id, (long)timeout * 1000))
		return 0;
	if (volt_ctr_kill(ctx, row, SIGKILL, err) < 0)
		return -1;
	if (!wait_gone(ctx, row->id, 10000))
		return volt_err_set(err, ETIMEDOUT, "container %s did not stop", row->name);
	return 0;
}

/* docker's stop event, after the die, for a container that was running */
int volt_ctr_stop(struct volt_ctx *ctx, struct volt_ctr_row *row, int timeout, struct volt_err *err)
{
	bool was = row->state == VOLT_CTR_RUNNING || row->state == VOLT_CTR_PAUSED;
	if (ctr_stop(ctx, row, timeout, err) < 0)
		return -1;
	if (was)
		volt_event("container", "stop", row->id, (char *)NULL);
	return 0;
}

int volt_ctr_wait(struct volt_ctx *ctx, struct volt_ctr_row *row, struct volt_err *err)
{
	cleanup_close int fd = volt_ctr_lock_open(ctx, row->id);
	struct volt_ctr_row now;
	int r;

	if (volt_workload_runnable(row, "wait", err) < 0)
		return -1;
	if (fd >= 0)
		while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
			;
	r = volt_ctr_load(ctx, row->id, &now, err);
	if (r < 0)
		return -1;
	if (r > 0) { /* removed meanwhile (--rm): its monitor left the code */
		char c[16] = {0};
		char *end;
		ssize_t n = fd >= 0 ? fgetxattr(fd, VOLT_EXIT_XATTR, c, sizeof(c) - 1) : -1;
		long v = n > 0 ? strtol(c, &end, 10) : -1;
		return n > 0 && *end == '\0' && v >= 0 && v <= 255 ? (int)v : row->exit_code;
	}
	int code = now.exit_code;
	volt_ctr_row_free(&now);
	return code;
}

struct rm_job {
	const char *dir;
	const char *trash; /* $VOLT_ROOT/trash: --rm leftovers (workload/monitor.c) */
};

/* sweep_trash - remove what --rm's background removers left in trash/
 * (killed, or out of time); entries younger than a minute may still be in
 * the hands of their remover and are left alone. */
static void sweep_trash(const char *trash)
{
	cleanup_dir DIR *d = opendir(trash);
	struct dirent *e;
	struct stat st;
	struct volt_err ignored;
	time_t now = time(NULL);

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    now - st.st_mtime < 60)
			continue;
		volt_rm_rf_at(dirfd(d), e->d_name, &ignored);
	}
}

static int rm_in_userns(void *arg, struct volt_err *err)
{
	struct rm_job *j = arg;
	sweep_trash(j->trash);
	return volt_rm_rf(j->dir, err);
}

int volt_ctr_remove(struct volt_ctx *ctx, struct volt_ctr_row *row, bool force, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row->id);
	cleanup_free char *run = volt_ctx_ctr_run(ctx, row->id);
	struct volt_spec spec;
	cleanup_free char *trash = volt_path("%s/trash", ctx->root);
	struct rm_job job = {dir, trash};

	if (!db)
		return -1;
	if (volt_workload_runnable(row, "rm", err) < 0)
		return -1;
	int sr = volt_sup_remove(ctx, row, force, err);
	if (sr <= 0)
		return sr;
	if (row->state == VOLT_CTR_RUNNING || row->state == VOLT_CTR_PAUSED) {
		if (!force)
			return volt_err_said(err, EBUSY, "container %s is running: stop it first, or use rm -f",
					     row->name);
		if (volt_ctr_kill(ctx, row, SIGKILL, err) < 0)
			return -1;
		if (!wait_gone(ctx, row->id, 10000))
			return volt_err_set(err, ETIMEDOUT, "container %s did not die", row->name);
	}
	/* files in the upper layer belong to ids of the container's map: remove
	 * them from inside a user namespace with the same map */
	if (volt_spec_from_json(&spec, row->spec, err) < 0)
		return -1;
	int r = volt_userns_run(&spec.idmap, rm_in_userns, &job, err);
	volt_spec_free(&spec);
	if (r < 0)
		return volt_err_prefix(err, "remove %s", row->name);
	struct volt_err ignored;
	volt_rm_rf(run, &ignored);
	return volt_db_ctr_delete(db, row->id, err);
}
