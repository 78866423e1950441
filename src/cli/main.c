/* volt: containers and microVMs for people who have no root. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "util/cleanup.h"

static const struct volt_cmd commands[] = {
	{"run", cmd_run, "Create and start a container from an image"},
	{"create", cmd_create, "Create a container without starting it"},
	{"start", cmd_start, "Start a created or stopped container"},
	{"stop", cmd_stop, "Stop a running container (stop signal, then SIGKILL)"},
	{"restart", cmd_restart, "Stop and start a container"},
	{"kill", cmd_kill, "Send a signal to a container"},
	{"rm", cmd_rm, "Remove containers"},
	{"ps", cmd_ps, "List containers"},
	{"logs", cmd_logs, "Print a container's log"},
	{"exec", cmd_exec, "Run a command in a running container"},
	{"inspect", cmd_inspect, "Show a container's (or image's) details as JSON"},
	{"wait", cmd_wait, "Wait for containers to exit and print their exit codes"},
	{"image", cmd_image, "Manage images (import, inspect, ls, rm)"},
	{"images", cmd_images, "List images"},
	{"rmi", cmd_rmi, "Remove images"},
	{"info", cmd_info, "Show what volt found on this host and how it is set up"},
	{"security", cmd_security, "Inspect, check and audit confinement; manage profiles"},
};

struct volt_ctx *cli_ctx(struct volt_cli *cli)
{
	struct volt_err err = {0};
	if (!cli->ctx_ready) {
		if (volt_ctx_init(&cli->ctx, cli->root, cli->runroot, &err) < 0) {
			cli_fail(&err);
			return NULL;
		}
		cli->ctx_ready = true;
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

static void usage(FILE *f)
{
	fprintf(f, "Usage: volt [--root DIR] [--runroot DIR] COMMAND [OPTIONS]\n\n"
		   "Containers for people who have no root.\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nGlobal options:\n"
		   "  --root DIR      store and state (default $VOLT_ROOT or ~/.local/share/volt)\n"
		   "  --runroot DIR   runtime files (default $XDG_RUNTIME_DIR/volt or /tmp/volt-$UID)\n"
		   "  --version       print the version\n\n"
		   "Run 'volt COMMAND --help' for more on a command.\n");
}

int main(int argc, char **argv)
{
	struct volt_cli cli = {0};
	int i = 1, ret;

	/* global options come before the command */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
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
		usage(stderr);
		return VOLT_EXIT_INTERNAL;
	}
	for (size_t c = 0; c < ARRAY_SIZE(commands); c++) {
		if (strcmp(argv[i], commands[c].name) != 0)
			continue;
		optind = 1;
		ret = commands[c].fn(&cli, argc - i, argv + i);
		if (cli.ctx_ready)
			volt_ctx_free(&cli.ctx);
		return ret;
	}
	fprintf(stderr, "volt: unknown command \"%s\"\nSee 'volt --help'.\n", argv[i]);
	return VOLT_EXIT_INTERNAL;
}
