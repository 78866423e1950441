/* --seccomp-audit in the monitor: answer the container's seccomp user
 * notifications with CONTINUE and record the syscall names. */
#ifndef VOLT_SHIM_SECCOMP_NOTIFY_H
#define VOLT_SHIM_SECCOMP_NOTIFY_H

#include "security/security.h"

struct shim_seccomp {
	int fd;       /* the listener, -1 when there is none */
	char *log;    /* ctr_dir/seccomp-audit.log */
	unsigned char seen[1024 / 8 * 2]; /* names already recorded, per native / compat arch */
};

/* shim_seccomp_start - after the spawn: take the listener the child passed
 * over sec->notify_sock and get ready to serve it. No-op without audit. */
void shim_seccomp_start(struct shim_seccomp *n, struct volt_security *sec, const char *ctr_dir);
/* shim_seccomp_handle - serve what is pending on n->fd (poll said POLLIN/HUP). */
void shim_seccomp_handle(struct shim_seccomp *n, short revents);
void shim_seccomp_stop(struct shim_seccomp *n);

#endif
