/* Running a packaged program (apt-get, dpkg-deb, qemu-system-x86_64 -version)
 * and reading what it printed. */
#ifndef VOLT_UTIL_PROG_H
#define VOLT_UTIL_PROG_H

#include <stddef.h>

#include "util/err.h"

/* volt_prog_find - the full path of an executable named name on $PATH (or
 * name itself when it holds a '/' and is executable); NULL when none. */
char *volt_prog_find(const char *name);

/* A program to run and what to give it. */
struct volt_prog {
	char *const *argv; /* argv[0] is searched on $PATH */
	const char *cwd;   /* NULL: volt's own */
	const char *input; /* stdin: NULL for /dev/null, else a few KB at most */
	char **out;	   /* stdout into *out (NUL-terminated; also when it fails:
			     * the caller frees), or NULL: /dev/null */
	size_t out_max;	   /* bytes of stdout kept (the first ones) */
	int timeout_ms;	   /* > 0: SIGKILL after that long, and fail */
};

/* volt_prog_run - run p->argv and wait for it. Its stderr is kept for the
 * error: a failure is "ARGV0 ARGV1: exited N: <the last line it printed on
 * stderr>" (or "timed out after N s").
 * Return: 0 when it exited 0, -1 with err set otherwise. */
int volt_prog_run(const struct volt_prog *p, struct volt_err *err);

#endif
