/* The volt command line: one file per command group, one table in main.c. */
#ifndef VOLT_CLI_CLI_H
#define VOLT_CLI_CLI_H

#include <stdbool.h>

#include "state/context.h"
#include "util/err.h"

struct volt_cli {
	struct volt_ctx ctx;
	const char *root, *runroot; /* --root / --runroot */
	bool ctx_ready;
};

struct volt_cmd {
	const char *name;
	int (*fn)(struct volt_cli *cli, int argc, char **argv);
	const char *summary;
};

/* cli_ctx - initialise paths on first use. NULL after printing an error. */
struct volt_ctx *cli_ctx(struct volt_cli *cli);
/* cli_fail - print "volt: <what>: <why>" once; return the exit code (125 by default). */
int cli_fail(const struct volt_err *err);
/* cli_usage_error - print a usage error and the hint; return 125. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cli_want_help - argv has -h/--help before any positional argument */
bool cli_want_help(int argc, char **argv);
/* cli_strv_add - append optarg to a NULL-terminated vector */
void cli_strv_add(char ***v, const char *s);

int cmd_run(struct volt_cli *cli, int argc, char **argv);
int cmd_create(struct volt_cli *cli, int argc, char **argv);
int cmd_start(struct volt_cli *cli, int argc, char **argv);
int cmd_stop(struct volt_cli *cli, int argc, char **argv);
int cmd_restart(struct volt_cli *cli, int argc, char **argv);
int cmd_kill(struct volt_cli *cli, int argc, char **argv);
int cmd_rm(struct volt_cli *cli, int argc, char **argv);
int cmd_ps(struct volt_cli *cli, int argc, char **argv);
int cmd_logs(struct volt_cli *cli, int argc, char **argv);
int cmd_exec(struct volt_cli *cli, int argc, char **argv);
int cmd_inspect(struct volt_cli *cli, int argc, char **argv);
int cmd_wait(struct volt_cli *cli, int argc, char **argv);
int cmd_image(struct volt_cli *cli, int argc, char **argv);
int cmd_images(struct volt_cli *cli, int argc, char **argv);
int cmd_rmi(struct volt_cli *cli, int argc, char **argv);
int cmd_info(struct volt_cli *cli, int argc, char **argv);
int cmd_security(struct volt_cli *cli, int argc, char **argv);
int cmd_security_check(struct volt_cli *cli, int argc, char **argv);
/* cmd_security_audit_log - also `volt logs --seccomp NAME` */
int cmd_security_audit_log(struct volt_cli *cli, int argc, char **argv);

#endif
