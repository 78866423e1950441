/* linux.namespaces: new ones and ones joined by path (see namespaces.h).
 *
 * Theory of operation: every path is opened by the runtime while it still
 * sees the caller's file system, and checked with NS_GET_NSTYPE, so that a
 * wrong path fails `create` with the entry it came from rather than as an
 * EINVAL of setns deep in the child. The order of setns follows the
 * namespaces' ownership: the user namespace first (it owns the others, and
 * joining it gives the capabilities the other joins need), then PID (it
 * applies to children only: the runtime joins both before clone), then in
 * the child network, ipc, uts, cgroup, time, and the mount namespace last:
 * setns of a mount namespace moves the process to that namespace's root,
 * which then is the container's root as it is, as with runc. */
#include "oci/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

void volt_oci_joins_init(struct volt_oci_joins *j)
{
	j->net = j->user = j->pid = -1;
	for (int i = 0; i < VOLT_OCI_JOIN_N; i++)
		j->child[i] = -1;
}

void volt_oci_joins_close(struct volt_oci_joins *j)
{
	int *fds[] = {&j->net, &j->user, &j->pid};
	for (size_t i = 0; i < 3; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	for (int i = 0; i < VOLT_OCI_JOIN_N; i++)
		if (j->child[i] >= 0) {
			close(j->child[i]);
			j->child[i] = -1;
		}
}

static const char *ns_name(int flag)
{
	switch (flag) {
	case CLONE_NEWNET: return "network";
	case CLONE_NEWIPC: return "ipc";
	case CLONE_NEWUTS: return "uts";
	case CLONE_NEWPID: return "pid";
	case CLONE_NEWNS: return "mount";
	case CLONE_NEWCGROUP: return "cgroup";
	case CLONE_NEWUSER: return "user";
	case CLONE_NEWTIME: return "time";
	default: return "unknown";
	}
}

int volt_oci_ns_open(const char *path, int flag, const char *field, struct volt_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return volt_err_sys(err, "config.json: %s: open the %s namespace %s", field, ns_name(flag), path);
	int type = ioctl(fd, NS_GET_NSTYPE);
	if (type == flag)
		return fd;
	int e = errno;
	close(fd);
	if (type < 0)
		return volt_err_set(err, 0, "config.json: %s: %s is not a namespace (%s)", field, path,
				    e == ENOTTY ? "not a file of nsfs" : strerror(e));
	return volt_err_set(err, 0, "config.json: %s: %s is a namespace of type %s, not %s", field, path, ns_name(type),
			    ns_name(flag));
}

/* slot - where the fd of a namespace joined by path goes */
static int *slot(struct volt_oci_joins *j, int flag)
{
	switch (flag) {
	case CLONE_NEWNET: return &j->net;
	case CLONE_NEWUSER: return &j->user;
	case CLONE_NEWPID: return &j->pid;
	case CLONE_NEWIPC: return &j->child[VOLT_OCI_JOIN_IPC];
	case CLONE_NEWUTS: return &j->child[VOLT_OCI_JOIN_UTS];
	case CLONE_NEWCGROUP: return &j->child[VOLT_OCI_JOIN_CGROUP];
	case CLONE_NEWTIME: return &j->child[VOLT_OCI_JOIN_TIME];
	case CLONE_NEWNS: return &j->child[VOLT_OCI_JOIN_MNT];
	default: return NULL;
	}
}

int volt_oci_namespaces(const struct volt_oci_config *c, unsigned long *flags, struct volt_oci_joins *j,
			struct volt_err *err)
{
	*flags = 0;
	for (int i = 0; i < c->n_ns; i++) {
		const struct volt_oci_ns *ns = &c->ns[i];
		char field[64];
		int *s = slot(j, ns->flag);
		snprintf(field, sizeof(field), "linux.namespaces[%d]", i);
		if (!ns->path) {
			*flags |= (unsigned long)ns->flag;
			continue;
		}
		if (!s)
			return volt_err_set(err, EINVAL, "config.json: %s: unknown namespace type", field);
		if ((*s = volt_oci_ns_open(ns->path, ns->flag, field, err)) < 0)
			return -1;
	}
	if (!(*flags & CLONE_NEWNS) && j->child[VOLT_OCI_JOIN_MNT] < 0)
		return volt_err_set(err, EINVAL,
				    "config.json: linux.namespaces: volt-runtime needs a mount namespace, "
				    "new or given by path (it does not set up a root in the caller's)");
	/* clone() reads 0x80 as part of the exit signal: a new time namespace
	 * needs clone3 or unshare before exec, which spawn.c does not do */
	if (*flags & CLONE_NEWTIME)
		return volt_err_set(err, ENOTSUP,
				    "config.json: linux.namespaces: a new time namespace is not supported "
				    "(one given by path is)");
	return 0;
}

int volt_oci_join_parent(const struct volt_oci_joins *j, struct volt_err *err)
{
	if (j->user >= 0 && setns(j->user, CLONE_NEWUSER) < 0)
		return volt_err_sys(err, "join the user namespace given by path");
	if (j->pid >= 0 && setns(j->pid, CLONE_NEWPID) < 0)
		return volt_err_sys(err, "join the PID namespace given by path");
	return 0;
}

int volt_oci_join_child(const int *fds, struct volt_err *err)
{
	static const int types[VOLT_OCI_JOIN_N] = {CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME,
						   CLONE_NEWNS};
	for (int i = 0; i < VOLT_OCI_JOIN_N; i++)
		if (fds[i] >= 0 && setns(fds[i], types[i]) < 0)
			return volt_err_sys(err, "join the %s namespace given by path", ns_name(types[i]));
	if (fds[VOLT_OCI_JOIN_MNT] < 0)
		return 0;
	/* setns moved the root and cwd to the namespace's root */
	if (chdir("/") < 0)
		return volt_err_sys(err, "chdir / in the mount namespace given by path");
	return 1;
}
