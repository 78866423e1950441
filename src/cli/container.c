/* volt stop, restart, kill, rm, wait. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "container/reset.h"
#include "workload/lifecycle.h"
#include "container/spec.h"
#include "container/volume.h"

static int do_rm(struct volt_ctx *ctx, struct volt_ctr_row *row, void *arg, struct volt_err *err);

/* for_each - load each named container and call fn; returns the last failure code */
static int for_each(struct volt_ctx *ctx, int argc, char **argv,
		    int (*fn)(struct volt_ctx *, struct volt_ctr_row *, void *, struct volt_err *), void *arg,
		    bool print_name)
{
	int ret = 0;
	for (int i = optind; i < argc; i++) {
		struct volt_err err = {0};
		struct volt_ctr_row row;
		int r = volt_ctr_load(ctx, argv[i], &row, &err);
		char id[72];
		/* rm: a container directory whose record is gone (an interrupted
		 * rm -rf of the store) goes too, by its id */
		if (r > 0 && fn == do_rm && (r = volt_ctr_remove_orphan(ctx, argv[i], id, sizeof(id), &err)) == 0) {
			printf("%s\n", argv[i]);
			continue;
		}
		if (r != 0) {
			ret = r > 0 ? cli_ctr_missing(argv[i]) : cli_fail(&err);
			continue;
		}
		r = fn(ctx, &row, arg, &err);
		if (r < 0)
			ret = cli_fail(&err);
		else if (print_name)
			printf("%s\n", argv[i]);
		volt_ctr_row_free(&row);
	}
	return ret;
}

static int do_stop(struct volt_ctx *ctx, struct volt_ctr_row *row, void *arg, struct volt_err *err)
{
	return volt_ctr_stop(ctx, row, *(int *)arg, err);
}

static const struct option timeout_opts[] = {
	{"time", required_argument, NULL, 't'}, {"timeout", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
#define TIMEOUT_HELP                                                                 \
	"  -t, --time SECONDS   wait this long for the stop signal before SIGKILL\n" \
	"                       (default: the container's --stop-timeout, 10)\n"
const struct volt_cmd_spec cli_stop_spec = {
	.usage = "Usage: volt stop [-t SECONDS] CONTAINER...\n\nStop running containers.\n\n" TIMEOUT_HELP,
	.opts = "t:",
	.longopts = timeout_opts,
};
const struct volt_cmd_spec cli_restart_spec = {
	.usage = "Usage: volt restart [-t SECONDS] CONTAINER...\n\nRestart containers.\n\n" TIMEOUT_HELP,
	.opts = "t:",
	.longopts = timeout_opts,
};

static int parse_timeout(const char *cmd, int argc, char **argv, int *timeout)
{
	int c;
	char *end;
	*timeout = -1;
	while ((c = cli_getopt(argc, argv, &cli_stop_spec)) != -1) {
		switch (c) {
		case 't':
			*timeout = (int)strtol(optarg, &end, 10);
			if (*end || *timeout < 0)
				return cli_usage_error(cmd, "-t %s: not a number of seconds", optarg);
			break;
		default: return cli_usage_error(cmd, "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(cmd, "requires at least 1 argument");
	return 0;
}

int cmd_stop(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	int timeout, r = parse_timeout("stop", argc, argv, &timeout);
	if (r)
		return r;
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_stop, &timeout, true);
}

static int do_restart(struct volt_ctx *ctx, struct volt_ctr_row *row, void *arg, struct volt_err *err)
{
	if (volt_ctr_stop(ctx, row, *(int *)arg, err) < 0)
		return -1;
	row->state = VOLT_CTR_EXITED;
	int code;
	return volt_ctr_start(ctx, row, false, &code, err);
}

int cmd_restart(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	int timeout, r = parse_timeout("restart", argc, argv, &timeout);
	if (r)
		return r;
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_restart, &timeout, true);
}

static int do_kill(struct volt_ctx *ctx, struct volt_ctr_row *row, void *arg, struct volt_err *err)
{
	return volt_ctr_kill(ctx, row, *(int *)arg, err);
}

static const struct option kill_opts[] = {{"signal", required_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_kill_spec = {
	.usage = "Usage: volt kill [-s SIGNAL] CONTAINER...\n\nSend a signal (default KILL) to the main process "
		 "of running containers.\n",
	.opts = "s:",
	.longopts = kill_opts,
};

int cmd_kill(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	int c, sig = SIGKILL;
	while ((c = cli_getopt(argc, argv, &cli_kill_spec)) != -1) {
		switch (c) {
		case 's':
			sig = volt_signal_parse(optarg);
			if (sig <= 0)
				return cli_usage_error("kill", "invalid signal \"%s\"", optarg);
			break;
		default: return cli_usage_error("kill", "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("kill", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_kill, &sig, true);
}

struct rm_opts {
	bool force, volumes;
};

static int do_rm(struct volt_ctx *ctx, struct volt_ctr_row *row, void *arg, struct volt_err *err)
{
	struct rm_opts *o = arg;
	struct volt_spec spec;
	struct volt_err ignored;
	bool parsed = o->volumes && volt_spec_from_json(&spec, row->spec, &ignored) == 0;
	int r = volt_ctr_remove(ctx, row, o->force, err);
	/* -v: the container's anonymous volumes go with it; one another
	 * container still uses stays, as docker keeps it */
	if (parsed && r == 0)
		volt_volume_remove_anonymous(ctx, &spec, -1);
	if (parsed)
		volt_spec_free(&spec);
	return r;
}

static const struct option rm_opts[] = {
	{"force", no_argument, NULL, 'f'}, {"volumes", no_argument, NULL, 'v'}, {NULL, 0, NULL, 0}};
/* no [y/N]: docker's rm takes names, never a pattern or "all" (docs/containers.md) */
const struct volt_cmd_spec cli_rm_spec = {
	.usage = "Usage: volt rm [-f] [-v] CONTAINER...\n\nRemove containers.\n\n"
		 "  -f, --force     kill and remove running containers\n"
		 "  -v, --volumes   remove the container's anonymous volumes (-v /path) too\n",
	.opts = "fv",
	.longopts = rm_opts,
};

int cmd_rm(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	struct rm_opts o = {0};
	int c;
	while ((c = cli_getopt(argc, argv, &cli_rm_spec)) != -1) {
		switch (c) {
		case 'f': o.force = true; break;
		case 'v': o.volumes = true; break;
		default: return cli_usage_error("rm", "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("rm", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_rm, &o, true);
}

static int do_wait(struct volt_ctx *ctx, struct volt_ctr_row *row, void *arg, struct volt_err *err)
{
	int code = volt_ctr_wait(ctx, row, err);
	if (code < 0)
		return -1;
	printf("%d\n", code);
	fflush(stdout);
	(void)arg;
	return 0;
}

const struct volt_cmd_spec cli_wait_spec = {
	.usage = "Usage: volt wait CONTAINER...\n\nBlock until containers stop, then print their exit codes.\n",
};

int cmd_wait(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	optind = 1;
	if (argc < 2)
		return cli_usage_error("wait", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_wait, NULL, false);
}

const struct volt_cmd_spec cli_rename_spec = {
	.usage = "Usage: volt rename CONTAINER NEW_NAME\n\nRename a container (running or not). A systemd-supervised\n"
		 "container keeps its unit's name until it starts again.\n",
};

int cmd_rename(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctr_row row;
	struct volt_ctx *ctx;
	struct volt_db *db;
	int r;

	if (argc != 3)
		return cli_usage_error("rename", "requires exactly 2 arguments");
	if (!volt_name_valid(argv[2]))
		return cli_usage_error("rename", "invalid container name \"%s\": [a-zA-Z0-9][a-zA-Z0-9_.-]*", argv[2]);
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	if (!(db = volt_ctx_db(ctx, &err)))
		return cli_fail(&err);
	if ((r = cli_ctr_load(ctx, argv[1], &row)) != 0)
		return r;
	if (!strcmp(row.name, argv[2]))
		volt_err_said(&err, EEXIST, "rename %s: the container has this name already", argv[1]);
	else
		volt_db_ctr_rename(db, row.id, argv[2], &err);
	volt_ctr_row_free(&row);
	return err.msg[0] ? cli_fail(&err) : 0;
}
