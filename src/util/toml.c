#include "util/toml.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bounds for untrusted input: a configuration file is small. */
#define TOML_MAX_LEN (1u << 20)
#define TOML_MAX_NODES 65536
#define TOML_MAX_DEPTH 32
#define TOML_MAX_PARTS 32

struct parser {
	const char *p, *end;
	int line;
	int nodes;
	struct volt_err *err;
};

const char *volt_toml_type_name(enum volt_toml_type t)
{
	switch (t) {
	case VOLT_TOML_TABLE: return "table";
	case VOLT_TOML_ARRAY: return "array";
	case VOLT_TOML_STRING: return "string";
	case VOLT_TOML_INT: return "integer";
	case VOLT_TOML_BOOL: return "boolean";
	}
	return "value";
}

void volt_toml_free(struct volt_toml *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		volt_toml_free(t->kids[i]);
	free(t->kids);
	free(t->key);
	free(t->str);
	free(t);
}

static int fail(struct parser *ps, const char *what)
{
	return volt_err_set(ps->err, 0, "line %d: %s", ps->line, what);
}

static struct volt_toml *node(struct parser *ps, enum volt_toml_type type)
{
	if (++ps->nodes > TOML_MAX_NODES) {
		fail(ps, "too many values");
		return NULL;
	}
	struct volt_toml *t = calloc(1, sizeof(*t));
	if (!t) {
		volt_err_set(ps->err, ENOMEM, "toml");
		return NULL;
	}
	t->type = type;
	t->line = ps->line;
	return t;
}

static int add_kid(struct parser *ps, struct volt_toml *parent, struct volt_toml *kid)
{
	struct volt_toml **nk = realloc(parent->kids, (parent->n + 1) * sizeof(*nk));
	if (!nk) {
		volt_toml_free(kid);
		return volt_err_set(ps->err, ENOMEM, "toml");
	}
	parent->kids = nk;
	parent->kids[parent->n++] = kid;
	return 0;
}

static struct volt_toml *find(const struct volt_toml *t, const char *key)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->kids[i]->key && !strcmp(t->kids[i]->key, key))
			return t->kids[i];
	return NULL;
}

static bool at_end(struct parser *ps)
{
	return ps->p >= ps->end;
}

static void skip_ws(struct parser *ps)
{
	while (!at_end(ps) && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

/* skip_blank - whitespace, newlines and comments (inside arrays) */
static void skip_blank(struct parser *ps)
{
	while (!at_end(ps)) {
		char c = *ps->p;
		if (c == ' ' || c == '\t' || c == '\r') {
			ps->p++;
		} else if (c == '\n') {
			ps->p++;
			ps->line++;
		} else if (c == '#') {
			while (!at_end(ps) && *ps->p != '\n')
				ps->p++;
		} else {
			break;
		}
	}
}

/* end_of_line - nothing but a comment may follow a value or a header */
static int end_of_line(struct parser *ps)
{
	skip_ws(ps);
	if (!at_end(ps) && *ps->p == '#')
		while (!at_end(ps) && *ps->p != '\n')
			ps->p++;
	if (!at_end(ps) && *ps->p == '\r')
		ps->p++;
	if (at_end(ps))
		return 0;
	if (*ps->p != '\n')
		return fail(ps, "unexpected text after the value");
	ps->p++;
	ps->line++;
	return 0;
}

/* put_utf8 - code point cp as UTF-8 into b (4 bytes of room) */
static size_t put_utf8(char *b, uint32_t cp)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xc0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = (char)(0xe0 | (cp >> 12));
		b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	b[0] = (char)(0xf0 | (cp >> 18));
	b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	b[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static int hex_escape(struct parser *ps, int digits, uint32_t *cp)
{
	*cp = 0;
	for (int i = 0; i < digits; i++) {
		if (at_end(ps))
			return fail(ps, "a string without its closing quote");
		char c = *ps->p++;
		int v = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 :
					       -1;
		if (v < 0)
			return fail(ps, "a bad \\u escape");
		*cp = *cp * 16 + (uint32_t)v;
	}
	if (*cp == 0 || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return fail(ps, "a \\u escape that is not a character (or is NUL)");
	return 0;
}

/* parse_string - a basic ("...") or literal ('...') string on one line */
static int parse_string(struct parser *ps, char **out)
{
	char q = *ps->p;
	if (ps->end - ps->p >= 3 && ps->p[1] == q && ps->p[2] == q)
		return fail(ps, "multi-line strings are not supported");
	ps->p++;
	const char *start = ps->p;
	size_t room = 1;
	while (!at_end(ps) && *ps->p != q && *ps->p != '\n') {
		if (q == '"' && *ps->p == '\\' && ps->p + 1 < ps->end)
			ps->p++;
		ps->p++;
		room += 4; /* an escape may grow into 4 bytes of UTF-8 */
	}
	if (at_end(ps) || *ps->p != q)
		return fail(ps, "a string without its closing quote");
	const char *stop = ps->p;
	char *s = malloc(room), *w = s;
	if (!s)
		return volt_err_set(ps->err, ENOMEM, "toml");
	ps->p = start;
	while (ps->p < stop) {
		unsigned char c = (unsigned char)*ps->p++;
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			free(s);
			return fail(ps, "a control character in a string");
		}
		if (q == '\'' || c != '\\') {
			*w++ = (char)c;
			continue;
		}
		char e = *ps->p++;
		uint32_t cp;
		switch (e) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case 'b': *w++ = '\b'; break;
		case 't': *w++ = '\t'; break;
		case 'n': *w++ = '\n'; break;
		case 'f': *w++ = '\f'; break;
		case 'r': *w++ = '\r'; break;
		case 'u':
		case 'U':
			if (hex_escape(ps, e == 'u' ? 4 : 8, &cp) < 0 || ps->p > stop) {
				free(s);
				return ps->p > stop ? fail(ps, "a bad \\u escape") : -1;
			}
			w += put_utf8(w, cp);
			break;
		default: free(s); return fail(ps, "an unknown escape in a string");
		}
	}
	*w = '\0';
	ps->p = stop + 1;
	*out = s;
	return 0;
}

static bool bare_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* parse_key - a dotted key into parts (*n of them, each allocated) */
static int parse_key(struct parser *ps, char *parts[TOML_MAX_PARTS], int *n)
{
	*n = 0;
	for (;;) {
		skip_ws(ps);
		if (*n == TOML_MAX_PARTS)
			return fail(ps, "a key with too many parts");
		if (!at_end(ps) && (*ps->p == '"' || *ps->p == '\'')) {
			if (parse_string(ps, &parts[*n]) < 0)
				return -1;
		} else {
			const char *s = ps->p;
			while (!at_end(ps) && bare_char(*ps->p))
				ps->p++;
			if (ps->p == s)
				return fail(ps, "a key expected");
			parts[*n] = strndup(s, (size_t)(ps->p - s));
			if (!parts[*n])
				return volt_err_set(ps->err, ENOMEM, "toml");
		}
		(*n)++;
		skip_ws(ps);
		if (at_end(ps) || *ps->p != '.')
			return 0;
		ps->p++;
	}
}

static void free_parts(char *parts[], int n)
{
	for (int i = 0; i < n; i++)
		free(parts[i]);
}

static struct volt_toml *parse_value(struct parser *ps, int depth);

/* descend - the table for key below t, made when missing (implicit); the
 * last table of an array of tables */
static struct volt_toml *descend(struct parser *ps, struct volt_toml *t, const char *key)
{
	struct volt_toml *k = find(t, key);
	if (!k) {
		k = node(ps, VOLT_TOML_TABLE);
		if (!k)
			return NULL;
		if (!(k->key = strdup(key))) {
			volt_toml_free(k);
			volt_err_set(ps->err, ENOMEM, "toml");
			return NULL;
		}
		return add_kid(ps, t, k) < 0 ? NULL : k;
	}
	if (k->type == VOLT_TOML_ARRAY && k->defined && k->n)
		return k->kids[k->n - 1];
	if (k->type != VOLT_TOML_TABLE) {
		fail(ps, "a key is used both as a value and as a table");
		return NULL;
	}
	return k;
}

/* set_value - key parts = v below t (dotted keys make tables) */
static int set_value(struct parser *ps, struct volt_toml *t, char *parts[], int n, struct volt_toml *v)
{
	for (int i = 0; i < n - 1 && t; i++)
		t = descend(ps, t, parts[i]);
	if (!t) {
		volt_toml_free(v);
		return -1;
	}
	if (find(t, parts[n - 1])) {
		volt_toml_free(v);
		return volt_err_set(ps->err, 0, "line %d: %s is defined twice", ps->line, parts[n - 1]);
	}
	v->key = strdup(parts[n - 1]);
	if (!v->key) {
		volt_toml_free(v);
		return volt_err_set(ps->err, ENOMEM, "toml");
	}
	return add_kid(ps, t, v);
}

static struct volt_toml *parse_array(struct parser *ps, int depth)
{
	struct volt_toml *a = node(ps, VOLT_TOML_ARRAY);
	if (!a)
		return NULL;
	ps->p++; /* [ */
	for (;;) {
		skip_blank(ps);
		if (at_end(ps)) {
			fail(ps, "an array without its closing ]");
			break;
		}
		if (*ps->p == ']') {
			ps->p++;
			return a;
		}
		struct volt_toml *v = parse_value(ps, depth + 1);
		if (!v || add_kid(ps, a, v) < 0)
			break;
		skip_blank(ps);
		if (!at_end(ps) && *ps->p == ',') {
			ps->p++;
		} else if (at_end(ps) || *ps->p != ']') {
			fail(ps, at_end(ps) ? "an array without its closing ]" : "a , or ] expected in an array");
			break;
		}
	}
	volt_toml_free(a);
	return NULL;
}

static struct volt_toml *parse_inline_table(struct parser *ps, int depth)
{
	struct volt_toml *t = node(ps, VOLT_TOML_TABLE);
	if (!t)
		return NULL;
	t->defined = true;
	ps->p++; /* { */
	skip_ws(ps);
	if (!at_end(ps) && *ps->p == '}') {
		ps->p++;
		return t;
	}
	for (;;) {
		char *parts[TOML_MAX_PARTS];
		int n;
		if (parse_key(ps, parts, &n) < 0) {
			free_parts(parts, n);
			break;
		}
		skip_ws(ps);
		struct volt_toml *v = NULL;
		if (at_end(ps) || *ps->p != '=')
			fail(ps, "= expected after a key");
		else {
			ps->p++;
			skip_ws(ps);
			v = parse_value(ps, depth + 1);
		}
		int r = v ? set_value(ps, t, parts, n, v) : -1;
		free_parts(parts, n);
		if (r < 0)
			break;
		skip_ws(ps);
		if (!at_end(ps) && *ps->p == '}') {
			ps->p++;
			return t;
		}
		if (at_end(ps) || *ps->p != ',') {
			fail(ps, "a , or } expected in an inline table");
			break;
		}
		ps->p++;
	}
	volt_toml_free(t);
	return NULL;
}

static struct volt_toml *parse_number(struct parser *ps)
{
	const char *s = ps->p;
	char digits[32];
	size_t nd = 0;
	if (*ps->p == '+' || *ps->p == '-')
		digits[nd++] = *ps->p++;
	bool prev_digit = false;
	while (!at_end(ps) && ((*ps->p >= '0' && *ps->p <= '9') || *ps->p == '_')) {
		if (*ps->p == '_') {
			if (!prev_digit) {
				fail(ps, "a bad number");
				return NULL;
			}
			prev_digit = false;
			ps->p++;
			continue;
		}
		if (nd == sizeof(digits) - 1) {
			fail(ps, "a number too large");
			return NULL;
		}
		digits[nd++] = *ps->p++;
		prev_digit = true;
	}
	digits[nd] = '\0';
	if (!at_end(ps) && strchr(".eE:-xob", *ps->p)) {
		fail(ps, "floats, dates, times and non-decimal numbers are not supported");
		return NULL;
	}
	if (!prev_digit || ps->p == s) {
		fail(ps, "a bad value");
		return NULL;
	}
	errno = 0;
	char *e;
	long long v = strtoll(digits, &e, 10);
	if (errno || *e) {
		fail(ps, "a number too large");
		return NULL;
	}
	struct volt_toml *t = node(ps, VOLT_TOML_INT);
	if (t)
		t->num = v;
	return t;
}

static bool word(struct parser *ps, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n))
		return false;
	if ((size_t)(ps->end - ps->p) > n && bare_char(ps->p[n]))
		return false;
	ps->p += n;
	return true;
}

static struct volt_toml *parse_value(struct parser *ps, int depth)
{
	if (depth > TOML_MAX_DEPTH) {
		fail(ps, "values nested too deep");
		return NULL;
	}
	if (at_end(ps)) {
		fail(ps, "a value expected");
		return NULL;
	}
	char c = *ps->p;
	if (c == '"' || c == '\'') {
		struct volt_toml *t = node(ps, VOLT_TOML_STRING);
		if (t && parse_string(ps, &t->str) < 0) {
			volt_toml_free(t);
			return NULL;
		}
		return t;
	}
	if (c == '[')
		return parse_array(ps, depth);
	if (c == '{')
		return parse_inline_table(ps, depth);
	if (word(ps, "true") || word(ps, "false")) {
		struct volt_toml *t = node(ps, VOLT_TOML_BOOL);
		if (t)
			t->num = ps->p[-1] == 'e' && ps->p[-2] == 'u';
		return t;
	}
	if (word(ps, "inf") || word(ps, "nan") || word(ps, "+inf") || word(ps, "-inf")) {
		fail(ps, "floats are not supported");
		return NULL;
	}
	if ((c >= '0' && c <= '9') || c == '+' || c == '-')
		return parse_number(ps);
	fail(ps, "a value expected");
	return NULL;
}

/* header - [a.b] or [[a.b]]: the table later keys go into */
static struct volt_toml *header(struct parser *ps, struct volt_toml *root)
{
	bool aot = ps->end - ps->p >= 2 && ps->p[1] == '[';
	ps->p += aot ? 2 : 1;
	char *parts[TOML_MAX_PARTS];
	int n;
	struct volt_toml *t = root, *res = NULL;
	if (parse_key(ps, parts, &n) < 0) {
		free_parts(parts, n);
		return NULL;
	}
	skip_ws(ps);
	if (at_end(ps) || *ps->p != ']' || (aot && (ps->end - ps->p < 2 || ps->p[1] != ']'))) {
		fail(ps, aot ? "]] expected" : "] expected");
		goto out;
	}
	ps->p += aot ? 2 : 1;
	if (end_of_line(ps) < 0)
		goto out;
	for (int i = 0; i < n - 1 && t; i++)
		t = descend(ps, t, parts[i]);
	if (!t)
		goto out;
	struct volt_toml *k = find(t, parts[n - 1]);
	if (aot) {
		if (!k) {
			k = node(ps, VOLT_TOML_ARRAY);
			if (!k)
				goto out;
			k->defined = true;
			if (!(k->key = strdup(parts[n - 1]))) {
				volt_toml_free(k);
				volt_err_set(ps->err, ENOMEM, "toml");
				goto out;
			}
			if (add_kid(ps, t, k) < 0)
				goto out;
		} else if (k->type != VOLT_TOML_ARRAY || !k->defined) {
			volt_err_set(ps->err, 0, "line %d: %s is not an array of tables", ps->line - 1, parts[n - 1]);
			goto out;
		}
		struct volt_toml *item = node(ps, VOLT_TOML_TABLE);
		if (!item || add_kid(ps, k, item) < 0)
			goto out;
		item->defined = true;
		res = item;
	} else {
		if (!k) {
			k = descend(ps, t, parts[n - 1]);
		} else if (k->type != VOLT_TOML_TABLE || k->defined) {
			volt_err_set(ps->err, 0,
				     k->type != VOLT_TOML_TABLE ? "line %d: %s is used both as a value and as a table" :
								  "line %d: table %s is defined twice",
				     ps->line - 1, parts[n - 1]);
			goto out;
		}
		if (k)
			k->defined = true;
		res = k;
	}
out:
	free_parts(parts, n);
	return res;
}

int volt_toml_parse(const char *text, size_t len, struct volt_toml **root, struct volt_err *err)
{
	struct parser ps = {.p = text, .end = text + len, .line = 1, .err = err};
	*root = NULL;
	if (len > TOML_MAX_LEN)
		return volt_err_set(err, EFBIG, "larger than %u bytes", TOML_MAX_LEN);
	if (memchr(text, '\0', len))
		return volt_err_set(err, 0, "a NUL byte in the text");
	struct volt_toml *r = node(&ps, VOLT_TOML_TABLE), *cur = r;
	if (!r)
		return -1;
	r->defined = true;
	err->msg[0] = '\0';
	for (;;) {
		skip_blank(&ps);
		if (at_end(&ps))
			break;
		if (*ps.p == '[') {
			cur = header(&ps, r);
			if (!cur)
				goto fail;
			continue;
		}
		char *parts[TOML_MAX_PARTS];
		int n;
		if (parse_key(&ps, parts, &n) < 0) {
			free_parts(parts, n);
			goto fail;
		}
		skip_ws(&ps);
		struct volt_toml *v = NULL;
		if (at_end(&ps) || *ps.p != '=') {
			fail(&ps, "= expected after a key");
		} else {
			ps.p++;
			skip_ws(&ps);
			v = parse_value(&ps, 0);
		}
		int rr = v ? set_value(&ps, cur, parts, n, v) : -1;
		free_parts(parts, n);
		if (rr < 0 || end_of_line(&ps) < 0)
			goto fail;
	}
	*root = r;
	return 0;
fail:
	volt_toml_free(r);
	if (!err->msg[0])
		volt_err_set(err, 0, "line %d: not TOML", ps.line);
	return -1;
}

const struct volt_toml *volt_toml_get(const struct volt_toml *t, const char *path)
{
	char part[256];
	while (t && *path) {
		size_t n = strcspn(path, ".");
		if (n >= sizeof(part) || t->type != VOLT_TOML_TABLE)
			return NULL;
		memcpy(part, path, n);
		part[n] = '\0';
		t = find(t, part);
		path += n + (path[n] == '.');
	}
	return t;
}
