/* The output of every listing (ps, images, volume ls, ...), as docker's:
 * a table whose columns fit their widest cell (docker's tabwriter: at least
 * 10 columns wide, 3 spaces of padding), `--format json` as one compact JSON
 * object per line, `--format 'table {{.A}}\t{{.B}}'` as a table with the
 * fields' headers, any other template as a line per row. The table is the
 * same code with the listing's default template, so a default table and
 * a user's `table` format cannot differ in layout. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/gotmpl.h"

enum { LIST_TABLE, LIST_JSON, LIST_TMPL };

/* unescape - docker replaces the two-character \t and \n of a format with
 * a tab and a newline, so that a shell's single quotes can carry them */
static char *unescape(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	if (!out)
		return NULL;
	for (; *s; s++) {
		if (s[0] == '\\' && (s[1] == 't' || s[1] == 'n')) {
			*o++ = s[1] == 't' ? '\t' : '\n';
			s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
	return out;
}

int cli_listing_open(struct cli_listing *l, const char *cmd, const char *format, const char *default_table,
		     const struct cli_col *cols)
{
	memset(l, 0, sizeof(*l));
	l->cmd = cmd;
	l->cols = cols;
	if (!format || !*format)
		format = default_table;
	if (!strcmp(format, "json")) {
		l->mode = LIST_JSON;
		return 0;
	}
	l->mode = LIST_TMPL;
	if (!strncmp(format, "table", 5) && (!format[5] || format[5] == ' ')) {
		l->mode = LIST_TABLE;
		format += 5;
		format += strspn(format, " ");
		if (!*format) /* `--format table` alone: the default columns */
			format = default_table + 6;
	}
	char *src = unescape(format);
	int r = src ? cli_format_parse(cmd, src, &l->tmpl) : -1;
	free(src);
	if (r < 0)
		return -1;
	if (l->mode == LIST_TABLE && !(l->mem = open_memstream(&l->buf, &l->len))) {
		volt_tmpl_free(l->tmpl);
		return -1;
	}
	if (l->mode == LIST_TABLE) { /* the header: the template over the columns' names */
		json_t *h = json_object();
		for (const struct cli_col *c = cols; c && c->key; c++)
			json_object_set_new(h, c->key, json_string(c->header));
		struct volt_err err = {0};
		r = volt_tmpl_exec(l->tmpl, h, l->mem, &err);
		json_decref(h);
		fputc('\n', l->mem);
		if (r < 0) { /* a header that fails is not one: no header */
			fclose(l->mem);
			free(l->buf);
			l->buf = NULL;
			l->mem = open_memstream(&l->buf, &l->len);
		}
	}
	return 0;
}

int cli_listing_row(struct cli_listing *l, json_t *row)
{
	struct volt_err err = {0};
	if (l->failed)
		return -1;
	switch (l->mode) {
	case LIST_JSON:
		json_dumpf(row, stdout, JSON_COMPACT | JSON_SORT_KEYS);
		putchar('\n');
		return 0;
	case LIST_TMPL:
		if (cli_format_print(l->cmd, l->tmpl, row) < 0)
			l->failed = true;
		return l->failed ? -1 : 0;
	default:
		if (volt_tmpl_exec(l->tmpl, row, l->mem, &err) < 0) {
			fprintf(stderr, "volt: %s: --format: %s\n", l->cmd, err.msg);
			l->failed = true;
			return -1;
		}
		fputc('\n', l->mem);
		return 0;
	}
}

/* width - the columns a cell takes: UTF-8 continuation bytes take none */
static size_t width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

/* print_table - the buffered lines, each tab-ended cell padded to its
 * column's width; the last cell of a line is printed as it is */
static void print_table(const char *buf, size_t len)
{
	size_t *w = NULL, nw = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char *p = buf, *end = buf + len;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl)
				nl = end;
			size_t col = 0;
			for (const char *c = p; c < nl; col++) {
				const char *tab = memchr(c, '\t', (size_t)(nl - c));
				size_t cw = width(c, (size_t)((tab ? tab : nl) - c));
				if (pass == 0 && tab) {
					if (col >= nw) {
						size_t *nwv = realloc(w, (col + 1) * sizeof(*w));
						if (!nwv) {
							free(w);
							return;
						}
						w = nwv;
						for (; nw <= col; nw++)
							w[nw] = 10; /* docker's minimum cell width */
					}
					if (cw + 3 > w[col])
						w[col] = cw + 3;
				} else if (pass == 1) {
					fwrite(c, 1, (size_t)((tab ? tab : nl) - c), stdout);
					if (tab)
						printf("%*s", (int)(w[col] - cw), "");
				}
				if (!tab)
					break;
				c = tab + 1;
			}
			if (pass == 1)
				putchar('\n');
			p = nl + 1;
		}
	}
	free(w);
}

int cli_listing_close(struct cli_listing *l)
{
	if (l->mem) {
		fclose(l->mem);
		if (!l->failed)
			print_table(l->buf, l->len);
		free(l->buf);
	}
	volt_tmpl_free(l->tmpl);
	return l->failed ? VOLT_EXIT_INTERNAL : 0;
}

void cli_truncate(char *s, size_t max)
{
	size_t n = 0;
	for (char *p = s; *p; p++) {
		if (((unsigned char)*p & 0xc0) == 0x80)
			continue;
		if (n++ == max - 1 && width(p, strlen(p)) > 1) {
			strcpy(p, "\xe2\x80\xa6"); /* docker's ellipsis, U+2026 */
			return;
		}
	}
}
