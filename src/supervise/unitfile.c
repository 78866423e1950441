/* The .volt parser and the systemd unit writer (see unitfile.h). The parser
 * is fed files the user wrote; it is fuzzed (tests/fuzz/fuzz_unitfile.c). */
#include "supervise/unitfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervise/supervisor.h"
#include "util/cleanup.h"
#include "util/strv.h"

void volt_unitfile_free(struct volt_unitfile *u)
{
	free(u->name);
	free(u->image);
	free(u->restart);
	volt_strv_free(u->run_args);
	volt_strv_free(u->exec);
	volt_strv_free(u->service);
	volt_strv_free(u->install);
	memset(u, 0, sizeof(*u));
}

int volt_split_words(const char *s, char ***out, struct volt_err *err)
{
	char **v = NULL;
	size_t n = strlen(s);
	cleanup_free char *w = malloc(n + 1);
	if (!w)
		return volt_err_set(err, ENOMEM, "split");
	*out = NULL;
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t k = 0;
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '"' || *p == '\'') {
				char q = *p++;
				while (*p && *p != q) {
					if (q == '"' && *p == '\\' && p[1])
						p++;
					w[k++] = *p++;
				}
				if (*p != q) {
					volt_strv_free(v);
					return volt_err_set(err, EINVAL, "unterminated quote in \"%s\"", s);
				}
				p++;
			} else {
				w[k++] = *p++;
			}
		}
		w[k] = '\0';
		if (volt_strv_push(&v, w) < 0) {
			volt_strv_free(v);
			return volt_err_set(err, ENOMEM, "split");
		}
	}
	*out = v ? v : calloc(1, sizeof(char *));
	return *out ? 0 : volt_err_set(err, ENOMEM, "split");
}

/* key -> volt run option; NULL option: handled in the parser itself */
static const struct {
	const char *key, *opt;
} keys[] = {
	{"Environment", "--env"},
	{"Volume", "--volume"},
	{"Network", "--network"},
	{"Memory", "--memory"},
	{"MemorySwap", "--memory-swap"},
	{"Cpus", "--cpus"},
	{"CpuShares", "--cpu-shares"},
	{"PidsLimit", "--pids-limit"},
	{"IOWeight", "--io-weight"},
	{"Label", "--label"},
	{"User", "--user"},
	{"WorkingDir", "--workdir"},
	{"Hostname", "--hostname"},
	{"StopSignal", "--stop-signal"},
	{"StopTimeout", "--stop-timeout"},
};

static int container_key(struct volt_unitfile *u, const char *k, const char *v, int line, struct volt_err *err)
{
	if (!strcmp(k, "Name") || !strcmp(k, "Image") || !strcmp(k, "Restart")) {
		char **dst = k[0] == 'N' ? &u->name : k[0] == 'I' ? &u->image : &u->restart;
		if (!*v)
			return volt_err_set(err, EINVAL, "line %d: %s is empty", line, k);
		if (k[0] == 'R') {
			struct volt_restart r;
			if (volt_restart_parse(v, &r, err) < 0)
				return volt_err_prefix(err, "line %d", line);
		}
		free(*dst);
		*dst = strdup(v);
		return *dst ? 0 : volt_err_set(err, ENOMEM, "parse");
	}
	if (!strcmp(k, "Exec")) {
		volt_strv_free(u->exec);
		u->exec = NULL;
		if (volt_split_words(v, &u->exec, err) < 0)
			return volt_err_prefix(err, "line %d", line);
		return 0;
	}
	if (!strcmp(k, "Option")) {
		if (strncmp(v, "--", 2))
			return volt_err_set(err, EINVAL, "line %d: Option=%s: expected a --long-option", line, v);
		return volt_strv_push(&u->run_args, v) < 0 ? volt_err_set(err, ENOMEM, "parse") : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(k, keys[i].key))
			continue;
		if (volt_strv_push(&u->run_args, keys[i].opt) < 0 || volt_strv_push(&u->run_args, v) < 0)
			return volt_err_set(err, ENOMEM, "parse");
		return 0;
	}
	return volt_err_set(err, EINVAL, "line %d: unknown key \"%s\" in [Container]", line, k);
}

int volt_unitfile_parse(const char *text, size_t len, const char *defname, struct volt_unitfile *u,
			struct volt_err *err)
{
	enum { NONE, CONTAINER, SERVICE, INSTALL } sec = NONE;
	cleanup_free char *buf = malloc(len + 1);
	int line = 0;

	memset(u, 0, sizeof(*u));
	if (!buf)
		return volt_err_set(err, ENOMEM, "parse");
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (strlen(buf) != len)
		return volt_err_set(err, EINVAL, "a NUL byte in the file");
	for (char *save = NULL, *l = buf, *next; l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		line++;
		(void)save;
		size_t n = strlen(l);
		while (n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
			l[--n] = '\0';
		l += strspn(l, " \t");
		if (!*l || *l == '#' || *l == ';')
			continue;
		if (*l == '[') {
			if (!strcmp(l, "[Container]"))
				sec = CONTAINER;
			else if (!strcmp(l, "[Service]"))
				sec = SERVICE;
			else if (!strcmp(l, "[Install]"))
				sec = INSTALL;
			else
				goto bad_section;
			continue;
		}
		if (sec == SERVICE || sec == INSTALL) {
			if (!strchr(l, '=')) {
				volt_err_set(err, EINVAL, "line %d: expected KEY=VALUE", line);
				goto fail;
			}
			if (volt_strv_push(sec == SERVICE ? &u->service : &u->install, l) < 0) {
				volt_err_set(err, ENOMEM, "parse");
				goto fail;
			}
			continue;
		}
		if (sec != CONTAINER) {
			volt_err_set(err, EINVAL, "line %d: a key outside [Container]", line);
			goto fail;
		}
		char *eq = strchr(l, '=');
		if (!eq || eq == l) {
			volt_err_set(err, EINVAL, "line %d: expected KEY=VALUE", line);
			goto fail;
		}
		*eq = '\0';
		char *k = l, *v = eq + 1;
		size_t kl = strlen(k);
		while (kl && (k[kl - 1] == ' ' || k[kl - 1] == '\t'))
			k[--kl] = '\0';
		v += strspn(v, " \t");
		if (container_key(u, k, v, line, err) < 0)
			goto fail;
	}
	if (!u->image) {
		volt_err_set(err, EINVAL, "no Image= in [Container]");
		goto fail;
	}
	if (!u->name) {
		if (!defname || !*defname) {
			volt_err_set(err, EINVAL, "no Name= in [Container]");
			goto fail;
		}
		u->name = strdup(defname);
		if (!u->name) {
			volt_err_set(err, ENOMEM, "out of memory");
			goto fail;
		}
	}
	for (const char *c = u->name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_' ||
		      *c == '.' || *c == '-')) {
			volt_err_set(err, EINVAL, "Name=%s: only letters, digits, _ . - are allowed", u->name);
			goto fail;
		}
	return 0;
bad_section:
	volt_err_set(err, EINVAL, "line %d: unknown section %s", line, "(expected [Container], [Service], [Install])");
fail:
	volt_unitfile_free(u);
	return -1;
}

/* append_quoted - one argument as systemd's ExecStart= reads it: double
 * quotes when needed, \ and " escaped, % and $ doubled (no specifiers, no
 * variable expansion). */
static void append_quoted(FILE *f, const char *a)
{
	bool q = !*a || strpbrk(a, " \t\"'\\;") != NULL;
	if (q)
		fputc('"', f);
	for (const char *c = a; *c; c++) {
		if (*c == '%' || *c == '$')
			fputc(*c, f);
		else if (*c == '\\' || *c == '"')
			fputc('\\', f);
		else if (*c == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*c, f);
	}
	if (q)
		fputc('"', f);
}

static void exec_line(FILE *f, const char *key, char **argv)
{
	if (!argv || !argv[0])
		return;
	fprintf(f, "%s=", key);
	for (char **a = argv; *a; a++) {
		if (a != argv)
			fputc(' ', f);
		/* a leading "-" (ignore failure) is ours, not the program's */
		if (a == argv && (*a)[0] == '-') {
			fputc('-', f);
			append_quoted(f, *a + 1);
		} else {
			append_quoted(f, *a);
		}
	}
	fputc('\n', f);
}

char *volt_unit_text(const struct volt_unit_render *r)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	/* the header names a file to edit only when there is one */
	if (r->source)
		fprintf(f, "# written by volt units apply from %s:\n# edit that file and run volt units apply again\n",
			r->source);
	else
		fprintf(f, "# written by volt generate systemd: run it again after changing the container\n");
	fprintf(f, "[Unit]\nDescription=%s\n", r->description);
	/* on-failure:N = at most N+1 starts, as the transient unit has it
	 * (systemd.c): the start limit with an endless interval; `systemctl
	 * --user reset-failed` starts the count again */
	if (r->restart_max > 0)
		fprintf(f, "StartLimitIntervalSec=infinity\nStartLimitBurst=%d\n", r->restart_max + 1);
	fprintf(f, "\n[Service]\nType=simple\n");
	exec_line(f, "ExecStartPre", r->exec_start_pre);
	exec_line(f, "ExecStart", r->exec_start);
	exec_line(f, "ExecStop", r->exec_stop);
	exec_line(f, "ExecStopPost", r->exec_stop_post);
	fprintf(f, "Restart=%s\nRestartSec=1\nKillMode=mixed\nDelegate=yes\nTimeoutStopSec=%d\n",
		r->restart ? r->restart : "no", r->stop_timeout + 5);
	/* volt's own failure to start (bad spec, missing image) is not worth
	 * a restart loop, as for the transient unit */
	if (r->restart && strcmp(r->restart, "no"))
		fprintf(f, "RestartPreventExitStatus=125\n");
	for (char **l = r->service; l && *l; l++)
		fprintf(f, "%s\n", *l);
	fprintf(f, "\n[Install]\n");
	if (r->install && r->install[0])
		for (char **l = r->install; *l; l++)
			fprintf(f, "%s\n", *l);
	else
		fprintf(f, "WantedBy=default.target\n");
	fclose(f);
	return out;
}
