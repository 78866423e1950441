/* The monitor of one microVM: the same role and the same steps as a
 * container's (monitor.c), with QEMU in the place of the container's init.
 *
 * Theory of operation. The monitor
 *   1. takes the workload's lock (a flock on its directory) for its life;
 *   2. finds the engine, the accelerator, the kernel and the appliance
 *      (built by volt-image when missing: the archive library stays out of
 *      volt and volt-shim), prepares the network and the volumes, then starts
 *      QEMU as its child with the guest agent's virtio-serial port on a
 *      socket pair and the serial console on a pipe (kept in console.log, for
 *      errors): vm_start.c;
 *   3. records "running" with QEMU's pid and tells a waiting volt;
 *   4. once the agent says READY, asks it to RUN the workload, and relays:
 *      its output to the log (the container log format) and, attached, to the
 *      terminal; stdin and terminal sizes to it; signals to it as the agent's
 *      SIGNAL (`volt kill` and `volt stop` signal the monitor, not QEMU;
 *      SIGKILL alone goes to QEMU); `volt exec` requests from its socket in
 *      the run directory, each one more process in the guest;
 *   5. when the workload exits, tells the agent to power off, waits for QEMU
 *      (SIGKILL after VOLT_VM_SHUTDOWN_MS), records the workload's exit code,
 *      and removes the record with --rm or restarts it by policy.
 * The guest never makes the host act on anything but a decoded, typed
 * message of the protocol (vm/agent_proto.c): a malformed, oversized or
 * out-of-turn message ends the VM with one error. QEMU dies with the
 * monitor (PR_SET_PDEATHSIG). */
#include "workload/vm_monitor.h"

#include <errno.h>
#include <jansson.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "container/log.h"
#include "container/spec.h"
#include "container/volume.h"
#include "supervise/supervisor.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/fs.h"
#include "util/memsettle.h"
#include "util/unixsock.h"
#include "util/pollv.h"
#include "util/prog.h"
#include "net/net.h"
#include "vm/agent_chan.h"
#include "vm/appliance_key.h"
#include "vm/engine.h"
#include "vm/kernel.h"
#include "vm/qemu_argv.h"
#include "vm/shares.h"
#include "userns/idmap.h"
#include "workload/confine.h"
#include "workload/lifecycle.h"
#include "workload/monitor_common.h"
#include "workload/vm_exec.h"

#include "workload/vm_monitor_int.h"

/* fail - volt ends the VM: keep the first reason */
static void fail(struct vmmon *m, const struct volt_err *err)
{
	if (!m->failed) {
		m->err = *err;
		m->failed = true;
	}
	if (m->qemu > 0 && !m->qemu_gone)
		kill(m->qemu, SIGKILL);
}

/* console_keep - the console goes to console.log, its tail kept for errors */
static void console_keep(struct vmmon *m, const char *buf, size_t n)
{
	if (m->console_log >= 0)
		volt_write_all(m->console_log, buf, n);
	if (n >= sizeof(m->tail)) {
		buf += n - sizeof(m->tail);
		n = sizeof(m->tail);
	}
	if (m->tail_len + n > sizeof(m->tail)) {
		size_t drop = m->tail_len + n - sizeof(m->tail);
		memmove(m->tail, m->tail + drop, m->tail_len - drop);
		m->tail_len -= drop;
	}
	memcpy(m->tail + m->tail_len, buf, n);
	m->tail_len += n;
}

/* last_console_line - appended to a boot failure: it usually says why */
static void last_console_line(struct vmmon *m, struct volt_err *err)
{
	char buf[sizeof(m->tail) + 1];
	size_t n = m->tail_len;
	memcpy(buf, m->tail, n);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	char *nl = strrchr(buf, '\n');
	char *l = nl ? nl + 1 : buf;
	if (*l == '\r')
		l++;
	size_t len = strlen(err->msg);
	snprintf(err->msg + len, sizeof(err->msg) - len, "; last console line: %s",
		 *l ? l : "(nothing on the console)");
}

static int send_run(struct vmmon *m, struct volt_err *err)
{
	struct volt_user u;
	if (volt_vm_guest_user(&m->spec, m->spec.user, &u, err) < 0)
		return -1;
	cleanup_strv char **env = volt_strv_dup(m->spec.env);
	if (!volt_env_get(env, "HOME")) {
		char home[300];
		snprintf(home, sizeof(home), "HOME=%s", *u.home ? u.home : "/");
		volt_env_set(&env, home);
	}
	if (m->spec.tty && !volt_env_get(env, "TERM"))
		volt_env_set(&env, "TERM=xterm");
	struct volt_agent_msg r = {.type = VOLT_AGENT_RUN,
				   .id = WORKLOAD,
				   .args = (const char *const *)m->spec.args,
				   .env = (const char *const *)env,
				   .cwd = m->spec.cwd,
				   .uid = u.uid,
				   .gid = u.gid,
				   .tty = m->spec.tty};
	return volt_agent_chan_send(&m->agent, &r, err);
}

static void send_resize(struct vmmon *m, uint32_t id, int tty_fd)
{
	struct winsize ws;
	struct volt_err ignored;
	if (ioctl(tty_fd, TIOCGWINSZ, &ws) < 0 || !ws.ws_row)
		return;
	struct volt_agent_msg r = {.type = VOLT_AGENT_RESIZE, .id = id, .rows = ws.ws_row, .cols = ws.ws_col};
	volt_agent_chan_send(&m->agent, &r, &ignored);
}

static struct exec_client *client_of(struct vmmon *m, uint32_t id)
{
	for (int i = 0; i < MAX_EXECS; i++)
		if (m->cl[i].ch.fd >= 0 && m->cl[i].id == id)
			return &m->cl[i];
	return NULL;
}

static void client_drop(struct vmmon *m, struct exec_client *c)
{
	struct volt_err ignored;
	if (c->id && !c->done && !m->exited) {
		/* its caller is gone: so is the process it ran */
		struct volt_agent_msg k = {.type = VOLT_AGENT_SIGNAL, .id = c->id, .signo = SIGKILL};
		volt_agent_chan_send(&m->agent, &k, &ignored);
	}
	volt_agent_chan_close(&c->ch);
	c->id = 0;
	c->done = false;
}

/* on_guest - a message from the guest's agent */
static int on_guest(void *arg, const struct volt_agent_msg *msg, struct volt_err *err)
{
	struct vmmon *m = arg;
	struct exec_client *c;
	struct volt_err ignored;

	if (msg->type == VOLT_AGENT_READY) {
		if (m->ready)
			return volt_err_set(err, 0, "agent: READY twice");
		m->ready = true;
		m->deadline = 0;
		return send_run(m, err);
	}
	if (!m->ready)
		return volt_err_set(err, 0, "agent: %s before READY", volt_agent_type_name(msg->type));
	if (msg->type == VOLT_AGENT_ERROR && msg->id == 0)
		return volt_err_set(err, 0, "the guest agent: %s", msg->text);
	if (msg->id != WORKLOAD) { /* an exec's: its client's, if still there */
		if (msg->type != VOLT_AGENT_STARTED && msg->type != VOLT_AGENT_OUTPUT && msg->type != VOLT_AGENT_EXIT &&
		    msg->type != VOLT_AGENT_ERROR)
			return volt_err_set(err, 0, "agent: %s from the guest", volt_agent_type_name(msg->type));
		if (!(c = client_of(m, msg->id)))
			return 0;
		struct volt_agent_msg fw = *msg;
		fw.id = 1; /* the client knows its one process as 1 */
		if (volt_agent_chan_send(&c->ch, &fw, &ignored) < 0)
			client_drop(m, c);
		else if (msg->type == VOLT_AGENT_EXIT || msg->type == VOLT_AGENT_ERROR)
			c->done = true;
		return 0;
	}
	switch (msg->type) {
	case VOLT_AGENT_STARTED:
		m->started = true;
		if (m->spec.tty && m->attach && isatty(STDIN_FILENO))
			send_resize(m, WORKLOAD, STDIN_FILENO);
		return 0;
	case VOLT_AGENT_OUTPUT: {
		bool err_stream = msg->stream == VOLT_AGENT_STDERR;
		volt_log_write(&m->log, err_stream ? &m->log.err : &m->log.out, (const char *)msg->data, msg->data_len);
		if (m->attach)
			volt_write_all(err_stream ? STDERR_FILENO : STDOUT_FILENO, msg->data, msg->data_len);
		return 0;
	}
	case VOLT_AGENT_EXIT:
		if (m->exited)
			return volt_err_set(err, 0, "agent: EXIT twice");
		m->exited = true;
		m->code = msg->code;
		m->deadline = vm_now_ms() + vm_env_ms("VOLT_VM_SHUTDOWN_MS", 10000);
		return volt_agent_chan_send(&m->agent, &(struct volt_agent_msg){.type = VOLT_AGENT_SHUTDOWN}, err);
	case VOLT_AGENT_ERROR: /* the workload could not start */
		err->exit_code = 126;
		return volt_err_set(err, 0, "the guest agent: %s", msg->text);
	default: return volt_err_set(err, 0, "agent: %s from the guest", volt_agent_type_name(msg->type));
	}
}

/* on_client - a message from a `volt exec` (vm_exec.c): only RUN once,
 * then its stdin, signals and sizes; each goes on under the guest's id */
static int on_client(void *arg, const struct volt_agent_msg *msg, struct volt_err *err)
{
	struct exec_client *c = ((void **)arg)[1];
	struct vmmon *m = ((void **)arg)[0];
	struct volt_agent_msg fw = *msg;
	switch (msg->type) {
	case VOLT_AGENT_RUN:
		if (c->id)
			return volt_err_set(err, 0, "RUN twice");
		c->id = ++m->next_id;
		break;
	case VOLT_AGENT_STDIN:
	case VOLT_AGENT_SIGNAL:
	case VOLT_AGENT_RESIZE:
		if (!c->id)
			return volt_err_set(err, 0, "%s before RUN", volt_agent_type_name(msg->type));
		break;
	default: return volt_err_set(err, 0, "%s from a client", volt_agent_type_name(msg->type));
	}
	fw.id = c->id;
	struct volt_err gerr;
	if (volt_agent_chan_send(&m->agent, &fw, &gerr) < 0)
		fail(m, &gerr);
	return 0;
}

static void accept_client(struct vmmon *m)
{
	int fd = accept4(m->listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (int i = 0; i < MAX_EXECS; i++) {
		if (m->cl[i].ch.fd < 0) {
			volt_agent_chan_init(&m->cl[i].ch, fd);
			m->cl[i].id = 0;
			m->cl[i].done = false;
			return;
		}
	}
	struct volt_agent_chan t;
	struct volt_err ignored;
	volt_agent_chan_init(&t, fd);
	struct volt_agent_msg e = {.type = VOLT_AGENT_ERROR, .id = 1, .text = "too many exec sessions"};
	volt_agent_chan_send(&t, &e, &ignored);
	volt_agent_chan_close(&t);
}

static int open_listener(struct vmmon *m, struct volt_err *err)
{
	cleanup_free char *run = volt_ctx_ctr_run(m->ctx, m->row.id);
	cleanup_free char *path = volt_path("%s/agent.sock", run);
	if (volt_mkdir_p(run, 0700, err) < 0)
		return -1;
	m->listen = volt_unix_listen(path, 8, err);
	return m->listen < 0 ? volt_err_prefix(err, "exec socket") : 0;
}

static void on_signal(struct vmmon *m, int sfd)
{
	struct signalfd_siginfo si;
	struct volt_err err;
	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		int sig = (int)si.ssi_signo;
		if (sig == SIGCHLD) {
			int st;
			pid_t w;
			while ((w = waitpid(-1, &st, WNOHANG)) > 0)
				if (w == m->qemu) {
					m->qemu_status = st;
					m->qemu_gone = true;
				}
		} else if (sig == SIGWINCH) {
			if (m->spec.tty && m->attach && m->started)
				send_resize(m, WORKLOAD, STDIN_FILENO);
		} else if (m->started && !m->exited) {
			struct volt_agent_msg s = {.type = VOLT_AGENT_SIGNAL, .id = WORKLOAD, .signo = (uint32_t)sig};
			if (volt_agent_chan_send(&m->agent, &s, &err) < 0)
				fail(m, &err);
		} else if (!m->exited && (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT)) {
			/* still booting: there is no workload to hand it to */
			m->code = 128 + sig;
			m->exited = true;
			kill(m->qemu, SIGKILL);
		}
	}
}

static void on_stdin(struct vmmon *m)
{
	char buf[VOLT_AGENT_DATA_MAX];
	struct volt_err err;
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0)
		m->stdin_open = false; /* EOF: the workload's too (an empty STDIN) */
	struct volt_agent_msg s = {.type = VOLT_AGENT_STDIN,
				   .id = WORKLOAD,
				   .data = (const uint8_t *)buf,
				   .data_len = n > 0 ? (size_t)n : 0};
	if (volt_agent_chan_send(&m->agent, &s, &err) < 0)
		fail(m, &err);
}

/* relay - serve QEMU, the agent, the console, stdin and exec clients until
 * QEMU is gone */
static void relay(struct vmmon *m, int sfd)
{
	struct volt_pollv pv = {0};
	struct volt_err err = {0};
	while (!m->qemu_gone) {
		int i_ag, i_con = -1, i_in = -1, i_lis = -1, i_cl[MAX_EXECS];
		pv.n = 0;
		volt_pollv_add(&pv, sfd, POLLIN);
		i_ag = m->agent.fd >= 0 ? volt_pollv_add(&pv, m->agent.fd,
							 POLLIN | (volt_agent_chan_pending(&m->agent) ? POLLOUT : 0)) :
					  -1;
		if (m->console >= 0)
			i_con = volt_pollv_add(&pv, m->console, POLLIN);
		if (m->stdin_open && m->started && !m->exited && volt_agent_chan_pending(&m->agent) < STDIN_QUEUE_MAX)
			i_in = volt_pollv_add(&pv, STDIN_FILENO, POLLIN);
		if (m->ready && !m->exited && m->listen >= 0)
			i_lis = volt_pollv_add(&pv, m->listen, POLLIN);
		for (int i = 0; i < MAX_EXECS; i++) {
			struct exec_client *c = &m->cl[i];
			i_cl[i] = c->ch.fd < 0 ?
					  -1 :
					  volt_pollv_add(&pv, c->ch.fd,
							 (c->done ? 0 : POLLIN) |
								 (volt_agent_chan_pending(&c->ch) ? POLLOUT : 0));
		}
		int timeout = -1;
		if (m->deadline) {
			long long left = m->deadline - vm_now_ms();
			timeout = left < 0 ? 0 : (int)left;
		}
		struct volt_poll_source *net = volt_net_source(&m->net);
		if (net)
			net->prepare(net->opaque, &pv, &timeout);
		if (poll(pv.fds, (nfds_t)pv.n, timeout) < 0 && errno != EINTR)
			break;
		if (net)
			net->dispatch(net->opaque, &pv);
		struct pollfd *p = pv.fds;
		if (p[0].revents)
			on_signal(m, sfd);
		if (i_con >= 0 && p[i_con].revents) {
			char buf[4096];
			ssize_t n = read(m->console, buf, sizeof(buf));
			if (n > 0)
				console_keep(m, buf, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(m->console);
				m->console = -1;
			}
		}
		if (i_ag >= 0 && p[i_ag].revents) {
			if ((p[i_ag].revents & POLLOUT) && volt_agent_chan_flush(&m->agent, &err) < 0)
				fail(m, &err);
			if (p[i_ag].revents & (POLLIN | POLLHUP | POLLERR)) {
				if (volt_agent_chan_read(&m->agent, "the guest", on_guest, m, &err) < 0) {
					volt_err_prefix(&err, "agent");
					fail(m, &err);
				}
				if (m->agent.eof) { /* QEMU closed it: it is on its way out */
					volt_agent_chan_close(&m->agent);
				}
			}
		}
		if (i_in >= 0 && p[i_in].revents)
			on_stdin(m);
		if (i_lis >= 0 && p[i_lis].revents)
			accept_client(m);
		for (int i = 0; i < MAX_EXECS; i++) {
			struct exec_client *c = &m->cl[i];
			if (i_cl[i] < 0 || !p[i_cl[i]].revents || c->ch.fd < 0)
				continue;
			struct volt_err cerr;
			if ((p[i_cl[i]].revents & POLLOUT) && volt_agent_chan_flush(&c->ch, &cerr) < 0) {
				client_drop(m, c);
				continue;
			}
			if (!c->done && (p[i_cl[i]].revents & (POLLIN | POLLHUP | POLLERR))) {
				void *arg[2] = {m, c};
				if (volt_agent_chan_read(&c->ch, "an exec client", on_client, arg, &cerr) < 0 ||
				    c->ch.eof) {
					client_drop(m, c);
					continue;
				}
			}
			if (c->done && !volt_agent_chan_pending(&c->ch))
				client_drop(m, c);
		}
		if (m->deadline && vm_now_ms() >= m->deadline && !m->qemu_gone) {
			if (!m->ready) {
				volt_err_set(&err, ETIMEDOUT, "the guest agent did not start within %d s",
					     m->boot_timeout_ms / 1000);
				last_console_line(m, &err);
				fail(m, &err);
			} else {
				kill(m->qemu, SIGKILL); /* the guest did not power off */
			}
			m->deadline = 0;
		}
	}
	free(pv.fds);
	/* what the console said last */
	if (m->console >= 0) {
		char buf[4096];
		ssize_t n;
		fcntl(m->console, F_SETFL, O_NONBLOCK);
		while ((n = read(m->console, buf, sizeof(buf))) > 0)
			console_keep(m, buf, (size_t)n);
	}
	volt_log_flush(&m->log);
}

static void raw_terminal(struct vmmon *m)
{
	struct termios t;
	if (!m->attach || !m->spec.tty || !isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t) < 0)
		return;
	m->saved_tio = t;
	m->tio_saved = true;
	cfmakeraw(&t);
	t.c_oflag |= OPOST;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

/* finish - the exit code and, when volt ended the VM, why */
static int finish(struct vmmon *m)
{
	if (m->failed)
		return m->err.exit_code ? m->err.exit_code : VOLT_EXIT_INTERNAL;
	if (m->exited)
		return m->code;
	if (WIFSIGNALED(m->qemu_status)) /* volt kill -s KILL, stop's last word */
		return volt_monitor_exit_code(m->qemu_status);
	volt_err_set(&m->err, 0, "the microVM stopped before its workload ended (QEMU exited %d)",
		     volt_monitor_exit_code(m->qemu_status));
	last_console_line(m, &m->err);
	m->failed = true;
	return VOLT_EXIT_INTERNAL;
}

/* vmmon_init - a monitor with nothing open yet (both kinds of monitor) */
static void vmmon_init(struct vmmon *m, struct volt_ctx *ctx, bool attach, int ready_fd)
{
	*m = (struct vmmon){.ctx = ctx,
			    .attach = attach,
			    .ready_fd = ready_fd,
			    .console = -1,
			    .console_log = -1,
			    .listen = -1,
			    .qemu_net = -1,
			    .info = json_object(),
			    .next_id = WORKLOAD};
	m->log.fd = -1;
	m->agent.fd = -1;
	for (int i = 0; i < MAX_EXECS; i++)
		m->cl[i].ch.fd = -1;
	m->boot_timeout_ms = vm_env_ms("VOLT_VM_BOOT_TIMEOUT_MS", 120000);
	volt_userns_run_keeper_dir(ctx->runroot); /* virtiofsd joins a keeper's namespace */
}

/* vmmon_release - what either monitor holds at its end; each step may have
 * run before (the log, network and volumes go early on the way out) */
static void vmmon_release(struct vmmon *m)
{
	volt_log_close(&m->log);
	volt_net_free(&m->net);
	volt_vm_shares_stop(&m->shares);
	if (m->qemu_net >= 0)
		close(m->qemu_net);
	if (m->console >= 0)
		close(m->console);
	if (m->console_log >= 0)
		close(m->console_log);
	volt_spec_free(&m->spec);
	json_decref(m->info);
	free(m->dir);
	free(m->run);
}

int volt_vm_monitor_run(struct volt_ctx *ctx, struct volt_ctr_row *row, const struct volt_monitor_opts *o)
{
	struct vmmon m;
	struct volt_err err = {0};
	struct volt_db *db;
	int lock = o->lock_fd, sfd = -1, code = VOLT_EXIT_INTERNAL;
	char msg[VOLT_ERR_MSG_MAX + 32] = "";
	cleanup_free char *logp = NULL;

	vmmon_init(&m, ctx, o->attach, o->ready_fd);
	m.row = *row;
	memset(row, 0, sizeof(*row)); /* ours now */
	if (m.ready_fd >= 0)
		fcntl(m.ready_fd, F_SETFD, FD_CLOEXEC);
	if (!(db = volt_ctx_db(ctx, &err)) || volt_spec_from_json(&m.spec, m.row.spec, &err) < 0)
		goto fail_early;
	m.dir = volt_ctx_ctr_dir(ctx, m.row.id);
	m.run = volt_ctx_ctr_run(ctx, m.row.id);
	if (lock >= 0) { /* restarted: the lock was kept across exec */
		fcntl(lock, F_SETFD, FD_CLOEXEC);
	} else {
		lock = open(m.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (lock < 0) {
			volt_err_sys(&err, "open %s", m.dir);
			goto fail_early;
		}
		if (!volt_monitor_take_lock(lock, &m.row)) {
			volt_err_said(&err, EBUSY, "container %s is already running", m.row.name);
			goto fail_early;
		}
	}
	if (volt_sup_shim_begin(ctx, m.row.id, o->lock_fd >= 0, &err) < 0)
		goto fail_early;
	logp = volt_path("%s/ctr.log", m.dir);
	if (volt_log_open(&m.log, logp, m.spec.log_max_size, m.spec.log_max_files, &err) < 0 ||
	    open_listener(&m, &err) < 0)
		goto fail_early;

	sfd = volt_monitor_signals();

	if (vm_start_qemu(&m, &err) < 0) {
		code = err.exit_code ? err.exit_code : VOLT_EXIT_INTERNAL;
		volt_err_format(&err, msg, sizeof(msg));
		volt_db_ctr_set_exited(db, m.row.id, code, volt_now_ns(), msg, &err);
		goto fail_started;
	}
	volt_volume_events(&m.spec, m.row.id, true); /* before the start, as docker */
	if (volt_db_ctr_set_running(db, m.row.id, m.qemu, getpid(), volt_now_ns(), &err) < 0) {
		kill(m.qemu, SIGKILL);
		waitpid(m.qemu, NULL, 0);
		goto fail_started;
	}
	volt_monitor_report_ready(&m.ready_fd, 0, m.qemu, NULL);
	/* what setup touched goes back (util/memsettle.c), after the
	 * confinement below: its smaps is opened now, while /proc is open */
	int smaps = m.attach ? -1 : volt_mem_settle_open();
	/* QEMU runs: the monitor drops what it no longer needs (confine.c),
	 * before it reads a byte of the guest's. A confined process cannot
	 * exec the next monitor of a restart: a child forked first will */
	struct volt_exec_later restarter = VOLT_EXEC_LATER_INIT;
	if (!m.attach && volt_sup_shim_may_restart(ctx, m.row.id))
		volt_exec_later_shim(&restarter, ctx, m.row.id, lock);
	{
		struct volt_confine c = {.root = ctx->root,
					 .runroot = ctx->runroot,
					 .workload_dir = m.dir,
					 .rm = m.spec.rm,
					 .rm_volumes = m.spec.rm && volt_volume_has_anonymous(&m.spec),
					 .slirp = m.net.slirp != NULL};
		if (volt_confine_monitor(&c, &err) < 0)
			volt_monitor_warn_unconfined(&m.log, m.attach, m.row.id, &err);
		volt_confine_test_forbidden(m.dir);
	}
	if (!m.attach)
		volt_mem_settle_fd(smaps);
	m.stdin_open = m.attach && m.spec.interactive;
	raw_terminal(&m);
	relay(&m, sfd);
	if (m.tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &m.saved_tio);
	code = finish(&m);
	/* before anything forks on the way out: published ports are slirp's
	 * own listeners (net/vmnet.c) */
	volt_net_free(&m.net);
	volt_vm_shares_stop(&m.shares);
	volt_log_close(&m.log);
	for (int i = 0; i < MAX_EXECS; i++)
		if (m.cl[i].ch.fd >= 0)
			volt_agent_chan_close(&m.cl[i].ch);
	volt_agent_chan_close(&m.agent);
	if (m.listen >= 0)
		close(m.listen);
	{
		cleanup_free char *sock = volt_path("%s/agent.sock", m.run);
		cleanup_free char *qmp = volt_path("%s/qmp.sock", m.run);
		unlink(sock);
		unlink(qmp);
	}
	if (m.failed) {
		volt_err_format(&m.err, msg, sizeof(msg));
		if (m.attach)
			fprintf(stderr, "volt: %s\n", msg);
	}
	if (m.spec.rm) {
		struct volt_err ignored;
		volt_rm_rf(m.dir, &ignored);
		volt_monitor_forget(db, m.row.id, code, lock, &m.spec);
		volt_volume_remove_anonymous(ctx, &m.spec, -1);
	} else {
		volt_db_ctr_set_exited(db, m.row.id, code, volt_now_ns(), m.failed ? msg : NULL, &err);
		volt_volume_events(&m.spec, m.row.id, false);
		/* builtin restart policy: back off, then a fresh shim that
		 * keeps the lock (under systemd, the unit's Restart= does it) */
		long ms = m.attach ? -1 : volt_sup_shim_next(ctx, m.row.id, code);
		if (ms >= 0 && volt_sup_shim_wait(ctx, m.row.id, ms))
			volt_exec_later_go(&restarter);
	}
	volt_exec_later_drop(&restarter);
	goto out;

fail_started:
	volt_monitor_report_ready(&m.ready_fd, code, 0, &err);
	if (m.attach) {
		volt_err_format(&err, msg, sizeof(msg));
		fprintf(stderr, "volt: %s\n", msg);
	}
	if (m.spec.rm) {
		struct volt_err ignored;
		volt_rm_rf(m.dir, &ignored);
		volt_monitor_forget(db, m.row.id, code, lock, &m.spec);
		volt_volume_remove_anonymous(ctx, &m.spec, -1);
	}
	goto out;

fail_early:
	if (m.ready_fd >= 0) {
		volt_monitor_report_ready(&m.ready_fd, VOLT_EXIT_INTERNAL, 0, &err);
	} else {
		volt_err_format(&err, msg, sizeof(msg));
		fprintf(stderr, "volt: %s\n", msg);
	}
	code = VOLT_EXIT_INTERNAL;
out:
	vmmon_release(&m);
	if (lock >= 0)
		close(lock);
	if (sfd >= 0)
		close(sfd);
	volt_ctr_row_free(&m.row);
	return code;
}

int volt_vm_monitor_bare(struct volt_ctx *ctx, struct volt_spec *spec, const char *dir, const char *run,
			 struct volt_err *err)
{
	struct vmmon m;
	int sfd = -1, code = VOLT_EXIT_INTERNAL;
	cleanup_free char *logp = volt_path("%s/ctr.log", dir);

	vmmon_init(&m, ctx, true, -1);
	m.spec = *spec;
	memset(spec, 0, sizeof(*spec)); /* ours now */
	m.dir = strdup(dir);
	m.run = strdup(run);
	if (!m.dir || !m.run) {
		volt_err_set(err, ENOMEM, "microVM");
		goto out;
	}
	if (volt_mkdir_p(m.run, 0700, err) < 0 || volt_log_open(&m.log, logp, 0, 1, err) < 0)
		goto out;
	sfd = volt_monitor_signals();
	if (vm_start_qemu(&m, err) < 0) {
		code = err->exit_code ? err->exit_code : VOLT_EXIT_INTERNAL;
		goto out;
	}
	relay(&m, sfd);
	code = finish(&m);
	if (m.failed)
		*err = m.err;
	volt_agent_chan_close(&m.agent);
	{
		cleanup_free char *qmp = volt_path("%s/qmp.sock", m.run);
		unlink(qmp);
	}
out:
	/* the volumes' daemons first: they serve from the sockets' directory,
	 * which is the monitor's own */
	volt_vm_shares_stop(&m.shares);
	if (m.run && strcmp(m.run, dir)) {
		struct volt_err ignored;
		volt_rm_rf(m.run, &ignored);
	}
	vmmon_release(&m);
	if (sfd >= 0)
		close(sfd);
	return code;
}
