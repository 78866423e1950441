/* virtiofsd, the host side of a virtiofs share: one daemon per shared
 * directory, run as the user inside a user namespace mapped like a
 * container's (container root = the user, the subordinate range where there
 * is one), so that files the guest writes get the owners a container's
 * volume would give them. QEMU connects to its vhost-user socket. */
#ifndef VOLT_VM_VIRTIOFS_H
#define VOLT_VM_VIRTIOFS_H

#include <stdbool.h>
#include <sys/types.h>

#include "userns/idmap.h"
#include "util/err.h"

struct volt_virtiofsd {
	pid_t pid; /* 0: not running */
	char *socket;
	char *log; /* its stderr */
};

/* volt_virtiofsd_path - $VOLT_VIRTIOFSD, else QEMU's C virtiofsd
 * (/usr/lib/qemu/virtiofsd on Debian and Ubuntu), else
 * /usr/libexec/virtiofsd; NULL when none is executable. */
const char *volt_virtiofsd_path(void);

/* volt_virtiofsd_start - serve source (a directory) on a vhost-user socket
 * at socket, logging to log. volt makes the listening socket and hands it
 * over (--fd), so QEMU may connect as soon as this returns; it waits (at
 * most timeout_ms) until virtiofsd says it is waiting for its connection,
 * and an early exit is an error with its last line. ro: the directory is
 * bound read-only in the daemon's mount namespace, so the guest's writes
 * fail on the host side too. The daemon gets SIGTERM when the calling
 * thread ends (PR_SET_PDEATHSIG), and ends by itself when QEMU goes away. */
int volt_virtiofsd_start(const struct volt_idmap *m, const char *source, bool ro, const char *socket, const char *log,
			 int timeout_ms, struct volt_virtiofsd *d, struct volt_err *err);

/* volt_virtiofsd_stop - SIGTERM, a bounded wait, SIGKILL; removes the
 * socket. Does nothing on a daemon not started. */
void volt_virtiofsd_stop(struct volt_virtiofsd *d);

#endif
