/* volt exec: a new process inside a running container's namespaces. The
 * options and the terminal are handled here; the process is started by
 * container/exec.c. */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/exec.h"
#include "workload/lifecycle.h"
#include "workload/vm_exec.h"
#include "container/spec.h"
#include "security/security.h"
#include "state/events.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct option exec_opts[] = {
	{"interactive", no_argument, NULL, 'i'},	{"tty", no_argument, NULL, 't'},
	{"env", required_argument, NULL, 'e'},		{"user", required_argument, NULL, 'u'},
	{"workdir", required_argument, NULL, 'w'},	{"detach", no_argument, NULL, 'd'},
	{"preserve-fds", required_argument, NULL, 'P'}, {NULL, 0, NULL, 0}};
/* "+": options end at CONTAINER, the rest is the command's */
const struct volt_cmd_spec cli_exec_spec = {
	.usage = "Usage: volt exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
		 "Run a command in a running container, in all of its namespaces.\n\n"
		 "  -i, --interactive   keep stdin open\n"
		 "  -t, --tty           allocate a pseudo-terminal (from the container's /dev/pts)\n"
		 "  -e, --env KEY=VALUE set an environment variable\n"
		 "  -u, --user USER[:GROUP]\n"
		 "  -w, --workdir DIR\n"
		 "  -d, --detach        run the command in the background (its output is\n"
		 "                      discarded, as docker's); volt returns once it started\n"
		 "      --preserve-fds N  pass the caller's fds 3..3+N-1 on (no other fd\n"
		 "                        reaches the command)\n",
	.opts = "+ite:u:w:d",
	.longopts = exec_opts,
};

/* detach - exec -d: a child of its own session starts the command and stays
 * as its waiter (the command dies with the process that waits for it); the
 * caller learns from a pipe whether the start worked, and says why not.
 * Return: -1 in the child, which goes on to start the command; in the
 * caller, the exit code. */
static int detach(int *report)
{
	int p[2];
	char msg[VOLT_ERR_MSG_MAX + 8] = "";
	if (pipe2(p, O_CLOEXEC) < 0)
		return 125;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return 125;
	if (pid == 0) {
		close(p[0]);
		setsid();
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		for (int fd = 0; fd < 3 && null >= 0; fd++)
			dup2(null, fd); /* the command's stdio: /dev/null, as docker's -d */
		*report = p[1];
		return -1;
	}
	close(p[1]);
	/* "0" when the command started: read no further, the command's
	 * monitor holds the pipe open as long as it runs; else "ENNN" and the
	 * error line, and the pipe is closed */
	ssize_t n = read(p[0], msg, 1), got = n;
	if (n == 1 && msg[0] == 'E')
		while ((size_t)got < sizeof(msg) - 1 && (n = read(p[0], msg + got, sizeof(msg) - 1 - (size_t)got)) > 0)
			got += n;
	close(p[0]);
	if (got <= 0) /* closed without a word: the child died */
		return 125;
	msg[got] = '\0';
	if (msg[0] == '0')
		return 0;
	if (got < 4)
		return 125;
	fputs(msg + 4, stderr); /* "ENNN" then the child's error line */
	msg[4] = '\0';
	return atoi(msg + 1);
}

/* exec_die, exec_event - docker's exec_die (exitCode) and exec_create,
 * exec_start ("ACTION: CMD ARGS"), each with the exec's own id */
static void exec_die(const char *id, const char *exec_id, int code)
{
	char c[16];
	snprintf(c, sizeof(c), "%d", code);
	volt_event("container", "exec_die", id, "execID", exec_id, "exitCode", c, (char *)NULL);
}

static void exec_event(const char *action, const char *id, const char *exec_id, char **argv)
{
	size_t len = strlen(action) + 3;
	for (size_t i = 0; argv[i]; i++)
		len += strlen(argv[i]) + 1;
	cleanup_free char *a = malloc(len);
	if (!a)
		return;
	char *p = a + sprintf(a, "%s:", action);
	for (size_t i = 0; argv[i]; i++)
		p += sprintf(p, " %s", argv[i]);
	volt_event("container", a, id, "execID", exec_id, (char *)NULL);
}

int cmd_exec(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;
	struct volt_security sec;
	cleanup_strv char **env = NULL;
	const char *user = NULL, *workdir = NULL;
	bool interactive = false, tty = false, detached = false;
	unsigned preserve_fds = 0;
	int report = -1;
	int c, r, status;

	while ((c = cli_getopt(argc, argv, &cli_exec_spec)) != -1) {
		switch (c) {
		case 'i': interactive = true; break;
		case 't': tty = true; break;
		case 'e': cli_strv_add(&env, optarg); break;
		case 'u': user = optarg; break;
		case 'w': workdir = optarg; break;
		case 'd': detached = true; break;
		case 'P':
			if (cli_parse_preserve_fds(optarg, &preserve_fds) < 0)
				return cli_usage_error("exec", "--preserve-fds takes a number of fds");
			break;
		default: return cli_usage_error("exec", "invalid option");
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("exec", "requires a container and a command");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	r = cli_ctr_load(ctx, argv[optind], &row);
	if (r != 0)
		return r;
	if (row.state != VOLT_CTR_RUNNING) {
		if (row.state == VOLT_CTR_PAUSED) /* docker's words */
			volt_err_set(&err, 0, "container %s is paused, unpause the container before exec", row.name);
		else
			volt_err_set(&err, 0, "container %s is not running", row.name);
		volt_ctr_row_free(&row);
		return cli_fail(&err);
	}
	if (volt_spec_from_json(&spec, row.spec, &err) < 0)
		return cli_fail(&err);
	char exec_id[65];
	volt_random_hex(exec_id, 32);
	exec_event("exec_create", row.id, exec_id, argv + optind + 1);
	exec_event("exec_start", row.id, exec_id, argv + optind + 1);
	if (row.kind == VOLT_KIND_VM) { /* one more process in the guest, through its monitor */
		if (preserve_fds)
			return cli_usage_error("exec",
					       "--preserve-fds: a microVM's processes cannot have the caller's fds");
		struct volt_vm_exec vx = {.spec = &spec,
					  .user = user,
					  .workdir = workdir,
					  .env_add = env,
					  .argv = argv + optind + 1,
					  .keep_stdin = interactive,
					  .tty = tty};
		status = volt_vm_exec(ctx, &row, &vx, &err);
		if (status < 0)
			status = cli_fail(&err);
		exec_die(row.id, exec_id, status);
		volt_spec_free(&spec);
		volt_ctr_row_free(&row);
		return status;
	}
	struct volt_sec_spec ss;
	volt_spec_security(&spec, &ss);
	if (volt_security_prepare(ctx, &ss, NULL, true, &sec, &err) < 0)
		return cli_fail(&err);
	struct volt_exec x = {.spec = &spec,
			      .security = &sec,
			      .target = row.pid,
			      .user = user,
			      .workdir = workdir,
			      .env_add = env,
			      .argv = argv + optind + 1,
			      .keep_stdin = interactive,
			      .tty = tty,
			      .preserve_fds = preserve_fds};
	if (detached && (tty || interactive))
		return cli_usage_error("exec", "-d runs without a terminal or stdin (no -i, -t)");
	if (detached && (r = detach(&report)) >= 0)
		return r;
	/* the command's signals come from the terminal directly; we only wait */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if (volt_container_exec(&x, &err) < 0) {
		if (report >= 0) {
			dprintf(report, "E%03d", err.exit_code ? err.exit_code : 125);
			dup2(report, 2); /* the error line goes to the caller, who prints it */
			_exit(cli_fail(&err));
		}
		status = cli_fail(&err);
	} else if (report >= 0) {
		dprintf(report, "0");
		close(report);
		status = volt_container_exec_wait(&x);
		exec_die(row.id, exec_id, status);
		_exit(status);
	} else {
		if (x.pty_fd >= 0) {
			cli_exec_tty_relay(x.pty_fd, interactive);
			close(x.pty_fd);
		}
		status = volt_container_exec_wait(&x);
	}
	exec_die(row.id, exec_id, status);
	volt_spec_free(&spec);
	volt_security_free(&sec);
	volt_ctr_row_free(&row);
	return status;
}
