/* The command tables as data: every command's name, summary, usage text and
 * options, as JSON, for the completion scripts and manual pages
 * (cli/completion.c), so that they are made from the same tables as --help
 * and cannot drift from it. Both binaries answer `__cmdtree` with their own
 * table; volt fills in its cli_exec_heavy entries from volt-image's. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "state/context.h"
#include "util/cleanup.h"

/* opts_json - spec's options: [{"long":..,"short":..,"arg":bool}], -h/--help too */
static json_t *opts_json(const struct volt_cmd_spec *s)
{
	json_t *a = json_array();
	const char *o = s && s->opts ? s->opts : "";
	bool seen[256] = {0};
	o += strspn(o, "+:");
	for (const struct option *lo = s ? s->longopts : NULL; lo && lo->name; lo++) {
		json_t *e = json_pack("{s:s,s:b}", "long", lo->name, "arg", lo->has_arg != no_argument);
		if (lo->val > 0 && lo->val < 256 && strchr(o, lo->val) && !seen[lo->val]) {
			char sh[2] = {(char)lo->val, 0};
			json_object_set_new(e, "short", json_string(sh));
			seen[lo->val] = true;
		}
		json_array_append_new(a, e);
	}
	for (; *o; o++) { /* a short option without a long one */
		if (*o == ':' || seen[(unsigned char)*o])
			continue;
		char sh[2] = {*o, 0};
		json_array_append_new(a, json_pack("{s:s,s:b}", "short", sh, "arg", o[1] == ':'));
	}
	json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "long", "help", "short", "h", "arg", false));
	return a;
}

json_t *cli_cmd_tree(const struct volt_cmd *cmds, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n && cmds[i].name; i++) {
		const struct volt_cmd *c = &cmds[i];
		if (!strncmp(c->name, "__", 2)) /* hidden: this machinery itself */
			continue;
		json_t *e = json_pack("{s:s,s:s?,s:b}", "name", c->name, "summary", c->summary, "heavy",
				      c->fn == cli_exec_heavy);
		if (c->spec && c->spec->usage)
			json_object_set_new(e, "usage", json_string(c->spec->usage));
		if (c->spec && c->spec->usage_more)
			json_object_set_new(e, "usage_more", json_string(c->spec->usage_more));
		if (c->spec && c->spec->subs) {
			size_t k = 0;
			while (c->spec->subs[k].name)
				k++;
			json_object_set_new(e, "subs", cli_cmd_tree(c->spec->subs, k));
		} else if (c->fn != cli_exec_heavy) {
			json_object_set_new(e, "opts", opts_json(c->spec));
		}
		json_array_append_new(a, e);
	}
	return a;
}

/* heavy_tree - `volt-image __cmdtree`: volt-image's table */
static json_t *heavy_tree(struct volt_err *err)
{
	struct volt_ctx dummy = {0};
	cleanup_free char *helper = volt_ctx_helper(&dummy, "volt-image");
	cleanup_free char *out = NULL;
	size_t len = 0;
	int p[2], status;
	if (!helper) {
		volt_err_set(err, ENOENT, "volt-image not found");
		return NULL;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		volt_err_sys(err, "pipe");
		return NULL;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		volt_err_sys(err, "fork");
		return NULL;
	}
	if (pid == 0) {
		dup2(p[1], 1); /* dup2: its stdout is the pipe */
		char *argv[] = {"volt", "__cmdtree", NULL};
		execv(helper, argv);
		_exit(125);
	}
	close(p[1]);
	FILE *f = open_memstream(&out, &len);
	char buf[4096];
	ssize_t n;
	while (f && (n = read(p[0], buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		fwrite(buf, 1, (size_t)n, f);
	}
	close(p[0]);
	if (f)
		fclose(f);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	json_error_t jerr;
	json_t *t = out && WIFEXITED(status) && !WEXITSTATUS(status) ? json_loads(out, 0, &jerr) : NULL;
	if (!t)
		volt_err_set(err, 0, "%s __cmdtree: no command table", helper);
	return t;
}

static json_t *find_name(json_t *arr, const char *name)
{
	json_t *e;
	size_t i;
	json_array_foreach(arr, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "name")), name))
			return e;
	return NULL;
}

/* fill - each heavy entry of t takes its usage, options and subcommands
 * from the entry at the same path of h (volt's summary stays) */
static void fill(json_t *t, json_t *h)
{
	json_t *e;
	size_t i;
	json_array_foreach(t, i, e) {
		json_t *he = find_name(h, json_string_value(json_object_get(e, "name")));
		if (!he)
			continue;
		if (json_is_true(json_object_get(e, "heavy"))) {
			const char *keys[] = {"usage", "usage_more", "opts", "subs"};
			for (size_t k = 0; k < 4; k++)
				if (json_object_get(he, keys[k]))
					json_object_set(e, keys[k], json_object_get(he, keys[k]));
			json_object_set_new(e, "heavy", json_false());
		}
		if (json_object_get(e, "subs") && json_object_get(he, "subs"))
			fill(json_object_get(e, "subs"), json_object_get(he, "subs"));
	}
}

json_t *cli_cmd_tree_full(const struct volt_cmd *cmds, size_t n, struct volt_err *err)
{
	json_t *h = heavy_tree(err), *t;
	if (!h)
		return NULL;
	t = cli_cmd_tree(cmds, n);
	fill(t, h);
	json_decref(h);
	return t;
}
