/* The monitor of one container (volt-shim's body; `volt run` and `volt start
 * -a` run it in their own process).
 *
 * Theory of operation: every container run has one monitor. In the
 * foreground (`volt run` without -d, `volt start -a`) volt itself becomes the
 * monitor, in process, so its exit code is the container's and a start pays
 * for no second exec, database open or spec parse; detached (-d) it is a
 * volt-shim process that forked twice and called setsid, so it belongs to no
 * terminal and volt returns at once. The monitor
 *   1. takes the container's lock (a flock on its directory,
 *      containers/<id>) for its whole life: whoever can take that lock knows
 *      the monitor is gone;
 *   2. prepares stdio (a pty with -t, pipes otherwise) and starts the container;
 *   3. records "running" with the pid, tells a waiting volt it is up;
 *   4. relays stdio to the terminal (attached) and to the log (always),
 *      forwards signals to the container (attached);
 *   5. reaps the container, records its exit status, and with --rm removes it.
 *
 * The container dies with the shim (PR_SET_PDEATHSIG), so a shim killed with
 * SIGKILL leaves no orphan; `volt ps` then sees a free lock and reports the
 * container as exited. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "workload/monitor.h"
#include "workload/attach.h"
#include "userns/early_userns.h"
#include "workload/confine.h"
#include "workload/health.h"
#include "workload/lifecycle.h"
#include "workload/monitor_common.h"
#include "workload/vm_monitor.h"
#include "container/log.h"
#include "container/skel.h"
#include "container/spare.h"
#include "container/spawn.h"
#include "container/spec.h"
#include "container/volume.h"
#include "net/net.h"
#include "security/audit_listener.h"
#include "state/context.h"
#include "supervise/supervisor.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/trace.h"
#include "util/fs.h"
#include "util/memsettle.h"

struct shim {
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;
	char *ctr_dir;
	bool attach;
	int ready_fd;
	struct volt_log log;
	int pty_master;
	int in_w, out_r, err_r; /* our ends of the container's pipes */
	pid_t pid;
	int userns_fd;
	int mntns_fd; /* the container's mount namespace, so that its teardown
			* happens in a background child, not in the exit we wait for */
	struct termios saved_tio;
	bool tio_saved;
	/* poll sources served by the relay loop besides stdio and signals
	 * (slirp; add more here) */
	struct volt_poll_source *sources[4];
	size_t n_sources;
	struct volt_net net;
	struct volt_security sec;	/* prepared before the spawn (src/security) */
	struct volt_audit_listener ntf; /* --seccomp-audit listener */
	struct volt_attach att;		/* detached: `volt attach`'s clients (attach.c) */
};

static void report_ready(struct shim *s, int code, const struct volt_err *err)
{
	volt_monitor_report_ready(&s->ready_fd, code, s->pid, err);
}

static int open_stdio(struct shim *s, struct volt_spawn *sp, struct volt_err *err)
{
	int p[2];

	s->pty_master = s->in_w = s->out_r = s->err_r = -1;
	sp->stdio[0] = sp->stdio[1] = sp->stdio[2] = -1;
	if (s->spec.tty) {
		/* the child makes the pty in the container's devpts (spawn.c) */
		sp->want_pty = 1;
		if (s->attach && isatty(STDIN_FILENO))
			ioctl(STDIN_FILENO, TIOCGWINSZ, &sp->winsize);
		return 0;
	}
	if (s->spec.interactive) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return volt_err_sys(err, "pipe");
		sp->stdio[0] = p[0];
		s->in_w = p[1];
	} else {
		sp->stdio[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	s->out_r = p[0];
	sp->stdio[1] = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	s->err_r = p[0];
	sp->stdio[2] = p[1];
	return 0;
}

static void raw_terminal(struct shim *s)
{
	struct termios t;
	if (!s->attach || !s->spec.tty || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t) < 0)
		return;
	s->saved_tio = t;
	s->tio_saved = true;
	cfmakeraw(&t);
	t.c_oflag |= OPOST; /* keep \n -> \r\n on our side as docker does */
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void restore_terminal(struct shim *s)
{
	if (s->tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &s->saved_tio);
}

/* pump - move what is readable on fd to the log and, attached, to out
 * (detached, to the clients of `volt attach`). Returns 0 on EOF. */
static int pump(struct shim *s, int fd, struct volt_log_stream *ls, int out)
{
	char buf[65536];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 1;
	if (n <= 0)
		return 0; /* EOF, or EIO on a pty whose last slave closed */
	volt_log_write(&s->log, ls, buf, (size_t)n);
	if (s->attach)
		volt_write_all(out, buf, (size_t)n);
	else
		volt_attach_send(&s->att, out == STDERR_FILENO ? VOLT_ATTACH_STDERR : VOLT_ATTACH_STDOUT, buf,
				 (size_t)n);
	return 1;
}

static int relay(struct shim *s, int sfd)
{
	int status = 0, exited = 0;
	bool stdin_open = s->attach && (s->spec.interactive);

	struct volt_pollv pv = {0};

	for (;;) {
		struct pollfd *p;
		int i_sig, i_out = -1, i_err = -1, i_pty = -1, i_in = -1, i_ntf = -1, timeout;
		pv.n = 0;
		i_sig = volt_pollv_add(&pv, sfd, POLLIN);
		if (s->out_r >= 0)
			i_out = volt_pollv_add(&pv, s->out_r, POLLIN);
		if (s->err_r >= 0)
			i_err = volt_pollv_add(&pv, s->err_r, POLLIN);
		if (s->pty_master >= 0)
			i_pty = volt_pollv_add(&pv, s->pty_master, POLLIN);
		if (stdin_open && (s->in_w >= 0 || s->pty_master >= 0))
			i_in = volt_pollv_add(&pv, STDIN_FILENO, POLLIN);
		if (s->ntf.fd >= 0 && !exited)
			i_ntf = volt_pollv_add(&pv, s->ntf.fd, POLLIN);
		if (!exited)
			volt_attach_prepare(&s->att, &pv);
		if (exited && s->out_r < 0 && s->err_r < 0 && s->pty_master < 0)
			break;
		/* once the container is gone, drain without blocking */
		timeout = exited ? 0 : -1;
		for (size_t k = 0; k < s->n_sources && !exited; k++)
			s->sources[k]->prepare(s->sources[k]->opaque, &pv, &timeout);
		p = pv.fds;
		if (i_sig < 0 || poll(p, (nfds_t)pv.n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t k = 0; k < s->n_sources && !exited; k++)
			s->sources[k]->dispatch(s->sources[k]->opaque, &pv);
		if (!exited)
			volt_attach_dispatch(&s->att, &pv);
		if (exited && !((i_out >= 0 && p[i_out].revents) || (i_err >= 0 && p[i_err].revents) ||
				(i_pty >= 0 && p[i_pty].revents)))
			break;
		if (p[i_sig].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGCHLD) {
					int st;
					pid_t w;
					while ((w = waitpid(-1, &st, WNOHANG)) > 0)
						if (w == s->pid) {
							status = st;
							exited = 1;
						}
				} else if (si.ssi_signo == SIGWINCH && s->pty_master >= 0) {
					struct winsize ws;
					if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
						ioctl(s->pty_master, TIOCSWINSZ, &ws);
				} else if (!exited) {
					kill(s->pid, (int)si.ssi_signo); /* the signal proxy */
				}
			}
		}
		if (i_ntf >= 0 && p[i_ntf].revents)
			volt_audit_listener_handle(&s->ntf, p[i_ntf].revents);
		if (i_out >= 0 && p[i_out].revents && !pump(s, s->out_r, &s->log.out, STDOUT_FILENO)) {
			close(s->out_r);
			s->out_r = -1;
		}
		if (i_err >= 0 && p[i_err].revents && !pump(s, s->err_r, &s->log.err, STDERR_FILENO)) {
			close(s->err_r);
			s->err_r = -1;
		}
		if (i_pty >= 0 && p[i_pty].revents && !pump(s, s->pty_master, &s->log.out, STDOUT_FILENO)) {
			close(s->pty_master);
			s->pty_master = -1;
		}
		if (i_in >= 0 && p[i_in].revents) {
			char buf[8192];
			ssize_t r = read(STDIN_FILENO, buf, sizeof(buf));
			int to = s->pty_master >= 0 ? s->pty_master : s->in_w;
			if (r > 0) {
				volt_write_all(to, buf, (size_t)r);
			} else {
				stdin_open = false;
				if (s->in_w >= 0) { /* EOF on our stdin: the container's too */
					close(s->in_w);
					s->in_w = -1;
				}
			}
		}
	}
	free(pv.fds);
	volt_log_flush(&s->log);
	return volt_monitor_exit_code(status);
}

/* cleanup_rm - remove the container's directory from inside its (still
 * alive, held by our fd) user namespace, where its files' owners are mapped. */
static void cleanup_rm(struct shim *s)
{
	struct volt_err err;
	/* most containers leave only files of their root (= us): try without
	 * the fork first */
	if (volt_rm_rf(s->ctr_dir, &err) == 0)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		/* EINVAL: already in it (--network container:NAME joined it) */
		if (s->userns_fd >= 0 && setns(s->userns_fd, CLONE_NEWUSER) < 0 && errno != EINVAL)
			_exit(1);
		_exit(volt_rm_rf(s->ctr_dir, &err) < 0 ? 1 : 0);
	}
	int st;
	if (pid > 0)
		waitpid(pid, &st, 0);
}

/* throwaway_child - fork a child for work after the container's exit that
 * nobody should wait for: it keeps only the n fds in keep (stdio goes to
 * /dev/null), so it holds no pipe a caller reads (`$(volt run ...)`) and not
 * the monitor's lock, whose holder `volt wait` and `volt stop` wait for.
 * Returns as fork(). */
static pid_t throwaway_child(const int *keep, size_t n)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		volt_fds_keep_only(VOLT_STDIO_NULL_ALL, keep, n);
	return pid;
}

/* drop_mount_namespace - let go of the container's mount namespace. Its
 * teardown (unmounting the overlay and ~30 other mounts) used to run in the
 * container's exit, before the SIGCHLD we wait for; holding it open moves
 * that work here, after the exit is recorded. In a throwaway child when
 * background is set, so that the caller does not wait for it at all. */
static void drop_mount_namespace_in(struct shim *s, bool background)
{
	int fd = s->mntns_fd;
	s->mntns_fd = -1;
	if (fd < 0)
		return;
	if (background && throwaway_child(&fd, 1) == 0) {
		close(fd);
		_exit(0);
	}
	close(fd);
}

static void drop_mount_namespace(struct shim *s)
{
	drop_mount_namespace_in(s, false);
}

/* remove_in_background - --rm after a normal exit: the container leaves the
 * database and its directory leaves containers/ at once (a rename into
 * $VOLT_ROOT/trash), and a throwaway child deletes the tree after volt has
 * returned. Deleting an upper layer is the costliest step of a short run
 * (~1 ms of unlinks for a busybox `true`, more for real images), and nobody
 * waits for it: the id is never reused and the name is free once the row is
 * gone. The child closes every fd but the user namespace's, so a caller
 * reading our stdout (`$(volt run --rm ...)`) or waiting on the container's
 * lock does not wait for it. A tree a killed child left behind stays in
 * trash/ until the next `volt rm` sweeps it (lifecycle.c). An emptied tree
 * whose upper/ and work/ are as new is kept for the next container instead
 * (spare.c). The lock goes first: a spare's next user takes it on the same
 * directory. */
static void remove_in_background(struct shim *s, struct volt_db *db, int code, int *lock)
{
	cleanup_free char *trash = volt_path("%s/trash", s->ctx->root);
	cleanup_free char *dest = volt_path("%s/%s", trash, s->row.id);

	if ((mkdir(trash, 0700) < 0 && errno != EEXIST) || rename(s->ctr_dir, dest) < 0) {
		drop_mount_namespace(s);
		cleanup_rm(s); /* no trash: the old way, in the foreground */
		volt_monitor_forget(db, s->row.id, code, *lock, &s->spec);
		volt_volume_remove_anonymous(s->ctx, &s->spec, s->userns_fd);
		return;
	}
	volt_monitor_forget(db, s->row.id, code, *lock, &s->spec);
	/* docker's run --rm takes the anonymous volumes along (the row is
	 * gone: they have no user left but another container) */
	volt_volume_remove_anonymous(s->ctx, &s->spec, s->userns_fd);
	if (*lock >= 0) {
		close(*lock);
		*lock = -1;
	}
	free(s->ctr_dir);
	s->ctr_dir = volt_steal_ptr(&dest);
	int keep[2] = {s->userns_fd, s->mntns_fd};
	pid_t pid = throwaway_child(keep, 2);
	if (pid != 0) { /* the parent goes on; if fork failed, the next volt rm sweeps it */
		if (pid > 0 && s->mntns_fd >= 0)
			close(s->mntns_fd); /* the child's copy is the last */
		s->mntns_fd = -1;
		return;
	}
	if (s->mntns_fd >= 0)
		close(s->mntns_fd); /* the container's mounts go away here */
	if (!volt_spare_give(s->ctx->root, s->ctr_dir))
		cleanup_rm(s);
	_exit(0);
}

/* release_network - free slirp, leaving the last close of the tap device to
 * a throwaway child. Closing the last reference unregisters the device, which
 * waits for an RCU grace period (~15-25 ms); the container's exit status is
 * already recorded, so neither `volt run` nor the caller's shell should wait
 * for that. The child holds a duplicate of the tap fd until we are gone. */
static void release_network(struct shim *s)
{
	int tap = s->net.slirp ? volt_slirp_tap_fd(s->net.slirp) : -1;
	int p[2];

	volt_net_stop_ports(&s->net); /* the fork below must not inherit them */

	if (tap >= 0 && pipe2(p, O_CLOEXEC) == 0) {
		int keep[2] = {tap, p[0]};
		if (throwaway_child(keep, 2) == 0) {
			char c;
			while (read(p[0], &c, 1) < 0 && errno == EINTR)
				;
			_exit(0); /* the final close of the tap happens here */
		}
		close(p[0]);
		/* p[1] stays open until we exit: then the child goes */
	}
	volt_net_free(&s->net);
}

/* take_netns - a network namespace made ahead in the early user namespace
 * (early_userns.c), for a container that wants a new one (none, slirp) */
static void take_netns(struct shim *s, struct volt_spawn *sp)
{
	if (!s->ctx->early_userns || sp->netns_fd >= 0 || sp->joined_userns ||
	    (s->net.opts.mode != VOLT_NET_NONE && s->net.opts.mode != VOLT_NET_SLIRP))
		return;
	sp->netns_fd = volt_early_userns_take_netns(s->ctx->early_userns);
	if (sp->netns_fd >= 0)
		volt_trace("monitor: network namespace made ahead");
}

/* drop_kept - forget a keeper's namespace taken for this start (kept may be NULL) */
static void drop_kept(struct shim *s, struct volt_early_userns *kept)
{
	if (!kept)
		return;
	volt_early_userns_abort(kept);
	s->ctx->early_userns = NULL;
}

/* join_container - container:NAME (net/ parsed it): join that container's user
 * namespace now and open its network namespace for the child. */
static int join_container(struct volt_ctx *ctx, const char *ref, struct volt_spawn *sp, struct volt_err *err)
{
	struct volt_ctr_row row;
	char p[64];
	int r = volt_ctr_load(ctx, ref, &row, err);

	if (r != 0)
		return r > 0 ? volt_err_said(err, ENOENT, "--network container:%s: no such container", ref) : -1;
	if (row.state != VOLT_CTR_RUNNING || row.pid <= 0) {
		volt_err_set(err, EINVAL, "--network container:%s: the container is not running", row.name);
		volt_ctr_row_free(&row);
		return -1;
	}
	snprintf(p, sizeof(p), "/proc/%d/ns/net", row.pid);
	sp->netns_fd = open(p, O_RDONLY | O_CLOEXEC);
	if (sp->netns_fd < 0) {
		volt_err_sys(err, "--network container:%s: open %s", row.name, p);
		volt_ctr_row_free(&row);
		return -1;
	}
	/* the user namespace owns the network namespace: join it first, so
	 * that the child (cloned without CLONE_NEWUSER) may enter the latter */
	r = volt_container_join(row.pid, CLONE_NEWUSER, err);
	if (r < 0)
		volt_err_prefix(err, "--network container:%s", row.name);
	else
		sp->joined_userns = 1;
	volt_ctr_row_free(&row);
	return r;
}

/* confine - the monitor's stages (confine.c), before the relay reads a
 * byte of the container's */
static void confine(struct shim *s)
{
	struct volt_err err = {0};
	struct volt_confine c = {.root = s->ctx->root,
				 .runroot = s->ctx->runroot,
				 .workload_dir = s->ctr_dir,
				 .rm = s->spec.rm,
				 .rm_volumes = s->spec.rm && volt_volume_has_anonymous(&s->spec),
				 .slirp = s->net.slirp != NULL};
	if (volt_confine_monitor(&c, &err) < 0)
		volt_monitor_warn_unconfined(&s->log, s->attach, s->row.id, &err);
	volt_confine_test_forbidden(s->ctr_dir);
}

int volt_monitor_run(struct volt_ctx *ctx, const char *id, const struct volt_monitor_opts *o)
{
	struct shim s = {.ctx = ctx, .ready_fd = o->ready_fd, .attach = o->attach, .userns_fd = -1, .mntns_fd = -1};
	struct volt_spawn sp = {0};
	struct volt_err err = {0};
	volt_attach_init(&s.att);
	cleanup_free char *logp = NULL, *init = NULL;
	struct volt_db *db = NULL;
	int r;
	int code = VOLT_EXIT_INTERNAL, sfd = -1, lock = -1, lock_fd = o->lock_fd;

	if (s.ready_fd >= 0)
		fcntl(s.ready_fd, F_SETFD, FD_CLOEXEC);
	db = volt_ctx_db(s.ctx, &err);
	if (!db)
		goto fail_early;
	r = volt_db_ctr_find(db, id, &s.row, &err);
	if (r != 0) {
		if (r > 0)
			volt_err_said(&err, ENOENT, "no such container: %s", id);
		goto fail_early;
	}
	if (volt_workload_runnable(&s.row, "start", &err) < 0)
		goto fail_early;
	if (s.row.kind == VOLT_KIND_VM) /* the same steps, with QEMU for the container */
		return volt_vm_monitor_run(ctx, &s.row, o);
	if (volt_spec_from_json(&s.spec, s.row.spec, &err) < 0)
		goto fail_early;
	volt_trace("monitor: spec loaded");
	s.ctr_dir = volt_ctx_ctr_dir(s.ctx, s.row.id);

	/* 1. the lock: one monitor per container. A flock on the container's
	 * directory, which exists already: a lock file would be one more inode
	 * to create and delete per run (run dirs of older versions held one) */
	{
		if (lock_fd >= 0) { /* restarted: the lock was kept across exec */
			lock = lock_fd;
			fcntl(lock, F_SETFD, FD_CLOEXEC);
		} else {
			lock = open(s.ctr_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		}
		if (lock < 0) {
			volt_err_sys(&err, "open %s", s.ctr_dir);
			goto fail_early;
		}
		if (lock_fd < 0 && !volt_monitor_take_lock(lock, &s.row)) {
			volt_err_said(&err, EBUSY, "container %s is already running", s.row.name);
			goto fail_early;
		}
	}
	{
		static const char *sub[] = {"upper", "work"}; /* the root is mounted on ctr_dir (rootfs.c) */
		for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
			cleanup_free char *d = volt_path("%s/%s", s.ctr_dir, sub[i]);
			if (volt_mkdir_p(d, 0755, &err) < 0)
				goto fail_early;
		}
	}
	volt_skel_apply(s.ctx->root, &s.spec); /* mount points the image lacks (skel.c) */
	if (volt_sup_shim_begin(s.ctx, s.row.id, lock_fd >= 0, &err) < 0)
		goto fail_early;
	volt_trace("monitor: dirs, lock, supervisor");
	logp = volt_path("%s/ctr.log", s.ctr_dir);
	if (volt_log_open(&s.log, logp, s.spec.log_max_size, s.spec.log_max_files, &err) < 0)
		goto fail_early;

	/* 2. stdio, signals, spawn */
	if (open_stdio(&s, &sp, &err) < 0)
		goto fail_early;
	sfd = volt_monitor_signals();
	sp.spec = &s.spec;
	sp.ctr_dir = s.ctr_dir;
	init = volt_ctx_helper(s.ctx, "volt-init");
	sp.init_path = init;
	/* network: ports are checked and slirp set up before the container exists */
	sp.netns_fd = -1;
	sp.tap_fd = -1;
	if (volt_net_prepare(s.ctx, s.spec.network, s.spec.ports, &s.net, &err) < 0 ||
	    (s.net.opts.mode == VOLT_NET_CONTAINER && join_container(s.ctx, s.net.opts.container, &sp, &err) < 0))
		goto fail_early;
	sp.want_tap = s.net.slirp != NULL; /* slirp: the child makes the tap */
	sp.mtu = s.net.opts.mtu;
	volt_trace("monitor: net prepared");
	sp.security = &s.sec; /* capabilities, Landlock, seccomp: src/security */
	sp.preserve_fds = s.ctx->preserve_fds;
	if (s.ctx->early_userns && sp.joined_userns)
		volt_early_userns_abort(s.ctx->early_userns);
	/* detached or `start`: no early namespace, but a keeper's may be there
	 * (userns/userns_keeper.c); a monitor never starts a keeper itself */
	struct volt_early_userns kept;
	/* a monitor restarted in place (builtin restart policy: it kept the
	 * lock across the exec) was exec'd by one that may have joined the
	 * container's user namespace: then it is in it */
	if (lock_fd >= 0 && !s.ctx->early_userns && !sp.joined_userns && volt_idmap_is_current(&s.spec.idmap))
		sp.in_userns = 1;
	bool own_kept = !s.ctx->early_userns && !sp.joined_userns && !sp.in_userns &&
			volt_early_userns_kept(&kept, &s.spec.idmap, s.ctx->runroot);
	if (own_kept)
		s.ctx->early_userns = &kept;
	/* the early user namespace (cli/run.c) is joined last: its helpers run
	 * while everything before is done */
	struct volt_sec_spec ss;
	volt_spec_security(&s.spec, &ss);
	if (volt_security_prepare(s.ctx, &ss, NULL, false, &s.sec, &err) < 0 ||
	    (volt_trace("monitor: security prepared"), 0) ||
	    (s.ctx->early_userns &&
	     (sp.in_userns = volt_early_userns_join(s.ctx->early_userns, &s.spec.idmap, &err)) < 0) ||
	    (volt_trace("monitor: user namespace ready"), 0) ||
	    (take_netns(&s, &sp), volt_container_spawn(&sp, &err) < 0)) {
		drop_kept(&s, own_kept ? &kept : NULL);
		code = err.exit_code ? err.exit_code : VOLT_EXIT_INTERNAL;
		char msg[VOLT_ERR_MSG_MAX + 32];
		volt_err_format(&err, msg, sizeof(msg));
		volt_db_ctr_set_exited(db, s.row.id, code, volt_now_ns(), msg, &err);
		goto fail_started;
	}
	drop_kept(&s, own_kept ? &kept : NULL);
	if (sp.netns_fd >= 0) { /* the container holds it now */
		close(sp.netns_fd);
		sp.netns_fd = -1;
	}
	volt_trace("monitor: container exec'd");
	s.pid = sp.pid;
	s.userns_fd = sp.userns_fd;
	s.pty_master = sp.pty_fd;
	{
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/ns/mnt", (int)s.pid);
		s.mntns_fd = open(p, O_RDONLY | O_CLOEXEC);
	}
	if (volt_net_attach(&s.net, s.pid, sp.tap_fd, &err) < 0) {
		kill(s.pid, SIGKILL);
		goto fail_started;
	}
	if (volt_net_source(&s.net))
		s.sources[s.n_sources++] = volt_net_source(&s.net);
	volt_audit_listener_start(&s.ntf, &s.sec, s.ctr_dir);
	for (int i = 0; i < 3; i++)
		if (sp.stdio[i] > 2 && (i == 0 || sp.stdio[i] != sp.stdio[i - 1]))
			close(sp.stdio[i]);
	if (s.pty_master >= 0)
		fcntl(s.pty_master, F_SETFL, O_NONBLOCK);
	if (s.out_r >= 0)
		fcntl(s.out_r, F_SETFL, O_NONBLOCK);
	if (s.err_r >= 0)
		fcntl(s.err_r, F_SETFL, O_NONBLOCK);

	/* detached: `volt attach`'s socket, made before confining (attach.c);
	 * without it the container runs as well, only unattachable */
	if (!s.attach && volt_attach_listen(&s.att, s.ctx, s.row.id, &err) == 0) {
		s.att.pid = s.pid;
		s.att.pty = s.pty_master;
		if (s.spec.interactive)
			s.att.stdin_fd = s.pty_master >= 0 ? s.pty_master : s.in_w;
		if (s.in_w >= 0)
			fcntl(s.in_w, F_SETFL, O_NONBLOCK);
	}

	/* 3. running; docker's volume mount events come before the start */
	volt_volume_events(&s.spec, s.row.id, true);
	if (volt_db_ctr_set_running(db, s.row.id, s.pid, getpid(), volt_now_ns(), &err) < 0) {
		kill(s.pid, SIGKILL);
		goto fail_started;
	}
	report_ready(&s, 0, NULL);
	/* a detached monitor lives as long as its container: it gives back
	 * what setup touched (util/memsettle.c), confinement's work included,
	 * through the smaps it opens before Landlock closes /proc to it */
	int smaps = s.attach ? -1 : volt_mem_settle_open();
	volt_trace("monitor: running recorded");

	/* 4. confine, relay until the container exits. A confined process
	 * cannot exec the next monitor of a restart: a child forked first will */
	struct volt_exec_later restarter = VOLT_EXEC_LATER_INIT;
	if (!s.attach && volt_sup_shim_may_restart(s.ctx, s.row.id))
		volt_exec_later_shim(&restarter, s.ctx, s.row.id, lock);
	/* health checks join the container: a child forked before confining (health.c) */
	pid_t health = volt_health_scheduler_start(s.ctx, &s.spec, s.pid, s.ctr_dir);
	confine(&s);
	if (!s.attach)
		volt_mem_settle_fd(smaps);
	raw_terminal(&s);
	code = relay(&s, sfd);
	volt_health_scheduler_stop(health);
	volt_net_stop_ports(&s.net); /* before any fork below: no child may hold them */
	restore_terminal(&s);
	volt_log_close(&s.log);
	volt_trace("monitor: container exited");

	/* 5. record, clean up */
	if (s.spec.rm) {
		remove_in_background(&s, db, code, &lock);
		volt_attach_finish(&s.att, code); /* once recorded: attach's caller may look */
	} else {
		volt_db_ctr_set_exited(db, s.row.id, code, volt_now_ns(), NULL, &err);
		volt_volume_events(&s.spec, s.row.id, false);
		volt_attach_finish(&s.att, code);
		drop_mount_namespace_in(&s, true);
		/* builtin restart policy: back off, then run again as a fresh shim
		 * that keeps the lock (under systemd, the unit's Restart= does it) */
		long ms = s.attach ? -1 : volt_sup_shim_next(s.ctx, s.row.id, code);
		if (ms >= 0 && volt_sup_shim_wait(s.ctx, s.row.id, ms)) {
			release_network(&s); /* the next monitor binds the same ports */
			volt_exec_later_go(&restarter);
			volt_trace("monitor: restarting");
			return code;
		}
	}
	volt_exec_later_drop(&restarter);
	release_network(&s);
	volt_trace("monitor: cleaned up");
	return code;

fail_started:
	release_network(&s);
	report_ready(&s, code, &err);
	if (s.attach) {
		char msg[VOLT_ERR_MSG_MAX + 32];
		volt_err_format(&err, msg, sizeof(msg));
		fprintf(stderr, "volt: %s\n", msg);
	}
	if (s.spec.rm) {
		cleanup_rm(&s);
		volt_monitor_forget(db, s.row.id, code, lock, &s.spec);
		volt_volume_remove_anonymous(s.ctx, &s.spec, s.userns_fd);
	}
	return code;

fail_early:
	if (s.ready_fd >= 0) {
		report_ready(&s, VOLT_EXIT_INTERNAL, &err);
	} else {
		char msg[VOLT_ERR_MSG_MAX + 32];
		volt_err_format(&err, msg, sizeof(msg));
		fprintf(stderr, "volt: %s\n", msg);
	}
	return VOLT_EXIT_INTERNAL;
}
