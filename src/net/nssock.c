/* Sockets made inside a container's network namespace, for volt-shim.
 *
 * Theory of operation: a socket belongs to the network namespace of the
 * process that created it, forever; connect(2) on it later, from any
 * process, goes through that namespace. So the monitor, which lives in the
 * host's namespaces, only needs someone inside the container's network
 * namespace to call socket(2) and hand the descriptor over.
 *
 * Entering that namespace needs CAP_SYS_ADMIN in the user namespace that
 * owns it (and in one's own), which the monitor has only after joining the
 * container's user namespace: irreversible, and not something the monitor
 * itself may do (it must stay in the host's namespaces for libslirp and the
 * published ports). So a small child does it: forked from the monitor on
 * the first request, it joins the owning user namespace (NS_GET_USERNS on
 * the network namespace's fd, so a later unshare in the container cannot
 * confuse it) and then the network namespace, and serves requests on a
 * SOCK_SEQPACKET pair: one byte (the address family) in, one int (0 or an
 * errno) plus the new socket by SCM_RIGHTS out. It holds no other fd of the
 * monitor (above all not its lock or listening sockets), dies with the
 * monitor (PR_SET_PDEATHSIG) and when its end of the pair reaches EOF (the
 * monitor freed it or exec'd for a restart). A round trip costs tens of
 * microseconds, far less than a fork per connection. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/nssock.h"
#include "util/cleanup.h"
#include "util/fds.h"

/* reply - send status and, when status is 0, fd. */
static void reply(int sock, int status, int fd)
{
	struct iovec iov = {.iov_base = &status, .iov_len = sizeof(status)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (status == 0) {
		memset(u.buf, 0, sizeof(u.buf));
		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

/* factory_main - the child: join the namespaces, then one socket per
 * request until EOF. Never returns. */
static void factory_main(int sock, int netns, pid_t parent)
{
	int userns, status = 0;
	unsigned char fam;

	prctl(PR_SET_NAME, "volt-netns");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(0);
	/* no pipe a caller waits on, no fd of the monitor's */
	volt_fds_keep_only(VOLT_STDIO_NULL_ALL, (int[]){sock, netns}, 2);
	/* EINVAL from the user namespace: we are in it already (a foreground
	 * monitor joins the container's user namespace before the clone) */
	userns = ioctl(netns, NS_GET_USERNS);
	if (userns < 0 || (setns(userns, CLONE_NEWUSER) < 0 && errno != EINVAL) || setns(netns, CLONE_NEWNET) < 0)
		status = errno ? errno : EPERM;
	if (userns >= 0)
		close(userns);
	close(netns);
	for (;;) {
		ssize_t n = recv(sock, &fam, 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		if (status) {
			reply(sock, status, -1);
			continue;
		}
		int fd = socket(fam == 6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		reply(sock, fd < 0 ? errno : 0, fd);
		if (fd >= 0)
			close(fd);
	}
}

/* volt_nssock_init - see net/nssock.h. The tap device knows its namespace
 * (TUNGETDEVNETNS; we own the user namespace that owns it, so we hold
 * CAP_NET_ADMIN there) even when the container's first process has already
 * exited; /proc/PID/ns/net is the fallback for kernels before 5.2. */
int volt_nssock_init(struct volt_nssock *f, int tap_fd, pid_t pid, struct volt_err *err)
{
	char p[64];

	f->sock = -1;
	f->pid = -1;
	f->netns = tap_fd >= 0 ? ioctl(tap_fd, TUNGETDEVNETNS) : -1;
	if (f->netns >= 0) {
		fcntl(f->netns, F_SETFD, FD_CLOEXEC);
		return 0;
	}
	snprintf(p, sizeof(p), "/proc/%d/ns/net", (int)pid);
	f->netns = open(p, O_RDONLY | O_CLOEXEC);
	if (f->netns < 0)
		return volt_err_sys(err, "open the container's network namespace (%s)", p);
	return 0;
}

/* start - fork the factory child. Return: 0, or -1 with err. */
static int start(struct volt_nssock *f, struct volt_err *err)
{
	int sv[2];
	pid_t self = getpid();
	struct timeval tv = {.tv_sec = 2};

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return volt_err_sys(err, "socketpair");
	pid_t pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return volt_err_sys(err, "fork the network namespace helper");
	}
	if (pid == 0) {
		close(sv[0]);
		factory_main(sv[1], f->netns, self);
	}
	close(sv[1]);
	/* a helper that hangs must not hang the monitor */
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	f->sock = sv[0];
	f->pid = pid;
	return 0;
}

/* stop - end the factory child (if any) and reap it. */
static void stop(struct volt_nssock *f)
{
	if (f->sock >= 0)
		close(f->sock);
	f->sock = -1;
	if (f->pid > 0) {
		kill(f->pid, SIGKILL);
		/* ECHILD: the monitor's SIGCHLD handler reaped it already */
		while (waitpid(f->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	f->pid = -1;
}

/* request - one round trip. Return: the socket, -1 with err, or -2 when
 * the helper is gone (the caller may start a new one). */
static int request(struct volt_nssock *f, int family, struct volt_err *err)
{
	unsigned char fam = family == AF_INET6 ? 6 : 4;
	int status = 0, fd = -1;
	struct iovec iov = {.iov_base = &status, .iov_len = sizeof(status)};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
	ssize_t n;

	while ((n = send(f->sock, &fam, 1, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	if (n != 1)
		return -2;
	while ((n = recvmsg(f->sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (n != (ssize_t)sizeof(status))
		return -2;
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	if (status || fd < 0) {
		if (fd >= 0)
			close(fd);
		return volt_err_set(err, status ? status : EPROTO, "a socket in the container's network namespace");
	}
	return fd;
}

/* volt_nssock_socket - see net/nssock.h. A dead or hung helper is replaced
 * once per call. */
int volt_nssock_socket(struct volt_nssock *f, int family, struct volt_err *err)
{
	if (f->netns < 0)
		return volt_err_set(err, EBADF, "no container network namespace");
	for (int attempt = 0; attempt < 2; attempt++) {
		if (f->sock < 0 && start(f, err) < 0)
			return -1;
		int fd = request(f, family, err);
		if (fd != -2)
			return fd;
		stop(f); /* the helper died (or hung): one fresh start */
	}
	return volt_err_set(err, EPIPE, "the network namespace helper does not answer");
}

/* volt_nssock_free - see net/nssock.h. */
void volt_nssock_free(struct volt_nssock *f)
{
	stop(f);
	if (f->netns >= 0)
		close(f->netns);
	f->netns = -1;
}
