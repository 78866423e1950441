/* virtiofsd in a user namespace (see virtiofs.h).
 *
 * The child unshares its user namespace, the parent maps it with the
 * container's map (userns/idmap.c: newuidmap/newgidmap, or the user alone in
 * single mode), then the child takes a mount namespace of its own (a tmpfs
 * on /run, where virtiofsd would keep its pid file; the source bound
 * read-only for :ro), asks for SIGTERM when its parent ends, and execs
 * virtiofsd with the listening socket as fd 3. A failure before the exec
 * comes back over a close-on-exec pipe. */
#include "vm/virtiofs.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/trace.h"

/* what virtiofsd logs (at its default level, info) just before accept() */
#define READY_LINE "Waiting for vhost-user socket connection"

const char *volt_virtiofsd_path(void)
{
	static const char *const known[] = {"/usr/lib/qemu/virtiofsd", "/usr/libexec/virtiofsd", NULL};
	const char *e = getenv("VOLT_VIRTIOFSD");
	if (e && *e)
		return access(e, X_OK) == 0 ? e : NULL;
	for (int i = 0; known[i]; i++)
		if (access(known[i], X_OK) == 0)
			return known[i];
	return NULL;
}

static int listen_at(const char *path, struct volt_err *err)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(a.sun_path))
		return volt_err_set(err, ENAMETOOLONG, "virtiofs socket %s: the path is too long", path);
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return volt_err_sys(err, "socket");
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
		volt_err_sys(err, "virtiofs socket %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

/* opt_escape - a value for virtiofsd's -o list: its option parser splits at
 * commas and takes a backslash as the escape. Not qemu_argv.c's escaper:
 * virtiofsd's parser is libfuse's fuse_opt, not QEMU's QemuOpts, and reads
 * a doubled comma as two separators (source=/a,,b is /a) */
static char *opt_escape(const char *v)
{
	char *o = malloc(2 * strlen(v) + 1), *p = o;
	if (!o)
		return NULL;
	for (; *v; v++) {
		if (*v == ',' || *v == '\\')
			*p++ = '\\';
		*p++ = *v;
	}
	*p = '\0';
	return o;
}

/* bind_ro - source bound on itself read-only; a remount in a user namespace
 * must keep the flags the mount already has (they are locked) */
static int bind_ro(const char *source, struct volt_err *err)
{
	struct statvfs sv;
	if (mount(source, source, NULL, MS_BIND | MS_REC, NULL) < 0)
		return volt_err_sys(err, "bind %s", source);
	unsigned long keep = 0;
	if (statvfs(source, &sv) == 0) {
		keep |= sv.f_flag & ST_NOSUID ? MS_NOSUID : 0;
		keep |= sv.f_flag & ST_NODEV ? MS_NODEV : 0;
		keep |= sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0;
		keep |= sv.f_flag & ST_NOATIME ? MS_NOATIME : 0;
		keep |= sv.f_flag & ST_NODIRATIME ? MS_NODIRATIME : 0;
		keep |= sv.f_flag & ST_RELATIME ? MS_RELATIME : 0;
	}
	if (mount(NULL, source, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL) < 0)
		return volt_err_sys(err, "remount %s read-only", source);
	return 0;
}

/* setgroups_noop - make setgroups(2) succeed without doing anything.
 * virtiofsd drops its supplementary groups at start and exits when it
 * cannot; in single-uid mode the kernel refuses setgroups in the namespace
 * for good (an unprivileged gid_map needs setgroups=deny), so the daemon
 * keeps the groups the user has anyway, which is all the kernel allows. */
static int setgroups_noop(struct volt_err *err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_setgroups, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return volt_err_sys(err, "virtiofsd: a filter for setgroups");
	return 0;
}

/* child - in the new user namespace, once mapped; returns only on failure */
static void child(const char *daemon, const char *source, bool ro, bool single, int lfd, const char *log, pid_t parent,
		  struct volt_err *err)
{
	cleanup_free char *src = opt_escape(source);
	cleanup_free char *opt = src ? volt_path("source=%s", src) : NULL;
	if (!opt) {
		volt_err_set(err, ENOMEM, "virtiofsd");
		return;
	}
	if (unshare(CLONE_NEWNS) < 0) {
		volt_err_sys(err, "unshare(CLONE_NEWNS)");
		return;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0) {
		volt_err_sys(err, "mounts for virtiofsd");
		return;
	}
	if (ro && bind_ro(source, err) < 0)
		return;
	if (single && setgroups_noop(err) < 0)
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != parent) {
		volt_err_set(err, 0, "virtiofsd: its parent is gone");
		return;
	}
	int nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int lf = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (nul < 0 || lf < 0) {
		volt_err_sys(err, "virtiofsd's stdio (%s)", log);
		return;
	}
	/* dup2 leaves these copies open across the exec: the daemon's stdio */
	int ok = dup2(nul, 0) >= 0 && dup2(lf, 1) >= 0 && dup2(lf, 2) >= 0;
	/* and its listening socket as fd 3 (dup2 onto itself would keep CLOEXEC) */
	ok = ok && (lfd == 3 ? fcntl(3, F_SETFD, 0) : dup2(lfd, 3)) >= 0;
	if (!ok) {
		volt_err_sys(err, "virtiofsd's stdio (%s)", log);
		return;
	}
	char *const argv[] = {(char *)daemon, "--fd=3", "-o", opt, NULL};
	execv(daemon, argv);
	volt_err_sys(err, "exec %s", daemon);
}

/* last_log_line - the log's last non-empty line, for an error */
static void last_log_line(const char *log, char *buf, size_t len)
{
	cleanup_free char *text = NULL;
	size_t n = 0;
	buf[0] = '\0';
	struct volt_err ignore;
	if (volt_read_file(log, 1 << 20, &text, &n, &ignore) < 0 || !text)
		return;
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r'))
		text[--n] = '\0';
	char *nl = strrchr(text, '\n');
	snprintf(buf, len, "%s", nl ? nl + 1 : text);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* wait_ready - until the log has READY_LINE, the daemon exits, or time is up */
static int wait_ready(struct volt_virtiofsd *d, int timeout_ms, struct volt_err *err)
{
	long long end = now_ms() + timeout_ms;
	for (;;) {
		cleanup_free char *text = NULL;
		size_t n = 0;
		struct volt_err ignore;
		if (volt_read_file(d->log, 1 << 20, &text, &n, &ignore) == 0 && text && strstr(text, READY_LINE))
			return 0;
		int status;
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			char line[400];
			d->pid = 0;
			last_log_line(d->log, line, sizeof(line));
			return volt_err_set(err, 0, "virtiofsd exited: %s", line[0] ? line : "(no message)");
		}
		if (now_ms() >= end)
			return volt_err_set(err, ETIMEDOUT, "virtiofsd: not ready within %d ms", timeout_ms);
		poll(NULL, 0, 5);
	}
}

int volt_virtiofsd_start(const struct volt_idmap *m, const char *source, bool ro, const char *socket, const char *log,
			 int timeout_ms, struct volt_virtiofsd *d, struct volt_err *err)
{
	const char *daemon = volt_virtiofsd_path();
	int sync_pipe[2], report[2];
	char c = 0;
	*d = (struct volt_virtiofsd){0};
	if (!daemon)
		return volt_err_set(
			err, ENOENT,
			"virtiofsd not found (Debian/Ubuntu: package qemu-system-common; or set VOLT_VIRTIOFSD)");
	int lfd = listen_at(socket, err);
	if (lfd < 0)
		return -1;
	if (pipe2(sync_pipe, O_CLOEXEC) < 0) {
		close(lfd);
		return volt_err_sys(err, "pipe");
	}
	if (pipe2(report, O_CLOEXEC) < 0) {
		close(lfd);
		close(sync_pipe[0]);
		close(sync_pipe[1]);
		return volt_err_sys(err, "pipe");
	}
	pid_t parent = getpid();
	/* a keeper's namespace (userns/userns_keeper.c), as containers join
	 * it: no newuidmap and newgidmap on every start */
	int kept = volt_userns_kept(m);
	volt_trace(kept >= 0 ? "virtiofsd start (the keeper's namespace)" : "virtiofsd start");
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct volt_err cerr = {0};
		close(report[0]);
		if (kept >= 0 ? setns(kept, CLONE_NEWUSER) < 0 : unshare(CLONE_NEWUSER) < 0)
			volt_err_sys(&cerr, kept >= 0 ? "join the kept user namespace" : "unshare(CLONE_NEWUSER)");
		c = cerr.msg[0] ? 1 : 0;
		/* the parent maps us now; the word on sync_pipe says it did */
		if (write(report[1], &c, 1) == 1 && !c && read(sync_pipe[0], &c, 1) == 1 && !c)
			child(daemon, source, ro, !m->full, lfd, log, parent, &cerr);
		if (!cerr.msg[0])
			volt_err_set(&cerr, 0, "id mapping failed");
		if (write(report[1], &cerr, sizeof(cerr)) < 0)
			_exit(2);
		_exit(1);
	}
	close(report[1]);
	close(sync_pipe[0]);
	close(lfd);
	if (kept >= 0)
		close(kept);
	if (pid < 0) {
		close(report[0]);
		close(sync_pipe[1]);
		return volt_err_sys(err, "fork");
	}
	d->pid = pid;
	d->socket = strdup(socket);
	d->log = strdup(log);
	int r = 0;
	if (read(report[0], &c, 1) != 1 || c) {
		r = -1; /* the child's message follows */
	} else {
		c = kept < 0 && volt_idmap_apply(m, pid, err) < 0; /* a kept one is mapped */
		if (write(sync_pipe[1], &c, 1) != 1 || c) {
			close(report[0]);
			close(sync_pipe[1]);
			volt_err_prefix(err, "virtiofsd's user namespace");
			volt_virtiofsd_stop(d);
			return -1;
		}
	}
	close(sync_pipe[1]);
	/* EOF: the exec happened; otherwise the child's error */
	struct volt_err cerr;
	ssize_t n = read(report[0], &cerr, sizeof(cerr));
	close(report[0]);
	if (n == (ssize_t)sizeof(cerr) || r < 0) {
		if (n == (ssize_t)sizeof(cerr))
			*err = cerr;
		else
			volt_err_set(err, 0, "virtiofsd's user namespace failed");
		volt_virtiofsd_stop(d);
		return -1;
	}
	if (wait_ready(d, timeout_ms > 0 ? timeout_ms : 10000, err) < 0) {
		volt_err_prefix(err, "share %s", source);
		volt_virtiofsd_stop(d);
		return -1;
	}
	volt_trace("virtiofsd ready");
	return 0;
}

void volt_virtiofsd_stop(struct volt_virtiofsd *d)
{
	if (d->pid > 0) {
		volt_trace("virtiofsd stop");
		int status;
		bool gone = false;
		kill(d->pid, SIGTERM);
		/* 2 s: it ends at once on SIGTERM unless stuck in the kernel */
		for (int i = 0; i < 200 && !gone; i++) {
			gone = waitpid(d->pid, &status, WNOHANG) != 0;
			if (!gone)
				poll(NULL, 0, 10);
		}
		if (!gone) {
			kill(d->pid, SIGKILL);
			waitpid(d->pid, &status, 0);
		}
		d->pid = 0;
		volt_trace("virtiofsd stopped");
	}
	if (d->socket)
		unlink(d->socket);
	free(d->socket);
	free(d->log);
	d->socket = d->log = NULL;
}
