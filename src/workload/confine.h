/* confine.h - a monitor drops what it no longer needs once its workload runs
 * (see confine.c). */
#ifndef VOLT_WORKLOAD_CONFINE_H
#define VOLT_WORKLOAD_CONFINE_H

#include <stdbool.h>
#include <sys/types.h>

#include "state/context.h"
#include "util/err.h"

/* What the monitor still does, which decides what it keeps. */
struct volt_confine {
	const char *root;	  /* $VOLT_ROOT: state.db (and trash/, spare/ with rm) */
	const char *runroot;	  /* the runtime directory */
	const char *workload_dir; /* containers/<id>: the log, the audit log, the removal */
	bool rm;		  /* --rm: the directory moves to trash/ and spare/ */
	bool rm_volumes;	  /* --rm with anonymous volumes: they go too (volumes/) */
	bool slirp;		  /* libslirp: sockets, and /etc/resolv.conf for DNS */
};

/* The stages, in the order volt_confine_monitor runs them (passt's way: each
 * one is a named step that can be read, tested and reused by the VM monitor). */

/* volt_confine_no_new_privs - PR_SET_NO_NEW_PRIVS: no exec may grant
 * privileges (setuid newuidmap, file capabilities); Landlock and an
 * unprivileged seccomp filter need it. */
int volt_confine_no_new_privs(struct volt_err *err);

/* volt_confine_landlock - file access only to what c names (see confine.c);
 * nothing may be executed. */
int volt_confine_landlock(const struct volt_confine *c, struct volt_err *err);

/* volt_confine_seccomp - the monitor's allow-list; any other call fails with EPERM. */
int volt_confine_seccomp(const struct volt_confine *c, struct volt_err *err);

/* volt_confine_monitor - the three stages. A stage that fails is skipped (the
 * workload runs already: it is not killed for a hardening step) and its
 * error is returned after the others ran. VOLT_MONITOR_CONFINE=0 skips all
 * (to compare, or to debug the monitor). Return: 0, or -1 with err. */
int volt_confine_monitor(const struct volt_confine *c, struct volt_err *err);

/* The one thing a confined monitor cannot do: exec another program (a
 * restart under the builtin policy execs a fresh volt-shim, which must set
 * up namespaces and mounts). A child forked before the filters waits to do
 * it. */
struct volt_exec_later {
	pid_t pid;
	int fd; /* write one byte: exec; close: the child exits */
};

/* volt_exec_later_start - fork the waiting child; it keeps keep_fd (made
 * inheritable across its exec) and nothing else of ours. argv is copied by
 * the fork. Return: 0, or -1 with err. */
int volt_exec_later_start(struct volt_exec_later *x, const char *path, char *const argv[], int keep_fd,
			  struct volt_err *err);

#define VOLT_EXEC_LATER_INIT        \
	{                           \
		.pid = -1, .fd = -1 \
	}

/* volt_exec_later_shim - the child that will exec the next volt-shim of a
 * restart under the builtin policy (volt-shim --lock-fd LOCK: the lock
 * stays held across). Best effort: without it there is no restart. */
void volt_exec_later_shim(struct volt_exec_later *x, struct volt_ctx *ctx, const char *id, int lock);

/* volt_exec_later_go - tell the child to exec now. Return: 0, or -1 (the child is gone). */
int volt_exec_later_go(struct volt_exec_later *x);

/* volt_exec_later_drop - tell the child to exit without exec (x may be unstarted). */
void volt_exec_later_drop(struct volt_exec_later *x);

/* volt_confine_test_forbidden - VOLT_TEST_MONITOR_FORBIDDEN=PATH (tests
 * only): try what the monitor must no longer do (read PATH, ptrace, exec)
 * and append one line per try to dir/monitor-forbidden.log. */
void volt_confine_test_forbidden(const char *dir);

#endif
