/* Where the supervisor choice comes from, and what it resolves to.
 *
 * Precedence: --supervisor on run/create, then $VOLT_SUPERVISOR, then the
 * line `supervisor=` in $VOLT_ROOT/volt.conf, then auto. `ignore_limits=true`
 * in volt.conf, or $VOLT_IGNORE_LIMITS=1, is the default of --ignore-limits.
 * auto means: systemd when a user manager answers on the bus, builtin if not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "supervise/supervisor.h"
#include "supervise/systemd.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* conf_text - volt.conf of ctx's store, read once per process (a run asks
 * it three times); "" when there is none. */
static const char *conf_text(struct volt_ctx *ctx)
{
	static char *path, *text;
	struct volt_err ignored;
	cleanup_free char *p = volt_path("%s/volt.conf", ctx->root);

	if (!path || strcmp(path, p)) {
		free(path);
		free(text);
		path = volt_steal_ptr(&p);
		text = NULL;
		if (volt_read_file(path, 1 << 20, &text, NULL, &ignored) < 0)
			text = strdup("");
	}
	return text ? text : "";
}

/* conf_get - the value of key in volt.conf (malloc'd), or NULL. The file is
 * lines of key=value; # starts a comment; blanks around = are allowed. */
static char *conf_get(struct volt_ctx *ctx, const char *key)
{
	const char *t = conf_text(ctx);
	size_t kl = strlen(key);

	for (const char *line = t; *line; line += strcspn(line, "\n"), line += *line == '\n') {
		const char *s = line + strspn(line, " \t");
		if (*s == '#' || strncmp(s, key, kl))
			continue;
		s += kl;
		s += strspn(s, " \t");
		if (*s != '=')
			continue;
		s++;
		s += strspn(s, " \t");
		return strndup(s, strcspn(s, " \t\r\n#"));
	}
	return NULL;
}

int volt_sup_config(struct volt_ctx *ctx, struct volt_sup_opts *o, const char **why, struct volt_err *err)
{
	const char *env = getenv("VOLT_SUPERVISOR");
	*why = "--supervisor";
	if (!o->kind_set) {
		cleanup_free char *c = NULL;
		if (env && *env) {
			if (volt_sup_kind_parse(env, &o->kind, err) < 0)
				return volt_err_prefix(err, "$VOLT_SUPERVISOR");
			*why = "$VOLT_SUPERVISOR";
		} else if ((c = conf_get(ctx, "supervisor"))) {
			if (volt_sup_kind_parse(c, &o->kind, err) < 0)
				return volt_err_prefix(err, "%s/volt.conf", ctx->root);
			*why = "supervisor= in volt.conf";
		} else {
			o->kind = VOLT_SUP_AUTO;
			*why = "the default (auto)";
		}
	}
	if (!o->ignore_limits_set) {
		const char *ie = getenv("VOLT_IGNORE_LIMITS");
		cleanup_free char *c = conf_get(ctx, "ignore_limits");
		o->ignore_limits = (ie && (!strcmp(ie, "1") || !strcmp(ie, "true"))) ||
				   (c && (!strcmp(c, "true") || !strcmp(c, "1") || !strcmp(c, "yes")));
	}
	return 0;
}

int volt_sup_resolve(enum volt_sup_kind kind, const char *kind_why, enum volt_sup_kind *active, char **why,
		     struct volt_err *err)
{
	struct volt_sd *sd = NULL;
	const char *where = NULL;
	struct volt_err cerr = {0};

	if (kind == VOLT_SUP_BUILTIN) {
		*active = VOLT_SUP_BUILTIN;
		*why = volt_path("builtin asked for by %s", kind_why);
		return 0;
	}
	if (volt_sd_connect(&sd, &where, &cerr) == 0) {
		*active = VOLT_SUP_SYSTEMD;
		*why = volt_path("a systemd user manager answered on %s (%s by %s)", where, volt_sup_kind_name(kind),
				 kind_why);
		volt_sd_close(sd);
		return 0;
	}
	if (kind == VOLT_SUP_SYSTEMD) {
		*err = cerr;
		return volt_err_prefix(err, "supervisor systemd (asked for by %s)", kind_why);
	}
	char msg[VOLT_ERR_MSG_MAX + 32];
	volt_err_format(&cerr, msg, sizeof(msg));
	*active = VOLT_SUP_BUILTIN;
	*why = volt_path("%s: volt-shim detaches and volt applies restart policies (auto)", msg);
	return 0;
}
