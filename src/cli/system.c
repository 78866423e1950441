/* volt system reset, volt unshare: the store as a whole (container/reset.c). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "userns/idmap.h"
#include "workload/lifecycle.h"
#include "container/reset.h"
#include "state/db.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const char reset_usage[] = "Usage: volt system reset [-f]\n\n"
				  "Stop and remove every container, image and volume of the store and remove\n"
				  "the store ($VOLT_ROOT) and the runtime directory ($VOLT_RUNROOT), files of\n"
				  "subordinate ids included, as 'podman system reset' does. Asks first on a\n"
				  "terminal; elsewhere it needs -f.\n\n"
				  "  -f, --force   do not ask\n";

/* confirm - [y/N] on the terminal; -1 when there is none to ask */
static int confirm(const struct volt_ctx *ctx)
{
	char line[32];
	if (!isatty(STDIN_FILENO))
		return -1;
	fprintf(stderr,
		"This removes every container, image and volume of the store\n  %s\n"
		"and the runtime directory\n  %s\nAre you sure you want to continue? [y/N] ",
		ctx->root, ctx->runroot);
	if (!fgets(line, sizeof(line), stdin))
		return 0;
	return !strcmp(line, "y\n") || !strcmp(line, "Y\n") || !strcmp(line, "yes\n");
}

static int collect_id(const struct volt_ctr_row *c, void *arg)
{
	cli_strv_add(arg, c->id);
	return 0;
}

/* remove_containers - volt rm -f of every container with a record; the count
 * of failures (each printed) */
static int remove_containers(struct volt_ctx *ctx)
{
	cleanup_free char *db_path = volt_path("%s/state.db", ctx->root);
	cleanup_strv char **ids = NULL;
	struct volt_err err = {0};
	struct volt_db *db;
	int failed = 0;

	if (access(db_path, F_OK) < 0)
		return 0; /* none, or an `rm -rf` took it: the process sweep finds the rest */
	if (!(db = volt_ctx_db(ctx, &err)) || volt_db_ctr_list(db, collect_id, &ids, &err) < 0) {
		cli_fail(&err);
		return 1;
	}
	for (size_t i = 0; ids && ids[i]; i++) {
		struct volt_ctr_row row;
		int r = volt_ctr_load(ctx, ids[i], &row, &err);
		if (r > 0)
			continue; /* removed meanwhile */
		if (r == 0) {
			r = volt_ctr_remove(ctx, &row, true, &err);
			volt_ctr_row_free(&row);
		}
		if (r < 0) {
			cli_fail(&err);
			failed++;
		}
	}
	return failed;
}

static const struct option reset_opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec reset_spec = {
	.usage = reset_usage,
	.opts = "f",
	.longopts = reset_opts,
};

static int system_reset(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_idmap map;
	struct volt_ctx *ctx;
	bool force = false;
	int c;

	while ((c = cli_getopt(argc, argv, &reset_spec)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		default: return cli_usage_error("system reset", "invalid option");
		}
	}
	if (optind < argc)
		return cli_usage_error("system reset", "takes no arguments");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (volt_store_check_paths(ctx->root, ctx->runroot, &err) < 0 ||
	    volt_store_check_shared(ctx->root, ctx->runroot, &err) < 0)
		return cli_fail(&err);
	if (!force) {
		int ok = confirm(ctx);
		if (ok < 0) {
			volt_err_set(&err, 0, "system reset: no terminal to ask on: use -f to remove the store %s",
				     ctx->root);
			return cli_fail(&err);
		}
		if (!ok)
			return 0;
	}
	int failed = remove_containers(ctx);
	if (ctx->db_open) { /* the files go next */
		volt_db_close(&ctx->db);
		ctx->db_open = 0;
	}
	volt_store_umount_views(ctx->runroot);
	volt_store_kill(ctx->root, ctx->runroot);
	if (volt_idmap_detect(&map, false, &err) < 0 || volt_store_remove(&map, ctx->root, ctx->runroot, &err) < 0)
		return cli_fail(&err);
	return failed ? 125 : 0;
}

static const struct volt_cmd system_cmds[] = {
	{"events", cmd_events, "Print container and image events (volt events)", &cli_events_spec},
	{"df", cmd_system_df, "Show the disk use of images, containers, volumes and build cache", &cli_system_df_spec},
	{"prune", cmd_system_prune, "Remove stopped containers, dangling images (and unused volumes)",
	 &cli_system_prune_spec},
	{"reset", system_reset, "Remove every container, image and volume, the store and the runtime directory",
	 &reset_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_system_spec = {
	.usage = "Usage: volt system COMMAND\n\nThe store as a whole.\n",
	.subs = system_cmds,
};

struct unshare_job {
	char **argv;
	int status_fd; /* the command's wait status goes back to volt here */
};

/* run_command - in the store's user namespace: run the command as a child
 * (so that its exit status can be told from the helper's own failure) */
static int run_command(void *arg, struct volt_err *err)
{
	struct unshare_job *j = arg;
	int p[2], e = 0, status;

	if (pipe2(p, O_CLOEXEC) < 0)
		return volt_err_sys(err, "pipe");
	pid_t pid = fork();
	if (pid < 0)
		return volt_err_sys(err, "fork");
	if (pid == 0) {
		close(p[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		execvp(j->argv[0], j->argv);
		e = errno;
		if (write(p[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(p[1]);
	ssize_t n = read(p[0], &e, sizeof(e));
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(e)) {
		volt_err_set(err, e, "unshare: %s", j->argv[0]);
		err->exit_code = e == ENOENT ? VOLT_EXIT_NOT_FOUND : VOLT_EXIT_CANNOT_EXEC;
		return -1;
	}
	if (write(j->status_fd, &status, sizeof(status)) != (ssize_t)sizeof(status))
		return volt_err_sys(err, "report the exit status");
	return 0;
}

/* "+": everything after `volt unshare` is the command's */
const struct volt_cmd_spec cli_unshare_spec = {
	.usage = "Usage: volt unshare [COMMAND [ARG...]]\n\n"
		 "Run a command (default: $SHELL) in the store's user namespace, as\n"
		 "'podman unshare' does: you are root there, and the files of your\n"
		 "subordinate ids in the store are yours to read, change and remove.\n"
		 "$VOLT_ROOT and $VOLT_RUNROOT name the store and the runtime directory.\n",
	.opts = "+",
};

int cmd_unshare(struct volt_cli *cli, int argc, char **argv)
{
	static char *shell[] = {NULL, NULL};
	struct volt_err err = {0};
	struct volt_idmap map;
	struct volt_ctx *ctx;
	int p[2], status = 0;

	if (argc > 1 && !strcmp(argv[1], "--")) { /* `volt unshare -- CMD` */
		argc--;
		argv++;
	}
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (volt_idmap_detect(&map, false, &err) < 0)
		return cli_fail(&err);
	setenv("VOLT_ROOT", ctx->root, 1);
	setenv("VOLT_RUNROOT", ctx->runroot, 1);
	const char *sh = getenv("SHELL");
	shell[0] = (char *)(sh && *sh ? sh : "/bin/sh");
	struct unshare_job j = {argc > 1 ? argv + 1 : shell, -1};
	if (pipe2(p, O_CLOEXEC) < 0) {
		volt_err_sys(&err, "pipe");
		return cli_fail(&err);
	}
	j.status_fd = p[1];
	/* ^C is the command's to handle (an interactive shell ignores it) */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	int r = volt_userns_run(&map, run_command, &j, &err);
	close(p[1]);
	ssize_t n = read(p[0], &status, sizeof(status));
	close(p[0]);
	if (r < 0)
		return cli_fail(&err);
	if (n != (ssize_t)sizeof(status)) {
		volt_err_set(&err, 0, "unshare: no exit status came back from the user namespace");
		return cli_fail(&err);
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
