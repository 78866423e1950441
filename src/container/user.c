#include "container/user.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"

static bool parse_uint(const char *s, unsigned long *out)
{
	char *end;
	if (!*s || *s == '-')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !*end && !errno && *out <= 0xfffffffeUL;
}

/* field - the n-th ':'-separated field of line into buf */
static const char *field(const char *line, int n, char *buf, size_t len)
{
	const char *p = line;
	for (int i = 0; i < n; i++) {
		p = strchr(p, ':');
		if (!p)
			return NULL;
		p++;
	}
	size_t l = strcspn(p, ":\n");
	if (l >= len)
		l = len - 1;
	memcpy(buf, p, l);
	buf[l] = '\0';
	return buf;
}

/* find a line whose field 0 equals name, or whose field 2 equals id */
static const char *find_line(const char *text, const char *name, long id)
{
	char f0[256], f2[32];
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		if (*l != '#' && field(l, 0, f0, sizeof(f0)) && field(l, 2, f2, sizeof(f2))) {
			if ((name && !strcmp(f0, name)) || (id >= 0 && atol(f2) == id && f2[0]))
				return l;
		}
		l = nl ? nl + 1 : NULL;
	}
	return NULL;
}

int volt_user_resolve(const char *spec, const char *passwd, const char *group, struct volt_user *out,
		      struct volt_err *err)
{
	cleanup_free char *u = strdup(spec ? spec : "");
	char *g = strchr(u, ':');
	unsigned long n;
	char buf[256];
	const char *line;
	const char *uname = NULL;

	memset(out, 0, sizeof(*out));
	snprintf(out->home, sizeof(out->home), "/");
	if (g)
		*g++ = '\0';
	if (!u[0]) {
		out->uid = 0;
		out->gid = 0;
	} else if (parse_uint(u, &n)) {
		out->uid = (uid_t)n;
		line = passwd ? find_line(passwd, NULL, (long)n) : NULL;
		out->gid = line && field(line, 3, buf, sizeof(buf)) ? (gid_t)atol(buf) : 0;
		if (line && field(line, 5, buf, sizeof(buf)) && buf[0])
			snprintf(out->home, sizeof(out->home), "%s", buf);
		if (line && field(line, 0, buf, sizeof(buf)))
			uname = NULL; /* name lookup below uses buf */
	} else {
		line = passwd ? find_line(passwd, u, -1) : NULL;
		if (!line)
			return volt_err_set(err, ENOENT, "unable to find user %s: no matching entries in passwd file",
					    u);
		out->uid = (uid_t)atol(field(line, 2, buf, sizeof(buf)));
		out->gid = (gid_t)atol(field(line, 3, buf, sizeof(buf)));
		if (field(line, 5, buf, sizeof(buf)) && buf[0])
			snprintf(out->home, sizeof(out->home), "%s", buf);
		uname = u;
	}
	if (u[0] == '0' && !u[1])
		snprintf(out->home, sizeof(out->home), "/root");
	if (!u[0])
		snprintf(out->home, sizeof(out->home), "/root");
	if (g && *g) {
		if (parse_uint(g, &n)) {
			out->gid = (gid_t)n;
		} else {
			line = group ? find_line(group, g, -1) : NULL;
			if (!line)
				return volt_err_set(err, ENOENT,
						    "unable to find group %s: no matching entries in group file", g);
			out->gid = (gid_t)atol(field(line, 2, buf, sizeof(buf)));
		}
	}
	/* supplementary groups: every group that lists the user by name */
	if (!uname && passwd && u[0]) {
		line = find_line(passwd, NULL, (long)out->uid);
		if (line)
			uname = field(line, 0, buf, sizeof(buf));
	}
	out->groups[out->n_groups++] = out->gid;
	if (uname && group) {
		char name[256];
		snprintf(name, sizeof(name), "%s", uname);
		for (const char *l = group; l && *l && out->n_groups < VOLT_MAX_GROUPS;) {
			const char *nl = strchr(l, '\n');
			char members[4096], gid[32];
			if (*l != '#' && field(l, 3, members, sizeof(members)) && field(l, 2, gid, sizeof(gid))) {
				for (char *m = strtok(members, ","); m; m = strtok(NULL, ","))
					if (!strcmp(m, name) && (gid_t)atol(gid) != out->gid) {
						out->groups[out->n_groups++] = (gid_t)atol(gid);
						break;
					}
			}
			l = nl ? nl + 1 : NULL;
		}
	}
	return 0;
}
