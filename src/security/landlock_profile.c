/* Parser of volt's Landlock profile format. Pure text handling, no syscalls:
 * unit-tested and fuzzed alone; security/landlock.c turns a profile into a
 * ruleset. */
#include "security/landlock_profile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

int volt_ll_profile_add_path(struct volt_ll_profile *p, const char *path, unsigned rights)
{
	for (size_t i = 0; i < p->n_paths; i++)
		if (!strcmp(p->paths[i].path, path)) {
			p->paths[i].rights |= rights;
			return 0;
		}
	struct volt_ll_path *np = realloc(p->paths, (p->n_paths + 1) * sizeof(*np));
	if (!np)
		return -1;
	p->paths = np;
	if (!(np[p->n_paths].path = strdup(path)))
		return -1;
	np[p->n_paths++].rights = rights;
	return 0;
}

int volt_ll_profile_add_port(struct volt_ll_profile *p, bool bind, long port)
{
	uint16_t **v = bind ? &p->bind : &p->connect;
	size_t *n = bind ? &p->n_bind : &p->n_connect;
	if (bind)
		p->bind_set = true;
	else
		p->connect_set = true;
	if (port < 0)
		return 0; /* "none": restricted, no port allowed */
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i] == port)
			return 0;
	uint16_t *nv = realloc(*v, (*n + 1) * sizeof(uint16_t));
	if (!nv)
		return -1;
	nv[(*n)++] = (uint16_t)port;
	*v = nv;
	return 0;
}

/* valid_path - absolute, no "..", no empty component beyond "/" */
static bool valid_path(const char *s)
{
	if (s[0] != '/' || strlen(s) > 4096)
		return false;
	for (const char *c = s; *c; c++) {
		if (*c == '/' && c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3]))
			return false;
		if ((unsigned char)*c < 0x20)
			return false;
	}
	return true;
}

/* parse_line - one line of a profile (comments already cut); -1 with err */
static int parse_line(struct volt_ll_profile *p, char *line, const char *name, int lineno, struct volt_err *err)
{
	char *save = NULL, *kw = strtok_r(line, " \t\r", &save), *tok;
	unsigned rights = 0;
	int n = 0;

	if (!kw)
		return 0;
	if (!strcmp(kw, "read"))
		rights = VOLT_LL_READ;
	else if (!strcmp(kw, "write"))
		rights = VOLT_LL_WRITE;
	else if (!strcmp(kw, "exec"))
		rights = VOLT_LL_EXEC;
	else if (strcmp(kw, "bind") && strcmp(kw, "connect") && strcmp(kw, "scope"))
		return volt_err_set(err, EINVAL,
				    "landlock profile %s:%d: unknown keyword \"%s\" (expected read, "
				    "write, exec, bind, connect or scope)",
				    name, lineno, kw);
	while ((tok = strtok_r(NULL, " \t\r", &save))) {
		n++;
		if (rights) {
			if (!valid_path(tok))
				return volt_err_set(err, EINVAL,
						    "landlock profile %s:%d: \"%s\" is not an absolute path "
						    "without \"..\"",
						    name, lineno, tok);
			if (volt_ll_profile_add_path(p, tok, rights) < 0)
				return volt_err_set(err, ENOMEM, "landlock profile %s", name);
		} else if (!strcmp(kw, "scope")) {
			if (!strcmp(tok, "abstract-unix-socket"))
				p->scope_abstract = true;
			else if (!strcmp(tok, "signal"))
				p->scope_signal = true;
			else
				return volt_err_set(err, EINVAL,
						    "landlock profile %s:%d: unknown scope \"%s\" (expected "
						    "abstract-unix-socket or signal)",
						    name, lineno, tok);
		} else {
			char *end;
			long port = strcmp(tok, "none") ? strtol(tok, &end, 10) : -1;
			if (port != -1 && (*end || end == tok || port < 0 || port > 65535))
				return volt_err_set(err, EINVAL,
						    "landlock profile %s:%d: \"%s\" is not a port (0-65535) "
						    "or none",
						    name, lineno, tok);
			if (volt_ll_profile_add_port(p, kw[0] == 'b', port) < 0)
				return volt_err_set(err, ENOMEM, "landlock profile %s", name);
		}
	}
	if (!n)
		return volt_err_set(err, EINVAL, "landlock profile %s:%d: \"%s\" needs at least one argument", name,
				    lineno, kw);
	return 0;
}

int volt_ll_profile_parse(struct volt_ll_profile *p, const char *name, const char *text, size_t len,
			  struct volt_err *err)
{
	cleanup_free char *buf = malloc(len + 1);
	char *line, *next;
	int lineno = 0;

	memset(p, 0, sizeof(*p));
	if (!buf)
		return volt_err_set(err, ENOMEM, "landlock profile %s", name);
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return volt_err_set(err, EINVAL, "landlock profile %s: contains a NUL byte", name);
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		if (parse_line(p, line, name, lineno, err) < 0) {
			volt_ll_profile_free(p);
			return -1;
		}
	}
	return 0;
}

/* by_path - qsort order of path entries */
static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct volt_ll_path *)a)->path, ((const struct volt_ll_path *)b)->path);
}

char *volt_ll_profile_format(const struct volt_ll_profile *p)
{
	static const struct {
		unsigned r;
		const char *kw;
	} kws[] = {{VOLT_LL_READ, "read"}, {VOLT_LL_WRITE, "write"}, {VOLT_LL_EXEC, "exec"}};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	/* sorted, so that the text depends only on what the profile allows */
	cleanup_free struct volt_ll_path *sorted = calloc(p->n_paths + 1, sizeof(*sorted));

	if (!f || !sorted) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	if (p->n_paths)
		memcpy(sorted, p->paths, p->n_paths * sizeof(*sorted));
	qsort(sorted, p->n_paths, sizeof(*sorted), by_path);
	for (size_t k = 0; k < ARRAY_SIZE(kws); k++) {
		bool any = false;
		for (size_t i = 0; i < p->n_paths; i++)
			if (sorted[i].rights & kws[k].r) {
				fprintf(f, "%s%s", any ? " " : kws[k].kw, any ? "" : " ");
				fputs(sorted[i].path, f);
				any = true;
			}
		if (any)
			fputc('\n', f);
	}
	for (int b = 1; b >= 0; b--) {
		bool set = b ? p->bind_set : p->connect_set;
		size_t n = b ? p->n_bind : p->n_connect;
		const uint16_t *v = b ? p->bind : p->connect;
		if (!set)
			continue;
		fputs(b ? "bind" : "connect", f);
		if (!n)
			fputs(" none", f);
		for (size_t i = 0; i < n; i++)
			fprintf(f, " %u", (unsigned)v[i]);
		fputc('\n', f);
	}
	if (p->scope_abstract || p->scope_signal)
		fprintf(f, "scope%s%s\n", p->scope_abstract ? " abstract-unix-socket" : "",
			p->scope_signal ? " signal" : "");
	fclose(f);
	return buf;
}

void volt_ll_profile_free(struct volt_ll_profile *p)
{
	for (size_t i = 0; i < p->n_paths; i++)
		free(p->paths[i].path);
	free(p->paths);
	free(p->bind);
	free(p->connect);
	memset(p, 0, sizeof(*p));
}
