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

/* cli_exec_heavy - run this command in volt-image, the part of volt that
 * links the heavy libraries (libarchive, libcrypto, libcurl, fuse): `volt`
 * itself stays small so that a container starts in a few ms. */
int cli_exec_heavy(struct volt_cli *cli, int argc, char **argv);
/* cli_main - the shared main of volt and volt-image over a command table */
int cli_main(int argc, char **argv, const struct volt_cmd *cmds, size_t n_cmds, const char *self);

/* commands that live in volt-image (src/cli/heavy/) */
int cmd_image_import(struct volt_cli *cli, int argc, char **argv);
int cmd_pull(struct volt_cli *cli, int argc, char **argv);   /* heavy/pull.c */
int cmd_login(struct volt_cli *cli, int argc, char **argv);
int cmd_logout(struct volt_cli *cli, int argc, char **argv);
int cmd_push(struct volt_cli *cli, int argc, char **argv);   /* heavy/push.c */
int cli_image_save(struct volt_cli *cli, int argc, char **argv);
int cli_image_load(struct volt_cli *cli, int argc, char **argv);

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
int cmd_volume(struct volt_cli *cli, int argc, char **argv);
/* cli_exec_tty_relay - volt exec -t: copy between the caller's terminal and
 * master until the command's side of the pty is closed (exec_tty.c) */
void cli_exec_tty_relay(int master, bool forward_stdin);
int cmd_rmi(struct volt_cli *cli, int argc, char **argv);
int cmd_info(struct volt_cli *cli, int argc, char **argv);
int cmd_port(struct volt_cli *cli, int argc, char **argv);
/* the OCI runtime (cli/oci.c): `volt oci ...`, and volt run as volt-runtime */
int cmd_oci(struct volt_cli *cli, int argc, char **argv);
int cli_oci_main(int argc, char **argv);

/* supervision (cli/supervise.c, cli/supervise_opts.c, cli/generate.c) */
struct volt_sup_opts;
enum { CLI_OPT_SUPERVISE = 3000 };
#define CLI_SUPERVISE_OPTIONS                                                                                \
	{"restart", required_argument, NULL, CLI_OPT_SUPERVISE + 0},                                         \
		{"supervisor", required_argument, NULL, CLI_OPT_SUPERVISE + 1},                              \
		{"memory", required_argument, NULL, CLI_OPT_SUPERVISE + 2},                                  \
		{"memory-swap", required_argument, NULL, CLI_OPT_SUPERVISE + 3},                             \
		{"cpus", required_argument, NULL, CLI_OPT_SUPERVISE + 4},                                    \
		{"cpu-shares", required_argument, NULL, CLI_OPT_SUPERVISE + 5},                              \
		{"pids-limit", required_argument, NULL, CLI_OPT_SUPERVISE + 6},                              \
		{"io-weight", required_argument, NULL, CLI_OPT_SUPERVISE + 7},                               \
		{"blkio-weight", required_argument, NULL, CLI_OPT_SUPERVISE + 8},                            \
		{"ignore-limits", no_argument, NULL, CLI_OPT_SUPERVISE + 9},                                 \
		{"cpu-weight", required_argument, NULL, CLI_OPT_SUPERVISE + 10}
extern const char cli_supervise_help[];
void cli_supervise_init(struct volt_sup_opts *o);
/* cli_supervise_opt - one of CLI_SUPERVISE_OPTIONS into o; -1 after printing. */
int cli_supervise_opt(const char *cmd, int c, const char *arg, struct volt_sup_opts *o);
int cli_supervise_check(const char *cmd, const struct volt_sup_opts *o, bool rm);
int cmd_update(struct volt_cli *cli, int argc, char **argv);
int cmd_pause(struct volt_cli *cli, int argc, char **argv);
int cmd_unpause(struct volt_cli *cli, int argc, char **argv);
int cmd_stats(struct volt_cli *cli, int argc, char **argv);
int cmd_top(struct volt_cli *cli, int argc, char **argv);
int cmd_generate(struct volt_cli *cli, int argc, char **argv);
int cmd_units(struct volt_cli *cli, int argc, char **argv);
struct json_t;
/* cli_info_supervisor - the supervisor section of `volt info` (new ref). */
struct json_t *cli_info_supervisor(struct volt_ctx *ctx);
void cli_info_supervisor_print(struct json_t *o);
int cmd_cas(struct volt_cli *cli, int argc, char **argv);
int cmd_bundle(struct volt_cli *cli, int argc, char **argv);

int cmd_security(struct volt_cli *cli, int argc, char **argv);
int cmd_security_check(struct volt_cli *cli, int argc, char **argv);
/* cmd_security_audit_log - also `volt logs --seccomp NAME` */
int cmd_security_audit_log(struct volt_cli *cli, int argc, char **argv);

#endif
