/* volt stop, restart, kill, rm, wait. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "workload/lifecycle.h"
#include "container/spec.h"

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
		if (r != 0) {
			if (r > 0)
				volt_err_set(&err, 0, "no such container: %s", argv[i]);
			ret = cli_fail(&err);
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

static int parse_timeout(const char *cmd, int argc, char **argv, int *timeout)
{
	static const struct option opts[] = {{"time", required_argument, NULL, 't'},
					     {"timeout", required_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	char *end;
	*timeout = -1;
	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			*timeout = (int)strtol(optarg, &end, 10);
			if (*end || *timeout < 0)
				return cli_usage_error(cmd, "-t %s: not a number of seconds", optarg);
			break;
		case 'h':
			printf("Usage: volt %s [-t SECONDS] CONTAINER...\n\n%s\n\n"
			       "  -t, --time SECONDS   wait this long for the stop signal before SIGKILL\n"
			       "                       (default: the container's --stop-timeout, 10)\n",
			       cmd, !strcmp(cmd, "stop") ? "Stop running containers." : "Restart containers.");
			return 1;
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
		return r == 1 ? 0 : r;
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
		return r == 1 ? 0 : r;
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_restart, &timeout, true);
}

static int do_kill(struct volt_ctx *ctx, struct volt_ctr_row *row, void *arg, struct volt_err *err)
{
	return volt_ctr_kill(ctx, row, *(int *)arg, err);
}

int cmd_kill(struct volt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"signal", required_argument, NULL, 's'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct volt_ctx *ctx;
	int c, sig = SIGKILL;
	while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			sig = volt_signal_parse(optarg);
			if (sig <= 0)
				return cli_usage_error("kill", "invalid signal \"%s\"", optarg);
			break;
		case 'h':
			printf("Usage: volt kill [-s SIGNAL] CONTAINER...\n\nSend a signal (default KILL) to "
			       "the main process of running containers.\n");
			return 0;
		default: return cli_usage_error("kill", "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("kill", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_kill, &sig, true);
}

static int do_rm(struct volt_ctx *ctx, struct volt_ctr_row *row, void *arg, struct volt_err *err)
{
	return volt_ctr_remove(ctx, row, *(bool *)arg, err);
}

int cmd_rm(struct volt_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	struct volt_ctx *ctx;
	bool force = false;
	int c;
	while ((c = getopt_long(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case 'h':
			printf("Usage: volt rm [-f] CONTAINER...\n\nRemove containers.\n\n"
			       "  -f, --force   kill and remove running containers\n");
			return 0;
		default: return cli_usage_error("rm", "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("rm", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_rm, &force, true);
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

int cmd_wait(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	if (cli_want_help(argc, argv)) {
		printf("Usage: volt wait CONTAINER...\n\nBlock until containers stop, then print their exit "
		       "codes.\n");
		return 0;
	}
	optind = 1;
	if (argc < 2)
		return cli_usage_error("wait", "requires at least 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	return for_each(ctx, argc, argv, do_wait, NULL, false);
}
