/* volt-init: PID 1 inside a container started with --init.
 *
 * Theory of operation: the kernel gives PID 1 of a namespace two duties a
 * normal program does not expect: orphans are re-parented to it (they must be
 * reaped, or they stay zombies), and signals without a handler do not kill it
 * (so a plain program as PID 1 ignores `volt stop`). volt-init forks the real
 * command, forwards every catchable signal to it, reaps everything, and exits
 * with the command's status (128+N when it was killed by signal N).
 * Static and dependency-free: it is bind-mounted into any image. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/reboot.h>

#include "vm/agent_proto.h"
#include "vm_guest.h"
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	sigset_t all, none;
	pid_t child;
	int sig, status;

	/* the kernel hands unknown key=value parameters of its command line
	 * to PID 1 as environment variables */
	if (getpid() == 1 && getenv("volt_agent"))
		return vm_guest_main();

	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("volt-init %s (agent protocol %d)\n", VOLT_INIT_VERSION, VOLT_AGENT_PROTO_VERSION);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--")) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: volt-init [--] COMMAND [ARG...]\n");
		return 125;
	}
	sigfillset(&all);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &all, NULL);
	child = fork();
	if (child < 0) {
		perror("volt-init: fork");
		return 125;
	}
	if (child == 0) {
		/* own process group, so a forwarded signal reaches the command only;
		 * it takes the terminal while signals are still blocked (a
		 * background group asking for it would get SIGTTOU and stop) */
		setpgid(0, 0);
		if (isatty(STDIN_FILENO))
			tcsetpgrp(STDIN_FILENO, getpid());
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "volt-init: exec %s: %s\n", argv[1], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	for (;;) {
		if (sigwait(&all, &sig) != 0)
			continue;
		if (sig != SIGCHLD) {
			kill(child, sig);
			continue;
		}
		pid_t w;
		while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
			if (w != child)
				continue; /* an orphan: reaped, nothing more */
			if (WIFEXITED(status))
				return WEXITSTATUS(status);
			return 128 + WTERMSIG(status);
		}
	}
}
