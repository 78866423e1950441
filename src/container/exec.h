/* Running one more process in a running container (`volt exec`): it joins
 * the container's namespaces and then takes the same steps as the
 * container's first process (container/enter.c). */
#ifndef VOLT_CONTAINER_EXEC_H
#define VOLT_CONTAINER_EXEC_H

#include <stdbool.h>
#include <sys/types.h>

#include "container/spec.h"
#include "util/err.h"

struct volt_security;

struct volt_exec {
	const struct volt_spec *spec;	      /* the container's */
	const struct volt_security *security; /* prepared for an exec (volt_security_prepare) */
	pid_t target;			      /* the container's PID 1: whose namespaces to join */
	const char *user;		      /* NULL: the container's */
	const char *workdir;		      /* NULL: the container's */
	char **env_add;			      /* KEY=VALUE over the container's environment */
	char **argv;			      /* the command */
	bool keep_stdin;		      /* -i: stdin stays the caller's; else /dev/null */
	bool tty;			      /* -t: a pty from the container's devpts */
	unsigned preserve_fds;		      /* the caller's fds 3..3+N-1 pass to the command */
	/* out */
	pid_t pid;  /* the command's monitor: it waits for the
					       * command and exits with its status */
	int pty_fd; /* tty: the pty's master */
};

/* volt_container_exec - start x->argv in the container; returns once it has
 * been exec'd. The command dies with its monitor (x->pid), which dies with
 * the caller. Return: 0, or -1 with err (err->exit_code: 125, 126, 127). */
int volt_container_exec(struct volt_exec *x, struct volt_err *err);

/* volt_container_exec_wait - wait for the command. Return: its exit code
 * (128+N for signal N). */
int volt_container_exec_wait(struct volt_exec *x);

#endif
