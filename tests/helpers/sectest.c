/* volt-sectest: the attacks tests/bats/security.bats tries inside a container.
 * Static, no libraries, so it runs in any image. Each command prints "ok" and
 * exits 0 when the kernel let the operation through, or "denied: ERRNO" and
 * exits 1 when something refused it.
 *
 *   mount | userns | keyctl | reboot | kexec | ptrace PID
 *   abstract-listen NAME | abstract-connect NAME | bind PORT | connect PORT
 *   x32 (an x32 getpid: "ok", or "denied: Function not implemented" where the
 *   kernel has no x32) */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static int result(long r)
{
	if (r < 0) {
		printf("denied: %s\n", strerror(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	strncpy(a->sun_path + 1, name, sizeof(a->sun_path) - 2);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static int tcp(int port, int do_bind)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	int s = socket(AF_INET, SOCK_STREAM, 0);
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0)
		return result(-1);
	return result(do_bind ? bind(s, (struct sockaddr *)&in, sizeof(in)) : connect(s, (struct sockaddr *)&in, sizeof(in)));
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "";

	if (!strcmp(cmd, "mount"))
		return result(mount("none", "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(cmd, "userns"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(cmd, "keyctl"))
		return result(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 1));
	if (!strcmp(cmd, "reboot")) {
		/* in a child PID namespace the kernel answers EINVAL once the
		 * capability check passed: that counts as getting through */
		long r = syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_CAD_OFF, NULL);
		if (r < 0 && errno == EINVAL)
			r = 0;
		return result(r);
	}
	if (!strcmp(cmd, "kexec"))
		return result(syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0UL));
	if (!strcmp(cmd, "ptrace")) {
		pid_t pid = (pid_t)atoi(arg);
		long r = ptrace(PTRACE_SEIZE, pid, NULL, NULL);
		if (r == 0)
			ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return result(r);
	}
	if (!strcmp(cmd, "abstract-listen") || !strcmp(cmd, "abstract-connect")) {
		struct sockaddr_un a;
		socklen_t len = abstract_addr(&a, arg);
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		if (s < 0)
			return result(-1);
		if (!strcmp(cmd, "abstract-connect"))
			return result(connect(s, (struct sockaddr *)&a, len));
		if (bind(s, (struct sockaddr *)&a, len) < 0 || listen(s, 8) < 0)
			return result(-1);
		printf("listening\n");
		fflush(stdout);
		alarm(60); /* never outlive a test by much */
		for (;;) {
			int c = accept(s, NULL, NULL);
			if (c >= 0)
				close(c);
		}
	}
#if defined(__x86_64__)
	if (!strcmp(cmd, "x32"))
		return result(syscall(0x40000000L | SYS_getpid));
#endif
	if (!strcmp(cmd, "bind") || !strcmp(cmd, "connect"))
		return tcp(atoi(arg), cmd[0] == 'b');
	fprintf(stderr, "usage: volt-sectest mount|userns|keyctl|reboot|kexec|ptrace PID|abstract-listen NAME|"
			"abstract-connect NAME|bind PORT|connect PORT|x32\n");
	return 2;
}
