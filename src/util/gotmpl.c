/* Go's text/template, the subset scripts use (gotmpl.h): parsed into a tree
 * of nodes, then run over a JSON value. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/gotmpl.h"

#define MAX_DEPTH 32
#define MAX_STEPS (1 << 24)

enum arg_kind { A_FIELD, A_VAR, A_STR, A_NUM, A_FUNC };
struct arg {
	enum arg_kind k;
	char *name;  /* A_VAR: the variable ("" for $); A_STR: the text; A_FUNC: its name */
	char **path; /* A_FIELD, A_VAR: .A.B */
	size_t npath;
	json_int_t num;
};
struct cmd {
	struct arg *args;
	size_t n;
};
struct pipe {
	struct cmd *cmds;
	size_t n;
	char *decl[2]; /* range $k, $v := ...: names without '$' */
	int ndecl;
};
enum node_kind { N_TEXT, N_ACTION, N_RANGE, N_IF };
struct node;
struct list {
	struct node *v;
	size_t n;
};
struct node {
	enum node_kind k;
	char *text;
	struct pipe pipe;
	struct list body, alt;
};
struct volt_tmpl {
	struct list top;
};

struct parser {
	const char *src, *p;
	bool trim_next; /* the last action ended with -}} */
	struct volt_err *err;
};

/* no_memory - out of memory building a template's output: fatal, as
 * volt_path's contract and jansson's own allocation failures are */
static _Noreturn void no_memory(void)
{
	abort();
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		no_memory();
	return q;
}

static char *xstrndup(const char *s, size_t n)
{
	char *d = strndup(s, n);
	if (!d)
		no_memory();
	return d;
}

static int perr(struct parser *ps, const char *what)
{
	return volt_err_set(ps->err, 0, "template: at offset %zu: %s", (size_t)(ps->p - ps->src), what);
}

/* ---- freeing ------------------------------------------------------------ */

static void list_free(struct list *l);

static void pipe_free(struct pipe *pp)
{
	for (size_t i = 0; i < pp->n; i++) {
		for (size_t j = 0; j < pp->cmds[i].n; j++) {
			struct arg *a = &pp->cmds[i].args[j];
			free(a->name);
			for (size_t k = 0; k < a->npath; k++)
				free(a->path[k]);
			free(a->path);
		}
		free(pp->cmds[i].args);
	}
	free(pp->cmds);
	free(pp->decl[0]);
	free(pp->decl[1]);
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].text);
		pipe_free(&l->v[i].pipe);
		list_free(&l->v[i].body);
		list_free(&l->v[i].alt);
	}
	free(l->v);
}

void volt_tmpl_free(struct volt_tmpl *t)
{
	if (!t)
		return;
	list_free(&t->top);
	free(t);
}

/* ---- parsing ------------------------------------------------------------ */

static void skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
		ps->p++;
}

/* at_close - "}}" or " -}}" ahead (after spaces) */
static bool at_close(struct parser *ps)
{
	skip_space(ps);
	return !strncmp(ps->p, "}}", 2) || !strncmp(ps->p, "-}}", 3);
}

static int close_action(struct parser *ps)
{
	skip_space(ps);
	if (!strncmp(ps->p, "-}}", 3) && ps->p > ps->src && isspace((unsigned char)ps->p[-1])) {
		ps->trim_next = true;
		ps->p += 3;
		return 0;
	}
	if (!strncmp(ps->p, "}}", 2)) {
		ps->p += 2;
		return 0;
	}
	return perr(ps, "expected }}");
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* parse_path - .A.B... after the first name: appends to a */
static int parse_path(struct parser *ps, struct arg *a)
{
	while (*ps->p == '.' && ident_char(ps->p[1])) {
		const char *s = ++ps->p;
		while (ident_char(*ps->p))
			ps->p++;
		a->path = xrealloc(a->path, (a->npath + 1) * sizeof(char *));
		a->path[a->npath++] = xstrndup(s, (size_t)(ps->p - s));
	}
	if (*ps->p == '.')
		return perr(ps, "bad field name");
	return 0;
}

static int parse_string(struct parser *ps, struct arg *a)
{
	char q = *ps->p++;
	size_t cap = 16, n = 0;
	char *s = xrealloc(NULL, cap);
	for (;;) {
		char c = *ps->p;
		if (!c || (c == '\n' && q == '"')) {
			free(s);
			return perr(ps, "unterminated string");
		}
		ps->p++;
		if (c == q)
			break;
		if (c == '\\' && q == '"') {
			c = *ps->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '\\':
			case '"': break;
			default:
				free(s);
				ps->p--;
				return perr(ps, "unknown escape in string");
			}
		}
		if (n + 2 > cap)
			s = xrealloc(s, cap *= 2);
		s[n++] = c;
	}
	s[n] = '\0';
	a->k = A_STR;
	a->name = s;
	return 0;
}

/* parse_arg - one operand or function name; 1 at the end of the command */
static int parse_arg(struct parser *ps, struct arg *a)
{
	memset(a, 0, sizeof(*a));
	skip_space(ps);
	const char *c = ps->p;
	if (!*c)
		return perr(ps, "unclosed action: missing }}");
	if (at_close(ps) || *c == '|' || *c == ')')
		return 1;
	if (*c == '.') {
		a->k = A_FIELD;
		if (!ident_char(c[1])) { /* the dot itself */
			ps->p++;
			return 0;
		}
		return parse_path(ps, a);
	}
	if (*c == '$') {
		const char *s = ++ps->p;
		while (ident_char(*ps->p))
			ps->p++;
		a->k = A_VAR;
		a->name = xstrndup(s, (size_t)(ps->p - s));
		return parse_path(ps, a);
	}
	if (*c == '"' || *c == '`')
		return parse_string(ps, a);
	if (isdigit((unsigned char)*c) || (*c == '-' && isdigit((unsigned char)c[1]))) {
		char *end;
		a->k = A_NUM;
		a->num = strtoll(c, &end, 10);
		ps->p = end;
		if (ident_char(*ps->p) || *ps->p == '.')
			return perr(ps, "bad number");
		return 0;
	}
	if (isalpha((unsigned char)*c)) {
		static const char *const funcs[] = {"json", "index", "join", "lower", "upper", "len",
						    "eq",   "ne",    "not",  "true",  "false"};
		while (ident_char(*ps->p))
			ps->p++;
		a->k = A_FUNC;
		a->name = xstrndup(c, (size_t)(ps->p - c));
		for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
			if (!strcmp(a->name, funcs[i]))
				return 0;
		ps->p = c;
		return perr(ps, "unknown function");
	}
	return perr(ps, "unexpected character in action");
}

static int parse_pipe(struct parser *ps, struct pipe *pp, bool decl)
{
	memset(pp, 0, sizeof(*pp));
	if (decl) { /* $v := or $k, $v := */
		const char *save = ps->p;
		skip_space(ps);
		for (int i = 0; i < 2 && *ps->p == '$'; i++) {
			const char *s = ++ps->p;
			while (ident_char(*ps->p))
				ps->p++;
			pp->decl[pp->ndecl++] = xstrndup(s, (size_t)(ps->p - s));
			skip_space(ps);
			if (*ps->p == ',') {
				ps->p++;
				skip_space(ps);
				continue;
			}
			break;
		}
		if (pp->ndecl && !strncmp(ps->p, ":=", 2)) {
			ps->p += 2;
		} else if (pp->ndecl) { /* a variable operand, not a declaration */
			free(pp->decl[0]);
			free(pp->decl[1]);
			pp->decl[0] = pp->decl[1] = NULL;
			pp->ndecl = 0;
			ps->p = save;
		}
	}
	for (;;) {
		struct cmd cm = {0};
		for (;;) {
			struct arg a;
			int r = parse_arg(ps, &a);
			if (r < 0) { /* what a holds is freed with the pipe too */
				cm.args = xrealloc(cm.args, (cm.n + 1) * sizeof(*cm.args));
				cm.args[cm.n++] = a;
				pp->cmds = xrealloc(pp->cmds, (pp->n + 1) * sizeof(*pp->cmds));
				pp->cmds[pp->n++] = cm; /* freed with the pipe */
				return -1;
			}
			if (r > 0)
				break;
			cm.args = xrealloc(cm.args, (cm.n + 1) * sizeof(*cm.args));
			cm.args[cm.n++] = a;
		}
		pp->cmds = xrealloc(pp->cmds, (pp->n + 1) * sizeof(*pp->cmds));
		pp->cmds[pp->n++] = cm;
		if (!cm.n)
			return perr(ps, "missing value");
		if (cm.args[0].k != A_FUNC && cm.n > 1)
			return perr(ps, "a value cannot take arguments");
		if (*ps->p != '|')
			return 0;
		ps->p++;
	}
}

enum term { T_EOF, T_END, T_ELSE };

static int parse_list(struct parser *ps, struct list *l, int depth, enum term *term);

static struct node *new_node(struct list *l, enum node_kind k)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	struct node *n = &l->v[l->n++];
	memset(n, 0, sizeof(*n));
	n->k = k;
	return n;
}

/* parse_block - the body of range/if up to {{end}}, with an {{else}} part */
static int parse_block(struct parser *ps, struct node *n, int depth)
{
	enum term t;
	if (depth >= MAX_DEPTH)
		return perr(ps, "nested too deep");
	if (parse_list(ps, &n->body, depth + 1, &t) < 0)
		return -1;
	if (t == T_ELSE && parse_list(ps, &n->alt, depth + 1, &t) < 0)
		return -1;
	if (t != T_END)
		return perr(ps, t == T_EOF ? "missing {{end}}" : "{{else}} twice");
	return 0;
}

static bool keyword(struct parser *ps, const char *kw)
{
	size_t len = strlen(kw);
	if (strncmp(ps->p, kw, len) || ident_char(ps->p[len]))
		return false;
	ps->p += len;
	return true;
}

static int parse_list(struct parser *ps, struct list *l, int depth, enum term *term)
{
	for (;;) {
		const char *open = strstr(ps->p, "{{");
		size_t len = open ? (size_t)(open - ps->p) : strlen(ps->p);
		const char *text = ps->p;
		if (ps->trim_next) {
			while (len && isspace((unsigned char)*text))
				text++, len--;
			ps->trim_next = false;
		}
		bool trim_before = open && open[2] == '-' && isspace((unsigned char)open[3]);
		while (trim_before && len && isspace((unsigned char)text[len - 1]))
			len--;
		if (len)
			new_node(l, N_TEXT)->text = xstrndup(text, len);
		if (!open) {
			ps->p += strlen(ps->p);
			*term = T_EOF;
			return 0;
		}
		ps->p = open + 2 + trim_before;
		skip_space(ps);
		if (!strncmp(ps->p, "/*", 2)) {
			const char *e = strstr(ps->p + 2, "*/");
			if (!e)
				return perr(ps, "unterminated comment");
			ps->p = e + 2;
			if (close_action(ps) < 0)
				return -1;
			continue;
		}
		if (keyword(ps, "end") || keyword(ps, "else")) {
			*term = ps->p[-1] == 'd' ? T_END : T_ELSE;
			return close_action(ps);
		}
		bool is_range = keyword(ps, "range"), is_if = !is_range && keyword(ps, "if");
		if (!is_range && !is_if &&
		    (keyword(ps, "with") || keyword(ps, "define") || keyword(ps, "template") || keyword(ps, "block")))
			return perr(ps, "this action is not supported");
		struct node *n = new_node(l, is_range ? N_RANGE : is_if ? N_IF : N_ACTION);
		if (parse_pipe(ps, &n->pipe, is_range) < 0 || close_action(ps) < 0)
			return -1;
		if ((is_range || is_if) && parse_block(ps, &l->v[l->n - 1], depth) < 0)
			return -1;
	}
}

int volt_tmpl_parse(const char *src, struct volt_tmpl **out, struct volt_err *err)
{
	struct parser ps = {src, src, false, err};
	struct volt_tmpl *t = xrealloc(NULL, sizeof(*t));
	enum term term;
	memset(t, 0, sizeof(*t));
	if (parse_list(&ps, &t->top, 0, &term) < 0 ||
	    (term != T_EOF && perr(&ps, term == T_END ? "unexpected {{end}}" : "unexpected {{else}}") < 0)) {
		volt_tmpl_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

/* ---- running ------------------------------------------------------------ */

struct var {
	const char *name;
	json_t *v;
};
struct run {
	json_t *root;
	struct var vars[2 * MAX_DEPTH + 2];
	size_t nvars;
	FILE *out;
	struct volt_err *err;
	unsigned long steps; /* nested ranges multiply: a bound on the work */
};

static int strcmp_p(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* print_value - as Go's fmt prints an interface{} from encoding/json */
static void print_value(FILE *f, json_t *v)
{
	size_t i;
	const char *k;
	json_t *e;
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING: fwrite(json_string_value(v), 1, json_string_length(v), f); break;
	case JSON_INTEGER: fprintf(f, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: fprintf(f, "%g", json_real_value(v)); break;
	case JSON_TRUE: fputs("true", f); break;
	case JSON_FALSE: fputs("false", f); break;
	case JSON_NULL: fputs(v ? "<nil>" : "<no value>", f); break;
	case JSON_ARRAY:
		fputc('[', f);
		json_array_foreach(v, i, e) {
			if (i)
				fputc(' ', f);
			print_value(f, e);
		}
		fputc(']', f);
		break;
	case JSON_OBJECT: {
		/* Go prints a map's keys sorted */
		size_t n = json_object_size(v), j = 0;
		const char **keys = xrealloc(NULL, n * sizeof(char *));
		json_object_foreach(v, k, e)
			keys[j++] = k;
		qsort(keys, n, sizeof(char *), strcmp_p);
		fputs("map[", f);
		for (j = 0; j < n; j++) {
			fprintf(f, "%s%s:", j ? " " : "", keys[j]);
			print_value(f, json_object_get(v, keys[j]));
		}
		fputc(']', f);
		free(keys);
		break;
	}
	}
}

static char *value_string(json_t *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		no_memory();
	print_value(f, v);
	fclose(f);
	return buf;
}

/* truth - Go's: false, 0, "", nil, empty list or map are false */
static bool truth(json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0;
	case JSON_TRUE: return true;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_OBJECT: return json_object_size(v) > 0;
	default: return false;
	}
}

#define rerr(r, ...) volt_err_set((r)->err, 0, __VA_ARGS__)

/* follow - v.A.B...: a new ref, NULL for a missing key */
static int follow(struct run *r, json_t *v, const struct arg *a, json_t **out)
{
	for (size_t i = 0; i < a->npath; i++) {
		if (!v || json_is_null(v)) {
			v = NULL;
			break;
		}
		if (!json_is_object(v))
			return rerr(r, "template: can't evaluate field %s: not an object", a->path[i]);
		v = json_object_get(v, a->path[i]);
	}
	*out = v ? json_incref(v) : NULL;
	return 0;
}

static int operand(struct run *r, const struct arg *a, json_t *dot, json_t **out)
{
	switch (a->k) {
	case A_FIELD: return follow(r, dot, a, out);
	case A_STR: *out = json_string(a->name); return *out ? 0 : rerr(r, "template: %s", "bad string");
	case A_NUM: *out = json_integer(a->num); return 0;
	case A_VAR:
		if (!a->name[0])
			return follow(r, r->root, a, out);
		for (size_t i = r->nvars; i-- > 0;)
			if (!strcmp(r->vars[i].name, a->name))
				return follow(r, r->vars[i].v, a, out);
		return rerr(r, "template: undefined variable $%s", a->name);
	case A_FUNC:
		if (!strcmp(a->name, "true") || !strcmp(a->name, "false")) {
			*out = json_boolean(a->name[0] == 't');
			return 0;
		}
		return rerr(r, "template: %s needs to be called with its arguments", a->name);
	}
	return -1;
}

static int index_step(struct run *r, json_t *v, json_t *k, json_t **out)
{
	if (v && json_is_object(v) && json_is_string(k))
		v = json_object_get(v, json_string_value(k));
	else if (v && json_is_array(v) && json_is_integer(k) && json_integer_value(k) >= 0)
		v = json_array_get(v, (size_t)json_integer_value(k)); /* out of range: NULL */
	else if (!v || json_is_null(v))
		v = NULL;
	else
		return rerr(r, "template: index: %s", "cannot index this value with that key");
	*out = v;
	return 0;
}

/* call - a function over its evaluated arguments (new refs, NULL = missing) */
static int call(struct run *r, const char *fn, json_t **av, size_t n, json_t **out)
{
	bool one = n == 1;
	if (!strcmp(fn, "json") && one) {
		char *s = av[0] ? json_dumps(av[0], JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		*out = json_string(s ? s : "null");
		free(s);
	} else if (!strcmp(fn, "index") && n >= 1) {
		json_t *v = av[0];
		for (size_t i = 1; i < n; i++)
			if (index_step(r, v, av[i], &v) < 0)
				return -1;
		*out = v ? json_incref(v) : NULL;
	} else if (!strcmp(fn, "join") && n == 2) {
		if (!json_is_array(av[0]) || !json_is_string(av[1]))
			return rerr(r, "template: join: %s", "needs a list and a string");
		char *buf = NULL;
		size_t len = 0, i;
		json_t *e;
		FILE *f = open_memstream(&buf, &len);
		if (!f)
			no_memory();
		json_array_foreach(av[0], i, e) {
			if (i)
				fputs(json_string_value(av[1]), f);
			print_value(f, e);
		}
		fclose(f);
		*out = json_stringn(buf, len);
		free(buf);
	} else if ((!strcmp(fn, "lower") || !strcmp(fn, "upper")) && one) {
		char *s = value_string(av[0]);
		for (char *p = s; *p; p++)
			*p = (char)(fn[0] == 'l' ? tolower((unsigned char)*p) : toupper((unsigned char)*p));
		*out = json_string(s);
		free(s);
	} else if (!strcmp(fn, "len") && one) {
		json_t *v = av[0];
		if (json_is_array(v))
			*out = json_integer((json_int_t)json_array_size(v));
		else if (json_is_object(v))
			*out = json_integer((json_int_t)json_object_size(v));
		else if (json_is_string(v))
			*out = json_integer((json_int_t)json_string_length(v));
		else
			return rerr(r, "template: len: %s", "not a list, map or string");
	} else if ((!strcmp(fn, "eq") && n >= 2) || (!strcmp(fn, "ne") && n == 2)) {
		bool eq = false;
		for (size_t i = 1; i < n; i++)
			eq = eq || (av[0] && av[i] ? json_equal(av[0], av[i]) : av[0] == av[i]);
		*out = json_boolean(fn[0] == 'e' ? eq : !eq);
	} else if (!strcmp(fn, "not") && one) {
		*out = json_boolean(!truth(av[0]));
	} else {
		return rerr(r, "template: %s: wrong number of arguments", fn);
	}
	if (!*out && strcmp(fn, "index"))
		return rerr(r, "template: %s: no value", fn);
	return 0;
}

/* eval_pipe - the value of a pipeline (new ref, NULL = missing) */
static int eval_pipe(struct run *r, const struct pipe *pp, json_t *dot, json_t **out)
{
	json_t *prev = NULL;
	bool have_prev = false;
	for (size_t c = 0; c < pp->n; c++) {
		const struct cmd *cm = &pp->cmds[c];
		json_t *v = NULL;
		int ret;
		if (cm->args[0].k != A_FUNC ||
		    (!strcmp(cm->args[0].name, "true") || !strcmp(cm->args[0].name, "false"))) {
			if (have_prev) {
				json_decref(prev);
				return rerr(r, "template: %s", "a pipe must end in a function");
			}
			ret = operand(r, &cm->args[0], dot, &v);
		} else {
			size_t n = cm->n - 1 + have_prev;
			json_t **av = xrealloc(NULL, (n + 1) * sizeof(json_t *));
			size_t k = 0;
			ret = 0;
			for (size_t i = 1; i < cm->n && ret == 0; i++)
				ret = operand(r, &cm->args[i], dot, &av[k++]);
			if (ret < 0)
				k--;
			if (have_prev)
				av[k++] = prev;
			have_prev = false;
			if (ret == 0)
				ret = call(r, cm->args[0].name, av, k, &v);
			for (size_t i = 0; i < k; i++)
				json_decref(av[i]);
			free(av);
		}
		if (ret < 0)
			return -1;
		prev = v;
		have_prev = true;
	}
	*out = prev;
	return 0;
}

static int exec_list(struct run *r, const struct list *l, json_t *dot);

static int exec_range(struct run *r, const struct node *n, json_t *v, json_t *dot)
{
	size_t base = r->nvars;
	int ret = 0;
	if (!truth(v))
		return exec_list(r, &n->alt, dot);
	if (!json_is_array(v) && !json_is_object(v))
		return rerr(r, "template: range can't iterate over %s", "this value");
	size_t count = json_is_array(v) ? json_array_size(v) : json_object_size(v);
	const char **keys = NULL;
	if (json_is_object(v)) { /* Go ranges over a map in key order */
		const char *k;
		json_t *e;
		size_t j = 0;
		keys = xrealloc(NULL, count * sizeof(char *));
		json_object_foreach(v, k, e)
			keys[j++] = k;
		qsort(keys, count, sizeof(char *), strcmp_p);
	}
	for (size_t i = 0; i < count && ret == 0; i++) {
		json_t *e = keys ? json_object_get(v, keys[i]) : json_array_get(v, i);
		json_t *key = keys ? json_string(keys[i]) : json_integer((json_int_t)i);
		r->nvars = base;
		if (n->pipe.ndecl == 2) {
			r->vars[r->nvars++] = (struct var){n->pipe.decl[0], key};
			r->vars[r->nvars++] = (struct var){n->pipe.decl[1], e};
		} else if (n->pipe.ndecl == 1) {
			r->vars[r->nvars++] = (struct var){n->pipe.decl[0], e};
		}
		ret = exec_list(r, &n->body, e);
		json_decref(key);
	}
	r->nvars = base;
	free(keys);
	return ret;
}

static int exec_list(struct run *r, const struct list *l, json_t *dot)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct node *n = &l->v[i];
		json_t *v = NULL;
		int ret = 0;
		if (++r->steps > MAX_STEPS)
			return rerr(r, "template: more than %d steps", MAX_STEPS);
		if (n->k == N_TEXT) {
			fputs(n->text, r->out);
			continue;
		}
		if (eval_pipe(r, &n->pipe, dot, &v) < 0)
			return -1;
		if (n->k == N_ACTION)
			print_value(r->out, v);
		else if (n->k == N_IF)
			ret = exec_list(r, truth(v) ? &n->body : &n->alt, dot);
		else
			ret = exec_range(r, n, v, dot);
		json_decref(v);
		if (ret < 0)
			return -1;
	}
	return 0;
}

int volt_tmpl_exec(const struct volt_tmpl *t, json_t *data, FILE *out, struct volt_err *err)
{
	struct run r = {.root = data, .out = out, .err = err};
	return exec_list(&r, &t->top, data);
}
