/* Starting a container: clone into new namespaces, map ids from the parent,
 * then the child's setup steps in a fixed order (container/spawn.c). */
#ifndef VOLT_CONTAINER_SPAWN_H
#define VOLT_CONTAINER_SPAWN_H

#include <sys/ioctl.h>
#include <sys/types.h>

#include "container/spec.h"
#include "util/err.h"

struct volt_security;

/* struct volt_spawn_hooks - a caller with child steps of its own (the OCI
 * runtime, src/oci/child.c): spawn's clone, id mapping, network, hostname,
 * cwd and stdio steps are kept; the root file system and everything after
 * stdio (user, security, the death signal) are the caller's. */
struct volt_spawn_hooks {
	unsigned long ns_flags; /* the CLONE_NEW* set to create, instead of volt's */
	/* rootfs: mounts and pivot_root, instead of volt_rootfs_setup */
	int (*rootfs)(void *arg, struct volt_err *err);
	/* before_exec: the last steps; sync is the report socket (closing it
	 * tells the parent that setup succeeded: later errors go to stderr) */
	int (*before_exec)(void *arg, int sync, char ***env, struct volt_err *err);
	/* map: write the new user namespace's id maps of pid, instead of
	 * volt_idmap_apply (NULL: that) */
	int (*map)(void *arg, pid_t pid, struct volt_err *err);
	unsigned keep_fds; /* fds 3 .. 3+keep_fds-1 stay open across exec */
	int keep_fd;	   /* one more fd before_exec needs (the exec fifo), or -1 */
	int keep_fd2;	   /* and another (set by .rootfs: a seccomp listener's socket), or -1 */
	void *arg;
};

struct volt_spawn {
	const struct volt_spec *spec;
	const char *ctr_dir;
	const char *init_path;
	int want_pty;		/* -t: the child makes a pty in its own devpts, binds it
				* on /dev/console, and passes the master back */
	struct winsize winsize; /* ... with this size (0x0: leave it) */
	int stdio[3];		/* the container's stdin, stdout, stderr */
	int ctty;		/* stdio[0] is a terminal to make controlling */
	/* network (workload/monitor.c fills these, from net/monitor.c volt_net_prepare) */
	int joined_userns; /* container:NAME: the caller joined its user namespace */
	int in_userns;	   /* the caller is root of the container's own, already
				* mapped user namespace (early_userns.c): no CLONE_NEWUSER */
	int netns_fd;	   /* -1, or a network namespace the child joins: that of
				* container:NAME, or a new one made ahead (early_userns.c) */
	int want_tap;	   /* slirp: the child creates eth0 and passes its fd */
	unsigned mtu;

	const struct volt_security *security; /* prepared by the monitor; NULL: none */
	unsigned preserve_fds;		      /* --preserve-fds N: the monitor's fds 3..3+N-1 pass on */
	const struct volt_spawn_hooks *hooks; /* NULL: volt's own steps */
	/* out */
	pid_t pid;     /* the container's PID 1, as seen from the host */
	int userns_fd; /* /proc/PID/ns/user, kept for cleanup after exit */
	int tap_fd;    /* want_tap: the container's tap device */
	int pty_fd;    /* want_pty: the master side of the container's terminal */
};

/* volt_container_spawn - start the container; returns once its command has
 * been exec'd. A failure before exec comes back in err with err->exit_code
 * set (126 cannot execute, 127 not found, 125 setup). */
int volt_container_spawn(struct volt_spawn *sp, struct volt_err *err);

/* volt_container_join - setns() into every namespace of pid (exec, cleanup). */
int volt_container_join(pid_t pid, int flags, struct volt_err *err);

#endif
