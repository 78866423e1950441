#include "vm/share_param.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool plain(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static bool word_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!plain(*s))
			return false;
	return true;
}

char *volt_share_param_encode(const struct volt_share_entry *e, size_t n)
{
	size_t cap = 1;
	for (size_t i = 0; i < n; i++)
		cap += strlen(e[i].kind) + strlen(e[i].tag) + 3 * strlen(e[i].path) + 8;
	char *out = malloc(cap), *o = out;
	if (!out)
		return NULL;
	*o = '\0';
	for (size_t i = 0; i < n; i++) {
		if (!word_ok(e[i].kind) || !word_ok(e[i].tag) || e[i].path[0] != '/') {
			free(out);
			return NULL;
		}
		o += sprintf(o, "%s%s:%s:", i ? "," : "", e[i].kind, e[i].tag);
		for (const unsigned char *c = (const unsigned char *)e[i].path; *c; c++) {
			if (plain((char)*c) || *c == '/' || *c == '.')
				*o++ = (char)*c;
			else
				o += sprintf(o, "%%%02X", *c);
		}
		o += sprintf(o, ":%s", e[i].ro ? "ro" : "rw");
	}
	return out;
}

/* field - copy up to the next ':' (or ',' / end when last) into buf */
static int field(const char **p, char *buf, size_t len, bool last)
{
	size_t k = 0;
	const char *s = *p;
	while (*s && *s != ':' && *s != ',') {
		if (k + 1 >= len)
			return -1;
		buf[k++] = *s++;
	}
	buf[k] = '\0';
	if (last ? (*s == ':') : (*s != ':'))
		return -1;
	if (*s == ':')
		s++;
	*p = s;
	return k ? 0 : -1;
}

static int hex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' :
	       c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 :
				      -1;
}

int volt_share_param_next(const char **p, struct volt_share_entry *e)
{
	char raw[3 * sizeof(e->path)], mode[4];
	if (!**p)
		return 0;
	if (field(p, e->kind, sizeof(e->kind), false) < 0 || field(p, e->tag, sizeof(e->tag), false) < 0 ||
	    field(p, raw, sizeof(raw), false) < 0 || field(p, mode, sizeof(mode), true) < 0)
		return -1;
	if (**p == ',' && !*++*p)
		return -1; /* a trailing comma */
	if (!word_ok(e->kind) || !word_ok(e->tag))
		return -1;
	if (!strcmp(mode, "ro"))
		e->ro = true;
	else if (!strcmp(mode, "rw"))
		e->ro = false;
	else
		return -1;
	size_t k = 0;
	for (const char *s = raw; *s; s++) {
		int c = (unsigned char)*s;
		if (c == '%') {
			int h = hex(s[1]), l = h < 0 ? -1 : hex(s[2]);
			if (l < 0)
				return -1;
			c = h * 16 + l;
			s += 2;
		}
		if (!c || k + 1 >= sizeof(e->path))
			return -1;
		e->path[k++] = (char)c;
	}
	e->path[k] = '\0';
	return e->path[0] == '/' ? 1 : -1;
}
