/* `volt exec` in a microVM. The VM's monitor (vm_monitor.c) owns the only
 * channel to the guest's agent, so an exec is a client of the monitor: it
 * connects to the monitor's socket in the VM's run directory and speaks the
 * agent's own protocol (vm/agent_proto.h) as if to the agent, with one
 * process, id 1; the monitor renumbers it for the guest. The caller's
 * terminal goes raw with -t, and its size and signals go along. */
#include "workload/vm_exec.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/unixsock.h"
#include "vm/agent_chan.h"

int volt_vm_guest_user(const struct volt_spec *spec, const char *user, struct volt_user *u, struct volt_err *err)
{
	cleanup_free char *passwd = NULL, *group = NULL;
	cleanup_free char *pp = volt_path("%s/etc/passwd", spec->lower);
	cleanup_free char *gp = volt_path("%s/etc/group", spec->lower);
	size_t len;
	struct volt_err ignored;
	/* an image without the files knows only numeric ids */
	volt_read_file(pp, 1u << 20, &passwd, &len, &ignored);
	volt_read_file(gp, 1u << 20, &group, &len, &ignored);
	return volt_user_resolve(user ? user : "", passwd, group, u, err);
}

struct client {
	struct volt_agent_chan ch;
	bool tty, started, done;
	int code;
	struct volt_err *err;
};

static void send_resize(struct client *c)
{
	struct winsize ws;
	struct volt_err ignored;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || !ws.ws_row)
		return;
	struct volt_agent_msg r = {.type = VOLT_AGENT_RESIZE, .id = 1, .rows = ws.ws_row, .cols = ws.ws_col};
	volt_agent_chan_send(&c->ch, &r, &ignored);
}

static int on_msg(void *arg, const struct volt_agent_msg *m, struct volt_err *err)
{
	struct client *c = arg;
	switch (m->type) {
	case VOLT_AGENT_STARTED:
		c->started = true;
		if (c->tty)
			send_resize(c);
		return 0;
	case VOLT_AGENT_OUTPUT:
		volt_write_all(m->stream == VOLT_AGENT_STDERR ? STDERR_FILENO : STDOUT_FILENO, m->data, m->data_len);
		return 0;
	case VOLT_AGENT_EXIT:
		c->done = true;
		c->code = m->code;
		return 0;
	case VOLT_AGENT_ERROR: err->exit_code = 126; return volt_err_set(err, 0, "the guest agent: %s", m->text);
	default: return volt_err_set(err, 0, "%s from the monitor", volt_agent_type_name(m->type));
	}
}

static int connect_monitor(struct volt_ctx *ctx, const struct volt_ctr_row *row, struct volt_err *err)
{
	cleanup_free char *run = volt_ctx_ctr_run(ctx, row->id);
	cleanup_free char *path = volt_path("%s/agent.sock", run);
	int fd = volt_unix_connect(path, err);
	if (fd < 0)
		volt_err_prefix(err, "the monitor of %s", row->name);
	return fd;
}

int volt_vm_exec(struct volt_ctx *ctx, const struct volt_ctr_row *row, const struct volt_vm_exec *x,
		 struct volt_err *err)
{
	struct volt_user u;
	struct client c = {.tty = x->tty, .code = -1, .err = err};
	struct termios saved;
	bool raw = false, stdin_open = x->keep_stdin;
	int r = -1, sfd = -1;
	sigset_t mask, old;

	if (volt_vm_guest_user(x->spec, x->user ? x->user : x->spec->user, &u, err) < 0)
		return -1;
	cleanup_strv char **env = volt_strv_dup(x->spec->env);
	for (size_t i = 0; x->env_add && x->env_add[i]; i++) {
		if (strchr(x->env_add[i], '=')) {
			volt_env_set(&env, x->env_add[i]);
		} else if (getenv(x->env_add[i])) { /* -e KEY: the caller's value */
			cleanup_free char *kv = volt_path("%s=%s", x->env_add[i], getenv(x->env_add[i]));
			volt_env_set(&env, kv);
		}
	}
	if (!volt_env_get(env, "HOME")) {
		cleanup_free char *home = volt_path("HOME=%s", *u.home ? u.home : "/");
		volt_env_set(&env, home);
	}
	if (x->tty && !volt_env_get(env, "TERM"))
		volt_env_set(&env, "TERM=xterm");
	int fd = connect_monitor(ctx, row, err);
	if (fd < 0)
		return -1;
	volt_agent_chan_init(&c.ch, fd);
	struct volt_agent_msg run = {.type = VOLT_AGENT_RUN,
				     .id = 1,
				     .args = (const char *const *)x->argv,
				     .env = (const char *const *)env,
				     .cwd = x->workdir ? x->workdir : x->spec->cwd,
				     .uid = u.uid,
				     .gid = u.gid,
				     .tty = x->tty};
	if (volt_agent_chan_send(&c.ch, &run, err) < 0)
		goto out;

	/* signals go to the process in the guest; with a terminal, ^C is a
	 * byte of its input instead */
	sigemptyset(&mask);
	int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&mask, sigs[i]);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (x->tty && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;
		cfmakeraw(&t);
		t.c_oflag |= OPOST;
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		raw = true;
	}
	while (!c.done) {
		struct pollfd p[3] = {
			{.fd = c.ch.fd, .events = POLLIN | (volt_agent_chan_pending(&c.ch) ? POLLOUT : 0)},
			{.fd = sfd, .events = POLLIN},
			{.fd = stdin_open && c.started ? STDIN_FILENO : -1, .events = POLLIN},
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			volt_err_sys(err, "poll");
			goto out;
		}
		if ((p[0].revents & POLLOUT) && volt_agent_chan_flush(&c.ch, err) < 0)
			goto out;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (volt_agent_chan_read(&c.ch, "the monitor", on_msg, &c, err) < 0)
				goto out;
			if (c.ch.eof && !c.done) {
				volt_err_set(err, ECONNRESET, "%s stopped while the command ran", row->name);
				goto out;
			}
		}
		if (p[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH) {
					if (x->tty)
						send_resize(&c);
					continue;
				}
				struct volt_agent_msg s = {.type = VOLT_AGENT_SIGNAL, .id = 1, .signo = si.ssi_signo};
				if (volt_agent_chan_send(&c.ch, &s, err) < 0)
					goto out;
			}
		}
		if (p[2].revents) {
			char buf[VOLT_AGENT_DATA_MAX];
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0)
				stdin_open = false; /* an empty STDIN: end of its input */
			struct volt_agent_msg s = {.type = VOLT_AGENT_STDIN,
						   .id = 1,
						   .data = (const uint8_t *)buf,
						   .data_len = n > 0 ? (size_t)n : 0};
			if (volt_agent_chan_send(&c.ch, &s, err) < 0)
				goto out;
		}
	}
	r = c.code;
out:
	if (raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	if (sfd >= 0) {
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	volt_agent_chan_close(&c.ch);
	return r;
}
