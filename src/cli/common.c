/* Helpers shared by every command, in both volt and volt-image. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "userns/idmap.h"
#include "container/spec.h"
#include "util/cleanup.h"

struct volt_ctx *cli_ctx(struct volt_cli *cli)
{
	struct volt_err err = {0};
	if (!cli->ctx_ready) {
		if (volt_ctx_init(&cli->ctx, cli->root, cli->runroot, &err) < 0) {
			cli_fail(&err);
			return NULL;
		}
		cli->ctx_ready = true;
		volt_userns_run_keeper_dir(cli->ctx.runroot);
	}
	return &cli->ctx;
}

int cli_fail(const struct volt_err *err)
{
	char buf[VOLT_ERR_MSG_MAX + 128];
	volt_err_format(err, buf, sizeof(buf));
	fprintf(stderr, "volt: %s\n", buf);
	return err->exit_code ? err->exit_code : VOLT_EXIT_INTERNAL;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "volt: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee 'volt %s --help'.\n", cmd);
	return VOLT_EXIT_INTERNAL;
}

bool cli_want_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			return false;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	}
	return false;
}

void cli_strv_add(char ***v, const char *s)
{
	if (volt_strv_push(v, s) < 0) {
		fprintf(stderr, "volt: out of memory\n");
		exit(VOLT_EXIT_INTERNAL);
	}
}


int cli_exec_heavy(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx dummy = {0};
	cleanup_free char *helper = volt_ctx_helper(&dummy, "volt-image");
	char **nargv = calloc((size_t)argc + 6, sizeof(char *));
	int k = 0;

	nargv[k++] = "volt";
	if (cli->root) {
		nargv[k++] = "--root";
		nargv[k++] = (char *)cli->root;
	}
	if (cli->runroot) {
		nargv[k++] = "--runroot";
		nargv[k++] = (char *)cli->runroot;
	}
	for (int i = 0; i < argc; i++)
		nargv[k++] = argv[i];
	fflush(NULL);
	execv(helper, nargv);
	fprintf(stderr, "volt: %s: exec %s: %s\n", argv[0], helper, strerror(errno));
	return VOLT_EXIT_INTERNAL;
}

static void usage(FILE *f, const struct volt_cmd *cmds, size_t n)
{
	fprintf(f, "Usage: volt [--root DIR] [--runroot DIR] COMMAND [OPTIONS]\n\n"
		   "Containers for people who have no root.\n\nCommands:\n");
	for (size_t i = 0; i < n; i++)
		if (cmds[i].summary)
			fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nGlobal options:\n"
		   "  --root DIR      store and state (default $VOLT_ROOT or ~/.local/share/volt)\n"
		   "  --runroot DIR   runtime files (default $XDG_RUNTIME_DIR/volt or /tmp/volt-$UID)\n"
		   "  --version       print the version\n\n"
		   "Run 'volt COMMAND --help' for more on a command.\n");
}

int cli_main(int argc, char **argv, const struct volt_cmd *cmds, size_t n_cmds, const char *self)
{
	struct volt_cli cli = {0};
	int i = 1, ret;

	/* global options come before the command */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout, cmds, n_cmds);
			return 0;
		} else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-v")) {
			printf("volt version %s\n", VOLT_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "--root") && i + 1 < argc) {
			cli.root = argv[++i];
		} else if (!strncmp(argv[i], "--root=", 7)) {
			cli.root = argv[i] + 7;
		} else if (!strcmp(argv[i], "--runroot") && i + 1 < argc) {
			cli.runroot = argv[++i];
		} else if (!strncmp(argv[i], "--runroot=", 10)) {
			cli.runroot = argv[i] + 10;
		} else {
			fprintf(stderr, "volt: unknown option %s\nSee 'volt --help'.\n", argv[i]);
			return VOLT_EXIT_INTERNAL;
		}
	}
	if (i >= argc) {
		usage(stderr, cmds, n_cmds);
		return VOLT_EXIT_INTERNAL;
	}
	for (size_t c = 0; c < n_cmds; c++) {
		if (strcmp(argv[i], cmds[c].name) != 0)
			continue;
		optind = 1;
		ret = cmds[c].fn(&cli, argc - i, argv + i);
		if (cli.ctx_ready)
			volt_ctx_free(&cli.ctx);
		return ret;
	}
	fprintf(stderr, "volt: unknown command \"%s\"\nSee 'volt --help'.\n", argv[i]);
	(void)self;
	return VOLT_EXIT_INTERNAL;
}
