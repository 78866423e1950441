/* The container child of volt-runtime: the steps that spawn.c leaves to a
 * caller with hooks (struct volt_spawn_hooks): the bundle's mounts, masked
 * and read-only paths, sysctls and pivot_root (mounts.c), then waiting
 * for `start` on the exec fifo, rlimits, the user, capabilities,
 * no_new_privs and seccomp (child.c). */
#ifndef VOLT_OCI_CHILD_H
#define VOLT_OCI_CHILD_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>

#include "container/spawn.h"
#include "oci/config.h"
#include "oci/state.h"
#include "security/landlock.h"
#include "util/err.h"

struct volt_oci_child {
	const struct volt_oci_config *cfg;
	const char *rootfs;	 /* root.path, absolute */
	int fifo_fd;		 /* O_PATH fd of exec.fifo: `start` reads it */
	struct sock_filter *bpf; /* linux.seccomp compiled; NULL: none */
	size_t bpf_len;
	bool setgroups_denied; /* single-id map: the kernel refuses setgroups */
	bool landlock;	       /* annotation run.oci.volt.landlock: apply ll */
	struct volt_ll_profile ll;
	struct volt_ll_plan plan;
	int join_fds[5];		/* ipc, uts, cgroup, time, mount given by path (VOLT_OCI_JOIN_*; -1: none) */
	const struct volt_idmap *idmap; /* a new user namespace's maps */
	bool map_direct;		/* write them ourselves (see volt_oci_map_ids) */
	const struct volt_oci_state *state;   /* for hooks: the state but its pid */
	bool runtime_hooks_done;	      /* prestart, createRuntime ran in .map */
	bool has_listener;		      /* linux.seccomp.listenerPath connected (seccomp_listener.c) */
	int listener_sock;		      /* its socket, when has_listener */
	struct volt_spawn_hooks *spawn_hooks; /* keep_fd2: the listener's socket (NULL: exec) */
	pid_t host_pid;			      /* the child's pid as the host sees it, when has_listener */
};

/* volt_oci_map_ids - the hook for .map, in the parent: as root of the
 * current user namespace (volt-runtime run by rootless podman, inside its
 * namespace) the maps are written directly, since newuidmap checks
 * /etc/subuid for uid 0 of the host; otherwise volt_idmap_apply. Then the
 * prestart and createRuntime hooks: the namespaces exist, the child waits. */
int volt_oci_map_ids(void *arg, pid_t pid, struct volt_err *err);

/* volt_oci_create_container_hooks - the createContainer hooks, in the
 * child: in the container's namespaces, before pivot_root (so, as with
 * runc, their paths resolve in the runtime's file system) */
int volt_oci_create_container_hooks(const struct volt_oci_child *ch, struct volt_err *err);

/* volt_oci_mount_target - the mount point for dest, created under rootfd:
 * a directory, or a file (file: the source is not a directory). Return:
 * an O_PATH fd of it, or -1 with err. */
int volt_oci_mount_target(int rootfd, const char *dest, bool file, struct volt_err *err);

/* volt_oci_child_rootfs - the hook for struct volt_spawn_hooks.rootfs */
int volt_oci_child_rootfs(void *arg, struct volt_err *err);
/* volt_oci_child_before_exec - the hook for .before_exec */
int volt_oci_child_before_exec(void *arg, int sync, char ***env, struct volt_err *err);

/* volt_oci_process_apply - rlimits, bounding set, user, capabilities,
 * no_new_privs and seccomp of ch->cfg's process, in runc's order (child.c's
 * top); the last steps before exec, for the container's process and for
 * `exec`. */
int volt_oci_process_apply(const struct volt_oci_child *ch, struct volt_err *err);

/* volt_oci_find_exec - whether argv0 names an executable in the (already
 * pivoted) root, searched in env's PATH as execvp does. Return: 0, or -1
 * with err (exit code 127). */
int volt_oci_find_exec(const char *argv0, char **env, struct volt_err *err);

#endif
