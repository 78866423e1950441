/* The container child.
 *
 * Theory of operation: the monitor clones a child into new user, mount, PID,
 * UTS, IPC, cgroup (and, unless --network host, network) namespaces. The child
 * waits until the parent has written its id mapping (newuidmap/newgidmap from
 * outside: an unprivileged process may not map ranges itself), then runs the
 * steps of container_setup() top to bottom and execs the command. A failure
 * before exec goes back to the parent over a CLOEXEC socket; EOF on that socket
 * means exec succeeded.
 *
 * Order matters: mounts need root of the user namespace, pivot_root needs the
 * mounts, the user switch must come after everything that needs privilege, and
 * the security step (capabilities, no_new_privs, Landlock, seccomp — issue
 * "Secure by default") goes last so that its filter need not allow volt's own
 * setup.
 *
 * When the monitor is already root of the container's user namespace (a
 * keeper's, or one mapped ahead: in_userns) the parent has nothing to do
 * until the child has exec'd, and the child is cloned with CLONE_VM |
 * CLONE_VFORK, as posix_spawn does: the parent sleeps while the child runs
 * on a stack of its own in the parent's memory. That saves copying the
 * monitor's page tables, a copy-on-write fault for each page the child
 * writes, and tearing the copy down again at exec (~0.2 ms here). The child
 * then must leave the parent's state as it found it: it works on a copy of
 * struct volt_spawn, and the parent puts environ back (exec_command sets it).
 * What it allocates stays allocated: a few KiB per start, in a process that
 * starts one container. */
#include "container/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container/enter.h"
#include "container/limits.h"
#include "container/rootfs.h"
#include "net/net.h"

#include "security/security.h"
#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/fs.h"
#include "util/syscalls.h"
#include "util/trace.h"

struct child_report {
	int exit_code;
	struct volt_err err;
};

/* open_console - -t: after pivot_root, a pty from the container's own devpts
 * (so the workload's tty is /dev/pts/N there, as under docker), bound on
 * /dev/console, made the workload's stdio; the master goes to the monitor. */
static int open_console(struct volt_spawn *sp, int sock, struct volt_err *err)
{
	char name[64];
	cleanup_close int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0)
		return volt_err_sys(err, "allocate the container's terminal");
	if (sp->winsize.ws_row && sp->winsize.ws_col)
		ioctl(m, TIOCSWINSZ, &sp->winsize);
	int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0)
		return volt_err_sys(err, "open %s", name);
	cleanup_close int c = open("/dev/console", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0620);
	if (c < 0 || mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return volt_err_sys(err, "bind /dev/console");
	sp->stdio[0] = sp->stdio[1] = sp->stdio[2] = s;
	sp->ctty = 1;
	if (volt_fd_send(sock, m, VOLT_FD_TAG_PTY) < 0)
		return volt_err_sys(err, "pass the terminal to the monitor");
	return 0;
}

/* container_setup - the child's steps, in order. Returns only on failure.
 * mapped: the parent wrote no id map and sends no word (the CLONE_VFORK
 * path: it sleeps until we exec). */
static int container_setup(struct volt_spawn *sp, int sync, bool mapped, struct volt_err *err)
{
	const struct volt_spec *s = sp->spec;
	char c;
	cleanup_strv char **env = volt_strv_dup(s->env);
	pid_t ppid = getppid(); /* 0: the monitor is outside our PID namespace */

	/* 0. the monitor blocks signals for its signalfd and ignores SIGPIPE:
	 * the workload starts with neither */
	volt_enter_signals();

	/* 1. wait for the id mapping */
	if (!mapped && read(sync, &c, 1) != 1)
		return volt_err_set(err, 0, "the monitor went away during setup");
	if (!mapped && c != 0)
		return volt_err_set(err, 0, "id mapping failed");
	if (s->idmap.full && setgroups(0, NULL) < 0)
		return volt_err_sys(err, "setgroups");
	volt_trace("child: mapped");

	/* 2. network: a new namespace has only lo, and it is down; container:NAME
	 * joins that container's namespace (its user namespace, which owns it,
	 * was joined by the monitor); slirp gets its tap device (net/tap.c) */
	if (sp->netns_fd >= 0 && setns(sp->netns_fd, CLONE_NEWNET) < 0)
		return volt_err_sys(err, "join the network namespace of %s",
				    sp->joined_userns ? s->network : "the container");
	/* a namespace made here starts with lo down; one joined (made ahead,
	 * whose maker brought lo up, or container:NAME's) has it up */
	if (sp->netns_fd < 0 && strcmp(s->network ? s->network : "none", "host") != 0 && volt_net_loopback_up(err) < 0)
		return -1;
	if (sp->want_tap && volt_tap_child_setup(sp->mtu, sync, err) < 0)
		return -1;

	/* 2b. --sysctl: written through the host's /proc, which shows the
	 * namespaces of the writer (ours: net, IPC, UTS), before the root
	 * changes and /proc/sys becomes read-only */
	if (volt_limits_apply_sysctls(s->sysctls, err) < 0)
		return -1;

	/* 3. root file system, then pivot_root into it */
	struct volt_rootfs_args ra = {.spec = s,
				      .ctr_dir = sp->ctr_dir,
				      .init_path = sp->init_path,
				      .notice_fd = sp->stdio[2] >= 0 ? sp->stdio[2] : STDERR_FILENO};
	if (sp->hooks ? sp->hooks->rootfs(sp->hooks->arg, err) < 0 : volt_rootfs_setup(&ra, err) < 0)
		return -1;
	if (sp->want_pty && open_console(sp, sync, err) < 0)
		return -1;
	volt_trace("child: rootfs ready");

	/* 4. hostname (own UTS namespace) */
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return volt_err_sys(err, "sethostname");

	/* 5. the sequence every process entering the container ends with
	 * (enter.c): fds, working directory (created when the image does not
	 * have it, as docker does), stdio and session, bounding set, user, die
	 * with the monitor, security, exec */
	struct volt_enter e = {
		.spec = s,
		.security = sp->security,
		.make_cwd = true,
		.stdio = {sp->stdio[0], sp->stdio[1], sp->stdio[2]},
		.ctty = sp->ctty,
		.new_session = true,
		.preserve_fds = sp->hooks ? sp->hooks->keep_fds : sp->preserve_fds,
		.report_fd = sync,
		.ppid = ppid,
		/* an OCI bundle's process (src/oci/): its own user and security
		 * steps after stdio, and no death signal (runc's model: the
		 * process outlives the runtime) */
		.before_exec = sp->hooks ? sp->hooks->before_exec : NULL,
		.before_exec_arg = sp->hooks ? sp->hooks->arg : NULL,
		.keep_fd = sp->hooks ? sp->hooks->keep_fd : -1,
		.keep_fd2 = sp->hooks ? sp->hooks->keep_fd2 : -1,
	};
	return volt_enter_exec(&e, &env, err);
}

/* recv_report - the child's next message into buf; fds that arrive first
 * (the tap device, the console pty's master, told apart by their tag) go to
 * *tap_fd and *pty_fd and the message after them is read. Return: as read(2). */
static ssize_t recv_report(int sock, void *buf, size_t len, int *tap_fd, int *pty_fd)
{
	for (;;) {
		union {
			char b[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = {.iov_base = buf, .iov_len = len};
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)};
		ssize_t n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return n;
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
			/* the one-byte message says which it is */
			int *slot = n > 0 && ((const char *)buf)[0] == VOLT_FD_TAG_PTY ? pty_fd : tap_fd;
			if (*slot >= 0)
				close(*slot);
			*slot = fd;
			continue; /* the report (or EOF) follows */
		}
		return n;
	}
}

/* child_main - the child's life: setup and exec, or a report and exit */
struct child_args {
	struct volt_spawn sp; /* a copy: the child may write it */
	int sync;
	bool mapped;
};

static int child_main(void *arg)
{
	struct child_args *a = arg;
	struct child_report r = {0};
	container_setup(&a->sp, a->sync, a->mapped, &r.err);
	r.exit_code = r.err.exit_code ? r.err.exit_code : VOLT_EXIT_INTERNAL;
	/* send, not write: a number a hook closed and something reused is
	 * not a socket (ENOTSOCK), and a peer gone raises no SIGPIPE */
	if (send(a->sync, &r, sizeof(r), MSG_NOSIGNAL) < 0) {
		/* a hook closed the report socket (setup was reported done):
		 * the container's stderr is the only place left to say it */
		char m[VOLT_ERR_MSG_MAX + 64];
		volt_err_format(&r.err, m, sizeof(m));
		dprintf(STDERR_FILENO, "volt: %s\n", m);
	}
	_exit(r.exit_code);
}

/* CHILD_STACK - the CLONE_VM child's stack; pages it never touches cost nothing */
#define CHILD_STACK (1024 * 1024)

/* clone_shared - clone the child into the parent's memory (CLONE_VM |
 * CLONE_VFORK): returns once it has exec'd or exited. */
static pid_t clone_shared(unsigned long flags, struct child_args *a)
{
	char **env = environ;
	void *stack = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	/* the lowest page stays a guard: an overflow faults instead of
	 * writing into whatever lies below */
	mprotect(stack, 4096, PROT_NONE);
	pid_t pid = clone(child_main, (char *)stack + CHILD_STACK, (int)(flags | CLONE_VM | CLONE_VFORK | SIGCHLD), a);
	int e = errno;
	environ = env;
	munmap(stack, CHILD_STACK);
	errno = e;
	return pid;
}

int volt_container_spawn(struct volt_spawn *sp, struct volt_err *err)
{
	const struct volt_spec *s = sp->spec;
	int sv[2];
	unsigned long flags =
		CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP;
	struct child_report rep;
	pid_t pid;
	char c;
	ssize_t n;

	sp->pid = -1;
	sp->userns_fd = -1;
	sp->tap_fd = -1;
	sp->pty_fd = -1;
	if (sp->joined_userns) /* container:NAME: user and network namespace are shared */
		flags &= ~(unsigned long)CLONE_NEWUSER;
	else if (strcmp(s->network ? s->network : "none", "host") != 0 && sp->netns_fd < 0)
		flags |= CLONE_NEWNET;
	if (sp->in_userns)
		flags &= ~(unsigned long)CLONE_NEWUSER;
	if (sp->hooks)
		flags = sp->hooks->ns_flags;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return volt_err_sys(err, "socketpair");
	fflush(NULL);
	/* in the container's user namespace already: nothing for us to do
	 * while the child sets up, so it runs in our memory (see the top) */
	bool shared = sp->in_userns && !sp->joined_userns && !sp->hooks && !getenv("VOLT_SPAWN_FORK");
	struct child_args args = {.sp = *sp, .sync = sv[1], .mapped = shared};
	if (shared)
		pid = clone_shared(flags, &args);
	else
		pid = volt_clone_flags(flags | SIGCHLD);
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return volt_err_set(err, e, "clone the container's namespaces%s",
				    e == EPERM || e == ENOSPC ? " (are unprivileged user namespaces enabled?)" : "");
	}
	if (pid == 0) { /* the forked child (the shared one starts in child_main) */
		close(sv[0]);
		child_main(&args);
	}
	close(sv[1]);
	volt_trace(shared ? "spawn: cloned in shared memory" : "spawn: cloned");
	c = !sp->joined_userns && !sp->in_userns && (flags & CLONE_NEWUSER) &&
			    (sp->hooks && sp->hooks->map ? sp->hooks->map(sp->hooks->arg, pid, err) :
							   volt_idmap_apply(&s->idmap, pid, err)) < 0 ?
		    1 :
		    0;
	volt_trace("spawn: id map written");
	if (!shared && write(sv[0], &c, 1) != 1 && !c) {
		c = 1;
		volt_err_sys(err, "signal the container");
	}
	if (!c) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/ns/user", (int)pid);
		sp->userns_fd = open(p, O_RDONLY | O_CLOEXEC);
	}
	n = recv_report(sv[0], &rep, sizeof(rep), &sp->tap_fd, &sp->pty_fd);
	close(sv[0]);
	if (c || n > 0) {
		int status;
		if (!c && n == (ssize_t)sizeof(rep)) {
			*err = rep.err;
			err->exit_code = rep.exit_code;
		} else if (!c) {
			volt_err_set(err, 0, "container setup failed");
		}
		if (c)
			kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (sp->userns_fd >= 0)
			close(sp->userns_fd);
		sp->userns_fd = -1;
		if (sp->tap_fd >= 0)
			close(sp->tap_fd);
		sp->tap_fd = -1;
		if (sp->pty_fd >= 0)
			close(sp->pty_fd);
		sp->pty_fd = -1;
		if (!err->exit_code)
			err->exit_code = VOLT_EXIT_INTERNAL;
		return -1;
	}
	sp->pid = pid;
	return 0;
}

int volt_container_join(pid_t pid, int flags, struct volt_err *err)
{
	static const struct {
		int flag;
		const char *name;
	} order[] = {
		/* the user namespace first: it grants the rights to join the others */
		{CLONE_NEWUSER, "user"}, {CLONE_NEWIPC, "ipc"},	      {CLONE_NEWUTS, "uts"}, {CLONE_NEWNET, "net"},
		{CLONE_NEWPID, "pid"},	 {CLONE_NEWCGROUP, "cgroup"}, {CLONE_NEWNS, "mnt"},
	};
	char self[64], other[64];
	struct stat a, b;

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		if (!(flags & order[i].flag))
			continue;
		snprintf(other, sizeof(other), "/proc/%d/ns/%s", (int)pid, order[i].name);
		snprintf(self, sizeof(self), "/proc/self/ns/%s", order[i].name);
		/* a namespace we already share (host network) cannot be re-joined */
		if (stat(other, &a) == 0 && stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
			continue;
		cleanup_close int fd = open(other, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return volt_err_sys(err, "open %s", other);
		if (setns(fd, order[i].flag) < 0)
			return volt_err_sys(err, "join %s namespace of %d", order[i].name, (int)pid);
	}
	return 0;
}
