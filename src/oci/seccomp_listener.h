/* linux.seccomp.listenerPath and flags: the container's filter installed
 * with SECCOMP_FILTER_FLAG_* and its notification fd handed to an outside
 * agent (src/oci/seccomp_listener.c). */
#ifndef VOLT_OCI_SECCOMP_LISTENER_H
#define VOLT_OCI_SECCOMP_LISTENER_H

#include "oci/child.h"
#include "util/err.h"

/* volt_oci_seccomp_connect - in the container's child, before pivot_root
 * (the path is the host's): connect to listenerPath and note the child's
 * pid as the host sees it. Nothing without a listenerPath. */
int volt_oci_seccomp_connect(struct volt_oci_child *ch, struct volt_err *err);

/* volt_oci_seccomp_load - install ch->bpf with the bundle's flags; with a
 * listener connected, with SECCOMP_FILTER_FLAG_NEW_LISTENER, and send the
 * notification fd with the state (runtime-spec's containerProcessState:
 * "fds": ["seccompFd"], "pid", "metadata", "state"). */
int volt_oci_seccomp_load(const struct volt_oci_child *ch, struct volt_err *err);

#endif
