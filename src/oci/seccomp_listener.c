/* linux.seccomp.listenerPath, listenerMetadata and flags (see
 * seccomp_listener.h).
 *
 * Theory of operation: runtime-spec 1.2 has the runtime connect to the
 * unix socket at listenerPath and send one message: the container process
 * state as JSON, with the notification fd in SCM_RIGHTS, named in "fds".
 * The path is the host's, so the child connects while it still sees the
 * host's file system (before pivot_root or joining a mount namespace); the
 * connected socket survives the pivot. The filter goes in where child.c
 * puts it (after start, just before exec), with NEW_LISTENER, and the
 * child itself sends the fd: no runtime process is left to do it. TSYNC is
 * dropped with a listener (the kernel refuses both together without
 * TSYNC_ESRCH, and the child has one thread). */
#include "oci/seccomp_listener.h"

#include <errno.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/syscalls.h"

int volt_oci_seccomp_connect(struct volt_oci_child *ch, struct volt_err *err)
{
	const char *path = ch->cfg->seccomp_listener;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char self[32];
	if (!path || !ch->bpf || !ch->spawn_hooks)
		return 0;
	if (strlen(path) >= sizeof(sa.sun_path))
		return volt_err_set(err, ENAMETOOLONG, "linux.seccomp.listenerPath %s", path);
	strcpy(sa.sun_path, path);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		volt_err_sys(err, "linux.seccomp.listenerPath: connect to %s", path);
		if (s >= 0)
			close(s);
		return -1;
	}
	/* the host's /proc is still mounted: its "self" is the host's pid */
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	ch->host_pid = (pid_t)atoi(self);
	ch->listener_sock = s;
	ch->has_listener = true;
	/* kept across spawn's closing of inherited fds, for before_exec */
	ch->spawn_hooks->keep_fd2 = s;
	return 0;
}

/* state_message - runtime-spec's containerProcessState (malloc'd) */
static char *state_message(const struct volt_oci_child *ch)
{
	json_t *state = NULL;
	if (ch->state) {
		struct volt_oci_state s = *ch->state;
		s.pid = ch->host_pid;
		cleanup_free char *t = volt_oci_state_json(&s, VOLT_OCI_CREATING);
		state = t ? json_loads(t, 0, NULL) : NULL;
	}
	json_t *m = json_pack("{s:s,s:[s],s:i,s:s,s:o}", "ociVersion", "1.2.0", "fds", "seccompFd", "pid",
			      (int)ch->host_pid, "metadata", ch->cfg->seccomp_metadata ? ch->cfg->seccomp_metadata : "",
			      "state", state ? state : json_object());
	char *text = m ? json_dumps(m, JSON_COMPACT) : NULL;
	json_decref(m);
	return text;
}

int volt_oci_seccomp_load(const struct volt_oci_child *ch, struct volt_err *err)
{
	struct sock_fprog fp = {.len = (unsigned short)ch->bpf_len, .filter = ch->bpf};
	unsigned flags = ch->cfg->seccomp_flags;
	if (ch->has_listener)
		flags = (flags & ~(unsigned)SECCOMP_FILTER_FLAG_TSYNC) | SECCOMP_FILTER_FLAG_NEW_LISTENER;
	long r = volt_seccomp(SECCOMP_SET_MODE_FILTER, flags, &fp);
	if (r < 0)
		return volt_err_sys(err, "install the seccomp filter of linux.seccomp (flags %#x)", flags);
	if (!ch->has_listener)
		return 0;
	int fd = (int)r;
	cleanup_free char *text = state_message(ch);
	int ret = 0;
	if (!text)
		ret = volt_err_set(err, ENOMEM, "seccomp state");
	else if (volt_fd_send_payload(ch->listener_sock, fd, text, strlen(text)) < 0)
		ret = volt_err_sys(err, "linux.seccomp.listenerPath: send the notification fd");
	close(fd);
	close(ch->listener_sock);
	return ret;
}
