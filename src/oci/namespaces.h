/* linux.namespaces of a bundle: which to create, and those given by path
 * opened, checked and joined in order (src/oci/namespaces.c). */
#ifndef VOLT_OCI_NAMESPACES_H
#define VOLT_OCI_NAMESPACES_H

#include "oci/config.h"
#include "util/err.h"

/* the ones the container's child joins itself, in this order (mount last:
 * joining it moves the process to that namespace's root) */
enum {
	VOLT_OCI_JOIN_IPC,
	VOLT_OCI_JOIN_UTS,
	VOLT_OCI_JOIN_CGROUP,
	VOLT_OCI_JOIN_TIME,
	VOLT_OCI_JOIN_MNT,
	VOLT_OCI_JOIN_N
};

/* struct volt_oci_joins - the namespaces config.json names by path, opened
 * (-1: not joined): network (spawn.c joins it), user and PID (the runtime,
 * before clone: the child is born in them), the rest (the child) */
struct volt_oci_joins {
	int net, user, pid;
	int child[VOLT_OCI_JOIN_N];
};

void volt_oci_joins_init(struct volt_oci_joins *j);
void volt_oci_joins_close(struct volt_oci_joins *j);

/* volt_oci_namespaces - the CLONE_NEW* set to create in *flags, and those
 * given by path opened into j; a path that is not a namespace of its
 * entry's type is refused with the entry's index. */
int volt_oci_namespaces(const struct volt_oci_config *c, unsigned long *flags, struct volt_oci_joins *j,
			struct volt_err *err);

/* volt_oci_ns_open - open path and check it is a namespace of type flag
 * (CLONE_NEW*); field names the entry in errors. Return: the fd, or -1. */
int volt_oci_ns_open(const char *path, int flag, const char *field, struct volt_err *err);

/* volt_oci_join_parent - the user, then the PID namespace, in the runtime
 * (single-threaded, about to exit): the child is cloned into them */
int volt_oci_join_parent(const struct volt_oci_joins *j, struct volt_err *err);

/* volt_oci_join_child - ipc, uts, cgroup, time, then mount (fds as
 * VOLT_OCI_JOIN_*, -1: none), in the container's child. Return: 1 when a
 * mount namespace was joined (its root is the container's: no root set-up),
 * 0 when not, -1 on error. */
int volt_oci_join_child(const int *fds, struct volt_err *err);

#endif
