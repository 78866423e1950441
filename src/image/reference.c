/* Image reference parsing and normalisation (docker's grammar, see
 * distribution/reference): path components are lowercase alphanumerics joined
 * by '.', '_', '__' or runs of '-'; tags are [A-Za-z0-9_][A-Za-z0-9_.-]{0,127};
 * digests are sha256:<64 lowercase hex>. */
#include "image/reference.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/fs.h"

#define REF_MAX 1024

/* valid_component - one path component per docker's grammar. */
static bool valid_component(const char *s, size_t n)
{
	if (n == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (islower(c) || isdigit(c))
			continue;
		if (c == '-')
			continue; /* runs of dashes are allowed */
		if (c == '.' || c == '_') {
			/* ".", "_" or "__" between alphanumerics */
			if (c == '_' && i + 1 < n && s[i + 1] == '_' && i + 2 < n && isalnum((unsigned char)s[i + 2])) {
				i++;
				continue;
			}
			if (i + 1 < n && !isalnum((unsigned char)s[i + 1]))
				return false;
			continue;
		}
		return false;
	}
	return true;
}

/* valid_domain - host names (letters, digits, '-', '.'), an optional
 * ":port", or a bracketed IPv6 address. */
static bool valid_domain(const char *s, size_t n)
{
	size_t i = 0;
	if (n == 0)
		return false;
	if (s[0] == '[') {
		const char *end = memchr(s, ']', n);
		if (!end)
			return false;
		for (const char *p = s + 1; p < end; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':')
				return false;
		i = (size_t)(end - s) + 1;
	} else {
		for (; i < n && s[i] != ':'; i++) {
			unsigned char c = (unsigned char)s[i];
			if (!isalnum(c) && c != '-' && c != '.')
				return false;
		}
		if (i == 0 || s[0] == '.' || s[0] == '-' || s[i - 1] == '.' || s[i - 1] == '-')
			return false;
	}
	if (i == n)
		return true;
	if (s[i] != ':' || i + 1 == n || n - i - 1 > 5)
		return false;
	for (size_t k = i + 1; k < n; k++)
		if (!isdigit((unsigned char)s[k]))
			return false;
	return true;
}

/* valid_tag - [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static bool valid_tag(const char *t)
{
	size_t n = strlen(t);
	if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && t[i] != '_' && t[i] != '.' && t[i] != '-')
			return false;
	return true;
}

/* valid_digest - sha256: and 64 lowercase hex digits (the only algorithm volt accepts) */
static bool valid_digest(const char *d)
{
	if (strncmp(d, "sha256:", 7) || strlen(d) != 71)
		return false;
	for (const char *p = d + 7; *p; p++)
		if (!isdigit((unsigned char)*p) && !(*p >= 'a' && *p <= 'f'))
			return false;
	return true;
}

int volt_ref_parse(const char *s, struct volt_ref *r, struct volt_err *err)
{
	cleanup_free char *buf = NULL;
	char *name, *at, *slash, *colon, *rest;
	size_t dlen;

	memset(r, 0, sizeof(*r));
	if (!s || !s[0])
		return volt_err_set(err, EINVAL, "image reference is empty");
	if (strlen(s) > REF_MAX)
		return volt_err_set(err, EINVAL, "image reference is longer than %d bytes", REF_MAX);
	buf = strdup(s);
	if (!buf)
		return volt_err_set(err, ENOMEM, "image reference");
	name = buf;
	at = strchr(name, '@');
	if (at) {
		*at = '\0';
		if (!valid_digest(at + 1))
			return volt_err_set(err, EINVAL,
					    "invalid reference \"%s\": digest must be sha256:<64 lowercase hex>", s);
		r->digest = strdup(at + 1);
	}
	/* a tag is a ':' after the last '/' */
	slash = strrchr(name, '/');
	colon = strrchr(slash ? slash : name, ':');
	if (colon) {
		*colon = '\0';
		if (!valid_tag(colon + 1)) {
			volt_ref_free(r);
			return volt_err_set(err, EINVAL, "invalid reference \"%s\": bad tag", s);
		}
		r->tag = strdup(colon + 1);
	} else if (!r->digest) {
		r->tag = strdup("latest");
	}
	/* domain */
	slash = strchr(name, '/');
	dlen = slash ? (size_t)(slash - name) : 0;
	if (slash && (memchr(name, '.', dlen) || memchr(name, ':', dlen) ||
		      (dlen == 9 && !strncmp(name, "localhost", 9)) || name[0] == '[')) {
		if (!valid_domain(name, dlen)) {
			volt_ref_free(r);
			return volt_err_set(err, EINVAL, "invalid reference \"%s\": bad registry host", s);
		}
		r->domain = strndup(name, dlen);
		rest = slash + 1;
		if (!strcmp(r->domain, "index.docker.io")) {
			free(r->domain);
			r->domain = strdup("docker.io");
		}
	} else {
		r->domain = strdup("docker.io");
		rest = name;
	}
	if (!strcmp(r->domain, "docker.io") && !strchr(rest, '/'))
		r->path = volt_path("library/%s", rest);
	else
		r->path = strdup(rest);
	if (!r->domain || !r->path || (!r->tag && !r->digest)) {
		volt_ref_free(r);
		return volt_err_set(err, ENOMEM, "image reference");
	}
	/* every path component */
	for (const char *p = r->path;;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (!valid_component(p, n)) {
			volt_ref_free(r);
			return volt_err_set(err, EINVAL,
					    "invalid reference \"%s\": repository names use lowercase letters, "
					    "digits and . _ - separators",
					    s);
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (strlen(r->domain) + strlen(r->path) + 1 > 255) {
		volt_ref_free(r);
		return volt_err_set(err, EINVAL, "invalid reference \"%s\": name longer than 255", s);
	}
	return 0;
}

void volt_ref_free(struct volt_ref *r)
{
	free(r->domain);
	free(r->path);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

char *volt_ref_string(const struct volt_ref *r)
{
	return volt_path("%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "", r->tag ? r->tag : "",
			 r->digest ? "@" : "", r->digest ? r->digest : "");
}

char *volt_ref_repo(const struct volt_ref *r)
{
	return volt_path("%s/%s", r->domain, r->path);
}

const char *volt_ref_api_host(const char *domain)
{
	return !strcmp(domain, "docker.io") ? "registry-1.docker.io" : domain;
}

bool volt_ref_is_loopback(const char *domain)
{
	size_t n = strcspn(domain, ":");
	if (domain[0] == '[')
		return !strncmp(domain, "[::1]", 5);
	return (n == 9 && !strncmp(domain, "localhost", 9)) || !strncmp(domain, "127.", 4);
}
