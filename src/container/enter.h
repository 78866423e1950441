/* The in-container sequence: the steps that every process entering a
 * container takes last, the container's first process (spawn.c) and every
 * `volt exec` (exec.c) alike, so that both get the same guarantees. */
#ifndef VOLT_CONTAINER_ENTER_H
#define VOLT_CONTAINER_ENTER_H

#include <stdbool.h>
#include <sys/types.h>

#include "container/spec.h"
#include "util/err.h"

struct volt_security;

struct volt_enter {
	const struct volt_spec *spec;
	const struct volt_security *security; /* NULL: none */
	const char *user;		      /* -u of volt exec; NULL: spec->user */
	const char *cwd;		      /* NULL: spec->cwd, or / */
	bool make_cwd;			      /* create cwd when the image lacks it (the first
				* process, as docker does) */
	char **argv;			      /* NULL: spec->args, behind /dev/init with spec->init */
	int stdio[3];			      /* become 0, 1, 2 */
	bool ctty;			      /* stdio[0] is a terminal: made controlling, given to the user */
	bool new_session;		      /* setsid(); implied by ctty */
	unsigned preserve_fds;		      /* fds 3 .. 3+N-1 pass to the command as they are */
	int report_fd;			      /* where the caller reports a failure: open until exec */
	pid_t ppid;			      /* getppid() when the process began: it differs once
				* the parent is gone */
	/* the caller's own last steps instead of bounding set, user, death
	 * signal and security (an OCI bundle's process, src/oci/child.c): run
	 * after stdio and session; NULL: volt's */
	int (*before_exec)(void *arg, int report_fd, char ***env, struct volt_err *err);
	void *before_exec_arg;
	int keep_fd;  /* one more fd kept for before_exec, or -1 (0 is stdin: never) */
	int keep_fd2; /* and another, or -1 (0 likewise) */
};

/* volt_enter_signals - the first step in the container: no signal blocked,
 * none ignored that volt blocks or ignores (the monitor's signalfd set,
 * SIGPIPE; ^C and ^\ for exec), since both would survive exec. */
void volt_enter_signals(void);

/* volt_enter_exec - in the container's namespaces and root, the last steps,
 * in order: close every inherited fd (so none can serve as a way out, as a
 * working directory through /proc/self/fd: CVE-2024-21626) → working
 * directory, checked to lie inside the root → stdio and session → bounding
 * set → user → die with the parent (PR_SET_PDEATHSIG) → capabilities,
 * no_new_privs, Landlock, seccomp → exec. env: the command's environment
 * (HOME is added). Returns only on failure, with err->exit_code set (125,
 * 126 cannot execute, 127 not found). */
int volt_enter_exec(const struct volt_enter *e, char ***env, struct volt_err *err);

#endif
