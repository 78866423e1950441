/* volt exec -t: relay between the caller's terminal and the pty made inside
 * the container (exec.c opens it from the container's own devpts, as runc
 * and docker do, so the command sees /dev/pts/N of its container). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/fs.h"

static void copy_winsize(int master)
{
	struct winsize ws;
	if (isatty(STDIN_FILENO) && ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

void cli_exec_tty_relay(int master, bool forward_stdin)
{
	struct termios saved, raw;
	bool restore = false;
	sigset_t mask;
	char buf[16384];

	copy_winsize(master);
	if (forward_stdin && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag |= OPOST;
		restore = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	for (;;) {
		struct pollfd p[3] = {
			{master, POLLIN, 0}, {sfd, POLLIN, 0}, {forward_stdin ? STDIN_FILENO : -1, POLLIN, 0}};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			copy_winsize(master);
		}
		if (p[0].revents) {
			ssize_t n = read(master, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) /* EIO: the last holder of the slave is gone */
				break;
			if (!volt_write_all(STDOUT_FILENO, buf, (size_t)n))
				break;
		}
		if (p[2].revents) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n > 0) {
				volt_write_all(master, buf, (size_t)n);
			} else {
				/* EOF on our stdin: end of input for the command (^D) */
				if (n == 0)
					volt_write_all(master, "\x04", 1);
				forward_stdin = false;
			}
		}
	}
	if (sfd >= 0)
		close(sfd);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}
