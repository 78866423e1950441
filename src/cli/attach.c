/* volt attach: the caller's terminal (or pipes) on a running container's
 * main process, through its detached monitor's socket (workload/attach.c):
 * the output from now on, stdin when the container has one (-i), the
 * detach keys, signals and, at the end, the container's exit code. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "state/liveness.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "workload/attach.h"

static const struct option attach_opts[] = {{"no-stdin", no_argument, NULL, 'n'},
					    {"sig-proxy", optional_argument, NULL, 's'},
					    {"detach-keys", required_argument, NULL, 'k'},
					    {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_attach_spec = {
	.usage = "Usage: volt attach [OPTIONS] CONTAINER\n\n"
		 "Attach to a running container's main process: its output from now on\n"
		 "(`volt logs` has the older), its stdin when it was created with -i, and\n"
		 "its exit code as attach's when it exits. Several may attach at once.\n\n"
		 "      --no-stdin            do not attach stdin\n"
		 "      --sig-proxy[=BOOL]    pass the signals volt receives on to the\n"
		 "                            container (default true; never with a tty)\n"
		 "      --detach-keys KEYS    the sequence that detaches, leaving the container\n"
		 "                            running (default ctrl-p,ctrl-q)\n",
	.opts = "",
	.longopts = attach_opts,
};

/* parse_keys - docker's --detach-keys: "ctrl-X" or one character, comma
 * separated. Return: the number of keys, or -1. */
static int parse_keys(const char *s, unsigned char *keys, int max)
{
	int n = 0;
	cleanup_free char *dup = strdup(s);
	char *save = NULL;
	if (!dup)
		return -1;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (n == max)
			return -1;
		if (strlen(t) == 1) {
			keys[n++] = (unsigned char)t[0];
		} else if (strncasecmp(t, "ctrl-", 5) == 0 && strlen(t) == 6) {
			char c = t[5];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (!((c >= 'a' && c <= 'z') || strchr("@[\\]^_", c)))
				return -1;
			keys[n++] = (unsigned char)(c & 0x1f);
		} else {
			return -1;
		}
	}
	return n > 0 ? n : -1;
}

struct session {
	int sock;
	bool tty;
	unsigned char keys[16];
	int n_keys, matched; /* how much of the detach keys the input ends with */
	unsigned char in[VOLT_ATTACH_HDR + VOLT_ATTACH_MAX_PAYLOAD];
	size_t in_len;
};

static bool send_frame(struct session *s, int type, const void *p, size_t n)
{
	unsigned char buf[VOLT_ATTACH_HDR + 8192];
	if (n > 8192)
		return false;
	size_t len = volt_attach_frame(buf, type, p, n);
	/* MSG_NOSIGNAL: a monitor that let go of us is seen on the read side */
	for (size_t off = 0; off < len;) {
		ssize_t w = send(s->sock, buf + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += (size_t)w;
	}
	return true;
}

static void send_stdin(struct session *s, const unsigned char *p, size_t n)
{
	while (n) {
		size_t k = n < 8192 ? n : 8192;
		send_frame(s, VOLT_ATTACH_STDIN, p, k);
		p += k;
		n -= k;
	}
}

static void send_u32(struct session *s, int type, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
			      (unsigned char)v};
	send_frame(s, type, b, 4);
}

static void send_resize(struct session *s)
{
	struct winsize ws;
	int fd = isatty(STDIN_FILENO) ? STDIN_FILENO : STDOUT_FILENO;
	if (!s->tty || ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return;
	send_u32(s, VOLT_ATTACH_RESIZE, (uint32_t)ws.ws_row << 16 | ws.ws_col);
}

/* on_input - the caller's input, minus the detach keys (held back while
 * they may be starting). Return: true when the keys were typed. */
static bool on_input(struct session *s, const unsigned char *p, size_t n)
{
	unsigned char out[8192 + 16];
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == s->keys[s->matched]) {
			if (++s->matched == s->n_keys) {
				send_stdin(s, out, o);
				return true;
			}
			continue;
		}
		if (s->matched) { /* not the keys after all: what was held goes */
			memcpy(out + o, s->keys, (size_t)s->matched);
			o += (size_t)s->matched;
			s->matched = 0;
			if (p[i] == s->keys[0]) {
				s->matched = 1;
				continue;
			}
		}
		out[o++] = p[i];
	}
	send_stdin(s, out, o);
	return false;
}

/* on_output - frames from the monitor. Return: the exit code once its
 * frame came, -1 to go on, -2 on a broken stream, -3 when the monitor has
 * too many clients. */
static int on_output(struct session *s)
{
	ssize_t n = read(s->sock, s->in + s->in_len, sizeof(s->in) - s->in_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return -1;
	if (n <= 0)
		return -2;
	s->in_len += (size_t)n;
	size_t off = 0;
	int code = -1;
	while (code < 0 && s->in_len - off >= VOLT_ATTACH_HDR) {
		int type;
		uint32_t len;
		volt_attach_parse(s->in + off, &type, &len);
		if (len > VOLT_ATTACH_MAX_PAYLOAD)
			return -2;
		if (s->in_len - off < VOLT_ATTACH_HDR + len)
			break;
		const unsigned char *p = s->in + off + VOLT_ATTACH_HDR;
		if (type == VOLT_ATTACH_STDOUT || type == VOLT_ATTACH_STDERR)
			volt_write_all(type == VOLT_ATTACH_STDOUT ? STDOUT_FILENO : STDERR_FILENO, p, len);
		else if (type == VOLT_ATTACH_FULL)
			return -3;
		else if (type == VOLT_ATTACH_EXIT && len == 4)
			code = (int)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]);
		off += VOLT_ATTACH_HDR + len;
	}
	memmove(s->in, s->in + off, s->in_len - off);
	s->in_len -= off;
	return code;
}

/* connect_monitor - the monitor makes its socket just before it records
 * the container running: a second's retries cover a start in progress */
static int connect_monitor(struct volt_ctx *ctx, const char *id, struct volt_err *err)
{
	for (int i = 0;; i++) {
		int fd = volt_attach_connect(ctx, id, err);
		if (fd >= 0 || i == 20)
			return fd;
		nanosleep(&(struct timespec){.tv_nsec = 50000000}, NULL);
	}
}

static int relay(struct session *s, bool use_stdin, bool sig_proxy, struct volt_ctx *ctx, const char *id)
{
	static const int proxied[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGCONT};
	sigset_t mask;
	sigemptyset(&mask);
	if (s->tty)
		sigaddset(&mask, SIGWINCH);
	else if (sig_proxy)
		for (size_t i = 0; i < sizeof(proxied) / sizeof(proxied[0]); i++)
			sigaddset(&mask, proxied[i]);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	unsigned char buf[8192];
	int code = -1;

	send_resize(s);
	while (code < 0) {
		struct pollfd p[3] = {
			{s->sock, POLLIN, 0}, {sfd, POLLIN, 0}, {use_stdin ? STDIN_FILENO : -1, POLLIN, 0}};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
				if (si.ssi_signo == SIGWINCH)
					send_resize(s);
				else
					send_u32(s, VOLT_ATTACH_SIGNAL, si.ssi_signo);
			}
		}
		if (p[2].revents) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0 && on_input(s, buf, (size_t)n)) {
				code = 0; /* detached: the container goes on */
				break;
			}
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
				use_stdin = false; /* as docker's: the container's stdin stays open */
		}
		if (p[0].revents) {
			code = on_output(s);
			if (code == -3) {
				struct volt_err err = {0};
				volt_err_set(&err, 0,
					     "attach: %d clients are attached already, the most a container has",
					     VOLT_ATTACH_CLIENTS);
				code = cli_fail(&err);
			} else if (code == -2) { /* the monitor went without a word: the record says */
				struct volt_ctr_row row;
				struct volt_err err = {0};
				code = 0;
				if (volt_ctr_load(ctx, id, &row, &err) == 0) {
					if (row.state == VOLT_CTR_EXITED)
						code = row.exit_code;
					else if (row.state == VOLT_CTR_RUNNING) { /* we fell behind */
						volt_err_set(
							&err, 0,
							"attach: dropped by the monitor: the output was read too slowly");
						code = cli_fail(&err);
					}
					volt_ctr_row_free(&row);
				}
			}
		}
	}
	if (sfd >= 0)
		close(sfd);
	return code < 0 ? 125 : code;
}

int cmd_attach(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;
	bool no_stdin = false, sig_proxy = true;
	const char *keys = "ctrl-p,ctrl-q";
	int c, r;

	while ((c = cli_getopt(argc, argv, &cli_attach_spec)) != -1) {
		switch (c) {
		case 'n': no_stdin = true; break;
		case 's':
			if (!cli_parse_bool(optarg, &sig_proxy))
				return cli_usage_error("attach", "--sig-proxy takes true or false");
			break;
		case 'k': keys = optarg; break;
		default: return cli_usage_error("attach", "invalid option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("attach", "requires exactly one container");
	static struct session s; /* 64 KiB of frame buffer: not on the stack */
	s.n_keys = parse_keys(keys, s.keys, (int)sizeof(s.keys));
	if (s.n_keys < 0)
		return cli_usage_error("attach",
				       "--detach-keys: invalid sequence %s (ctrl-X or a character, "
				       "comma separated)",
				       keys);
	if (!(ctx = cli_ctx(cli)))
		return 125;
	r = cli_ctr_load(ctx, argv[optind], &row);
	if (r != 0)
		return r;
	if (row.kind == VOLT_KIND_VM)
		volt_err_set(&err, 0, "attach: %s is a microVM: its workload is reached by volt exec", row.name);
	else if (row.state == VOLT_CTR_PAUSED) /* docker's words */
		volt_err_set(&err, 0, "You cannot attach to a paused container, unpause it first");
	else if (row.state != VOLT_CTR_RUNNING)
		volt_err_set(&err, 0, "You cannot attach to a stopped container, start it first");
	else if (volt_spec_from_json(&spec, row.spec, &err) == 0)
		goto ok;
	volt_ctr_row_free(&row);
	return cli_fail(&err);
ok:
	s.tty = spec.tty;
	bool use_stdin = spec.interactive && !no_stdin;
	volt_spec_free(&spec);
	s.sock = connect_monitor(ctx, row.id, &err);
	if (s.sock < 0) {
		/* a foreground monitor (volt run without -d) is attached already */
		volt_err_set(&err, 0, "%s has no attach socket: a container started without -d is attached to its volt",
			     row.name);
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	struct termios saved, raw;
	bool restore = false;
	if (s.tty && use_stdin && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST;
		restore = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	int code = relay(&s, use_stdin, sig_proxy, ctx, row.id);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(s.sock);
	volt_ctr_row_free(&row);
	return code;
}
