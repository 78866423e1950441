/* vm_exec.h - `volt exec` in a microVM: one more process in the guest, asked
 * of the VM's monitor over its socket (see vm_exec.c). */
#ifndef VOLT_WORKLOAD_VM_EXEC_H
#define VOLT_WORKLOAD_VM_EXEC_H

#include <stdbool.h>

#include "container/spec.h"
#include "container/user.h"
#include "state/context.h"
#include "state/db.h"
#include "util/err.h"

struct volt_vm_exec {
	const struct volt_spec *spec; /* the VM's */
	const char *user;	      /* NULL: the VM's */
	const char *workdir;	      /* NULL: the VM's */
	char **env_add;		      /* KEY=VALUE (or KEY: the caller's value) over the VM's environment */
	char **argv;
	bool keep_stdin; /* -i */
	bool tty;	 /* -t: a terminal in the guest */
};

/* volt_vm_guest_user - user ("" / NULL: root) as the image's passwd and
 * group files name it: the guest's ids for the agent's RUN. */
int volt_vm_guest_user(const struct volt_spec *spec, const char *user, struct volt_user *u, struct volt_err *err);

/* volt_vm_exec - run x in the running VM of row, relaying stdio (and the
 * terminal with tty) until it exits.
 * Return: its exit code, or -1 with err set (err->exit_code 126 when the
 * guest could not start it). */
int volt_vm_exec(struct volt_ctx *ctx, const struct volt_ctr_row *row, const struct volt_vm_exec *x,
		 struct volt_err *err);

#endif
