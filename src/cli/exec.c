/* volt exec: a new process inside a running container's namespaces. The
 * options and the terminal are handled here; the process is started by
 * container/exec.c. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/exec.h"
#include "workload/lifecycle.h"
#include "workload/vm_exec.h"
#include "container/spec.h"
#include "security/security.h"
#include "util/cleanup.h"

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
		 "      --preserve-fds N  pass the caller's fds 3..3+N-1 on (no other fd\n"
		 "                        reaches the command)\n",
	.opts = "+ite:u:w:",
	.longopts = exec_opts,
};

int cmd_exec(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;
	struct volt_security sec;
	cleanup_strv char **env = NULL;
	const char *user = NULL, *workdir = NULL;
	bool interactive = false, tty = false;
	unsigned preserve_fds = 0;
	int c, r, status;

	while ((c = cli_getopt(argc, argv, &cli_exec_spec)) != -1) {
		switch (c) {
		case 'i': interactive = true; break;
		case 't': tty = true; break;
		case 'e': cli_strv_add(&env, optarg); break;
		case 'u': user = optarg; break;
		case 'w': workdir = optarg; break;
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
	/* the command's signals come from the terminal directly; we only wait */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	if (volt_container_exec(&x, &err) < 0)
		status = cli_fail(&err);
	else {
		if (x.pty_fd >= 0) {
			cli_exec_tty_relay(x.pty_fd, interactive);
			close(x.pty_fd);
		}
		status = volt_container_exec_wait(&x);
	}
	volt_spec_free(&spec);
	volt_security_free(&sec);
	volt_ctr_row_free(&row);
	return status;
}
