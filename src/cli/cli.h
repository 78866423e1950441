/* The volt command line: one file per command group, one table in main.c. */
#ifndef VOLT_CLI_CLI_H
#define VOLT_CLI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "state/context.h"
#include "util/err.h"

struct volt_cli {
	struct volt_ctx ctx;
	const char *root, *runroot; /* --root / --runroot */
	bool ctx_ready;
};

/* One entry of a command table: `volt --help` lists name and summary (an
 * alias has none). The dispatcher (cli_main, common.c) walks spec->subs, then
 * parses the leaf's options once with spec->opts/longopts before fn runs:
 * -h/--help prints spec->usage to stdout and exits 0, an unknown option exits
 * 125; so no command answers help, or meets a bad option, on its own. */
struct volt_cmd_spec;
struct volt_cmd {
	const char *name;
	int (*fn)(struct volt_cli *cli, int argc, char **argv); /* NULL for a group */
	const char *summary;
	const struct volt_cmd_spec *spec; /* NULL: cli_exec_heavy, volt-image has it */
};

struct volt_cmd_spec {
	const char *usage;	/* "Usage: volt ...", for -h/--help */
	const char *usage_more; /* printed after usage (shared option text) */
	const char *opts;	/* getopt's short options; "+": the first argument ends them */
	const struct option *longopts;
	const struct volt_cmd *subs; /* a group: its commands, up to {NULL} */
};

/* cli_ctx - initialise paths on first use. NULL after printing an error. */
struct volt_ctx *cli_ctx(struct volt_cli *cli);
/* cli_ctr_load - volt_ctr_load for a command: a missing container is one
 * line, "volt: no such container: REF". Return: 0 with row filled, or the
 * exit code after printing. */
int cli_ctr_load(struct volt_ctx *ctx, const char *ref, struct volt_ctr_row *row);
/* cli_ctr_missing - that line alone, for a caller that first tries
 * something else (rm of an orphan directory); returns 125 */
int cli_ctr_missing(const char *ref);
/* cli_parse_bool - a bool option's value as Go's strconv.ParseBool takes it
 * (1 t T true TRUE True, and the false ones); NULL (the option alone) is
 * true. Return: false when v is none of them. */
bool cli_parse_bool(const char *v, bool *out);
/* cli_fail - print "volt: <what>: <why>" once; return the exit code (125 by
 * default). An empty message prints nothing: a helper process said it. */
int cli_fail(const struct volt_err *err);
/* cli_fail_writer - cli_fail for a pull or import (what): on a full disk the
 * line also says that `volt cas gc` removes what it stored. */
int cli_fail_writer(const struct volt_err *err, const char *what);
/* cli_usage_error - print a usage error and the hint; return 125. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* cli_parse_preserve_fds - --preserve-fds N: a count of fds from 3 on.
 * Return: 0, or -1 when arg is not one. */
int cli_parse_preserve_fds(const char *arg, unsigned *n);
/* cli_want_help - argv has -h/--help before any positional argument */
bool cli_want_help(int argc, char **argv);
/* cli_getopt - getopt_long over the options of spec (the dispatcher has
 * checked them already: an unknown one does not come back here) */
int cli_getopt(int argc, char **argv, const struct volt_cmd_spec *spec);
/* cli_confirm - docker's prompt: true with force, else print warning and
 * "Are you sure you want to continue? [y/N]" to stderr and read a line from
 * stdin (terminal or not): true only for y or Y; EOF is no. */
bool cli_confirm(const char *warning, bool force);
struct volt_tmpl;
struct json_t;
/* cli_format_parse - a --format template (util/gotmpl.h); -1 after printing */
int cli_format_parse(const char *cmd, const char *format, struct volt_tmpl **t);
/* cli_format_print - the template over v, then a newline; -1 after printing */
int cli_format_print(const char *cmd, const struct volt_tmpl *t, struct json_t *v);
/* A listing's output (listing.c): the default table, --format json (an
 * object per line), --format 'table TEMPLATE' or a template per row. */
struct cli_col {
	const char *key, *header; /* a row's field and its table header */
};
struct cli_listing {
	const char *cmd;
	const struct cli_col *cols; /* up to {NULL} */
	int mode;
	struct volt_tmpl *tmpl;
	char *buf; /* a table's lines, printed when all are in */
	size_t len;
	FILE *mem;
	bool failed;
};
/* cli_listing_open - format NULL: default_table ("table {{.A}}\t..."); -1
 * after printing */
int cli_listing_open(struct cli_listing *l, const char *cmd, const char *format, const char *default_table,
		     const struct cli_col *cols);
/* cli_listing_row - one row (docker's fields, strings); -1 after printing */
int cli_listing_row(struct cli_listing *l, struct json_t *row);
/* cli_listing_close - print a table, free; 0 or 125 when a row failed */
int cli_listing_close(struct cli_listing *l);
/* cli_truncate - docker's Ellipsis: more than max characters become max-1
 * and "…" (s needs 2 bytes to spare) */
void cli_truncate(char *s, size_t max);
/* cli_strv_add - append optarg to a NULL-terminated vector */
void cli_strv_add(char ***v, const char *s);

/* cli_exec_heavy - run this command in volt-image, the part of volt that
 * links the heavy libraries (libarchive, libcrypto, libcurl, fuse): `volt`
 * itself stays small so that a container starts in a few ms. */
int cli_exec_heavy(struct volt_cli *cli, int argc, char **argv);
/* the table cli_main runs (set by it): what completion and man pages walk */
extern const struct volt_cmd *cli_table;
extern size_t cli_table_n;
/* cli_cmd_tree - a command table as JSON (cmdtree.c): name, summary, usage,
 * opts [{long, short, arg}], subs; `__cmdtree` prints it (new ref) */
struct json_t *cli_cmd_tree(const struct volt_cmd *cmds, size_t n);
/* cli_cmd_tree_full - volt's tree, its volt-image entries filled in from
 * volt-image's own table; NULL with err */
struct json_t *cli_cmd_tree_full(const struct volt_cmd *cmds, size_t n, struct volt_err *err);
int cmd_completion(struct volt_cli *cli, int argc, char **argv); /* completion.c */
extern const struct volt_cmd_spec cli_completion_spec;
int cmd_man(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_man_spec;
/* cli_main - the shared main of volt and volt-image over a command table */
int cli_main(int argc, char **argv, const struct volt_cmd *cmds, size_t n_cmds, const char *self);

/* commands that live in volt-image (src/cli/heavy/) */
int cmd_image_import(struct volt_cli *cli, int argc, char **argv);
int cmd_pull(struct volt_cli *cli, int argc, char **argv); /* heavy/pull.c */
int cmd_login(struct volt_cli *cli, int argc, char **argv);
int cmd_logout(struct volt_cli *cli, int argc, char **argv);
int cmd_push(struct volt_cli *cli, int argc, char **argv); /* heavy/push.c */
int cli_image_save(struct volt_cli *cli, int argc, char **argv);
int cli_image_load(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_vm_spec;
extern const struct volt_cmd_spec cli_appliance_spec; /* heavy/appliance.c */ /* heavy/vm.c */
/* cli_info_vm - the microVM section of `volt info` (cli/info_vm.c; new ref) */
struct json_t *cli_info_vm(struct volt_ctx *ctx);
void cli_info_vm_print(struct json_t *o);
/* docker's verbs over a container's files (cli17a) */
int cmd_cp(struct volt_cli *cli, int argc, char **argv);     /* heavy/cp.c */
int cmd_export(struct volt_cli *cli, int argc, char **argv); /* heavy/export.c */
int cmd_commit(struct volt_cli *cli, int argc, char **argv); /* heavy/commit.c */
extern const struct volt_cmd_spec cli_cp_spec, cli_export_spec, cli_commit_spec;
int cmd_diff(struct volt_cli *cli, int argc, char **argv);	   /* diff.c */
int cmd_history(struct volt_cli *cli, int argc, char **argv);	   /* history.c */
int cmd_system_df(struct volt_cli *cli, int argc, char **argv);	   /* system_df.c */
int cmd_system_prune(struct volt_cli *cli, int argc, char **argv); /* system_prune.c */
int cmd_events(struct volt_cli *cli, int argc, char **argv);	   /* events.c */
extern const struct volt_cmd_spec cli_events_spec;
extern const struct volt_cmd_spec cli_diff_spec, cli_history_spec, cli_system_df_spec, cli_system_prune_spec;
/* cli_disk_use - each path's disk use, read in the store's user namespace
 * (disk_use.c); sizes has a slot per path. -1 when it could not run. */
int cli_disk_use(char **paths, int64_t *sizes);
struct volt_idmap;
/* cli_disk_use_map - the same in a namespace with map (a container's) */
int cli_disk_use_map(const struct volt_idmap *map, char **paths, int64_t *sizes);
/* cli_containers_prune_run - remove the stopped containers, printing their
 * ids under "Deleted Containers:"; their disk use in *total (prune.c) */
int cli_containers_prune_run(struct volt_ctx *ctx, int64_t *total, bool *any);
extern const struct volt_cmd_spec cli_import_spec, cli_pull_spec, cli_login_spec, cli_logout_spec, cli_push_spec,
	cli_save_spec, cli_load_spec;

int cmd_run(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_run_spec;
int cmd_create(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_create_spec;
int cmd_start(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_start_spec;
int cmd_stop(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_stop_spec;
int cmd_restart(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_restart_spec;
int cmd_kill(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_kill_spec;
int cmd_rm(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_rm_spec;
int cmd_ps(struct volt_cli *cli, int argc, char **argv);
/* ps --filter (ps_filter.c): the values given for each key */
enum { CLI_PS_FILTER_KEYS = 10 };
struct cli_ps_filter {
	char **v[CLI_PS_FILTER_KEYS];
	struct volt_ctx *ctx; /* health= reads the containers' health files */
};
struct volt_ctr_row;
/* cli_ps_filter_add - one KEY=VALUE; -1 after printing */
int cli_ps_filter_add(struct cli_ps_filter *f, const char *arg);
/* cli_ps_filter_all - a filter that looks at stopped containers too */
bool cli_ps_filter_all(const struct cli_ps_filter *f);
bool cli_ps_filter_match(const struct cli_ps_filter *f, const struct volt_ctr_row *c, struct json_t *spec);
void cli_ps_filter_free(struct cli_ps_filter *f);
/* cli_ps_size - ps -s's "WRITABLE (virtual TOTAL)" (ps_size.c) */
void cli_ps_size(struct volt_ctx *ctx, const struct volt_ctr_row *row, char *buf, size_t len);
extern const struct volt_cmd_spec cli_ps_spec;
int cmd_logs(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_logs_spec;
int cmd_exec(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_exec_spec;
int cmd_attach(struct volt_cli *cli, int argc, char **argv); /* attach.c */
extern const struct volt_cmd_spec cli_attach_spec;
int cmd_inspect(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_inspect_spec;
int cmd_wait(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_wait_spec;
extern const struct volt_cmd_spec cli_image_spec;
int cmd_images(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_images_spec;
extern const struct volt_cmd_spec cli_volume_spec;
/* cli_exec_tty_relay - volt exec -t: copy between the caller's terminal and
 * master until the command's side of the pty is closed (exec_tty.c) */
void cli_exec_tty_relay(int master, bool forward_stdin);
int cmd_rmi(struct volt_cli *cli, int argc, char **argv);
int cmd_tag(struct volt_cli *cli, int argc, char **argv); /* image.c */
extern const struct volt_cmd_spec cli_tag_spec;
int cmd_rename(struct volt_cli *cli, int argc, char **argv);	      /* container.c */
int cmd_container_prune(struct volt_cli *cli, int argc, char **argv); /* prune.c */
extern const struct volt_cmd_spec cli_container_prune_spec;
int cmd_image_prune(struct volt_cli *cli, int argc, char **argv); /* heavy/image_prune.c */
extern const struct volt_cmd_spec cli_image_prune_spec;
extern const struct volt_cmd_spec cli_rename_spec;
extern const struct volt_cmd_spec cli_rmi_spec;
int cmd_info(struct volt_cli *cli, int argc, char **argv);
int cmd_version(struct volt_cli *cli, int argc, char **argv); /* version.c */
extern const struct volt_cmd_spec cli_version_spec;
extern const struct volt_cmd_spec cli_info_spec;
int cmd_port(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_system_spec;	      /* system.c */
int cmd_unshare(struct volt_cli *cli, int argc, char **argv); /* system.c */
extern const struct volt_cmd_spec cli_unshare_spec;
extern const struct volt_cmd_spec cli_port_spec;
extern const struct volt_cmd_spec cli_healthcheck_spec; /* healthcheck.c */
/* cli_health_status - a container's health status (enum
 * volt_health_status): its health file's, none without a check */
int cli_health_status(struct volt_ctx *ctx, const struct volt_ctr_row *c, struct json_t *spec);
/* the OCI runtime (cli/oci.c): `volt oci ...`, and volt run as volt-runtime */
int cmd_oci(struct volt_cli *cli, int argc, char **argv);
int cli_oci_main(int argc, char **argv);

/* supervision (cli/supervise.c, cli/supervise_opts.c, cli/generate.c) */
struct volt_sup_opts;
enum { CLI_OPT_SUPERVISE = 3000 };
#define CLI_SUPERVISE_OPTIONS                                                     \
	{"restart", required_argument, NULL, CLI_OPT_SUPERVISE + 0},              \
		{"supervisor", required_argument, NULL, CLI_OPT_SUPERVISE + 1},   \
		{"memory", required_argument, NULL, CLI_OPT_SUPERVISE + 2},       \
		{"memory-swap", required_argument, NULL, CLI_OPT_SUPERVISE + 3},  \
		{"cpus", required_argument, NULL, CLI_OPT_SUPERVISE + 4},         \
		{"cpu-shares", required_argument, NULL, CLI_OPT_SUPERVISE + 5},   \
		{"pids-limit", required_argument, NULL, CLI_OPT_SUPERVISE + 6},   \
		{"io-weight", required_argument, NULL, CLI_OPT_SUPERVISE + 7},    \
		{"blkio-weight", required_argument, NULL, CLI_OPT_SUPERVISE + 8}, \
		{"ignore-limits", no_argument, NULL, CLI_OPT_SUPERVISE + 9},      \
	{                                                                         \
		"cpu-weight", required_argument, NULL, CLI_OPT_SUPERVISE + 10     \
	}
/* docker's run/create options mapped onto volt's (cli/run_opts.c) */
enum { CLI_OPT_RUN = 4000 };
#define CLI_RUN_OPTIONS                                                                                          \
	{"mount", required_argument, NULL, CLI_OPT_RUN + 0}, {"pull", required_argument, NULL, CLI_OPT_RUN + 1}, \
		{"cidfile", required_argument, NULL, CLI_OPT_RUN + 2},                                           \
		{"shm-size", required_argument, NULL, CLI_OPT_RUN + 3},                                          \
		{"platform", required_argument, NULL, CLI_OPT_RUN + 4},                                          \
		{"log-driver", required_argument, NULL, CLI_OPT_RUN + 5},                                        \
		{"privileged", no_argument, NULL, CLI_OPT_RUN + 6},                                              \
		{"device", required_argument, NULL, CLI_OPT_RUN + 7},                                            \
		{"ulimit", required_argument, NULL, CLI_OPT_RUN + 8},                                            \
		{"sysctl", required_argument, NULL, CLI_OPT_RUN + 9},                                            \
		{"group-add", required_argument, NULL, CLI_OPT_RUN + 10},                                        \
		{"health-cmd", required_argument, NULL, CLI_OPT_RUN + 11},                                       \
		{"health-interval", required_argument, NULL, CLI_OPT_RUN + 12},                                  \
		{"health-timeout", required_argument, NULL, CLI_OPT_RUN + 13},                                   \
		{"health-retries", required_argument, NULL, CLI_OPT_RUN + 14},                                   \
		{"health-start-period", required_argument, NULL, CLI_OPT_RUN + 15},                              \
		{"health-start-interval", required_argument, NULL, CLI_OPT_RUN + 17},                            \
	{                                                                                                        \
		"no-healthcheck", no_argument, NULL, CLI_OPT_RUN + 16                                            \
	}
#define CLI_RUN_OPTS_HELP                                                                         \
	"      --mount type=bind|volume|tmpfs,source=SRC,target=DST[,readonly]\n"                 \
	"                           [,tmpfs-size=SIZE][,tmpfs-mode=MODE]: -v and --tmpfs in\n"    \
	"                           docker's long form (-v /path alone: an anonymous volume)\n"   \
	"      --shm-size SIZE      the size of /dev/shm (a tmpfs)\n"                             \
	"      --device PATH[:CPATH]  a host device node you may open, bound in\n"                \
	"      --privileged         every capability, no seccomp filter, no Landlock: as much\n"  \
	"                           as a user namespace allows (no host devices, no host root)\n" \
	"      --cidfile FILE       write the container id to FILE (which must not exist)\n"      \
	"      --pull POLICY        missing (default): pull an image not in the store;\n"         \
	"                           always: pull first; never: fail if it is not there\n"         \
	"      --platform P         linux or linux/<host arch>; other platforms are refused\n"    \
	"      --log-driver D       json-file, k8s-file, local: volt's own log (volt logs);\n"    \
	"                           none and the others are refused\n"                            \
	"      --health-cmd CMD     a health check: CMD run with /bin/sh -c in the container\n"   \
	"      --health-interval D, --health-timeout D, --health-start-period D,\n"               \
	"      --health-start-interval D  its pace (30s, 30s, 0s, 5s; D as 1m30s, 500ms)\n"       \
	"      --health-retries N   failures in a row that make it unhealthy (3)\n"               \
	"      --no-healthcheck     no check, not even the image's HEALTHCHECK\n"                 \
	"      --ulimit NAME=SOFT[:HARD]  a resource limit (nofile, nproc, core, memlock,\n"      \
	"                           stack, ...; -1: unlimited), at most your own hard limit\n"    \
	"      --sysctl KEY=VALUE   a namespaced sysctl: net.* (own network), kernel.shm*,\n"     \
	"                           kernel.msg*, kernel.sem, fs.mqueue.*, kernel.domainname\n"    \
	"      --group-add GROUP    a supplementary group (name in the image's /etc/group,\n"     \
	"                           or a gid); not in single-uid mode\n"
struct volt_create_opts;
/* cli_run_opt - one of CLI_RUN_OPTIONS into o; -1 after printing */
int cli_run_opt(const char *cmd, int c, const char *arg, struct volt_create_opts *o);
/* cli_run_volume - -v SRC:DST[:ro], or -v /DST: an anonymous volume */
int cli_run_volume(const char *cmd, const char *arg, struct volt_create_opts *o);
/* cli_run_before_create - --cidfile's file must not exist; --pull */
int cli_run_before_create(struct volt_ctx *ctx, const char *image, struct volt_err *err);
/* cli_image_in_store - whether image is in the store, by name as given or
 * as its normalised reference: 1 yes, 0 no, -1 error */
int cli_image_in_store(struct volt_ctx *ctx, const char *image, struct volt_err *err);
/* cli_run_after_create - --cidfile: the id written */
int cli_run_after_create(const char *id, struct volt_err *err);
extern const char cli_supervise_help[];
void cli_supervise_init(struct volt_sup_opts *o);
/* cli_supervise_opt - one of CLI_SUPERVISE_OPTIONS into o; -1 after printing. */
int cli_supervise_opt(const char *cmd, int c, const char *arg, struct volt_sup_opts *o);
int cli_supervise_check(const char *cmd, const struct volt_sup_opts *o, bool rm);
int cmd_update(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_update_spec;
int cmd_pause(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_pause_spec;
int cmd_unpause(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_unpause_spec;
int cmd_stats(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_stats_spec;
int cmd_top(struct volt_cli *cli, int argc, char **argv);
/* cli_top_ps - top's [ps OPTIONS]: ps's lines for pids (top_ps.c); exit code */
int cli_top_ps(const pid_t *pids, size_t n, int argc, char **argv);
extern const struct volt_cmd_spec cli_top_spec;
int cmd_generate(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_generate_spec;
int cmd_units(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_units_spec;
struct json_t;
/* cli_info_supervisor - the supervisor section of `volt info` (new ref). */
struct json_t *cli_info_supervisor(struct volt_ctx *ctx);
void cli_info_supervisor_print(struct json_t *o);
extern const struct volt_cmd_spec cli_cas_spec;
extern const struct volt_cmd_spec cli_bundle_spec;

extern const struct volt_cmd_spec cli_security_spec;
int cmd_security_check(struct volt_cli *cli, int argc, char **argv);
extern const struct volt_cmd_spec cli_security_check_spec;
/* cmd_security_audit_log - also `volt logs --seccomp NAME` */
int cmd_security_audit_log(struct volt_cli *cli, int argc, char **argv);

#endif
