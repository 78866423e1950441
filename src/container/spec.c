#include "container/spec.h"

#include "container/log.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "security/security.h"
#include "util/cleanup.h"

void volt_spec_free(struct volt_spec *s)
{
	free(s->id);
	free(s->name);
	free(s->image_id);
	free(s->image_name);
	free(s->lower);
	volt_strv_free(s->args);
	volt_strv_free(s->env);
	free(s->cwd);
	free(s->user);
	free(s->hostname);
	free(s->network);
	volt_strv_free(s->dns);
	volt_strv_free(s->add_hosts);
	free(s->userns);
	for (size_t i = 0; i < s->n_mounts; i++) {
		free(s->mounts[i].source);
		free(s->mounts[i].dest);
		free(s->mounts[i].name);
		free(s->mounts[i].options);
	}
	free(s->mounts);
	volt_strv_free(s->labels);
	volt_strv_free(s->exposed_ports);
	volt_strv_free(s->ports);

	free(s->seccomp);
	free(s->landlock);
	volt_strv_free(s->cap_add);
	volt_strv_free(s->ulimits);
	volt_strv_free(s->sysctls);
	volt_strv_free(s->group_add);
	volt_strv_free(s->cap_drop);
	volt_strv_free(s->health.test);
	free(s->vm.kernel);
	free(s->vm.accel);
	free(s->vm.strategy);
	free(s->vm.strategy_why);
	free(s->vm.appliance);
	memset(s, 0, sizeof(*s));
}

static json_t *strv_json(char **v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *ranges_json(const struct volt_idrange *r, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I,s:I,s:I}", "inside", (json_int_t)r[i].inside, "outside",
						   (json_int_t)r[i].outside, "count", (json_int_t)r[i].count));
	return a;
}

static const char *mount_kind_name(enum volt_mount_kind k)
{
	return k == VOLT_MOUNT_BIND ? "bind" : k == VOLT_MOUNT_VOLUME ? "volume" : "tmpfs";
}

#define S(x) ((x) ? (x) : "")

char *volt_spec_to_json(const struct volt_spec *s)
{
	json_t *o = json_object(), *mounts = json_array();
	char *out;

	json_object_set_new(o, "id", json_string(S(s->id)));
	json_object_set_new(o, "name", json_string(S(s->name)));
	json_object_set_new(o, "image_id", json_string(S(s->image_id)));
	json_object_set_new(o, "image_name", json_string(S(s->image_name)));
	json_object_set_new(o, "lower", json_string(S(s->lower)));
	json_object_set_new(o, "args", strv_json(s->args));
	json_object_set_new(o, "env", strv_json(s->env));
	json_object_set_new(o, "cwd", json_string(s->cwd ? s->cwd : "/"));
	json_object_set_new(o, "user", json_string(S(s->user)));
	json_object_set_new(o, "hostname", json_string(S(s->hostname)));
	json_object_set_new(o, "network", json_string(s->network ? s->network : "none"));
	json_object_set_new(o, "dns", strv_json(s->dns));
	json_object_set_new(o, "add_hosts", strv_json(s->add_hosts));
	json_object_set_new(o, "tty", json_boolean(s->tty));
	json_object_set_new(o, "interactive", json_boolean(s->interactive));
	json_object_set_new(o, "rm", json_boolean(s->rm));
	json_object_set_new(o, "init", json_boolean(s->init));
	json_object_set_new(o, "read_only", json_boolean(s->read_only));
	json_object_set_new(o, "userns", json_string(S(s->userns)));
	json_object_set_new(o, "stop_signal", json_integer(s->stop_signal));
	json_object_set_new(o, "stop_timeout", json_integer(s->stop_timeout));
	json_object_set_new(o, "log_max_size", json_integer(s->log_max_size));
	json_object_set_new(o, "log_max_files", json_integer(s->log_max_files));
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct volt_mount *m = &s->mounts[i];
		json_t *mo = json_pack("{s:s,s:s,s:b}", "type", mount_kind_name(m->kind), "destination", S(m->dest),
				       "readonly", m->ro);
		if (m->source)
			json_object_set_new(mo, "source", json_string(m->source));
		if (m->name)
			json_object_set_new(mo, "name", json_string(m->name));
		if (m->options)
			json_object_set_new(mo, "options", json_string(m->options));
		json_array_append_new(mounts, mo);
	}
	json_object_set_new(o, "mounts", mounts);
	json_object_set_new(o, "labels", strv_json(s->labels));
	json_object_set_new(o, "exposed_ports", strv_json(s->exposed_ports));
	json_object_set_new(o, "ports", strv_json(s->ports));
	json_object_set_new(o, "idmap",
			    json_pack("{s:b,s:b,s:I,s:I,s:o,s:o,s:s}", "full", s->idmap.full, "keep_id",
				      s->idmap.keep_id, "uid", (json_int_t)s->idmap.uid, "gid",
				      (json_int_t)s->idmap.gid, "uids", ranges_json(s->idmap.uids, s->idmap.n_uids),
				      "gids", ranges_json(s->idmap.gids, s->idmap.n_gids), "why", s->idmap.why));
	json_object_set_new(o, "security",
			    json_pack("{s:s,s:s,s:o,s:o,s:b}", "seccomp", S(s->seccomp), "landlock", S(s->landlock),
				      "cap_add", strv_json(s->cap_add), "cap_drop", strv_json(s->cap_drop),
				      "seccomp_audit", s->seccomp_audit));
	if (s->health.test && s->health.test[0])
		json_object_set_new(o, "health",
				    json_pack("{s:o,s:I,s:I,s:I,s:I,s:i}", "test", strv_json(s->health.test),
					      "interval", (json_int_t)s->health.interval, "timeout",
					      (json_int_t)s->health.timeout, "start_period",
					      (json_int_t)s->health.start_period, "start_interval",
					      (json_int_t)s->health.start_interval, "retries", s->health.retries));
	json_object_set_new(o, "ulimits", strv_json(s->ulimits));
	json_object_set_new(o, "sysctls", strv_json(s->sysctls));
	json_object_set_new(o, "group_add", strv_json(s->group_add));
	if (s->vm.kernel || s->vm.accel || s->vm.cpus || s->vm.mem_mib || s->vm.strategy || s->vm.appliance)
		json_object_set_new(o, "vm",
				    json_pack("{s:s,s:s,s:I,s:I,s:s,s:s,s:b,s:s}", "kernel", S(s->vm.kernel), "accel",
					      S(s->vm.accel), "cpus", (json_int_t)s->vm.cpus, "memory_mib",
					      (json_int_t)s->vm.mem_mib, "strategy", S(s->vm.strategy), "strategy_why",
					      S(s->vm.strategy_why), "keep", s->vm.keep, "appliance",
					      S(s->vm.appliance)));
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

static char *jstr(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v && *v ? strdup(v) : NULL;
}

static char **jstrv(json_t *o, const char *k)
{
	json_t *a = json_object_get(o, k), *v;
	size_t i;
	char **out = calloc(1, sizeof(char *));
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			volt_strv_push(&out, json_string_value(v));
	return out;
}

static int jranges(json_t *a, struct volt_idrange *r, int *n)
{
	json_t *v;
	size_t i;
	*n = 0;
	json_array_foreach(a, i, v) {
		if (*n >= VOLT_IDMAP_MAX)
			return -1;
		r[*n].inside = (uint32_t)json_integer_value(json_object_get(v, "inside"));
		r[*n].outside = (uint32_t)json_integer_value(json_object_get(v, "outside"));
		r[*n].count = (uint32_t)json_integer_value(json_object_get(v, "count"));
		(*n)++;
	}
	return 0;
}

int volt_spec_from_json(struct volt_spec *s, const char *text, struct volt_err *err)
{
	json_error_t jerr;
	json_t *o = json_loads(text, 0, &jerr), *mounts, *m, *im;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!o)
		return volt_err_set(err, EINVAL, "container spec: %s", jerr.text);
	s->id = jstr(o, "id");
	s->name = jstr(o, "name");
	s->image_id = jstr(o, "image_id");
	s->image_name = jstr(o, "image_name");
	s->lower = jstr(o, "lower");
	s->args = jstrv(o, "args");
	s->env = jstrv(o, "env");
	s->cwd = jstr(o, "cwd");
	s->user = jstr(o, "user");
	s->hostname = jstr(o, "hostname");
	s->network = jstr(o, "network");
	s->dns = jstrv(o, "dns");
	s->add_hosts = jstrv(o, "add_hosts");
	s->tty = json_is_true(json_object_get(o, "tty"));
	s->interactive = json_is_true(json_object_get(o, "interactive"));
	s->rm = json_is_true(json_object_get(o, "rm"));
	s->init = json_is_true(json_object_get(o, "init"));
	s->read_only = json_is_true(json_object_get(o, "read_only"));
	s->userns = jstr(o, "userns");
	s->stop_signal = (int)json_integer_value(json_object_get(o, "stop_signal"));
	s->stop_timeout = (int)json_integer_value(json_object_get(o, "stop_timeout"));
	/* specs from before --log-opt get the defaults */
	s->log_max_size = json_object_get(o, "log_max_size") ? json_integer_value(json_object_get(o, "log_max_size")) :
							       VOLT_LOG_MAX_SIZE_DEFAULT;
	s->log_max_files = json_object_get(o, "log_max_files") ?
				   (int)json_integer_value(json_object_get(o, "log_max_files")) :
				   VOLT_LOG_MAX_FILES_DEFAULT;
	mounts = json_object_get(o, "mounts");
	s->mounts = calloc(json_array_size(mounts) + 1, sizeof(*s->mounts));
	json_array_foreach(mounts, i, m) {
		struct volt_mount *vm = &s->mounts[s->n_mounts++];
		const char *ty = json_string_value(json_object_get(m, "type"));
		vm->kind = ty && !strcmp(ty, "volume") ? VOLT_MOUNT_VOLUME :
			   ty && !strcmp(ty, "tmpfs")  ? VOLT_MOUNT_TMPFS :
							 VOLT_MOUNT_BIND;
		vm->source = jstr(m, "source");
		vm->dest = jstr(m, "destination");
		vm->name = jstr(m, "name");
		vm->options = jstr(m, "options");
		vm->ro = json_is_true(json_object_get(m, "readonly"));
	}
	s->labels = jstrv(o, "labels");
	s->exposed_ports = jstrv(o, "exposed_ports");
	s->ports = jstrv(o, "ports");

	json_t *sec = json_object_get(o, "security");
	s->seccomp = jstr(sec, "seccomp");
	s->landlock = jstr(sec, "landlock");
	s->cap_add = jstrv(sec, "cap_add");
	s->cap_drop = jstrv(sec, "cap_drop");
	s->seccomp_audit = json_is_true(json_object_get(sec, "seccomp_audit"));
	json_t *ho = json_object_get(o, "health");
	if (ho) {
		s->health.test = jstrv(ho, "test");
		s->health.interval = json_integer_value(json_object_get(ho, "interval"));
		s->health.timeout = json_integer_value(json_object_get(ho, "timeout"));
		s->health.start_period = json_integer_value(json_object_get(ho, "start_period"));
		s->health.start_interval = json_integer_value(json_object_get(ho, "start_interval"));
		s->health.retries = (int)json_integer_value(json_object_get(ho, "retries"));
		if (!s->health.test[0]) {
			free(s->health.test);
			s->health.test = NULL;
		}
	}
	s->ulimits = jstrv(o, "ulimits");
	s->sysctls = jstrv(o, "sysctls");
	s->group_add = jstrv(o, "group_add");
	json_t *vmo = json_object_get(o, "vm");
	s->vm.kernel = jstr(vmo, "kernel");
	s->vm.accel = jstr(vmo, "accel");
	s->vm.cpus = (unsigned)json_integer_value(json_object_get(vmo, "cpus"));
	s->vm.mem_mib = (unsigned)json_integer_value(json_object_get(vmo, "memory_mib"));
	s->vm.strategy = jstr(vmo, "strategy");
	s->vm.strategy_why = jstr(vmo, "strategy_why");
	s->vm.keep = json_is_true(json_object_get(vmo, "keep"));
	s->vm.appliance = jstr(vmo, "appliance");
	im = json_object_get(o, "idmap");
	s->idmap.full = json_is_true(json_object_get(im, "full"));
	s->idmap.keep_id = json_is_true(json_object_get(im, "keep_id"));
	s->idmap.uid = (uint32_t)json_integer_value(json_object_get(im, "uid"));
	s->idmap.gid = (uint32_t)json_integer_value(json_object_get(im, "gid"));
	const char *why = json_string_value(json_object_get(im, "why"));
	snprintf(s->idmap.why, sizeof(s->idmap.why), "%s", why ? why : "");
	if (jranges(json_object_get(im, "uids"), s->idmap.uids, &s->idmap.n_uids) < 0 ||
	    jranges(json_object_get(im, "gids"), s->idmap.gids, &s->idmap.n_gids) < 0 || !s->args || !s->args[0] ||
	    !s->id || !s->lower) {
		json_decref(o);
		volt_spec_free(s);
		return volt_err_set(err, EINVAL, "container spec is incomplete");
	}
	json_decref(o);
	return 0;
}

bool volt_name_valid(const char *n)
{
	if (!isalnum((unsigned char)n[0]))
		return false;
	for (const char *p = n; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return false;
	return strlen(n) <= 128;
}

void volt_spec_security(const struct volt_spec *s, struct volt_sec_spec *out)
{
	*out = (struct volt_sec_spec){
		.seccomp = s->seccomp,
		.landlock = s->landlock,
		.cap_add = s->cap_add,
		.cap_drop = s->cap_drop,
		.seccomp_audit = s->seccomp_audit,
	};
}
