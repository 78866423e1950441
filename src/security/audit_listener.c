/* The monitor's side of --seccomp-audit.
 *
 * Theory of operation: with --seccomp-audit the container's filter turns every
 * call the profile would block into SECCOMP_RET_USER_NOTIF. The child passes
 * the listener fd to the monitor (SCM_RIGHTS over a socketpair made before
 * clone) just before exec. The monitor polls it beside stdio: each
 * notification is answered at once with SECCOMP_USER_NOTIF_FLAG_CONTINUE (the
 * call runs as if unfiltered) and the syscall's name is appended, once, to
 * ctr_dir/seccomp-audit.log, a file the user owns. `volt security audit-log`
 * prints it. CONTINUE is fine here because we never decide on the call: the
 * listener only observes. */
#include "security/audit_listener.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/fs.h"

void volt_audit_listener_start(struct volt_audit_listener *n, struct volt_security *sec, const char *ctr_dir)
{
	memset(n, 0, sizeof(*n));
	n->fd = -1;
	if (sec->notify_sock[0] < 0)
		return;
	/* the child sent the fd before exec; the spawn returned after exec */
	n->fd = volt_fd_recv(sec->notify_sock[0], MSG_DONTWAIT);
	close(sec->notify_sock[0]);
	close(sec->notify_sock[1]);
	sec->notify_sock[0] = sec->notify_sock[1] = -1;
	n->log = volt_path("%s/seccomp-audit.log", ctr_dir);
	/* a fresh list for each run */
	int f = open(n->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (f >= 0)
		close(f);
}

/* record - append the call's name to the audit list the first time it is seen */
static void record(struct volt_audit_listener *n, const struct seccomp_notif *req)
{
	int nr = req->data.nr;
	unsigned slot = req->data.arch == AUDIT_ARCH_X86_64 || nr < 0 ? 0 : 1;
	cleanup_free char *name = NULL;

	if (nr >= 0 && nr < 1024) {
		unsigned bit = slot * 1024 + (unsigned)nr;
		if (n->seen[bit / 8] & (1u << (bit % 8)))
			return;
		n->seen[bit / 8] |= (unsigned char)(1u << (bit % 8));
	}
	name = volt_seccomp_syscall_name(req->data.arch, nr);
	cleanup_close int f = open(n->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (f >= 0 && name)
		dprintf(f, "%s\n", name);
}

void volt_audit_listener_handle(struct volt_audit_listener *n, short revents)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	if (n->fd < 0)
		return;
	if (!(revents & POLLIN)) {
		/* every process with the filter has gone */
		volt_audit_listener_stop(n);
		return;
	}
	memset(&req, 0, sizeof(req));
	if (ioctl(n->fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return; /* the caller died meanwhile: ENOENT */
	record(n, &req);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (ioctl(n->fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
		/* ENOENT: the process was killed while we looked */
	}
}

void volt_audit_listener_stop(struct volt_audit_listener *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
	free(n->log);
	n->log = NULL;
}
