/* volt ps --filter KEY=VALUE: docker's keys name, id, status, label,
 * ancestor, exited, volume, network, health, and volt's type (container | vm). Values of one key are alternatives; keys all apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "state/db.h"
#include "util/cleanup.h"
#include "workload/health_state.h"

static const char *const keys[CLI_PS_FILTER_KEYS] = {"name",   "id",	 "status",  "label", "ancestor",
						     "exited", "volume", "network", "type",  "health"};
static const char *const states[] = {"created", "running", "paused", "exited", "removing", "restarting", "dead"};

int cli_ps_filter_add(struct cli_ps_filter *f, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t klen = eq ? (size_t)(eq - arg) : 0;
	for (int k = 0; eq && k < CLI_PS_FILTER_KEYS; k++) {
		if (strlen(keys[k]) != klen || strncmp(arg, keys[k], klen))
			continue;
		const char *v = eq + 1;
		bool ok = *v != '\0';
		if (k == 2) { /* status: one of docker's words */
			ok = false;
			for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
				ok = ok || !strcmp(v, states[i]);
		} else if (k == 8) { /* type: the workload's kind */
			ok = !strcmp(v, "container") || !strcmp(v, "vm");
		} else if (k == 9) { /* health: docker's words */
			ok = volt_health_status_parse(v) >= 0;
		} else if (k == 5) { /* exited: an exit code */
			char *end;
			strtol(v, &end, 10);
			ok = *v && !*end;
		}
		if (!ok) {
			cli_usage_error("ps", "invalid filter value \"%s\" for %s", v, keys[k]);
			return -1;
		}
		cli_strv_add(&f->v[k], v);
		return 0;
	}
	cli_usage_error("ps",
			"invalid filter \"%s\": use name, id, status, label, ancestor, exited, health, volume, "
			"network or type (KEY=VALUE)",
			arg);
	return -1;
}

bool cli_ps_filter_all(const struct cli_ps_filter *f)
{
	return f->v[2] || f->v[5]; /* docker: status and exited look at every container */
}

void cli_ps_filter_free(struct cli_ps_filter *f)
{
	for (int k = 0; k < CLI_PS_FILTER_KEYS; k++)
		volt_strv_free(f->v[k]);
}

static bool has_label(json_t *spec, const char *want)
{
	size_t i, wlen = strlen(want);
	json_t *l;
	bool key_only = !strchr(want, '=');
	json_array_foreach(json_object_get(spec, "labels"), i, l) {
		const char *s = json_string_value(l);
		if (!s)
			continue;
		/* label=KEY: the key with any value; label=KEY=VALUE: exactly */
		if (key_only ? !strncmp(s, want, wlen) && (s[wlen] == '=' || !s[wlen]) : !strcmp(s, want))
			return true;
	}
	return false;
}

static bool match_one(const struct cli_ps_filter *f, int k, const char *v, const struct volt_ctr_row *c, json_t *spec)
{
	switch (k) {
	case 0: return strstr(c->name, v) != NULL; /* docker: a part of the name */
	case 1: return !strncmp(c->id, v, strlen(v));
	case 2: return !strcmp(volt_ctr_state_name(c->state), v);
	case 3: return has_label(spec, v);
	case 4: {
		/* the image by the name it was run as (with or without :latest) or by id */
		const char *n = c->image_name ? c->image_name : "";
		const char *id = !strncmp(v, "sha256:", 7) ? v + 7 : v;
		size_t vl = strlen(v);
		return !strcmp(n, v) || (!strncmp(n, v, vl) && !strcmp(n + vl, ":latest")) ||
		       (!strncmp(v, n, strlen(n)) && !strcmp(v + strlen(n), ":latest") && n[0]) ||
		       (strlen(id) >= 3 && !strncmp(c->image_id, id, strlen(id)));
	}
	case 5: return c->state == VOLT_CTR_EXITED && c->exit_code == atoi(v);
	case 6: { /* volume: a volume's name, or a mount's destination, as docker's */
		json_t *m;
		size_t i;
		json_array_foreach(json_object_get(spec, "mounts"), i, m) {
			const char *n = json_string_value(json_object_get(m, "name"));
			const char *d = json_string_value(json_object_get(m, "destination"));
			if ((n && !strcmp(n, v)) || (d && !strcmp(d, v)))
				return true;
		}
		return false;
	}
	case 7: { /* network: volt's mode (slirp, none, host, container:NAME) */
		const char *n = json_string_value(json_object_get(spec, "network"));
		size_t vl = strlen(v);
		return n && !strncmp(n, v, vl) && (!n[vl] || n[vl] == ':');
	}
	case 8: return !strcmp(volt_kind_name(c->kind), v);
	case 9: return volt_health_status_parse(v) == cli_health_status(f->ctx, c, spec);
	}
	return false;
}

bool cli_ps_filter_match(const struct cli_ps_filter *f, const struct volt_ctr_row *c, json_t *spec)
{
	for (int k = 0; k < CLI_PS_FILTER_KEYS; k++) {
		bool any = !f->v[k];
		for (size_t i = 0; !any && f->v[k][i]; i++)
			any = match_one(f, k, f->v[k][i], c, spec);
		if (!any)
			return false;
	}
	return true;
}
