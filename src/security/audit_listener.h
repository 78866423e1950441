/* --seccomp-audit in the monitor: answer the container's seccomp user
 * notifications with CONTINUE and record the syscall names. */
#ifndef VOLT_SECURITY_AUDIT_LISTENER_H
#define VOLT_SECURITY_AUDIT_LISTENER_H

#include "security/security.h"

struct volt_audit_listener {
	int fd;				  /* the listener, -1 when there is none */
	char *log;			  /* ctr_dir/seccomp-audit.log */
	unsigned char seen[1024 / 8 * 2]; /* names already recorded, per native / compat arch */
};

/* volt_audit_listener_start - after the spawn: take the listener the child passed
 * over sec->notify_sock and get ready to serve it. No-op without audit. */
void volt_audit_listener_start(struct volt_audit_listener *n, struct volt_security *sec, const char *ctr_dir);
/* volt_audit_listener_handle - serve what is pending on n->fd (poll said POLLIN/HUP). */
void volt_audit_listener_handle(struct volt_audit_listener *n, short revents);
void volt_audit_listener_stop(struct volt_audit_listener *n);

#endif
