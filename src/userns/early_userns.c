/* The container's user namespace, ahead of time.
 *
 * Theory of operation: with a subordinate id range, mapping a new user
 * namespace takes two setuid helpers, newuidmap and newgidmap: two execs of
 * ~1 ms each here, the largest single step of a container start. They need
 * only a process in the namespace, not the container itself. So a foreground
 * `volt run` (cli/run.c) clones a small holder child into a new user namespace
 * as soon as its options are parsed, starts both helpers on it, and goes on
 * creating the container (database, spec, /etc files) while they run on the
 * other core (started by a "mapper" child, so that volt waits not even for
 * their vfork+exec). At spawn time the monitor (same process) waits for them, joins
 * the namespace with setns() and clones the container without CLONE_NEWUSER
 * (container/spawn.c, in_userns); the holder is released. From there on the
 * monitor is root of the container's user namespace, which is also what
 * --network container:NAME does: files it creates still belong to the user,
 * and the host's resources are reachable exactly as before (a user namespace
 * grants nothing outside itself).
 *
 * Once joined, the holder leaves a keeper in the namespace (userns_keeper.c)
 * and the next run with the same map takes that namespace instead: no
 * holder, no helpers. */
#include "userns/early_userns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/net.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/fs.h"
#include "util/syscalls.h"

extern char **environ;

/* hold - the holder's life: sit in the namespace until volt writes 'k' (start
 * a keeper, then leave) or closes the pipe (leave) */
static _Noreturn void hold(struct volt_early_userns *e, int rfd)
{
	char c = 0, idle[16];
	ssize_t n;

	/* die with volt in any case */
	signal(SIGPIPE, SIG_DFL);
	while ((n = read(rfd, &c, 1)) < 0 && errno == EINTR)
		;
	if (n == 1 && c == 'k' && e->keeper_path && fork() == 0) {
		/* the keeper is a grandchild: volt reaps the holder at once, the
		 * keeper is adopted by init (or the user manager) */
		/* nothing of the run reaches the keeper, not even before its
		 * main: no terminal, no pipe a caller waits on */
		volt_fds_keep_only(VOLT_STDIO_NULL_ALL, NULL, 0);
		setsid();
		/* the keeper runs in /; the database exists by now */
		char *root = e->keeper_root ? realpath(e->keeper_root, NULL) : NULL;
		if (chdir("/") < 0)
			_exit(127);
		snprintf(idle, sizeof(idle), "%u", volt_userns_keeper_idle());
		char *argv[] = {"volt",		  VOLT_USERNS_KEEPER_CMD,
				e->keeper_path,	  idle,
				e->key.uids,	  e->key.gids,
				root ? root : "", NULL};
		execve("/proc/self/exe", argv, environ);
		_exit(127);
	}
	_exit(0);
}

bool volt_early_userns_kept(struct volt_early_userns *e, const struct volt_idmap *m, const char *runroot)
{
	memset(e, 0, sizeof(*e));
	e->release_fd = -1;
	e->ns_fd = -1;
	e->netns_ready_fd = -1;
	e->netns_release_fd = -1;
	if ((e->ns_fd = volt_userns_keeper_find(runroot, m, NULL)) < 0)
		return false;
	e->map = *m;
	e->active = true;
	return true;
}

/* start_netns_maker - a child that joins the kept namespace and makes a
 * network namespace there, with lo up (~0.13 ms of the container child's
 * time otherwise), held until take_netns has opened it */
static void start_netns_maker(struct volt_early_userns *e)
{
	int ready[2], rel[2];

	if (pipe2(ready, O_CLOEXEC) < 0)
		return;
	if (pipe2(rel, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct volt_err ignored;
		char c = (char)(setns(e->ns_fd, CLONE_NEWUSER) < 0 || unshare(CLONE_NEWNET) < 0 ||
				volt_net_loopback_up(&ignored) < 0);
		close(ready[0]);
		close(rel[1]);
		signal(SIGPIPE, SIG_DFL);
		if (write(ready[1], &c, 1) == 1 && !c)
			while (read(rel[0], &c, 1) < 0 && errno == EINTR)
				;
		_exit(0);
	}
	close(ready[1]);
	close(rel[0]);
	if (pid < 0) {
		close(ready[0]);
		close(rel[1]);
		return;
	}
	e->netns_maker = pid;
	e->netns_ready_fd = ready[0];
	e->netns_release_fd = rel[1];
}

int volt_early_userns_take_netns(struct volt_early_userns *e)
{
	char c = 1, path[64];
	int fd = -1;

	if (e->netns_maker <= 0)
		return -1;
	while (read(e->netns_ready_fd, &c, 1) < 0 && errno == EINTR)
		;
	if (c == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)e->netns_maker);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(e->netns_ready_fd);
	close(e->netns_release_fd);
	e->netns_ready_fd = e->netns_release_fd = -1;
	/* not waited for: its exit (~0.1 ms) is no business of the start; the
	 * monitor reaps every child (workload/monitor.c), a volt that does not
	 * monitor exits soon anyway */
	e->netns_maker = 0;
	return fd;
}

void volt_early_userns_start(struct volt_early_userns *e, const struct volt_idmap *m, const char *root,
			     const char *runroot, bool want_netns)
{
	struct volt_err ignored;
	int p[2];

	/* a keeper's namespace; else a new one, whose holder leaves a keeper */
	if (volt_early_userns_kept(e, m, runroot)) {
		if (want_netns)
			start_netns_maker(e);
		return;
	}
	if (!m->full)
		return;
	if (volt_userns_keeper_enabled()) { /* the holder leaves a keeper behind */
		volt_userns_keeper_key(m, &e->key);
		e->keeper_path = volt_userns_keeper_path(runroot, &e->key);
		e->keeper_root = strdup(root);
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	fflush(NULL);
	pid_t pid = volt_clone_flags(CLONE_NEWUSER | SIGCHLD);
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return;
	}
	if (pid == 0) {
		close(p[1]);
		hold(e, p[0]);
	}
	close(p[0]);
	e->holder = pid;
	e->release_fd = p[1];
	e->map = *m;
	/* the helpers are started by a child of ours, so that volt does not
	 * wait even for their vfork+exec; its exit status says how they did */
	e->mapper = fork();
	if (e->mapper == 0) {
		pid_t h[2];
		if (volt_idmap_apply_start(m, pid, h, &ignored) < 0 || volt_idmap_apply_finish(pid, h, &ignored) < 0)
			_exit(1);
		_exit(0);
	}
	if (e->mapper < 0) {
		e->mapper = 0;
		volt_early_userns_abort(e);
		return;
	}
	e->active = true;
}

static bool same_map(const struct volt_idmap *a, const struct volt_idmap *b)
{
	return a->full == b->full && a->n_uids == b->n_uids && a->n_gids == b->n_gids &&
	       !memcmp(a->uids, b->uids, sizeof(a->uids[0]) * (size_t)a->n_uids) &&
	       !memcmp(a->gids, b->gids, sizeof(a->gids[0]) * (size_t)a->n_gids);
}

/* reap_mapper - wait for the mapper; true when both maps were written */
static bool reap_mapper(struct volt_early_userns *e)
{
	int status = -1;
	if (e->mapper <= 0)
		return false;
	while (waitpid(e->mapper, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	e->mapper = 0;
	return status == 0;
}

/* release - let the holder go; keep: it starts a keeper first */
static void release(struct volt_early_userns *e, bool keep)
{
	e->active = false;
	if (e->ns_fd >= 0)
		close(e->ns_fd);
	e->ns_fd = -1;
	if (e->holder <= 0)
		return; /* never started */
	if (e->release_fd >= 0) {
		/* best effort: a holder that reads no "k" just leaves */
		if (keep && e->keeper_path)
			(void)volt_write_all(e->release_fd, "k", 1);
		close(e->release_fd);
	}
	e->release_fd = -1;
	if (e->holder > 0)
		while (waitpid(e->holder, NULL, 0) < 0 && errno == EINTR)
			;
	e->holder = 0;
	e->active = false;
}

int volt_early_userns_join(struct volt_early_userns *e, const struct volt_idmap *m, struct volt_err *err)
{
	char path[64];

	if (!e->active)
		return 0;
	if (!same_map(&e->map, m)) {
		volt_early_userns_abort(e);
		return 0;
	}
	if (e->ns_fd >= 0) {
		/* a keeper's namespace: if it cannot be joined, map one as usual */
		int r = setns(e->ns_fd, CLONE_NEWUSER) == 0;
		release(e, false);
		return r;
	}
	if (!reap_mapper(e)) {
		volt_early_userns_abort(e);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)e->holder);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWUSER) < 0) {
		int r = volt_err_sys(err, "join the container's user namespace");
		volt_early_userns_abort(e);
		return r;
	}
	release(e, true);
	return 1;
}

void volt_early_userns_abort(struct volt_early_userns *e)
{
	int fd = volt_early_userns_take_netns(e); /* not taken: let it go */
	if (fd >= 0)
		close(fd);
	reap_mapper(e);
	release(e, false);
	free(e->keeper_path);
	e->keeper_path = NULL;
	free(e->keeper_root);
	e->keeper_root = NULL;
}
