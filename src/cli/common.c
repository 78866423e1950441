/* Helpers shared by every command, in both volt and volt-image. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "userns/idmap.h"
#include "container/spec.h"
#include "image/pull_hook.h"
#include "state/liveness.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/gotmpl.h"

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

/* what this process's failure is part of, from the volt that ran it
 * (image/pull_hook.c): its error and the reason it ran make one line */
static char *err_context;

int cli_ctr_missing(const char *ref)
{
	struct volt_err err = {0};
	volt_err_set(&err, 0, "no such container: %s", ref);
	return cli_fail(&err);
}

int cli_ctr_load(struct volt_ctx *ctx, const char *ref, struct volt_ctr_row *row)
{
	struct volt_err err = {0};
	int r = volt_ctr_load(ctx, ref, row, &err);
	return r == 0 ? 0 : r > 0 ? cli_ctr_missing(ref) : cli_fail(&err);
}

bool cli_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
	static const char *const no[] = {"0", "f", "F", "false", "FALSE", "False"};
	if (v && *v == '=') /* -p=false: getopt leaves the '=' to a short option */
		v++;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!v || !strcmp(v, yes[i]))
			return *out = true;
		if (!strcmp(v, no[i]))
			return !(*out = false);
	}
	return false;
}

int cli_fail(const struct volt_err *err)
{
	char buf[VOLT_ERR_MSG_MAX + 128 + PATH_MAX];
	if (!err->msg[0]) /* said already, by the helper that failed */
		return err->exit_code ? err->exit_code : VOLT_EXIT_INTERNAL;
	volt_err_format(err, buf, sizeof(buf));
	fprintf(stderr, "volt: %s%s%s\n", err_context ? err_context : "", err_context ? ": " : "", buf);
	/* volt's own failure: a full disk is no exit code of the container's */
	if (err->errnum == ENOSPC || err->errnum == EDQUOT)
		return VOLT_EXIT_INTERNAL;
	return err->exit_code ? err->exit_code : VOLT_EXIT_INTERNAL;
}

int cli_fail_writer(const struct volt_err *err, const char *what)
{
	if (err->errnum != ENOSPC && err->errnum != EDQUOT)
		return cli_fail(err);
	char buf[VOLT_ERR_MSG_MAX + 128 + PATH_MAX];
	volt_err_format(err, buf, sizeof(buf));
	/* objects stored before the disk filled are unreferenced now: gc
	 * (which waits for running writers) is what removes them safely */
	fprintf(stderr, "volt: %s%s%s; `volt cas gc` removes what the %s stored\n", err_context ? err_context : "",
		err_context ? ": " : "", buf, what);
	return VOLT_EXIT_INTERNAL;
}

int cli_parse_preserve_fds(const char *arg, unsigned *n)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(arg, &end, 10);
	/* within the fd numbers: the last fd passed is 3+N-1 */
	if (!*arg || *end || errno || arg[0] == '-' || v > 1u << 20)
		return -1;
	*n = (unsigned)v;
	return 0;
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

/* list - a command table's names and summaries; n, or up to the {NULL} entry */
static void list(FILE *f, const struct volt_cmd *cmds, size_t n)
{
	for (size_t i = 0; i < n && cmds[i].name; i++)
		if (cmds[i].summary)
			fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
}

static const struct volt_cmd *find(const struct volt_cmd *cmds, size_t n, const char *name)
{
	for (size_t i = 0; i < n && cmds[i].name; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* cmd_usage - a command's help; a group's lists its commands */
static void cmd_usage(FILE *f, const char *path, const struct volt_cmd *c)
{
	const struct volt_cmd_spec *s = c->spec;
	if (s && s->usage)
		fputs(s->usage, f);
	else
		fprintf(f, "Usage: volt %s [OPTIONS]\n\n%s\n", path, c->summary ? c->summary : "");
	if (s && s->usage_more)
		fputs(s->usage_more, f);
	if (s && s->subs) {
		fprintf(f, "\nCommands:\n");
		list(f, s->subs, SIZE_MAX);
		fprintf(f, "\nRun 'volt %s COMMAND --help' for more on a command.\n", path);
	}
}

/* takes_no_value - "--name=x" where --name is a flag */
static bool takes_no_value(const struct option *lo, const char *a)
{
	size_t len = strcspn(a + 2, "=");
	if (!a[2 + len])
		return false;
	for (; lo->name; lo++)
		if (strlen(lo->name) == len && !strncmp(lo->name, a + 2, len))
			return lo->has_arg == no_argument;
	return false;
}

/* check_opts - one getopt pass over the leaf's own options before it runs:
 * 1 when -h/--help printed the usage, -1 after printing a bad option, else 0
 * and *first the index of the first argument. argv is permuted as the
 * command's own pass would (options first, then "--", then arguments). */
static int check_opts(const char *path, const struct volt_cmd *c, int argc, char **argv, int *first)
{
	const struct volt_cmd_spec *s = c->spec;
	const char *so = s->opts ? s->opts : "";
	bool in_order = so[0] == '+';
	size_t n = 0;
	int ch, ret = 0, saved = opterr;

	while (s->longopts && s->longopts[n].name)
		n++;
	struct option *lo = calloc(n + 2, sizeof(*lo));
	cleanup_free char *shortopts = volt_path("%s:h%s", in_order ? "+" : "", so + in_order);
	if (!lo || !shortopts) {
		fprintf(stderr, "volt: out of memory\n");
		exit(VOLT_EXIT_INTERNAL);
	}
	if (n)
		memcpy(lo, s->longopts, n * sizeof(*lo));
	lo[n] = (struct option){"help", no_argument, NULL, 'h'};
	opterr = 0; /* the messages are ours, with the command's name */
	optind = 0; /* glibc: start afresh, with this optstring's ordering */
	while (ret == 0 && (ch = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		const char *a = argv[optind - 1];
		bool is_long = a[0] == '-' && a[1] == '-';
		if (ch == 'h') {
			cmd_usage(stdout, path, c);
			ret = 1;
		} else if (ch == ':') {
			cli_usage_error(path, "option %s needs a value", a);
			ret = -1;
		} else if (ch == '?' && is_long && takes_no_value(lo, a)) {
			cli_usage_error(path, "option %.*s takes no value", (int)strcspn(a, "="), a);
			ret = -1;
		} else if (ch == '?' && (is_long || !optopt)) {
			cli_usage_error(path, "unknown option %.*s", (int)strcspn(a, "="), a);
			ret = -1;
		} else if (ch == '?') {
			cli_usage_error(path, "unknown option -%c", optopt);
			ret = -1;
		}
	}
	*first = optind;
	opterr = saved;
	optind = 1;
	free(lo);
	return ret;
}

/* dispatch - find the command (through groups) and run it; see struct volt_cmd */
static int dispatch(struct volt_cli *cli, const struct volt_cmd *c, int argc, char **argv)
{
	int top_argc = argc;
	char **top_argv = argv, path[256];

	snprintf(path, sizeof(path), "%s", c->name);
	for (;;) {
		if (c->fn == cli_exec_heavy) /* volt-image answers, from its own table */
			return cli_exec_heavy(cli, top_argc, top_argv);
		if (!c->spec || !c->spec->subs)
			break;
		if (argc < 2) {
			cmd_usage(stderr, path, c);
			return VOLT_EXIT_INTERNAL;
		}
		if (is_help(argv[1])) {
			cmd_usage(stdout, path, c);
			return 0;
		}
		const struct volt_cmd *sub = find(c->spec->subs, SIZE_MAX, argv[1]);
		if (!sub)
			return cli_usage_error(path, argv[1][0] == '-' ? "unknown option %s" : "unknown command \"%s\"",
					       argv[1]);
		size_t len = strlen(path);
		snprintf(path + len, sizeof(path) - len, " %s", sub->name);
		c = sub;
		argc--;
		argv++;
	}
	if (c->spec) {
		int first, r = check_opts(path, c, argc, argv, &first);
		if (r)
			return r > 0 ? 0 : VOLT_EXIT_INTERNAL;
		/* a command without options reads argv[1...] as names: drop a
		 * "--" so that it is not one (what follows may start with '-') */
		if (!c->spec->opts && !c->spec->longopts && first > 1) {
			argv[first - 1] = argv[0];
			argc -= first - 1;
			argv += first - 1;
		}
	} else { /* an entry without a spec yet: -h anywhere before "--" is help */
		for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
			if (is_help(argv[i])) {
				cmd_usage(stdout, path, c);
				return 0;
			}
	}
	optind = 1;
	return c->fn(cli, argc, argv);
}

int cli_getopt(int argc, char **argv, const struct volt_cmd_spec *spec)
{
	return getopt_long(argc, argv, spec->opts ? spec->opts : "", spec->longopts, NULL);
}

bool cli_confirm(const char *warning, bool force)
{
	cleanup_free char *line = NULL;
	size_t cap = 0;
	if (force)
		return true;
	fprintf(stderr, "%s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stderr);
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) /* EOF: the question stays unanswered on its line */
		fputc('\n', stderr);
	if (n <= 0)
		return false;
	/* docker's answer: y or Y, spaces around allowed */
	size_t len = strlen(line);
	while (len && strchr(" \t\r\n", line[len - 1]))
		line[--len] = '\0';
	const char *a = line + strspn(line, " \t");
	return !strcmp(a, "y") || !strcmp(a, "Y");
}

static void usage(FILE *f, const struct volt_cmd *cmds, size_t n)
{
	fprintf(f, "Usage: volt [--root DIR] [--runroot DIR] COMMAND [OPTIONS]\n\n"
		   "Containers for people who have no root.\n\nCommands:\n");
	list(f, cmds, n);
	fprintf(f, "\nGlobal options:\n"
		   "  --root DIR      store and state (default $VOLT_ROOT or ~/.local/share/volt)\n"
		   "  --runroot DIR   runtime files (default $XDG_RUNTIME_DIR/volt or /tmp/volt-$UID)\n"
		   "  --version       print the version\n\n"
		   "Run 'volt COMMAND --help' for more on a command.\n");
}

const struct volt_cmd *cli_table;
size_t cli_table_n;

int cli_main(int argc, char **argv, const struct volt_cmd *cmds, size_t n_cmds, const char *self)
{
	struct volt_cli cli = {0};
	int i = 1, ret;
	const char *ec = getenv(VOLT_ERR_CONTEXT_ENV);

	if (ec && ec[0]) { /* for this process only, not its children */
		err_context = strdup(ec);
		unsetenv(VOLT_ERR_CONTEXT_ENV);
	}

	/* global options come before the command */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (is_help(argv[i])) {
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
	cli_table = cmds;
	cli_table_n = n_cmds;
	if (!strcmp(argv[i], "__cmdtree")) { /* the table as data (cmdtree.c) */
		json_t *t = cli_cmd_tree(cmds, n_cmds);
		json_dumpf(t, stdout, JSON_COMPACT);
		json_decref(t);
		return 0;
	}
	const struct volt_cmd *c = find(cmds, n_cmds, argv[i]);
	if (!c) {
		fprintf(stderr, "volt: unknown command \"%s\"\nSee 'volt --help'.\n", argv[i]);
		(void)self;
		return VOLT_EXIT_INTERNAL;
	}
	ret = dispatch(&cli, c, argc - i, argv + i);
	if (cli.ctx_ready)
		volt_ctx_free(&cli.ctx);
	return ret;
}

int cli_format_parse(const char *cmd, const char *format, struct volt_tmpl **t)
{
	struct volt_err err = {0};
	if (volt_tmpl_parse(format, t, &err) < 0) {
		fprintf(stderr, "volt: %s: --format: %s\n", cmd, err.msg);
		return -1;
	}
	return 0;
}

int cli_format_print(const char *cmd, const struct volt_tmpl *t, struct json_t *v)
{
	struct volt_err err = {0};
	/* docker prints each value's template on a line of its own */
	if (volt_tmpl_exec(t, v, stdout, &err) < 0) {
		fflush(stdout);
		fprintf(stderr, "\nvolt: %s: --format: %s\n", cmd, err.msg);
		return -1;
	}
	putchar('\n');
	return 0;
}
