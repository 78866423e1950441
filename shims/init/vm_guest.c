/* volt-init as PID 1 of a microVM: the guest agent.
 *
 * Theory of operation: the kernel starts /init (this program) from the
 * appliance's initramfs with the kernel command line's unknown key=value
 * parameters as its environment (volt_agent=1 says it is a VM). It mounts
 * /proc, /sys, /dev, /dev/pts and /run; loads the kernel modules the
 * appliance lists (/lib/modules/$(uname -r)/volt.load, dependencies first,
 * with finit_module: no modprobe in the guest); brings lo up, and eth0 on
 * the host's slirp network when volt_net=1 (vm_net.c); finds the virtio-serial port
 * named volt.agent and speaks the agent protocol (src/vm/agent_proto.h) with
 * the workload's monitor on the host: READY once, then RUN starts a process
 * (STARTED), its output comes back as OUTPUT frames, its end as EXIT;
 * STDIN, SIGNAL reach it; SHUTDOWN (or the host going away) powers the VM
 * off. Orphans are reaped as by any PID 1. Every frame from the host is
 * decoded and checked before it is acted on; a bad one ends the session. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/syscalls.h"
#include "vm/agent_proto.h"
#include "vm_guest.h"
#include "vm_net.h"
#include "vm_mounts.h"
#include "vm_root.h"

#define MAX_PROCS 16

struct proc {
	uint32_t id;
	pid_t pid;
	int out, err, in; /* pipes (with a terminal: out and in are the pty's master), -1 when closed */
	int status;	  /* -1 while running */
	bool tty;
};

static struct proc procs[MAX_PROCS];
static int port = -1;

/* say - "volt-init: WHAT ARG[: strerror]" on the console */
static void say(const char *what, const char *arg, int e)
{
	dprintf(2, "volt-init: %s %s%s%s\n", what, arg, e ? ": " : "", e ? strerror(e) : "");
}

static void power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	_exit(1);
}

static void mount_one(const char *src, const char *dir, const char *type, unsigned long flags, const char *data)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, flags, data) < 0 && errno != EBUSY)
		say("mount", dir, errno);
}

/* has_entries - a directory with anything in it */
static bool has_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool any = false;
	while (d && !any && (de = readdir(d)))
		any = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	if (d)
		closedir(d);
	return any;
}

static void setup_mounts(void)
{
	mount_one("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount_one("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	mount_one("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
	mount_one("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620");
	/* the root is the initramfs, writable: a /run the appliance filled
	 * (volt-runtime's copies of podman's /run/.containerenv) stays seen */
	if (!has_entries("/run"))
		mount_one("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
}

/* load_modules - the appliance's module list, in order; a module already
 * there (or built in) is fine */
static void load_modules(void)
{
	struct utsname u;
	char list[300], line[512], path[900];
	if (uname(&u) < 0)
		return;
	snprintf(list, sizeof(list), "/lib/modules/%s/volt.load", u.release);
	FILE *f = fopen(list, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		snprintf(path, sizeof(path), "/lib/modules/%s/%s", u.release, line);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			say("module", path, errno);
			continue;
		}
		if (volt_finit_module(fd, "", 0) < 0 && errno != EEXIST)
			say("load module", line, errno);
		close(fd);
	}
	fclose(f);
}

/* find_port - /dev/vportNpM of the port named volt.agent (no udev here to
 * make the /dev/virtio-ports/ link); ports appear once virtio_console has
 * probed its device, so this waits a little */
static int find_port(void)
{
	for (int tries = 0; tries < 500; tries++) {
		DIR *d = opendir("/sys/class/virtio-ports");
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char p[300], name[64] = "";
			if (de->d_name[0] == '.')
				continue;
			snprintf(p, sizeof(p), "/sys/class/virtio-ports/%s/name", de->d_name);
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			ssize_t n = read(fd, name, sizeof(name) - 1);
			close(fd);
			if (n <= 0)
				continue;
			name[n] = '\0';
			name[strcspn(name, "\n")] = '\0';
			if (strcmp(name, VOLT_AGENT_PORT))
				continue;
			snprintf(p, sizeof(p), "/dev/%s", de->d_name);
			closedir(d);
			return open(p, O_RDWR | O_CLOEXEC | O_NOCTTY);
		}
		if (d)
			closedir(d);
		usleep(10000);
	}
	errno = ENOENT;
	return -1;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void send_msg(const struct volt_agent_msg *m)
{
	uint8_t *buf;
	size_t len;
	const char *why;
	if (volt_agent_encode(m, &buf, &len, &why) < 0) {
		say("encode:", why, 0);
		return;
	}
	if (write_all(port, buf, len) < 0)
		power_off(); /* the host is gone */
	free(buf);
}

static void send_error(uint32_t id, const char *text)
{
	struct volt_agent_msg m = {.type = VOLT_AGENT_ERROR, .id = id, .text = text};
	send_msg(&m);
}

static struct proc *find_proc(uint32_t id)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i].pid > 0 && procs[i].id == id)
			return &procs[i];
	return NULL;
}

/* exec_command - in the forked child: m's directory, user and command */
static _Noreturn void exec_command(const struct volt_agent_msg *m)
{
	if (m->cwd && chdir(m->cwd) < 0) {
		dprintf(2, "volt-init: chdir %s: %s\n", m->cwd, strerror(errno));
		_exit(126);
	}
	if ((m->gid && setgid(m->gid) < 0) || (m->uid && setuid(m->uid) < 0)) {
		dprintf(2, "volt-init: user %u:%u: %s\n", m->uid, m->gid, strerror(errno));
		_exit(126);
	}
	execvpe(m->args[0], (char *const *)m->args, (char *const *)m->env);
	dprintf(2, "volt-init: exec %s: %s\n", m->args[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

/* start_tty - m's command on a new terminal of the guest's devpts: its
 * master carries the output one way and the input the other */
static void start_tty(struct proc *p, const struct volt_agent_msg *m)
{
	unsigned n;
	char name[32];
	int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	int unlock = 0;
	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0) {
		if (master >= 0)
			close(master);
		return send_error(m->id, "no terminal: /dev/pts/ptmx");
	}
	snprintf(name, sizeof(name), "/dev/pts/%u", n);
	int in = fcntl(master, F_DUPFD_CLOEXEC, 3);
	pid_t pid = in < 0 ? -1 : fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		int slave = open(name, O_RDWR | O_CLOEXEC);
		if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
			_exit(126);
		/* the terminal as the command's stdio: the copies cross exec */
		dup2(slave, 0);
		dup2(slave, 1); /* as above */
		dup2(slave, 2); /* as above */
		exec_command(m);
	}
	if (pid < 0) {
		close(master);
		if (in >= 0)
			close(in);
		return send_error(m->id, "fork failed");
	}
	*p = (struct proc){.id = m->id, .pid = pid, .out = master, .err = -1, .in = in, .status = -1, .tty = true};
	struct volt_agent_msg s = {.type = VOLT_AGENT_STARTED, .id = m->id, .pid = (uint32_t)pid};
	send_msg(&s);
}

static void start(const struct volt_agent_msg *m)
{
	struct proc *p = NULL;
	int o[2], e[2], in[2];
	if (find_proc(m->id))
		return send_error(m->id, "a process with this id is running");
	for (int i = 0; i < MAX_PROCS && !p; i++)
		if (procs[i].pid <= 0)
			p = &procs[i];
	if (!p)
		return send_error(m->id, "too many processes");
	if (m->tty)
		return start_tty(p, m);
	if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0 || pipe2(in, O_CLOEXEC) < 0)
		return send_error(m->id, "pipe failed");
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setsid();
		/* the command's stdio: dup2 leaves the copies open across exec */
		dup2(in[0], 0);
		dup2(o[1], 1); /* as above */
		dup2(e[1], 2); /* as above */
		if (m->cwd && chdir(m->cwd) < 0) {
			dprintf(2, "volt-init: chdir %s: %s\n", m->cwd, strerror(errno));
			_exit(126);
		}
		exec_command(m);
	}
	close(o[1]);
	close(e[1]);
	close(in[0]);
	if (pid < 0) {
		close(o[0]);
		close(e[0]);
		close(in[1]);
		return send_error(m->id, "fork failed");
	}
	*p = (struct proc){.id = m->id, .pid = pid, .out = o[0], .err = e[0], .in = in[1], .status = -1};
	struct volt_agent_msg s = {.type = VOLT_AGENT_STARTED, .id = m->id, .pid = (uint32_t)pid};
	send_msg(&s);
}

/* finish - a process whose status is known and whose output is drained
 * is reported and forgotten */
static void finish(struct proc *p)
{
	if (p->status < 0 || p->out >= 0 || p->err >= 0)
		return;
	int code = WIFEXITED(p->status) ? WEXITSTATUS(p->status) : 128 + WTERMSIG(p->status);
	struct volt_agent_msg x = {.type = VOLT_AGENT_EXIT, .id = p->id, .code = code};
	if (p->in >= 0)
		close(p->in);
	p->pid = 0;
	send_msg(&x);
}

static void relay_output(struct proc *p, int *fd, uint8_t stream)
{
	static uint8_t buf[VOLT_AGENT_DATA_MAX];
	ssize_t n = read(*fd, buf, sizeof(buf));
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		close(*fd);
		*fd = -1;
		finish(p);
		return;
	}
	struct volt_agent_msg m = {
		.type = VOLT_AGENT_OUTPUT, .id = p->id, .stream = stream, .data = buf, .data_len = (size_t)n};
	send_msg(&m);
}

static void reap(void)
{
	int status;
	pid_t w;
	while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < MAX_PROCS; i++) {
			if (procs[i].pid == w && procs[i].status < 0) {
				procs[i].status = status;
				finish(&procs[i]);
			}
		}
	}
}

static void shutdown_all(void)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (procs[i].pid > 0)
			kill(-procs[i].pid, SIGKILL);
	power_off();
}

static void handle(const struct volt_agent_msg *m)
{
	struct proc *p;
	switch (m->type) {
	case VOLT_AGENT_RUN: start(m); break;
	case VOLT_AGENT_STDIN:
		if (!(p = find_proc(m->id)) || p->in < 0)
			break;
		if (!m->data_len && p->tty)
			break; /* a terminal's end of input is ^D, the user's to type */
		if (!m->data_len || write_all(p->in, m->data, m->data_len) < 0) {
			close(p->in);
			p->in = -1;
		}
		break;
	case VOLT_AGENT_SIGNAL:
		if ((p = find_proc(m->id)) && p->status < 0)
			kill(p->pid, (int)m->signo);
		break;
	case VOLT_AGENT_RESIZE:
		if ((p = find_proc(m->id)) && p->tty && p->out >= 0) {
			struct winsize ws = {.ws_row = m->rows, .ws_col = m->cols};
			ioctl(p->out, TIOCSWINSZ, &ws);
		}
		break;
	case VOLT_AGENT_SHUTDOWN: shutdown_all(); break;
	default: send_error(m->id, "not a message for the guest"); break;
	}
}

/* test_hook - for the host's tests only (volt_agent_test= on the kernel
 * command line): misbehave as a broken or hostile guest would, so the tests
 * can show that the host refuses it and does not crash */
static void test_hook(const char *what)
{
	static const uint8_t bad_type[] = {4, 0, 0, 0, 0x63, 0, 0, 0};			   /* type 99 */
	static const uint8_t huge[] = {0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0};		   /* 2 GiB frame */
	static const uint8_t truncated[] = {20, 0, 0, 0, 3, 0, 0, 0, 1, 0, 4, 0, 0, 0, 1}; /* OUTPUT cut short */
	const uint8_t *p = NULL;
	size_t n = 0;
	if (!what)
		return;
	if (!strcmp(what, "bad-type")) {
		p = bad_type;
		n = sizeof(bad_type);
	} else if (!strcmp(what, "huge")) {
		p = huge;
		n = sizeof(huge);
	} else if (!strcmp(what, "truncated")) {
		p = truncated;
		n = sizeof(truncated);
	}
	if (p && write_all(port, p, n) < 0)
		power_off();
}

int vm_guest_main(void)
{
	struct volt_agent_reader r = {0};
	sigset_t chld;

	setup_mounts();
	load_modules();
	vm_guest_switch_root();
	vm_net_setup();
	int mounted = vm_mounts_setup();
	port = find_port();
	if (port < 0) {
		say("no agent port named", VOLT_AGENT_PORT, errno);
		power_off();
	}
	/* volt_poweroff=1: the same boot, then off at once: the bare-QEMU side
	 * of `make bench` (scripts/bench-vm) */
	if (getenv("volt_poweroff"))
		power_off();
	if (mounted < 0) {
		send_error(0, vm_mounts_error()); /* no workload without its volumes */
		power_off();
	}
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	struct volt_agent_msg ready = {.type = VOLT_AGENT_READY, .version = VOLT_INIT_AGENT_VERSION};
	send_msg(&ready);
	test_hook(getenv("volt_agent_test"));

	for (;;) {
		struct pollfd pf[2 + 2 * MAX_PROCS];
		struct {
			struct proc *p;
			int *fd;
			uint8_t stream;
		} src[2 * MAX_PROCS];
		int n = 0, ns = 0;
		pf[n++] = (struct pollfd){.fd = port, .events = POLLIN};
		pf[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
		for (int i = 0; i < MAX_PROCS; i++) {
			if (procs[i].pid <= 0)
				continue;
			if (procs[i].out >= 0) {
				src[ns] = (typeof(src[0])){&procs[i], &procs[i].out, VOLT_AGENT_STDOUT};
				pf[n++] = (struct pollfd){.fd = procs[i].out, .events = POLLIN};
				ns++;
			}
			if (procs[i].err >= 0) {
				src[ns] = (typeof(src[0])){&procs[i], &procs[i].err, VOLT_AGENT_STDERR};
				pf[n++] = (struct pollfd){.fd = procs[i].err, .events = POLLIN};
				ns++;
			}
		}
		if (poll(pf, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			power_off();
		}
		for (int i = 0; i < ns; i++)
			if (pf[2 + i].revents)
				relay_output(src[i].p, src[i].fd, src[i].stream);
		if (pf[1].revents) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			reap();
		}
		if (pf[0].revents & POLLIN) {
			uint8_t buf[65536];
			ssize_t got = read(port, buf, sizeof(buf));
			if (got <= 0 && errno != EINTR && errno != EAGAIN)
				shutdown_all(); /* the host closed the channel */
			if (got > 0 && volt_agent_reader_feed(&r, buf, (size_t)got) < 0)
				shutdown_all();
			const uint8_t *body;
			size_t len;
			const char *why;
			int k;
			while ((k = volt_agent_reader_next(&r, &body, &len, &why)) == 1) {
				struct volt_agent_msg m;
				if (volt_agent_decode(body, len, &m, &why) < 0) {
					say("a bad frame from the host:", why, 0);
					shutdown_all();
				}
				handle(&m);
				volt_agent_msg_free(&m);
			}
			if (k < 0) {
				say("a bad stream from the host:", why, 0);
				shutdown_all();
			}
		} else if (pf[0].revents & (POLLHUP | POLLERR)) {
			/* nobody on the host side (yet): wait rather than spin */
			usleep(10000);
		}
	}
}
