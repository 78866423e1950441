/* volt generate systemd, volt units apply: per-user services. */
#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "workload/lifecycle.h"
#include "container/spec.h"
#include "supervise/supervisor.h"
#include "supervise/systemd.h"
#include "supervise/unitfile.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char *self_exe(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return strdup("volt");
	buf[n] = '\0';
	return strdup(buf);
}

static char *user_unit_dir(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	if (x && *x)
		return volt_path("%s/systemd/user", x);
	return volt_path("%s/.config/systemd/user", h ? h : ".");
}

static const char *sd_restart(const struct volt_restart *r)
{
	return r->mode == VOLT_RESTART_ON_FAILURE ? "on-failure" : r->mode == VOLT_RESTART_NO ? "no" : "always";
}

/* base_argv - "VOLT --root R --runroot RR" followed by words. */
static char **base_argv(struct volt_ctx *ctx, const char *volt, const char *const *words)
{
	char **v = NULL;
	cli_strv_add(&v, volt);
	cli_strv_add(&v, "--root");
	cli_strv_add(&v, ctx->root);
	cli_strv_add(&v, "--runroot");
	cli_strv_add(&v, ctx->runroot);
	for (; words && *words; words++)
		cli_strv_add(&v, *words);
	return v;
}

/* run_opt_takes_value - whether s, a word before run's IMAGE, is an option
 * that takes the next word as its value: read from run's own option table
 * (getopt's rules: a unique prefix of a long name; a short option's value
 * may follow it in the same word), so that no new flag is missed. */
static bool run_opt_takes_value(const char *s)
{
	if (s[0] != '-' || !s[1] || !strcmp(s, "--"))
		return false;
	if (s[1] == '-') {
		size_t len = strlen(s + 2);
		const struct option *hit = NULL;
		if (strchr(s, '='))
			return false;
		for (const struct option *o = cli_run_spec.longopts; o->name; o++) {
			if (strncmp(o->name, s + 2, len))
				continue;
			hit = o;
			if (!o->name[len])
				break; /* the whole name: not a prefix of a longer one */
		}
		return hit && hit->has_arg == required_argument;
	}
	for (const char *c = s + 1; *c; c++) {
		const char *d = *c == ':' ? NULL : strchr(cli_run_spec.opts, *c);
		if (d && d[1] == ':')
			return !c[1];
	}
	return false;
}

/* filtered_run_args - the recorded create/run arguments without what makes
 * no sense in a unit: -d, -i, -t, --rm, and --name (set again). Only words
 * before IMAGE are options (run's getopt stops at the first bare word). */
static void filtered_run_args(char ***v, const char *argv_json)
{
	json_error_t jerr;
	json_t *a = argv_json ? json_loads(argv_json, 0, &jerr) : NULL, *x;
	size_t i;
	bool skip_next = false, value_next = false, positional = false;
	json_array_foreach(a, i, x) {
		const char *s = json_string_value(x);
		if (!s)
			continue;
		if (skip_next) {
			skip_next = false;
			continue;
		}
		if (!positional && !value_next) {
			if (!strcmp(s, "--name")) {
				skip_next = true;
				continue;
			}
			if (!strncmp(s, "--name=", 7) || !strcmp(s, "--rm") || !strcmp(s, "--detach") ||
			    !strcmp(s, "--interactive") || !strcmp(s, "--tty") ||
			    (s[0] == '-' && s[1] != '-' && strspn(s + 1, "dit") == strlen(s + 1)))
				continue;
			if (s[0] != '-')
				positional = true; /* IMAGE */
			value_next = run_opt_takes_value(s);
		} else {
			value_next = false;
		}
		cli_strv_add(v, s);
	}
	json_decref(a);
}

static int write_unit(const char *dir, const char *name, const char *text, struct volt_err *err)
{
	cleanup_free char *p = volt_path("%s/volt-%s.service", dir, name);
	if (volt_mkdir_p(dir, 0755, err) < 0 || volt_write_file_atomic(p, text, strlen(text), 0644, err) < 0)
		return -1;
	printf("%s\n", p);
	return 0;
}

static const struct option generate_opts[] = {
	{"new", no_argument, NULL, 'n'}, {"files", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_generate_spec = {
	.usage = "Usage: volt generate systemd [--new] [--files] CONTAINER\n\n"
		 "Write a systemd user unit that runs the container.\n"
		 "  --new     the unit creates the container afresh at each start and removes it after\n"
		 "  --files   write ~/.config/systemd/user/volt-NAME.service instead of printing it\n",
	.longopts = generate_opts,
};

int cmd_generate(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	struct volt_err err = {0};
	struct volt_ctr_row row;
	struct volt_sup_rec rec;
	bool new = false, files = false;
	int c, ret = 0;

	while ((c = cli_getopt(argc, argv, &cli_generate_spec)) != -1) {
		switch (c) {
		case 'n': new = true; break;
		case 'f': files = true; break;
		default: return cli_usage_error("generate", "invalid option");
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "systemd"))
		return cli_usage_error("generate", "usage: volt generate systemd [--new] [--files] CONTAINER");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	int r = cli_ctr_load(ctx, argv[optind + 1], &row);
	if (r != 0)
		return r;
	struct volt_db *db = volt_ctx_db(ctx, &err);
	if (!db || volt_sup_rec_load(db, row.id, &rec, &err) < 0)
		return cli_fail(&err);
	struct volt_spec spec;
	int stop_timeout = 10;
	if (volt_spec_from_json(&spec, row.spec, &err) == 0) {
		stop_timeout = spec.stop_timeout >= 0 ? spec.stop_timeout : 10;
		volt_spec_free(&spec);
	}
	cleanup_free char *volt = self_exe();
	cleanup_free char *desc = volt_path("volt container %s", row.name);
	cleanup_strv char **pre = NULL, **start = NULL, **stop = NULL, **post = NULL;
	if (new) {
		const char *rm[] = {"rm", "-f", row.name, NULL};
		pre = base_argv(ctx, volt, rm);
		/* "-" prefix: a missing container is fine */
		char *dash = volt_path("-%s", pre[0]);
		free(pre[0]);
		pre[0] = dash;
		post = base_argv(ctx, volt, rm);
		dash = volt_path("-%s", post[0]);
		free(post[0]);
		post[0] = dash;
		const char *run[] = {"run", "--name", row.name, NULL};
		start = base_argv(ctx, volt, run);
		filtered_run_args(&start, rec.argv);
	} else {
		const char *st[] = {"start", "-a", row.name, NULL};
		const char *sp[] = {"stop", row.name, NULL};
		start = base_argv(ctx, volt, st);
		stop = base_argv(ctx, volt, sp);
	}
	struct volt_unit_render u = {.description = desc,
				     .exec_start_pre = pre,
				     .exec_start = start,
				     .exec_stop = stop,
				     .exec_stop_post = post,
				     .restart = sd_restart(&rec.restart),
				     .restart_max = rec.restart.mode == VOLT_RESTART_ON_FAILURE ? rec.restart.max : 0,
				     .stop_timeout = stop_timeout};
	cleanup_free char *text = volt_unit_text(&u);
	if (!text)
		ret = 125;
	else if (files) {
		cleanup_free char *dir = user_unit_dir();
		if (write_unit(dir, row.name, text, &err) < 0)
			ret = cli_fail(&err);
	} else {
		fputs(text, stdout);
	}
	volt_sup_rec_free(&rec);
	volt_ctr_row_free(&row);
	return ret;
}

/* apply_one - NAME.volt in dir -> volt-NAME.service in out. */
static int apply_one(struct volt_ctx *ctx, const char *volt, const char *dir, const char *file, const char *out,
		     struct volt_err *err)
{
	cleanup_free char *p = volt_path("%s/%s", dir, file);
	cleanup_free char *text = NULL, *defname = strndup(file, strlen(file) - 5);
	size_t len;
	struct volt_unitfile u;
	if (volt_read_file(p, 1 << 20, &text, &len, err) < 0)
		return -1;
	if (volt_unitfile_parse(text, len, defname, &u, err) < 0)
		return volt_err_prefix(err, "%s", p);
	const char *rm[] = {"rm", "-f", u.name, NULL};
	cleanup_strv char **pre = base_argv(ctx, volt, rm), **post = base_argv(ctx, volt, rm), **start = NULL;
	char *d = volt_path("-%s", pre[0]);
	free(pre[0]);
	pre[0] = d;
	d = volt_path("-%s", post[0]);
	free(post[0]);
	post[0] = d;
	const char *run[] = {"run", "--name", u.name, NULL};
	start = base_argv(ctx, volt, run);
	if (u.restart) {
		cli_strv_add(&start, "--restart");
		cli_strv_add(&start, u.restart);
	}
	for (char **a = u.run_args; a && *a; a++)
		cli_strv_add(&start, *a);
	cli_strv_add(&start, u.image);
	for (char **a = u.exec; a && *a; a++)
		cli_strv_add(&start, *a);
	struct volt_restart rp = {VOLT_RESTART_NO, 0};
	if (u.restart)
		volt_restart_parse(u.restart, &rp, err);
	cleanup_free char *desc = volt_path("volt container %s (from %s)", u.name, p);
	struct volt_unit_render r = {.description = desc,
				     .exec_start_pre = pre,
				     .exec_start = start,
				     .exec_stop_post = post,
				     .restart = sd_restart(&rp),
				     .restart_max = rp.mode == VOLT_RESTART_ON_FAILURE ? rp.max : 0,
				     .source = p,
				     .stop_timeout = 10,
				     .service = u.service,
				     .install = u.install};
	cleanup_free char *unit = volt_unit_text(&r);
	int ret = unit ? write_unit(out, u.name, unit, err) : volt_err_set(err, 12, "render %s", p);
	volt_unitfile_free(&u);
	return ret;
}

static const struct option units_opts[] = {
	{"dir", required_argument, NULL, 'd'}, {"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_units_spec = {
	.usage = "Usage: volt units apply [--dir DIR] [--output DIR]\n\n"
		 "Turn each NAME.volt in ~/.config/volt/units (--dir) into the user unit\n"
		 "volt-NAME.service in ~/.config/systemd/user (--output), then ask a running\n"
		 "systemd user manager to reload. The format is in docs/supervision.md.\n",
	.longopts = units_opts,
};

int cmd_units(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	cleanup_free char *dir = NULL, *out = NULL;
	int c, ret = 0;
	while ((c = cli_getopt(argc, argv, &cli_units_spec)) != -1) {
		switch (c) {
		case 'd': dir = strdup(optarg); break;
		case 'o': out = strdup(optarg); break;
		default: return cli_usage_error("units", "invalid option");
		}
	}
	if (argc - optind != 1 || strcmp(argv[optind], "apply"))
		return cli_usage_error("units", "usage: volt units apply [--dir DIR] [--output DIR]");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (!dir) {
		const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
		dir = x && *x ? volt_path("%s/volt/units", x) : volt_path("%s/.config/volt/units", h ? h : ".");
	}
	if (!out)
		out = user_unit_dir();
	cleanup_free char *volt = self_exe();
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *e;
	if (!d) {
		struct volt_err err;
		volt_err_sys(&err, "open %s", dir);
		return cli_fail(&err);
	}
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		struct volt_err err = {0};
		if (n <= 5 || strcmp(e->d_name + n - 5, ".volt"))
			continue;
		if (apply_one(ctx, volt, dir, e->d_name, out, &err) < 0)
			ret = cli_fail(&err);
	}
	struct volt_sd *sd;
	struct volt_err err = {0};
	if (volt_sd_connect(&sd, NULL, &err) == 0) {
		if (volt_sd_reload(sd, &err) < 0)
			ret = cli_fail(&err);
		volt_sd_close(sd);
	}
	return ret;
}
