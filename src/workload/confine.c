/* The monitor confines itself once its workload runs.
 *
 * Theory of operation: a monitor (volt-shim, or volt itself in the
 * foreground) needs the user's full rights to set a workload up (namespaces,
 * mounts, the cgroup, the early user namespace), and then, for the rest of
 * the workload's life, it parses what the workload sends: its output, and
 * with slirp every packet (libslirp), with a VM the guest agent's messages.
 * So before its relay loop reads the first byte it drops what it no longer
 * needs, in named stages as passt does:
 *   1. no_new_privs (nothing it could still exec gains privileges);
 *   2. Landlock: files only beneath its workload's directory, the runtime
 *      directory, state.db with its WAL and shm, /dev/null (for the children
 *      it forks), /etc/resolv.conf (slirp's DNS), and with --rm the
 *      directory's way out (trash/, spare/, and volumes/ when it has
 *      anonymous volumes to remove); nothing executable;
 *   3. seccomp: an allow-list built with libseccomp from the tables below,
 *      one per concern, cached as BPF since compiling it costs ~0.8 ms a
 *      start ($VOLT_ROOT/cache/monitor/seccomp-KEY.bpf, apart from the
 *      containers' programs in cache/seccomp/, whose files the profile
 *      cache counts and prunes; read before Landlock closes the cache).
 * A call off the list fails with EPERM (also for a foreign architecture):
 * the monitor and its workload live on, and the failure surfaces where the
 * call was made; a kill would take the workload with it (PDEATHSIG) for a
 * call some library path makes rarely (glib, libslirp).
 *
 * What the monitor still does after the workload exits is on the lists: it
 * records the exit (SQLite), forks throwaway children (mount namespace
 * release, the tap's last close, the --rm removal, which joins the
 * workload's user namespace), and the nssock factory (net/nssock.c), forked
 * at the first published-port connection, joins the container's user and
 * network namespaces to make sockets there. The one thing it cannot do is
 * exec: a restart under the builtin policy runs a fresh volt-shim, which
 * must set up namespaces and mounts, so a child forked before the filters
 * (volt_exec_later) does that exec when told. Children inherit every stage,
 * which is why clone may not make namespaces and setns may only join a user
 * or network namespace. */
#include "workload/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "security/landlock.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/fs.h"
#include "util/syscalls.h"
#include "util/trace.h"

int volt_confine_no_new_privs(struct volt_err *err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return volt_err_sys(err, "no_new_privs");
	return 0;
}

/* ---- stage 2: Landlock ------------------------------------------------ */

#define LL_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define LL_FILE_RW (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)
/* everything but exec (and the rights of device files, which it never makes) */
#define LL_ALL_BUT_EXEC                                                                                             \
	(LL_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	 LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK |                 \
	 LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER |                    \
	 LANDLOCK_ACCESS_FS_TRUNCATE)

int volt_confine_landlock(const struct volt_confine *c, struct volt_err *err)
{
	int abi = volt_landlock_abi();
	if (abi <= 0)
		return volt_err_set(err, ENOSYS, "landlock: not available in this kernel");
	cleanup_free char *db = volt_path("%s/state.db", c->root);
	cleanup_free char *wal = volt_path("%s/state.db-wal", c->root);
	cleanup_free char *shm = volt_path("%s/state.db-shm", c->root);
	cleanup_free char *ctrs = volt_path("%s/containers", c->root);
	cleanup_free char *trash = volt_path("%s/trash", c->root);
	cleanup_free char *spare = volt_path("%s/spare", c->root);
	/* the event log the database's changes append to (state/events.c):
	 * made here if missing, a rule needs it to exist; its rotation, a
	 * rename in the store, is left to the next volt that is not confined */
	cleanup_free char *events = volt_path("%s/events.jsonl", c->root);
	int efd = open(events, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (efd >= 0)
		close(efd);
	struct volt_ll_rule rules[12] = {
		{c->workload_dir, LL_ALL_BUT_EXEC}, /* the log, the audit log, --rm */
		{c->runroot, LL_ALL_BUT_EXEC},
		/* the connection is open: WAL and shm exist while it lives */
		{db, LL_FILE_RW},
		{wal, LL_FILE_RW},
		{shm, LL_FILE_RW},
		/* the stdio of the children it forks (util/fds.c) */
		{"/dev/null", LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE},
	};
	size_t n = 6;
	if (efd >= 0)
		rules[n++] = (struct volt_ll_rule){events, LL_FILE_RW};
	if (c->slirp) /* libslirp reads the host's resolver at the first DNS query */
		rules[n++] = (struct volt_ll_rule){"/etc/resolv.conf", LANDLOCK_ACCESS_FS_READ_FILE};
	if (c->rm) {
		/* the directory leaves containers/ by a rename into trash/ (or
		 * is removed in place), then goes to spare/ or away: made
		 * here if missing, a rule needs them to exist */
		mkdir(trash, 0700);
		mkdir(spare, 0700);
		rules[n++] = (struct volt_ll_rule){ctrs, LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER};
		rules[n++] = (struct volt_ll_rule){trash, LL_ALL_BUT_EXEC};
		rules[n++] = (struct volt_ll_rule){spare, LL_ALL_BUT_EXEC};
	}
	/* run --rm's anonymous volumes are removed with it: the volume
	 * store, which the container uses anyway */
	cleanup_free char *vols = c->rm_volumes ? volt_path("%s/volumes", c->root) : NULL;
	if (vols)
		rules[n++] = (struct volt_ll_rule){vols, LL_ALL_BUT_EXEC};
	return volt_landlock_restrict(abi, rules, n, err);
}

/* ---- stage 3: seccomp -------------------------------------------------- */

/* allow - one entry of an allow-list: the call, and, when arg >= 0, only when
 * (argument arg & mask) == value. Entries for one call are alternatives. */
struct allow {
	const char *name;
	int arg;
	uint64_t mask, value;
};
#define ANY(n)              \
	{                   \
		n, -1, 0, 0 \
	}
/* the low 32 bits: ioctl requests, flags and families are ints in the kernel */
#define ARG_IS(n, i, v)                          \
	{                                        \
		n, i, 0xffffffffu, (uint64_t)(v) \
	}
#define ARG_NONE_OF(n, i, m)           \
	{                              \
		n, i, (uint64_t)(m), 0 \
	}

#define NEW_NAMESPACES                                                                                               \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | \
	 0x80 /* CLONE_NEWTIME */)

/* libc itself, the allocator, time, exit: every concern */
static const struct allow base_calls[] = {
	ANY("read"),
	ANY("write"),
	ANY("readv"),
	ANY("writev"),
	ANY("pread64"),
	ANY("pwrite64"),
	ANY("close"),
	ANY("close_range"),
	ANY("lseek"),
	ANY("fstat"),
	ANY("newfstatat"),
	ANY("stat"),
	ANY("lstat"),
	ANY("statx"),
	ANY("fcntl"),
	ANY("mmap"),
	ANY("munmap"),
	ANY("mremap"),
	ANY("mprotect"),
	ANY("madvise"),
	ANY("brk"),
	ANY("rt_sigaction"),
	ANY("rt_sigprocmask"),
	ANY("rt_sigreturn"),
	ANY("sigaltstack"),
	ANY("getpid"),
	ANY("gettid"),
	ANY("getppid"),
	ANY("getuid"),
	ANY("geteuid"),
	ANY("getgid"),
	ANY("getegid"),
	ANY("clock_gettime"),
	ANY("clock_getres"),
	ANY("gettimeofday"),
	ANY("time"),
	ANY("nanosleep"),
	ANY("clock_nanosleep"),
	ANY("exit"),
	ANY("exit_group"),
	ANY("futex"),
	ANY("restart_syscall"),
	ANY("getrandom"),
	ANY("sched_yield"),
	ANY("rseq"),
	ANY("set_robust_list"),
	ANY("uname"),
	ANY("getrlimit"),
	ARG_IS("prlimit64", 0, 0) /* its own limits only */,
	/* paths: Landlock says which */
	ANY("open"),
	ANY("openat"),
	ANY("access"),
	ANY("faccessat"),
	ANY("faccessat2"),
	ANY("readlink"),
	ANY("readlinkat"),
	ANY("getcwd"),
	/* the signal proxy, the restart child, raise() */
	ANY("kill"),
	ANY("tgkill"),
};

/* relay: stdio to the log and the terminal, signals, reaping, window size */
static const struct allow relay_calls[] = {
	ANY("poll"),
	ANY("ppoll"),
	ANY("wait4"),
	ANY("waitid"),
	ARG_IS("ioctl", 1, TIOCGWINSZ),
	ARG_IS("ioctl", 1, TIOCSWINSZ),
	ARG_IS("ioctl", 1, TCGETS), /* the caller's terminal, raw and back */
	ARG_IS("ioctl", 1, TCSETS),
	ARG_IS("ioctl", 1, TCSETSW),
	ARG_IS("ioctl", 1, TCSETSF),
	/* `volt attach`'s clients on the socket made before (attach.c) */
	ANY("accept4"),
	ANY("sendmsg"),
	ANY("recvmsg"),
};

/* log: container/log.c appends, rotates (rename, truncate) */
static const struct allow log_calls[] = {
	ANY("rename"), ANY("renameat"), ANY("renameat2"), ANY("ftruncate"),
	ANY("unlink"), ANY("unlinkat"), ANY("fsync"),	  ANY("fdatasync"),
};

/* state: SQLite records the exit (and the supervisor reads its record) */
static const struct allow state_calls[] = {
	ANY("fsync"), ANY("fdatasync"), ANY("ftruncate"), ANY("fallocate"), ANY("fchown"), ANY("fchmod"), ANY("unlink"),
};

/* slirp: libslirp's sockets to the outside world (net/slirp.c) */
static const struct allow slirp_calls[] = {
	ARG_IS("socket", 0, AF_INET),
	ARG_IS("socket", 0, AF_INET6),
	ANY("connect"),
	ANY("bind"),
	ANY("listen"),
	ANY("accept"),
	ANY("accept4"),
	ANY("sendto"),
	ANY("recvfrom"),
	ANY("sendmsg"),
	ANY("recvmsg"),
	ANY("sendmmsg"),
	ANY("recvmmsg"),
	ANY("setsockopt"),
	ANY("getsockopt"),
	ANY("getsockname"),
	ANY("getpeername"),
	ANY("shutdown"),
	ARG_IS("ioctl", 1, FIONREAD),
	ARG_IS("ioctl", 1, FIONBIO),
};

/* port relay: published TCP ports (net/portproxy.c) and the factory of
 * sockets in the container's network namespace (net/nssock.c), forked at
 * the first connection */
static const struct allow portrelay_calls[] = {
	ANY("accept4"),
	ANY("splice"),
	ANY("pipe2"),
	ANY("epoll_create1"),
	ANY("epoll_ctl"),
	ANY("epoll_wait"),
	ANY("epoll_pwait"),
	ARG_IS("socketpair", 0, AF_UNIX),
	ARG_IS("setns", 1, CLONE_NEWUSER),
	ARG_IS("setns", 1, CLONE_NEWNET),
	ARG_IS("ioctl", 1, NS_GET_USERNS),
	ARG_IS("prctl", 0, PR_SET_NAME),
	ARG_IS("prctl", 0, PR_SET_PDEATHSIG),
};

/* --seccomp-audit: the listener answers the container's notifications
 * (security/audit_listener.c) */
static const struct allow audit_calls[] = {
	ARG_IS("ioctl", 1, SECCOMP_IOCTL_NOTIF_RECV),
	ARG_IS("ioctl", 1, SECCOMP_IOCTL_NOTIF_SEND),
	ARG_IS("ioctl", 1, SECCOMP_IOCTL_NOTIF_ID_VALID),
};

/* children after the exit: throwaway_child (the mount namespace, the tap's
 * last close), --rm (rename to trash/, rm -rf in the user namespace, spare/),
 * the exit code for `volt wait` (an xattr on the directory) */
static const struct allow children_calls[] = {
	ARG_NONE_OF("clone", 0, NEW_NAMESPACES),
	ANY("dup2"),
	ANY("dup3"),
	ARG_IS("setns", 1, CLONE_NEWUSER),
	ANY("getdents64"),
	ANY("mkdir"),
	ANY("mkdirat"),
	ANY("rmdir"),
	ANY("unlinkat"),
	ANY("rename"),
	ANY("renameat2"),
	ANY("fchmodat"),
	ANY("umask"),
	ANY("fsetxattr"),
	ANY("flistxattr"),
	ANY("fremovexattr"),
	ANY("pipe2"),
};

/* the restart under the builtin policy: the back-off sleeps (base), the
 * exec is the waiting child's (volt_exec_later); stop, exec and the
 * lifecycle verbs act from their own processes and ask nothing of the
 * monitor */

static const struct {
	const char *concern;
	const struct allow *v;
	size_t n;
} tables[] = {
	{"base", base_calls, ARRAY_SIZE(base_calls)},	 {"relay", relay_calls, ARRAY_SIZE(relay_calls)},
	{"log", log_calls, ARRAY_SIZE(log_calls)},	 {"state", state_calls, ARRAY_SIZE(state_calls)},
	{"slirp", slirp_calls, ARRAY_SIZE(slirp_calls)}, {"port relay", portrelay_calls, ARRAY_SIZE(portrelay_calls)},
	{"audit", audit_calls, ARRAY_SIZE(audit_calls)}, {"children", children_calls, ARRAY_SIZE(children_calls)},
};

static void release_filter(scmp_filter_ctx *f)
{
	if (*f)
		seccomp_release(*f);
}

/* compile - the allow-list as a libseccomp filter, exported as BPF into fd */
static int compile(bool slirp, int fd, struct volt_err *err)
{
	__attribute__((cleanup(release_filter))) scmp_filter_ctx f = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r;

	if (!f)
		return volt_err_set(err, ENOMEM, "seccomp: init");
	if (seccomp_attr_set(f, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM)) < 0)
		return volt_err_set(err, EINVAL, "seccomp: filter attributes");
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		if (!slirp && tables[t].v == slirp_calls)
			continue;
		for (size_t i = 0; i < tables[t].n; i++) {
			const struct allow *a = &tables[t].v[i];
			int nr = seccomp_syscall_resolve_name(a->name);
			if (nr == __NR_SCMP_ERROR)
				continue; /* not on this architecture (open, stat... on arm64) */
			if (a->arg < 0)
				r = seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
			else
				r = seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 1,
						     SCMP_CMP((unsigned)a->arg, SCMP_CMP_MASKED_EQ, a->mask, a->value));
			if (r < 0)
				return volt_err_set(err, -r, "seccomp: allow %s (%s)", a->name, tables[t].concern);
		}
	}
	/* glibc falls back to clone, whose flags a filter can read */
	r = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (r < 0)
		return volt_err_set(err, -r, "seccomp: clone3");
	r = seccomp_export_bpf(f, fd);
	if (r < 0)
		return volt_err_set(err, -r, "seccomp: export the monitor's filter");
	return 0;
}

/* key - what shapes the program: the tables, slirp, libseccomp, the
 * architecture (FNV-1a: a cache name, not a defence) */
static uint64_t key(bool slirp)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const struct scmp_version *v = seccomp_version();
#define MIX(p, n)                                      \
	for (size_t k_ = 0; k_ < (n); k_++) {          \
		h ^= ((const unsigned char *)(p))[k_]; \
		h *= 0x100000001b3ULL;                 \
	}
	for (size_t t = 0; t < ARRAY_SIZE(tables); t++)
		for (size_t i = 0; i < tables[t].n; i++) {
			const struct allow *a = &tables[t].v[i];
			MIX(a->name, strlen(a->name) + 1);
			MIX(&a->arg, sizeof(a->arg));
			MIX(&a->mask, sizeof(a->mask));
			MIX(&a->value, sizeof(a->value));
		}
	uint32_t extra[5] = {slirp, v->major, v->minor, v->micro, seccomp_arch_native()};
	MIX(extra, sizeof(extra));
#undef MIX
	return h;
}

/* program - the filter from $VOLT_ROOT/cache/monitor/seccomp-KEY.bpf, or
 * compiled (~0.8 ms of libseccomp here, most of the stage's cost) and
 * cached. Read before Landlock closes the cache. */
static int program(const struct volt_confine *c, char **bpf, size_t *len, struct volt_err *err)
{
	cleanup_free char *dir = volt_path("%s/cache/monitor", c->root);
	cleanup_free char *file = volt_path("%s/seccomp-%016llx.bpf", dir, (unsigned long long)key(c->slirp));
	struct volt_err miss;

	if (volt_read_file(file, 1 << 20, bpf, len, &miss) == 0 && *len && *len % sizeof(struct sock_filter) == 0)
		return 0;
	free(*bpf);
	*bpf = NULL;
	cleanup_close int fd = memfd_create("volt-monitor-seccomp", MFD_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return volt_err_sys(err, "memfd_create");
	if (compile(c->slirp, fd, err) < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter))
		return volt_err_set(err, EINVAL, "seccomp: the monitor's filter is not a BPF program");
	*len = (size_t)st.st_size;
	*bpf = malloc(*len);
	if (!*bpf)
		return volt_err_set(err, ENOMEM, "seccomp: the monitor's filter");
	if (pread(fd, *bpf, *len, 0) != (ssize_t)*len)
		return volt_err_sys(err, "seccomp: read the monitor's filter");
	/* best effort: the program is used either way */
	if (volt_mkdir_p(dir, 0700, &miss) == 0)
		volt_write_file_atomic(file, *bpf, *len, 0600, &miss);
	return 0;
}

/* install - on every thread (TSYNC: a library may have made one); needs
 * no_new_privs. SPEC_ALLOW: the kernel would otherwise also switch on the
 * speculative store bypass mitigation for the monitor, which guards a
 * process running code someone else wrote (a browser's sandbox); the monitor
 * runs none, and the mitigation costs it an MSR write at every switch to
 * and from it on the CPUs that need one. */
static int install(const char *bpf, size_t len, struct volt_err *err)
{
	struct sock_fprog fp = {.len = (unsigned short)(len / sizeof(struct sock_filter)),
				.filter = (struct sock_filter *)bpf};
	if (len / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return volt_err_set(err, EINVAL, "seccomp: a program of %zu instructions", len / 8);
	if (volt_seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_SPEC_ALLOW, &fp) != 0)
		return volt_err_sys(err, "seccomp: install the monitor's filter");
	return 0;
}

int volt_confine_seccomp(const struct volt_confine *c, struct volt_err *err)
{
	cleanup_free char *bpf = NULL;
	size_t len = 0;
	if (program(c, &bpf, &len, err) < 0)
		return -1;
	return install(bpf, len, err);
}

int volt_confine_monitor(const struct volt_confine *c, struct volt_err *err)
{
	const char *env = getenv("VOLT_MONITOR_CONFINE");
	cleanup_free char *bpf = NULL;
	size_t len = 0;
	struct volt_err e = {0};
	int ret = 0;

	if (env && !strcmp(env, "0"))
		return 0;
	if (getenv("VOLT_TEST_CONFINE_FAIL")) /* tests: the warning's way out */
		return volt_err_set(err, EPERM, "refused (VOLT_TEST_CONFINE_FAIL)");
	if (volt_confine_no_new_privs(&e) < 0) {
		*err = e;
		return -1; /* Landlock and seccomp need it */
	}
	volt_trace("confine: no_new_privs");
	/* the filter is read (or compiled) first: Landlock closes its cache */
	if (program(c, &bpf, &len, &e) < 0) {
		*err = e;
		ret = -1;
	}
	if (volt_confine_landlock(c, &e) < 0 && e.errnum != ENOSYS) {
		*err = e;
		ret = -1;
	}
	volt_trace("confine: landlock");
	if (bpf && install(bpf, len, &e) < 0) {
		*err = e;
		ret = -1;
	}
	volt_trace("confine: seccomp");
	return ret;
}

/* ---- the exec a confined monitor leaves to a child ---------------------- */

int volt_exec_later_start(struct volt_exec_later *x, const char *path, char *const argv[], int keep_fd,
			  struct volt_err *err)
{
	int p[2];

	x->pid = -1;
	x->fd = -1;
	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return volt_err_sys(err, "fork");
	}
	if (pid == 0) {
		sigset_t none;
		char c;
		ssize_t n;
		prctl(PR_SET_NAME, "volt-restart");
		volt_fds_keep_only(VOLT_STDIO_NULL_ALL, (int[]){keep_fd, p[0]}, 2);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		while ((n = read(p[0], &c, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			_exit(0); /* dropped, or the monitor died */
		fcntl(keep_fd, F_SETFD, 0);
		execv(path, argv);
		_exit(127);
	}
	close(p[0]);
	x->pid = pid;
	x->fd = p[1];
	return 0;
}

void volt_exec_later_shim(struct volt_exec_later *x, struct volt_ctx *ctx, const char *id, int lock)
{
	struct volt_err err;
	char lfd[16];
	snprintf(lfd, sizeof(lfd), "%d", lock);
	cleanup_free char *shim = volt_ctx_helper(ctx, "volt-shim");
	char *av[] = {"volt-shim", "--root",   ctx->root,   "--runroot", ctx->runroot,
		      "--id",	   (char *)id, "--lock-fd", lfd,	 NULL};
	if (volt_exec_later_start(x, shim, av, lock, &err) < 0)
		volt_trace("monitor: no restart child");
}

int volt_exec_later_go(struct volt_exec_later *x)
{
	ssize_t n;
	if (x->fd < 0)
		return -1;
	while ((n = write(x->fd, "x", 1)) < 0 && errno == EINTR)
		;
	close(x->fd);
	x->fd = -1;
	return n == 1 ? 0 : -1;
}

void volt_exec_later_drop(struct volt_exec_later *x)
{
	if (x->fd >= 0)
		close(x->fd);
	x->fd = -1;
}

/* ---- the test hook ------------------------------------------------------ */

/* try_in_child - run what in a child (its effect must not touch the
 * monitor); the child exits 0 or with the errno */
static int try_in_child(int what)
{
	pid_t pid = fork();
	int st;
	if (pid < 0)
		return errno;
	if (pid == 0) {
		if (what == 0)
			_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 ? 0 : errno);
		execl("/bin/true", "true", (char *)NULL);
		_exit(errno);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EINTR;
}

void volt_confine_test_forbidden(const char *dir)
{
	const char *path = getenv("VOLT_TEST_MONITOR_FORBIDDEN");
	char buf[512];
	int n, e;

	if (!path || !*path)
		return;
	cleanup_free char *report = volt_path("%s/monitor-forbidden.log", dir);
	cleanup_close int out = open(report, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (out < 0)
		return;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	e = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	n = snprintf(buf, sizeof(buf), "open %s: %s\n", path, e ? strerror(e) : "allowed");
	volt_write_all(out, buf, (size_t)n);
	e = try_in_child(0);
	n = snprintf(buf, sizeof(buf), "ptrace: %s\n", e ? strerror(e) : "allowed");
	volt_write_all(out, buf, (size_t)n);
	e = try_in_child(1);
	n = snprintf(buf, sizeof(buf), "execve: %s\n", e ? strerror(e) : "allowed");
	volt_write_all(out, buf, (size_t)n);
}
