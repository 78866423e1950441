/* volt exec: a new process inside a running container's namespaces. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "workload/lifecycle.h"
#include "container/spawn.h"
#include "container/spec.h"
#include "container/user.h"
#include "security/security.h"
#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/fs.h"

static char *slurp(const char *path)
{
	char *s = NULL;
	struct volt_err e;
	return volt_read_file(path, 4 << 20, &s, NULL, &e) < 0 ? NULL : s;
}

/* exec_child - runs in the container's namespaces (after the PID-namespace
 * fork); returns only on failure, with the exit code in err */
/* open_tty - -t: a pty from the container's own devpts, made the
 * controlling terminal and stdio of the command; the master goes to volt */
static int open_tty(int sock, uid_t owner, struct volt_err *err)
{
	char name[64];
	cleanup_close int m = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || unlockpt(m) < 0 || ptsname_r(m, name, sizeof(name)) != 0)
		return volt_err_sys(err, "allocate a pty in the container");
	int s = open(name, O_RDWR | O_NOCTTY);
	if (s < 0)
		return volt_err_sys(err, "open %s", name);
	if (fchown(s, owner, (gid_t)-1) < 0) {
		/* stays root's: the command can still use the fds it has */
	}
	if (setsid() < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
		return volt_err_sys(err, "make %s the controlling terminal", name);
	for (int i = 0; i < 3; i++)
		dup2(s, i);
	if (s > 2)
		close(s);
	if (volt_fd_send(sock, m, 'P') < 0)
		return volt_err_sys(err, "pass the pty to volt");
	close(sock);
	return 0;
}

static void exec_child(struct volt_spec *spec, const struct volt_security *sec, const char *user,
		       const char *workdir, char **env_add, bool keep_stdin, char **cmd, int errfd,
		       int tty_sock)
{
	struct volt_err err = {0};
	cleanup_strv char **env = volt_strv_dup(spec->env);
	struct volt_user u;
	int code = VOLT_EXIT_INTERNAL;

	for (size_t i = 0; env_add && env_add[i]; i++)
		volt_env_set(&env, env_add[i]);
	if (!keep_stdin && tty_sock < 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
	}
	{
		cleanup_free char *pw = slurp("/etc/passwd"), *gr = slurp("/etc/group");
		if (volt_user_resolve(user ? user : spec->user, pw, gr, &u, &err) < 0)
			goto fail;
	}
	if (!volt_env_get(env, "HOME")) {
		cleanup_free char *h = volt_path("HOME=%s", u.home);
		volt_env_set(&env, h);
	}
	if (tty_sock >= 0) {
		if (!volt_env_get(env, "TERM"))
			volt_env_set(&env, "TERM=xterm");
		if (open_tty(tty_sock, u.uid, &err) < 0)
			goto fail;
	}
	if (chdir(workdir ? workdir : spec->cwd ? spec->cwd : "/") < 0) {
		volt_err_sys(&err, "chdir %s", workdir ? workdir : spec->cwd);
		goto fail;
	}
	if (volt_security_bounding(sec, &err) < 0)
		goto fail;
	if (!(spec->idmap.keep_id && !user && !spec->user)) {
		if (spec->idmap.full && setgroups((size_t)u.n_groups, u.groups) < 0) {
			volt_err_sys(&err, "setgroups");
			goto fail;
		}
		if (setresgid(u.gid, u.gid, u.gid) < 0 || setresuid(u.uid, u.uid, u.uid) < 0) {
			volt_err_sys(&err, "switch to user %u:%u", u.uid, u.gid);
			goto fail;
		}
	}
	/* the container's capabilities, no_new_privs, Landlock, seccomp: last */
	if (volt_security_apply(sec, &err) < 0)
		goto fail;
	environ = env;
	execvp(cmd[0], cmd);
	if (errno == ENOENT || errno == ENOTDIR) {
		volt_err_set(&err, errno, "exec \"%s\": executable file not found in $PATH", cmd[0]);
		code = VOLT_EXIT_NOT_FOUND;
	} else {
		volt_err_sys(&err, "exec \"%s\"", cmd[0]);
		code = VOLT_EXIT_CANNOT_EXEC;
	}
fail:
	err.exit_code = code;
	if (write(errfd, &err, sizeof(err)) < 0)
		_exit(code);
	_exit(code);
}

int cmd_exec(struct volt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"interactive", no_argument, NULL, 'i'},
					     {"tty", no_argument, NULL, 't'},
					     {"env", required_argument, NULL, 'e'},
					     {"user", required_argument, NULL, 'u'},
					     {"workdir", required_argument, NULL, 'w'},
					     {"detach", no_argument, NULL, 'd'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;
	struct volt_security sec;
	cleanup_strv char **env = NULL;
	const char *user = NULL, *workdir = NULL;
	bool interactive = false, tty = false;
	int c, r, p[2], sv[2] = {-1, -1}, status;

	while ((c = getopt_long(argc, argv, "+ite:u:w:h", opts, NULL)) != -1) {
		switch (c) {
		case 'i': interactive = true; break;
		case 't': tty = true; break;
		case 'e': cli_strv_add(&env, optarg); break;
		case 'u': user = optarg; break;
		case 'w': workdir = optarg; break;
		case 'h':
			printf("Usage: volt exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
			       "Run a command in a running container, in all of its namespaces.\n\n"
			       "  -i, --interactive   keep stdin open\n"
			       "  -t, --tty           allocate a pseudo-terminal (from the container's /dev/pts)\n"
			       "  -e, --env KEY=VALUE set an environment variable\n"
			       "  -u, --user USER[:GROUP]\n"
			       "  -w, --workdir DIR\n");
			return 0;
		default: return cli_usage_error("exec", "invalid option");
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("exec", "requires a container and a command");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	r = volt_ctr_load(ctx, argv[optind], &row, &err);
	if (r != 0) {
		if (r > 0)
			volt_err_set(&err, 0, "no such container: %s", argv[optind]);
		return cli_fail(&err);
	}
	if (row.state != VOLT_CTR_RUNNING) {
		volt_err_set(&err, 0, "container %s is not running", row.name);
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	if (volt_spec_from_json(&spec, row.spec, &err) < 0)
		return cli_fail(&err);
	struct volt_sec_spec ss;
	volt_spec_security(&spec, &ss);
	if (volt_security_prepare(ctx, &ss, NULL, true, &sec, &err) < 0)
		return cli_fail(&err);
	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(&err, "pipe"), cli_fail(&err);
	if (tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return volt_err_sys(&err, "socketpair"), cli_fail(&err);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		if (volt_container_join(row.pid, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |
							 CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP,
					&err) < 0) {
			err.exit_code = VOLT_EXIT_INTERNAL;
			if (write(p[1], &err, sizeof(err)) < 0)
				_exit(125);
			_exit(125);
		}
		/* joining a PID namespace takes effect for children only */
		pid_t inner = fork();
		if (inner == 0) {
			exec_child(&spec, &sec, user, workdir, env, interactive, argv + optind + 1, p[1], sv[1]);
		}
		close(p[1]);
		if (sv[1] >= 0)
			close(sv[1]);
		int st;
		while (waitpid(inner, &st, 0) < 0 && errno == EINTR)
			;
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	}
	close(p[1]);
	/* the command's signals come from the terminal directly; we only wait */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int master = -1;
	if (tty) {
		close(sv[1]);
		master = volt_fd_recv(sv[0], 0); /* -1: the child failed before; p says why */
		close(sv[0]);
	}
	struct volt_err cerr;
	ssize_t n = read(p[0], &cerr, sizeof(cerr));
	close(p[0]);
	if (master >= 0) {
		if (n != (ssize_t)sizeof(cerr))
			cli_exec_tty_relay(master, interactive);
		close(master);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	volt_spec_free(&spec);
	volt_security_free(&sec);
	volt_ctr_row_free(&row);
	if (n == (ssize_t)sizeof(cerr))
		return cli_fail(&cerr);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
