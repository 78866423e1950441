/* volt-sectest: the attacks tests/bats/security.bats tries inside a container.
 * Static, no libraries, so it runs in any image. Each command prints "ok" and
 * exits 0 when the kernel let the operation through, or "denied: ERRNO" and
 * exits 1 when something refused it.
 *
 *   mount | userns | keyctl | reboot | kexec | ptrace PID
 *   abstract-listen NAME | abstract-connect NAME | bind PORT | connect PORT
 *   x32 (an x32 getpid: "ok", or "denied: Function not implemented" where the
 *   kernel has no x32)
 *   fds: the fds this process holds ("0 1 2"), for tests/bats/exec-security.bats
 *   exe-attack FIFO: CVE-2019-5736 against volt exec. FIFO stands in for the
 *   container's /etc/passwd: once the joining volt opens it (it reads it to
 *   resolve the user) it sits in the container's PID namespace, and every
 *   process there named "volt" has its /proc/PID/exe (the volt binary)
 *   opened; after volt is gone, reopening that for writing is tried for 3 s.
 *   Prints "exe: ok" or "exe: denied: ERRNO" (or "exe: no volt process"),
 *   then, when opened, "overwrite: ok" or "overwrite: denied: ERRNO". */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

static int list_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	const char *sep = "";
	if (!d)
		return result(-1);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		printf("%s%s", sep, e->d_name);
		sep = " ";
	}
	printf("\n");
	closedir(d);
	return 0;
}

static int exe_attack(const char *fifo)
{
	static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n";
	char path[64], comm[64];
	int exe = -1, err = 0;

	alarm(30); /* never outlive a test by much */
	int w = open(fifo, O_WRONLY); /* returns once volt opens it */
	if (w < 0)
		return result(-1);
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		int pid = atoi(e->d_name);
		if (pid <= 0 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		int c = open(path, O_RDONLY);
		ssize_t n = c >= 0 ? read(c, comm, sizeof(comm) - 1) : -1;
		if (c >= 0)
			close(c);
		if (n <= 0)
			continue;
		comm[n] = '\0';
		if (strcmp(comm, "volt\n") != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/exe", pid);
		exe = open(path, O_RDONLY);
		if (exe >= 0)
			break;
		err = errno;
	}
	if (d)
		closedir(d);
	if (exe >= 0)
		printf("exe: ok\n");
	else if (err)
		printf("exe: denied: %s\n", strerror(err));
	else
		printf("exe: no volt process\n");
	fflush(stdout);
	if (write(w, passwd, sizeof(passwd) - 1) < 0) {
		/* volt gave up reading: it still goes on */
	}
	close(w);
	if (exe < 0)
		return 1;
	/* the binary is busy while volt runs it (ETXTBSY); not once it exits */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", exe);
	for (int i = 0; i < 300; i++) {
		int fd = open(path, O_WRONLY);
		if (fd >= 0) {
			printf("overwrite: "); /* "ok": it could have been overwritten */
			return result(fd);
		}
		err = errno;
		usleep(10000);
	}
	errno = err;
	printf("overwrite: ");
	return result(-1);
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
	if (!strcmp(cmd, "fds"))
		return list_fds();
	if (!strcmp(cmd, "exe-attack"))
		return exe_attack(arg);
	if (!strcmp(cmd, "tiocsti")) { /* push a byte into the terminal on fd ARG's input */
		char c = '#';
		return result(ioctl(atoi(arg), TIOCSTI, &c));
	}
	fprintf(stderr, "usage: volt-sectest mount|userns|keyctl|reboot|kexec|ptrace PID|abstract-listen NAME|"
			"abstract-connect NAME|bind PORT|connect PORT|x32|fds|exe-attack FIFO|tiocsti FD\n");
	return 2;
}
