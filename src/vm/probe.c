#include "vm/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/agent_proto.h"
#include "vm/initramfs.h"
#include "vm/qemu_argv.h"

extern char **environ;

int volt_vm_probe_initrd(const char *init, const struct volt_kernel *k, const char *out, struct volt_err *err)
{
	return volt_initramfs_write(out, 0, init, k, NULL, NULL, err);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The host's side of a probe boot. */
struct session {
	const struct volt_vm_probe *p;
	struct volt_vm_probe_result *res;
	int agent;	 /* our end of the agent's socket pair */
	int console;	 /* QEMU's stdout and stderr: the serial console */
	char tail[2048]; /* the console's last bytes */
	size_t tail_len;
	struct volt_agent_reader r;
	long long t0;
	bool ready, exited, shutdown_sent;
	size_t out_len;
};

static void console_keep(struct session *s, const char *buf, size_t n)
{
	if (n >= sizeof(s->tail)) {
		buf += n - sizeof(s->tail);
		n = sizeof(s->tail);
	}
	if (s->tail_len + n > sizeof(s->tail)) {
		size_t drop = s->tail_len + n - sizeof(s->tail);
		memmove(s->tail, s->tail + drop, s->tail_len - drop);
		s->tail_len -= drop;
	}
	memcpy(s->tail + s->tail_len, buf, n);
	s->tail_len += n;
}

/* last_line - the console's last non-empty line */
static const char *last_line(struct session *s, char *buf, size_t len)
{
	size_t n = s->tail_len < len - 1 ? s->tail_len : len - 1;
	memcpy(buf, s->tail + s->tail_len - n, n);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	char *nl = strrchr(buf, '\n');
	const char *l = nl ? nl + 1 : buf;
	if (*l == '\r')
		l++;
	return *l ? l : "(nothing on the console)";
}

static int send_msg(struct session *s, const struct volt_agent_msg *m, struct volt_err *err)
{
	uint8_t *buf;
	size_t len;
	const char *why;
	if (volt_agent_encode(m, &buf, &len, &why) < 0)
		return volt_err_set(err, 0, "agent: %s", why);
	bool ok = volt_write_all(s->agent, buf, len);
	free(buf);
	return ok ? 0 : volt_err_sys(err, "agent: send %s", volt_agent_type_name(m->type));
}

/* on_frame - what the guest said; the host acts only on known, checked
 * messages, and a message out of turn ends the session */
static int on_frame(struct session *s, const struct volt_agent_msg *m, struct volt_err *err)
{
	static const char *const version[] = {"/init", "--version", NULL};
	static const char *const path[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
					   "HOME=/root", NULL};
	const char *const *args = s->p->args ? s->p->args : version;
	const char *const *env = s->p->env ? s->p->env : path;
	switch (m->type) {
	case VOLT_AGENT_READY:
		if (s->ready)
			return volt_err_set(err, 0, "agent: READY twice");
		s->ready = true;
		s->res->ready_ms = (long)(now_ms() - s->t0);
		snprintf(s->res->agent, sizeof(s->res->agent), "%s", m->version);
		return send_msg(s, &(struct volt_agent_msg){.type = VOLT_AGENT_RUN, .id = 1, .args = args, .env = env},
				err);
	case VOLT_AGENT_STARTED: return 0;
	case VOLT_AGENT_OUTPUT: {
		if (s->p->relay && !volt_write_all(m->stream == VOLT_AGENT_STDERR ? 2 : 1, m->data, m->data_len))
			return volt_err_sys(err, "write the guest's output");
		size_t room = sizeof(s->res->output) - 1 - s->out_len;
		size_t n = m->data_len < room ? m->data_len : room;
		memcpy(s->res->output + s->out_len, m->data, n);
		s->out_len += n;
		s->res->output[s->out_len] = '\0';
		return 0;
	}
	case VOLT_AGENT_EXIT:
		if (m->id != 1)
			return volt_err_set(err, 0, "agent: EXIT of an unknown process %u", m->id);
		s->exited = true;
		s->res->code = m->code;
		s->shutdown_sent = true;
		return send_msg(s, &(struct volt_agent_msg){.type = VOLT_AGENT_SHUTDOWN}, err);
	case VOLT_AGENT_ERROR: return volt_err_set(err, 0, "the guest agent: %s", m->text);
	default: return volt_err_set(err, 0, "agent: %s from the guest", volt_agent_type_name(m->type));
	}
}

static int read_agent(struct session *s, struct volt_err *err)
{
	uint8_t buf[65536];
	ssize_t n = read(s->agent, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return 1; /* QEMU closed it: it is exiting */
	if (volt_agent_reader_feed(&s->r, buf, (size_t)n) < 0)
		return volt_err_set(err, ENOMEM, "agent");
	const uint8_t *body;
	size_t len;
	const char *why;
	int k;
	while ((k = volt_agent_reader_next(&s->r, &body, &len, &why)) == 1) {
		struct volt_agent_msg m;
		if (volt_agent_decode(body, len, &m, &why) < 0)
			return volt_err_set(err, 0, "agent: a bad frame from the guest (%s)", why);
		int r = on_frame(s, &m, err);
		volt_agent_msg_free(&m);
		if (r < 0)
			return -1;
	}
	if (k < 0)
		return volt_err_set(err, 0, "agent: a bad stream from the guest (%s)", why);
	return 0;
}

static pid_t spawn_qemu(const struct volt_vm_probe *p, int agent_fd, int console_fd, struct volt_err *err)
{
	/* the agent's socket is fd 3 in QEMU, the network's 4, the console its
	 * stdout/stderr */
	cleanup_free char *append = volt_path("volt_agent=1%s%s", p->append ? " " : "", p->append ? p->append : "");
	const struct volt_qemu_config c = {
		.qemu = p->qemu,
		.accel = p->accel,
		.kernel = p->kernel,
		.initrd = p->initrd,
		.disk = p->disk,
		.append = append,
		.tsc_khz = volt_tsc_khz(),
		.console_fd = -1,
		.agent_fd = 3,
		.net_fd = p->net ? 4 : -1,
		.net_mtu = p->net_mtu,
		.shares = p->shares,
		.n_shares = p->n_shares,
	};
	cleanup_strv char **argv = volt_qemu_argv(&c);
	posix_spawn_file_actions_t fa;
	pid_t pid;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, console_fd, 1);
	posix_spawn_file_actions_adddup2(&fa, console_fd, 2);
	posix_spawn_file_actions_adddup2(&fa, agent_fd, 3);
	if (p->net) /* QEMU's end of the network, as fd 4 in QEMU (dup2: across exec) */
		posix_spawn_file_actions_adddup2(&fa, p->net_fd, 4);
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		volt_err_set(err, rc, "run %s", argv[0]);
		return -1;
	}
	return pid;
}

int volt_vm_probe_boot(const struct volt_vm_probe *p, struct volt_vm_probe_result *res, struct volt_err *err)
{
	int sp[2], cp[2];
	struct session s = {.p = p, .res = res};
	memset(res, 0, sizeof(*res));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return volt_err_sys(err, "socketpair");
	if (pipe2(cp, O_CLOEXEC) < 0) {
		close(sp[0]);
		close(sp[1]);
		return volt_err_sys(err, "pipe");
	}
	s.t0 = now_ms();
	pid_t pid = spawn_qemu(p, sp[1], cp[1], err);
	close(sp[1]);
	close(cp[1]);
	s.agent = sp[0];
	s.console = cp[0];
	if (pid < 0) {
		close(s.agent);
		close(s.console);
		return -1;
	}

	long long deadline = s.t0 + (p->timeout_ms > 0 ? p->timeout_ms : 60000);
	int r = 0, status = 0;
	bool qemu_gone = false;
	struct volt_pollv pv = {0};
	while (!qemu_gone) {
		long long left = deadline - now_ms();
		if (left <= 0) {
			r = volt_err_set(err, ETIMEDOUT, "no %s within %d s",
					 !s.ready  ? "agent" :
					 !s.exited ? "exit of the guest's command" :
						     "power-off",
					 p->timeout_ms / 1000);
			break;
		}
		int tmo = (int)(left < 200 ? left : 200);
		pv.n = 0;
		volt_pollv_add(&pv, s.console, POLLIN);
		volt_pollv_add(&pv, s.agent, POLLIN);
		if (pv.n < 2) {
			r = volt_err_set(err, ENOMEM, "poll");
			break;
		}
		if (p->net)
			p->net->prepare(p->net->opaque, &pv, &tmo);
		if (poll(pv.fds, pv.n, tmo) < 0) {
			if (errno == EINTR)
				continue;
			r = volt_err_sys(err, "poll");
			break;
		}
		if (p->net)
			p->net->dispatch(p->net->opaque, &pv);
		struct pollfd *pf = pv.fds;
		if (pf[0].revents) {
			char buf[4096];
			ssize_t n = read(s.console, buf, sizeof(buf));
			if (n > 0)
				console_keep(&s, buf, (size_t)n);
		}
		if (pf[1].revents && s.agent >= 0) {
			int k = read_agent(&s, err);
			if (k < 0) {
				r = -1;
				break;
			}
			if (k > 0) {
				close(s.agent);
				s.agent = -1;
			}
		}
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			qemu_gone = true;
	}
	if (!qemu_gone) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	res->total_ms = (long)(now_ms() - s.t0);
	/* what is left on the console says why a boot failed */
	char buf[4096];
	ssize_t n;
	fcntl(s.console, F_SETFL, O_NONBLOCK);
	while ((n = read(s.console, buf, sizeof(buf))) > 0)
		console_keep(&s, buf, (size_t)n);
	if (r == 0 && (!s.exited || !WIFEXITED(status) || WEXITSTATUS(status) != 0))
		r = volt_err_set(err, 0, "QEMU %s before the guest's command ended",
				 WIFEXITED(status) ? "exited" : "was killed");
	if (r < 0) {
		char line[512];
		volt_err_prefix(err, "boot %s under %s", p->kernel, volt_accel_name(p->accel));
		size_t l = strlen(err->msg);
		snprintf(err->msg + l, sizeof(err->msg) - l, "; last console line: %s",
			 last_line(&s, line, sizeof(line)));
	}
	if (s.agent >= 0)
		close(s.agent);
	close(s.console);
	volt_agent_reader_free(&s.r);
	free(pv.fds);
	return r;
}
