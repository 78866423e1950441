/* config.json's hooks (runtime-spec config.md, "POSIX-platform Hooks"): each
 * hook runs with the container's state JSON on its stdin, its args and env
 * as given, and is killed after its timeout. createContainer and
 * startContainer run in the container's namespaces (user, mount, uts, ipc,
 * network, cgroup: the mount namespace's root is the container's root);
 * the others in volt-runtime's own. */
#include "oci/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/syscalls.h"

/* join - the namespaces of pid that differ from this process's, user first
 * (it gives the rights to join the rest). In the forked hook process; the
 * PID namespace applies to its children: see run_one. */
static int join(pid_t pid)
{
	static const struct {
		const char *name;
		int flag;
	} ns[] = {{"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},	{"uts", CLONE_NEWUTS}, {"ipc", CLONE_NEWIPC},
		  {"net", CLONE_NEWNET},   {"cgroup", CLONE_NEWCGROUP}, {"pid", CLONE_NEWPID}};
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		char path[64], self[64];
		struct stat a, b;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns[i].name);
		snprintf(self, sizeof(self), "/proc/self/ns/%s", ns[i].name);
		if (stat(path, &a) < 0 || (stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev))
			continue;
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, ns[i].flag) < 0)
			return -1;
		close(fd);
	}
	return chdir("/");
}

/* run_one - one hook: fork, (join,) exec with the state on stdin, wait */
static int run_one(const char *kind, size_t idx, json_t *h, const char *state, pid_t ns_pid, bool resolve_inside,
		   struct volt_err *err)
{
	const char *path = json_string_value(json_object_get(h, "path"));
	json_t *ja = json_object_get(h, "args"), *je = json_object_get(h, "env"), *e;
	int timeout = (int)json_integer_value(json_object_get(h, "timeout"));
	cleanup_strv char **args = NULL, **env = NULL;
	size_t i;
	int fds[2];

	json_array_foreach(ja, i, e)
		volt_strv_push(&args, json_string_value(e));
	if (!args)
		volt_strv_push(&args, path);
	json_array_foreach(je, i, e)
		volt_strv_push(&env, json_string_value(e));
	if (!env)
		env = calloc(1, sizeof(char *));
	if (!args || !env)
		return volt_err_set(err, ENOMEM, "hooks.%s[%zu]", kind, idx);
	/* resolved in the runtime's namespace (all but startContainer): opened
	 * here; the hook process keeps it across exec (a script's interpreter
	 * reads it as /dev/fd/N) */
	int exe = resolve_inside ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (!resolve_inside && exe < 0)
		return volt_err_sys(err, "hooks.%s[%zu]: %s", kind, idx, path);
	if (pipe2(fds, O_CLOEXEC) < 0) {
		if (exe >= 0)
			close(exe);
		return volt_err_sys(err, "hooks.%s[%zu]: pipe", kind, idx);
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[1]); /* the hook's stdin must see EOF after the state */
		if (ns_pid > 0) {
			if (join(ns_pid) < 0)
				_exit(126);
			/* once more, so the hook is in the container's PID
			 * namespace: its /proc/self (a script's /dev/fd/N) works */
			pid_t g = fork();
			if (g < 0)
				_exit(126);
			if (g > 0) {
				int st;
				while (waitpid(g, &st, 0) < 0 && errno == EINTR)
					;
				_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
			}
			prctl(PR_SET_PDEATHSIG, SIGKILL); /* a timeout kills the parent */
		}
		dup2(fds[0], 0); /* stdin: the state (dup2 clears CLOEXEC) */
		if (exe >= 0 && fcntl(exe, F_SETFD, 0) == 0)
			fexecve(exe, args, env);
		else if (exe < 0)
			execve(path, args, env);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(fds[0]);
	if (exe >= 0)
		close(exe);
	if (pid < 0) {
		close(fds[1]);
		return volt_err_sys(err, "hooks.%s[%zu]: fork", kind, idx);
	}
	/* the state is far below a pipe's buffer: this never blocks, and a
	 * hook that does not read it gets EPIPE, not volt-runtime a SIGPIPE */
	struct sigaction ign = {.sa_handler = SIG_IGN}, old;
	sigaction(SIGPIPE, &ign, &old);
	ssize_t wr = write(fds[1], state, strlen(state));
	(void)wr;
	close(fds[1]);
	sigaction(SIGPIPE, &old, NULL);

	int status = 0;
	if (timeout > 0) {
		int pfd = volt_pidfd_open(pid, 0);
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		int n = pfd >= 0 ? poll(&p, 1, timeout * 1000) : 1;
		if (pfd >= 0)
			close(pfd);
		if (n == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return volt_err_set(err, ETIMEDOUT, "hooks.%s[%zu] (%s) timed out after %d s", kind, idx, path,
					    timeout);
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return volt_err_sys(err, "hooks.%s[%zu]: wait", kind, idx);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return volt_err_set(err, 0, "hooks.%s[%zu] (%s) exited with status %d", kind, idx, path,
				    WEXITSTATUS(status));
	return volt_err_set(err, 0, "hooks.%s[%zu] (%s) was killed by signal %d", kind, idx, path, WTERMSIG(status));
}

int volt_oci_hooks_run(const char *hooks_json, const char *kind, const char *state, pid_t ns_pid, struct volt_err *err)
{
	if (!hooks_json)
		return 0;
	json_t *h = json_loads(hooks_json, 0, NULL);
	json_t *list = json_object_get(h, kind), *e;
	size_t i;
	int r = 0;
	bool inside = !strcmp(kind, "startContainer");
	json_array_foreach(list, i, e) {
		if ((r = run_one(kind, i, e, state, ns_pid, inside, err)) < 0)
			break;
	}
	json_decref(h);
	return r;
}
