/* volt completion bash|zsh and the manual pages (volt __man DIR), written
 * from the command tables through cli/cmdtree.c: the same names, options and
 * usage texts as --help, so the three cannot drift apart. The scripts carry
 * the tables as data and ask volt itself for container, image and volume
 * names when they are completed. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* arg_kind - what a command's positional arguments name, from its usage
 * line: "container", "image", "volume" ("..." after it: all of them), or
 * NULL (files) */
static const char *arg_kind(const char *path, const char *usage, bool *multi)
{
	static const struct {
		const char *word, *kind;
	} words[] = {{"CONTAINER", "container"}, {"IMAGE", "image"}, {"VOLUME", "volume"}, {"SOURCE", "image"}};
	*multi = false;
	if (!usage)
		return NULL;
	size_t end = strcspn(usage, "\n");
	const char *best = NULL, *kind = NULL;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *p = usage;
		size_t wl = strlen(words[i].word);
		while ((p = strstr(p, words[i].word)) && p < usage + end) {
			bool whole = (p == usage || !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ_", p[-1])) &&
				     !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ_", p[wl]);
			if (whole && (!best || p < best)) {
				best = p;
				kind = words[i].kind;
			}
			p += wl;
		}
	}
	/* NAME: a volume's in the volume group, else a container's */
	const char *n = strstr(usage, " NAME");
	if (n && n < usage + end && (!best || n < best) && (n[5] == '.' || n[5] == ' ' || n[5] == '\n')) {
		best = n + 1;
		kind = !strncmp(path, "volume", 6) ? "volume" : "container";
	}
	if (best)
		*multi = !strncmp(best + strcspn(best, ". \n["), "...", 3);
	return kind;
}

/* walk - call fn for every command under t, with its path ("image ls") */
static void walk(json_t *t, const char *prefix, void (*fn)(json_t *e, const char *path, void *arg), void *arg)
{
	json_t *e;
	size_t i;
	json_array_foreach(t, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		cleanup_free char *path = prefix[0] ? volt_path("%s %s", prefix, name) : strdup(name);
		fn(e, path, arg);
		if (json_object_get(e, "subs"))
			walk(json_object_get(e, "subs"), path, fn, arg);
	}
}

static void names(FILE *f, json_t *subs)
{
	json_t *s;
	size_t i;
	json_array_foreach(subs, i, s)
		fprintf(f, "%s%s", i ? " " : "", json_string_value(json_object_get(s, "name")));
}

/* opt_words - "-a --all ..." (all, or only those taking an argument) */
static void opt_words(FILE *f, json_t *opts, bool only_arg)
{
	json_t *o;
	size_t i;
	bool first = true;
	json_array_foreach(opts, i, o) {
		if (only_arg && !json_is_true(json_object_get(o, "arg")))
			continue;
		const char *s = json_string_value(json_object_get(o, "short"));
		const char *l = json_string_value(json_object_get(o, "long"));
		if (s)
			fprintf(f, "%s-%s", first ? "" : " ", s), first = false;
		if (l)
			fprintf(f, "%s--%s", first ? "" : " ", l), first = false;
	}
}

/* struct shell - what differs between bash's and zsh's completion function:
 * the header, how the words typed are read, how a subs entry is tested, and
 * what is offered at the end (the emitter); the tables and the word walk between
 * are one for both */
struct shell {
	const char *header;					   /* the script's first lines */
	const char *declare;					   /* an associative array */
	const char *locals;					   /* the first line: cur, prev, and the walk's start */
	const char *first;					   /* the index of the first word after volt */
	const char *word;					   /* the i-th word */
	const char *names_note;					   /* after _volt_names' brace */
	const char *subs_test;					   /* a test that $cmd has subcommands */
	const char *subs_and;					   /* the same, and-ed with the [[ that follows */
	const char *files, *offer_opts, *offer_subs, *offer_names; /* the emitter */
	const char *tail;					   /* after the function */
};

static const struct shell bash_sh = {
	.header = "# bash completion for volt, written by `volt completion bash` from volt's\n"
		  "# command tables (the ones --help prints). Source it, or put it in\n"
		  "# ~/.local/share/bash-completion/completions/volt.\n\n",
	.declare = "declare -gA",
	.locals = "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=volt w i skip=0 npos=0\n"
		  "\t_volt_g=()\n",
	.first = "1; i < COMP_CWORD",
	.word = "${COMP_WORDS[i]}",
	.names_note = " # KIND: names volt knows, with the words' --root/--runroot",
	.subs_test = "[[ -n ${_volt_subs[$cmd]+x} ]]",
	.subs_and = "[[ -n ${_volt_subs[$cmd]+x} &&",
	.files = "COMPREPLY=($(compgen -f -- \"$cur\"))",
	.offer_opts = "COMPREPLY=($(compgen -W \"${_volt_opts[$cmd]}\" -- \"$cur\"))",
	.offer_subs = "COMPREPLY=($(compgen -W \"${_volt_subs[$cmd]}\" -- \"$cur\"))",
	.offer_names = "COMPREPLY=($(compgen -W \"$(_volt_names \"${k%...}\")\" -- \"$cur\"))",
	.tail = "}\ncomplete -F _volt volt\n",
};

static const struct shell zsh_sh = {
	.header = "#compdef volt\n# zsh completion for volt, written by `volt completion zsh` from volt's\n"
		  "# command tables (the ones --help prints). Put it as _volt in a $fpath directory.\n\n",
	.declare = "typeset -gA",
	.locals = "\tlocal cur=${words[CURRENT]} prev=${words[CURRENT-1]} cmd=volt w i skip=0 npos=0\n"
		  "\ttypeset -ga _volt_g\n\t_volt_g=()\n",
	.first = "2; i < CURRENT",
	.word = "${words[i]}",
	.names_note = "",
	.subs_test = "(( ${+_volt_subs[$cmd]} ))", /* zsh: ${+...} is arithmetic */
	.subs_and = "(( ${+_volt_subs[$cmd]} )) && [[",
	.files = "_files",
	.offer_opts = "compadd -- ${=_volt_opts[$cmd]}",
	.offer_subs = "compadd -- ${=_volt_subs[$cmd]}",
	.offer_names = "compadd -- ${(f)\"$(_volt_names ${k%...})\"}",
	.tail = "}\n\n"
		"if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
		"\t_volt \"$@\"\n"
		"else\n"
		"\tcompdef _volt volt\n"
		"fi\n",
};

struct emit {
	FILE *f;
	int what; /* 0 subs, 1 opts, 2 optarg, 3 args */
};

static void emit_entry(json_t *e, const char *path, void *arg)
{
	struct emit *em = arg;
	bool multi;
	const char *kind;
	switch (em->what) {
	case 0:
		if (!json_object_get(e, "subs"))
			return;
		fprintf(em->f, "\t['volt %s']='", path);
		names(em->f, json_object_get(e, "subs"));
		break;
	case 1:
	case 2:
		if (!json_object_get(e, "opts"))
			return;
		fprintf(em->f, "\t['volt %s']='", path);
		opt_words(em->f, json_object_get(e, "opts"), em->what == 2);
		break;
	default:
		if (json_object_get(e, "subs") ||
		    !(kind = arg_kind(path, json_string_value(json_object_get(e, "usage")), &multi)))
			return;
		fprintf(em->f, "\t['volt %s']='%s%s", path, kind, multi ? "..." : "");
	}
	fprintf(em->f, "'\n");
}

/* emit_data - the tables as the scripts' associative arrays (the same
 * syntax in bash and zsh) */
static void emit_data(FILE *f, json_t *t, const struct shell *sh)
{
	static const char *arrays[] = {"_volt_subs", "_volt_opts", "_volt_optarg", "_volt_args"};
	for (int w = 0; w < 4; w++) {
		struct emit em = {f, w};
		fprintf(f, "%s %s\n%s=(\n", sh->declare, arrays[w], arrays[w]);
		if (w == 0) {
			fprintf(f, "\t['volt']='");
			names(f, t);
			fprintf(f, "'\n");
		} else if (w == 1) {
			fprintf(f, "\t['volt']='--root --runroot --version -v --help -h'\n");
		} else if (w == 2) {
			fprintf(f, "\t['volt']='--root --runroot'\n");
		}
		walk(t, "", emit_entry, &em);
		fprintf(f, ")\n");
	}
}

/* emit_fn - the completion function: find the command path in the words
 * typed so far ($cmd: not $path, which zsh ties to $PATH), then offer its
 * subcommands, its options, or names of what it takes */
static void emit_fn(FILE *f, const struct shell *sh)
{
	fprintf(f,
		"_volt_names() {%s\n"
		"\tcase $1 in\n"
		"\tcontainer) volt \"${_volt_g[@]}\" ps -a --format '{{.Names}}' 2>/dev/null ;;\n"
		"\timage) volt \"${_volt_g[@]}\" images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -v "
		"'<none>' ;;\n"
		"\tvolume) volt \"${_volt_g[@]}\" volume ls -q 2>/dev/null ;;\n"
		"\tesac\n"
		"}\n\n"
		"_volt() {\n"
		"%s"
		"\tfor ((i = %s; i++)); do\n"
		"\t\tw=%s\n"
		"\t\tif ((skip)); then\n"
		"\t\t\tskip=0\n"
		"\t\t\t[[ $cmd == volt ]] && _volt_g+=(\"$w\")\n"
		"\t\t\tcontinue\n"
		"\t\tfi\n"
		"\t\tif [[ $w == -* ]]; then\n"
		"\t\t\t[[ \" ${_volt_optarg[$cmd]} \" == *\" $w \"* ]] && skip=1\n"
		"\t\t\t[[ $cmd == volt ]] && _volt_g+=(\"$w\")\n"
		"\t\t\tcontinue\n"
		"\t\tfi\n"
		"\t\tif %s \" ${_volt_subs[$cmd]} \" == *\" $w \"* ]]; then\n"
		"\t\t\tcmd=\"$cmd $w\"\n"
		"\t\telse\n"
		"\t\t\tnpos=$((npos + 1))\n"
		"\t\tfi\n"
		"\tdone\n"
		"\tif [[ \" ${_volt_optarg[$cmd]} \" == *\" $prev \"* ]]; then\n"
		"\t\t%s\n"
		"\telif [[ $cur == -* ]]; then\n"
		"\t\t%s\n"
		"\telif %s; then\n"
		"\t\t%s\n"
		"\telse\n"
		"\t\tlocal k=${_volt_args[$cmd]}\n"
		"\t\tif [[ -n $k && ( $npos -eq 0 || $k == *... ) ]]; then\n"
		"\t\t\t%s\n"
		"\t\telse\n"
		"\t\t\t%s\n"
		"\t\tfi\n"
		"\tfi\n"
		"%s",
		sh->names_note, sh->locals, sh->first, sh->word, sh->subs_and, sh->files, sh->offer_opts, sh->subs_test,
		sh->offer_subs, sh->offer_names, sh->files, sh->tail);
}

static int completion_script(const char *shell, json_t *t)
{
	const struct shell *sh = !strcmp(shell, "bash") ? &bash_sh : !strcmp(shell, "zsh") ? &zsh_sh : NULL;
	if (!sh)
		return cli_usage_error("completion", "%s: bash or zsh", shell);
	fputs(sh->header, stdout);
	emit_data(stdout, t, sh);
	printf("\n");
	emit_fn(stdout, sh);
	return 0;
}

/* roff - text for a man page: backslashes escaped, a line's leading . or '
 * kept from being a request */
static void roff(FILE *f, const char *s)
{
	bool bol = true;
	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
		bol = *s == '\n';
	}
}

struct man_ctx {
	const char *dir;
	int failed;
};

/* opt_line - the usage line that describes option o, after its names */
static const char *opt_desc(const char *usage, const char *lng, size_t *len)
{
	cleanup_free char *key = volt_path("--%s", lng);
	for (const char *p = usage; p && (p = strstr(p, key)); p += strlen(key)) {
		const char *bol = p;
		while (bol > usage && bol[-1] != '\n')
			bol--;
		if (strspn(bol, " ") < 2 || (p[strlen(key)] != ' ' && p[strlen(key)] != '\n' && p[strlen(key)] != '='))
			continue;
		const char *q = p + strlen(key);
		q += strcspn(q, " \n");
		const char *gap = strstr(q, "  "), *eol = strchr(q, '\n');
		if (!gap || (eol && gap > eol))
			return NULL;
		gap += strspn(gap, " ");
		*len = eol ? (size_t)(eol - gap) : strlen(gap);
		return gap;
	}
	return NULL;
}

static void man_page(json_t *e, const char *path, void *arg)
{
	struct man_ctx *m = arg;
	const char *summary = json_string_value(json_object_get(e, "summary"));
	const char *usage = json_string_value(json_object_get(e, "usage"));
	const char *more = json_string_value(json_object_get(e, "usage_more"));
	if (!summary) /* an alias: the command it names has the page */
		return;
	cleanup_free char *dashed = volt_path("volt-%s", path);
	for (char *p = dashed; *p; p++)
		if (*p == ' ')
			*p = '-';
	cleanup_free char *file = volt_path("%s/%s.1", m->dir, dashed);
	FILE *f = fopen(file, "we");
	if (!f) {
		fprintf(stderr, "volt: __man: %s: %s\n", file, strerror(errno));
		m->failed = 1;
		return;
	}
	cleanup_free char *upper = strdup(dashed);
	for (char *p = upper; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	fprintf(f, ".TH %s 1 \"\" \"volt %s\" \"volt manual\"\n.SH NAME\n", upper, VOLT_VERSION);
	roff(f, dashed);
	fputs(" \\- ", f);
	roff(f, summary);
	fputs("\n.SH SYNOPSIS\n.nf\n", f);
	if (usage && !strncmp(usage, "Usage: ", 7)) {
		const char *body = usage + 7;
		size_t n = strcspn(body, "\n");
		cleanup_free char *first = strndup(body, n);
		roff(f, first);
		fputs("\n.fi\n.SH DESCRIPTION\n.nf\n", f);
		roff(f, body + n + strspn(body + n, "\n"));
	} else {
		fprintf(f, "volt %s\n.fi\n.SH DESCRIPTION\n.nf\n", path);
		roff(f, summary);
		fputc('\n', f);
	}
	if (more)
		roff(f, more);
	fputs(".fi\n", f);
	json_t *o, *s;
	size_t i;
	if (json_array_size(json_object_get(e, "opts"))) {
		fputs(".SH OPTIONS\n", f);
		json_array_foreach(json_object_get(e, "opts"), i, o) {
			const char *sh = json_string_value(json_object_get(o, "short"));
			const char *lg = json_string_value(json_object_get(o, "long"));
			size_t dl = 0;
			const char *d = lg && usage ? opt_desc(usage, lg, &dl) : NULL;
			if (!d && lg && more)
				d = opt_desc(more, lg, &dl);
			fputs(".TP\n", f);
			if (sh)
				fprintf(f, "\\fB\\-%s\\fR%s", sh, lg ? ", " : "");
			if (lg)
				fprintf(f, "\\fB\\-\\-%s\\fR", lg);
			fputs(json_is_true(json_object_get(o, "arg")) ? " \\fIVALUE\\fR\n" : "\n", f);
			cleanup_free char *desc =
				d ? strndup(d, dl) :
				    strdup(!strcmp(lg ? lg : "", "help") ? "print this help" : "see DESCRIPTION");
			roff(f, desc);
			fputc('\n', f);
		}
	}
	if (json_object_get(e, "subs")) {
		fputs(".SH COMMANDS\n", f);
		json_array_foreach(json_object_get(e, "subs"), i, s) {
			const char *sn = json_string_value(json_object_get(s, "name"));
			const char *ss = json_string_value(json_object_get(s, "summary"));
			if (!ss)
				continue;
			fprintf(f, ".TP\n\\fBvolt-%s-%s\\fR(1)\n", dashed + 5, sn);
			roff(f, ss);
			fputc('\n', f);
		}
	}
	fputs(".SH SEE ALSO\n\\fBvolt\\fR(1)\n", f);
	if (fclose(f) != 0)
		m->failed = 1;
}

static int man_pages(const char *dir, json_t *t)
{
	struct man_ctx m = {dir, 0};
	struct volt_err err = {0};
	if (volt_mkdir_p(dir, 0755, &err) < 0)
		return cli_fail(&err);
	cleanup_free char *top = volt_path("%s/volt.1", dir);
	FILE *f = fopen(top, "we");
	if (!f) {
		volt_err_sys(&err, "__man: %s", top);
		return cli_fail(&err);
	}
	fprintf(f,
		".TH VOLT 1 \"\" \"volt %s\" \"volt manual\"\n.SH NAME\nvolt \\- containers and microVMs for "
		"people who have no root\n.SH SYNOPSIS\n.nf\nvolt [\\-\\-root DIR] [\\-\\-runroot DIR] COMMAND "
		"[OPTIONS]\n.fi\n.SH COMMANDS\n",
		VOLT_VERSION);
	json_t *e;
	size_t i;
	json_array_foreach(t, i, e) {
		const char *s = json_string_value(json_object_get(e, "summary"));
		if (!s)
			continue;
		fprintf(f, ".TP\n\\fBvolt-%s\\fR(1)\n", json_string_value(json_object_get(e, "name")));
		roff(f, s);
		fputc('\n', f);
	}
	fputs(".SH OPTIONS\n.TP\n\\fB\\-\\-root\\fR \\fIDIR\\fR\nstore and state (default $VOLT_ROOT or "
	      "~/.local/share/volt)\n.TP\n\\fB\\-\\-runroot\\fR \\fIDIR\\fR\nruntime files (default "
	      "$XDG_RUNTIME_DIR/volt or /tmp/volt\\-$UID)\n.TP\n\\fB\\-\\-version\\fR\nprint the version\n",
	      f);
	fclose(f);
	walk(t, "", man_page, &m);
	return m.failed ? VOLT_EXIT_INTERNAL : 0;
}

const struct volt_cmd_spec cli_completion_spec = {
	.usage = "Usage: volt completion bash|zsh\n\nPrint a completion script for the shell, made from the "
		 "command tables that --help\nprints: commands, options, and the names of containers, images "
		 "and volumes.\n\n  bash:  source <(volt completion bash)\n"
		 "  zsh:   volt completion zsh > ~/.zfunc/_volt  (with ~/.zfunc in $fpath)\n",
};

int cmd_completion(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	(void)cli;
	if (argc != 2)
		return cli_usage_error("completion", "requires 1 argument: bash or zsh");
	if (strcmp(argv[1], "bash") && strcmp(argv[1], "zsh"))
		return cli_usage_error("completion", "%s: bash or zsh", argv[1]);
	json_t *t = cli_cmd_tree_full(cli_table, cli_table_n, &err);
	if (!t)
		return cli_fail(&err);
	int r = completion_script(argv[1], t);
	json_decref(t);
	return r;
}

const struct volt_cmd_spec cli_man_spec = {
	.usage = "Usage: volt __man DIR\n\nWrite volt's manual pages to DIR (make install does).\n",
};

int cmd_man(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	(void)cli;
	if (argc != 2)
		return cli_usage_error("__man", "requires 1 argument: DIR");
	json_t *t = cli_cmd_tree_full(cli_table, cli_table_n, &err);
	if (!t)
		return cli_fail(&err);
	int r = man_pages(argv[1], t);
	json_decref(t);
	return r;
}
