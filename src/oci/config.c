/* config.json -> struct volt_oci_config (see config.h). Pure: no file or
 * process state is touched, so the fuzz target (tests/fuzz/fuzz_oci_config.c)
 * and the unit tests run it as is. */
#include "oci/config.h"

#include <errno.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "container/spec.h"
#include "security/caps.h"
#include "security/seccomp_profile.h"
#include "util/cleanup.h"
#include "util/fs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* field limits: a config.json larger than these is not a container's */
#define MAX_STRV 65536
#define MAX_MOUNTS 4096
#define MAX_GIDS 65536

static const struct {
	const char *name;
	int flag;
} ns_types[] = {
	{"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS},      {"ipc", CLONE_NEWIPC},
	{"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER},	  {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};

int volt_oci_ns_flag(const char *type)
{
	for (size_t i = 0; i < sizeof(ns_types) / sizeof(ns_types[0]); i++)
		if (!strcmp(type, ns_types[i].name))
			return ns_types[i].flag;
	return 0;
}

const struct volt_oci_ns *volt_oci_find_ns(const struct volt_oci_config *c, int flag)
{
	for (int i = 0; i < c->n_ns; i++)
		if (c->ns[i].flag == flag)
			return &c->ns[i];
	return NULL;
}

static const struct {
	const char *name;
	int res;
} rlimit_types[] = {
	{"RLIMIT_AS", RLIMIT_AS},
	{"RLIMIT_CORE", RLIMIT_CORE},
	{"RLIMIT_CPU", RLIMIT_CPU},
	{"RLIMIT_DATA", RLIMIT_DATA},
	{"RLIMIT_FSIZE", RLIMIT_FSIZE},
	{"RLIMIT_LOCKS", RLIMIT_LOCKS},
	{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
	{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
	{"RLIMIT_NICE", RLIMIT_NICE},
	{"RLIMIT_NOFILE", RLIMIT_NOFILE},
	{"RLIMIT_NPROC", RLIMIT_NPROC},
	{"RLIMIT_RSS", RLIMIT_RSS},
	{"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
	{"RLIMIT_RTTIME", RLIMIT_RTTIME},
	{"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	{"RLIMIT_STACK", RLIMIT_STACK},
};

/* parse state: the field path for messages */
struct pctx {
	struct volt_err *err;
	struct volt_oci_config *c;
};

static int bad(struct pctx *p, const char *field, const char *why)
{
	return volt_err_said(p->err, EINVAL, "config.json: %s: %s", field, why);
}

/* get_str - optional string field: 0 (absent or copied), -1 wrong type */
static int get_str(struct pctx *p, json_t *obj, const char *key, const char *field, char **out)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return bad(p, field, "must be a string");
	if (strlen(json_string_value(v)) != json_string_length(v))
		return bad(p, field, "holds a NUL byte");
	*out = strdup(json_string_value(v));
	return *out ? 0 : volt_err_set(p->err, ENOMEM, "config.json");
}

static int get_bool(struct pctx *p, json_t *obj, const char *key, const char *field, bool *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return bad(p, field, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

/* get_u32 - an unsigned 32-bit number; required: absent is an error */
static int get_u32(struct pctx *p, json_t *obj, const char *key, const char *field, bool required, uint32_t *out)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return required ? bad(p, field, "missing") : 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
		return bad(p, field, "must be a number from 0 to 4294967295");
	*out = (uint32_t)json_integer_value(v);
	return 0;
}

static int get_strv(struct pctx *p, json_t *obj, const char *key, const char *field, char ***out)
{
	json_t *v = json_object_get(obj, key), *e;
	size_t i;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v) || json_array_size(v) > MAX_STRV)
		return bad(p, field, "must be an array of strings");
	char **r = calloc(json_array_size(v) + 1, sizeof(char *));
	if (!r)
		return volt_err_set(p->err, ENOMEM, "config.json");
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e)) {
			volt_strv_free(r);
			return bad(p, field, "must be an array of strings (without NUL bytes)");
		}
		r[i] = strdup(json_string_value(e));
	}
	*out = r;
	return 0;
}

static int parse_caps(struct pctx *p, json_t *caps)
{
	static const char *sets[] = {"bounding", "effective", "permitted", "inheritable", "ambient"};
	uint64_t *dst[] = {&p->c->cap_bounding, &p->c->cap_effective, &p->c->cap_permitted, &p->c->cap_inheritable,
			   &p->c->cap_ambient};
	if (!caps || json_is_null(caps))
		return 0;
	if (!json_is_object(caps))
		return bad(p, "process.capabilities", "must be an object");
	p->c->has_caps = true;
	for (size_t i = 0; i < 5; i++) {
		char field[64];
		cleanup_strv char **names = NULL;
		snprintf(field, sizeof(field), "process.capabilities.%s", sets[i]);
		if (get_strv(p, caps, sets[i], field, &names) < 0)
			return -1;
		for (size_t j = 0; names && names[j]; j++) {
			/* a capability newer than this libcap is left out, as runc
			 * does (it warns); the kernel could not grant it to us anyway */
			int v = volt_caps_parse_name(names[j]);
			if (v >= 0 && v < 64)
				*dst[i] |= UINT64_C(1) << v;
		}
	}
	return 0;
}

static int parse_rlimits(struct pctx *p, json_t *a)
{
	json_t *e;
	size_t i;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 64)
		return bad(p, "process.rlimits", "must be an array (of at most 64)");
	p->c->rlimits = calloc(json_array_size(a) + 1, sizeof(*p->c->rlimits));
	if (!p->c->rlimits)
		return volt_err_set(p->err, ENOMEM, "config.json");
	json_array_foreach(a, i, e) {
		char field[64];
		snprintf(field, sizeof(field), "process.rlimits[%zu]", i);
		json_t *t = json_object_get(e, "type"), *soft = json_object_get(e, "soft"),
		       *hard = json_object_get(e, "hard");
		if (!json_is_object(e) || !json_is_string(t))
			return bad(p, field, "needs a \"type\" string");
		if (!json_is_integer(soft) || !json_is_integer(hard))
			return bad(p, field, "needs numbers \"soft\" and \"hard\"");
		struct volt_oci_rlimit *r = &p->c->rlimits[p->c->n_rlimits];
		r->resource = -1;
		for (size_t k = 0; k < sizeof(rlimit_types) / sizeof(rlimit_types[0]); k++)
			if (!strcmp(json_string_value(t), rlimit_types[k].name))
				r->resource = rlimit_types[k].res;
		if (r->resource < 0)
			return bad(p, field, "unknown rlimit type");
		/* JSON numbers above 2^63 arrive negative: RLIM_INFINITY (2^64-1) */
		r->soft = (uint64_t)json_integer_value(soft);
		r->hard = (uint64_t)json_integer_value(hard);
		if (r->soft > r->hard)
			return bad(p, field, "soft is above hard");
		p->c->n_rlimits++;
	}
	return 0;
}

static int parse_process(struct pctx *p, json_t *proc)
{
	struct volt_oci_config *c = p->c;
	if (!json_is_object(proc))
		return bad(p, "process", "missing (volt-runtime needs a process to run)");
	if (get_bool(p, proc, "terminal", "process.terminal", &c->terminal) < 0 ||
	    get_strv(p, proc, "args", "process.args", &c->args) < 0 ||
	    get_strv(p, proc, "env", "process.env", &c->env) < 0 ||
	    get_str(p, proc, "cwd", "process.cwd", &c->cwd) < 0 ||
	    get_bool(p, proc, "noNewPrivileges", "process.noNewPrivileges", &c->no_new_privs) < 0)
		return -1;
	if (!c->args || !c->args[0])
		return bad(p, "process.args", "must name a command");
	if (!c->cwd || c->cwd[0] != '/')
		return bad(p, "process.cwd", "must be an absolute path");
	if (json_object_get(proc, "commandLine"))
		return bad(p, "process.commandLine", "is for Windows");
	json_t *cs = json_object_get(proc, "consoleSize");
	if (cs && !json_is_null(cs)) {
		uint32_t h = 0, w = 0;
		if (!json_is_object(cs) || get_u32(p, cs, "height", "process.consoleSize.height", true, &h) < 0 ||
		    get_u32(p, cs, "width", "process.consoleSize.width", true, &w) < 0)
			return json_is_object(cs) ? -1 : bad(p, "process.consoleSize", "must be an object");
		c->console_rows = h > 65535 ? 65535 : (unsigned short)h;
		c->console_cols = w > 65535 ? 65535 : (unsigned short)w;
	}
	json_t *user = json_object_get(proc, "user");
	if (!json_is_object(user))
		return bad(p, "process.user", "missing");
	if (get_u32(p, user, "uid", "process.user.uid", true, &c->uid) < 0 ||
	    get_u32(p, user, "gid", "process.user.gid", true, &c->gid) < 0)
		return -1;
	json_t *ag = json_object_get(user, "additionalGids"), *e;
	size_t i;
	if (ag && !json_is_null(ag)) {
		if (!json_is_array(ag) || json_array_size(ag) > MAX_GIDS)
			return bad(p, "process.user.additionalGids", "must be an array of numbers");
		c->add_gids = calloc(json_array_size(ag) + 1, sizeof(uint32_t));
		if (!c->add_gids)
			return volt_err_set(p->err, ENOMEM, "config.json");
		json_array_foreach(ag, i, e) {
			if (!json_is_integer(e) || json_integer_value(e) < 0 || json_integer_value(e) > UINT32_MAX)
				return bad(p, "process.user.additionalGids", "must be an array of numbers");
			c->add_gids[c->n_add_gids++] = (uint32_t)json_integer_value(e);
		}
	}
	json_t *um = json_object_get(user, "umask");
	if (um && !json_is_null(um)) {
		if (get_u32(p, user, "umask", "process.user.umask", true, &c->umask) < 0)
			return -1;
		if (c->umask > 0777)
			return bad(p, "process.user.umask", "must be a mode from 0 to 0777");
		c->has_umask = true;
	}
	if (json_object_get(user, "username"))
		volt_strv_push(&c->ignored, "process.user.username");
	json_t *oom = json_object_get(proc, "oomScoreAdj");
	if (oom && !json_is_null(oom)) {
		if (!json_is_integer(oom) || json_integer_value(oom) < -1000 || json_integer_value(oom) > 1000)
			return bad(p, "process.oomScoreAdj", "must be a number from -1000 to 1000");
		c->has_oom_score_adj = true;
		c->oom_score_adj = (int)json_integer_value(oom);
	}
	for (const char *const *k = (const char *const[]){"apparmorProfile", "selinuxLabel", "ioPriority", "scheduler",
							  "execCPUAffinity", NULL};
	     *k; k++)
		if (json_object_get(proc, *k))
			volt_strv_push(&c->ignored, *k);
	if (parse_caps(p, json_object_get(proc, "capabilities")) < 0)
		return -1;
	return parse_rlimits(p, json_object_get(proc, "rlimits"));
}

static int parse_mount_idmap(struct pctx *p, json_t *e, const char *field, struct volt_oci_mount *m,
			     const struct volt_oci_mount_opts *o);

static int parse_mounts(struct pctx *p, json_t *a)
{
	json_t *e;
	size_t i;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > MAX_MOUNTS)
		return bad(p, "mounts", "must be an array");
	p->c->mounts = calloc(json_array_size(a) + 1, sizeof(*p->c->mounts));
	if (!p->c->mounts)
		return volt_err_set(p->err, ENOMEM, "config.json");
	json_array_foreach(a, i, e) {
		char field[64];
		struct volt_oci_mount *m = &p->c->mounts[p->c->n_mounts++];
		snprintf(field, sizeof(field), "mounts[%zu]", i);
		if (!json_is_object(e))
			return bad(p, field, "must be an object");
		if (get_str(p, e, "destination", field, &m->dest) < 0 || get_str(p, e, "type", field, &m->type) < 0 ||
		    get_str(p, e, "source", field, &m->source) < 0 || get_strv(p, e, "options", field, &m->options) < 0)
			return -1;
		if (!m->dest || m->dest[0] != '/')
			return bad(p, field, "destination must be an absolute path");
		struct volt_oci_mount_opts o;
		if (volt_oci_mount_opts(m->options, &o, p->err) < 0)
			return volt_err_prefix(p->err, "config.json: %s", field);
		free(o.data);
		if (parse_mount_idmap(p, e, field, m, &o) < 0)
			return -1;
		if (!o.bind && !m->type)
			return bad(p, field, "needs a type (or the bind option)");
		if (o.bind && (!m->source || m->source[0] != '/'))
			return bad(p, field, "a bind mount needs an absolute source");
	}
	return 0;
}

static int parse_idmap(struct pctx *p, json_t *a, const char *field, struct volt_idrange *r, int *n)
{
	json_t *e;
	size_t i;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a))
		return bad(p, field, "must be an array");
	if (json_array_size(a) > VOLT_IDMAP_MAX)
		return bad(p, field, "volt maps at most 3 ranges");
	json_array_foreach(a, i, e) {
		if (!json_is_object(e) || get_u32(p, e, "containerID", field, true, &r[i].inside) < 0 ||
		    get_u32(p, e, "hostID", field, true, &r[i].outside) < 0 ||
		    get_u32(p, e, "size", field, true, &r[i].count) < 0)
			return json_is_object(e) ? -1 : bad(p, field, "must hold objects");
		if (!r[i].count)
			return bad(p, field, "size must not be 0");
		(*n)++;
	}
	return 0;
}

/* parse_seccomp_listener - listenerPath, listenerMetadata and flags (the
 * names are checked by the profile parser; unknown ones fail there) */
static int parse_seccomp_listener(struct pctx *p, json_t *sc)
{
	struct volt_oci_config *c = p->c;
	static const struct {
		const char *name;
		unsigned flag;
	} flags[] = {{"SECCOMP_FILTER_FLAG_TSYNC", 1u << 0},
		     {"SECCOMP_FILTER_FLAG_LOG", 1u << 1},
		     {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 1u << 2},
		     {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 1u << 5}};
	json_t *lp = json_object_get(sc, "listenerPath"), *md = json_object_get(sc, "listenerMetadata"), *v;
	size_t i;
	if (lp && (!json_is_string(lp) || json_string_value(lp)[0] != '/'))
		return bad(p, "linux.seccomp.listenerPath", "must be an absolute path");
	if (md && !json_is_string(md))
		return bad(p, "linux.seccomp.listenerMetadata", "must be a string");
	if (md && !lp)
		return bad(p, "linux.seccomp.listenerMetadata", "needs listenerPath");
	if (lp && !(c->seccomp_listener = strdup(json_string_value(lp))))
		return volt_err_set(p->err, ENOMEM, "config.json");
	if (md && !(c->seccomp_metadata = strdup(json_string_value(md))))
		return volt_err_set(p->err, ENOMEM, "config.json");
	json_array_foreach(json_object_get(sc, "flags"), i, v)
		for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++)
			if (json_is_string(v) && !strcmp(json_string_value(v), flags[k].name))
				c->seccomp_flags |= flags[k].flag;
	return 0;
}

/* parse_mount_idmap - mounts[].uidMappings/gidMappings and the idmap
 * option: both mappings, on a bind mount (what runc accepts too) */
static int parse_mount_idmap(struct pctx *p, json_t *e, const char *field, struct volt_oci_mount *m,
			     const struct volt_oci_mount_opts *o)
{
	char f2[96];
	json_t *u = json_object_get(e, "uidMappings"), *g = json_object_get(e, "gidMappings");
	if (!u && !g && !o->idmap)
		return 0;
	if (!u || !g)
		return bad(p, field, "an idmapped mount needs both uidMappings and gidMappings");
	if (!o->bind)
		return bad(p, field, "idmapped mounts are bind mounts (add the bind or rbind option)");
	snprintf(f2, sizeof(f2), "%s.uidMappings", field);
	if (parse_idmap(p, u, f2, m->uids, &m->n_uids) < 0)
		return -1;
	snprintf(f2, sizeof(f2), "%s.gidMappings", field);
	if (parse_idmap(p, g, f2, m->gids, &m->n_gids) < 0)
		return -1;
	if (m->n_uids == 0 || m->n_gids == 0)
		return bad(p, field, "an idmapped mount needs both uidMappings and gidMappings");
	m->idmap = true;
	return 0;
}

static int parse_namespaces(struct pctx *p, json_t *a)
{
	json_t *e;
	size_t i;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > VOLT_OCI_NS_MAX)
		return bad(p, "linux.namespaces", "must be an array of at most 8");
	json_array_foreach(a, i, e) {
		char field[64];
		cleanup_free char *type = NULL;
		struct volt_oci_ns *ns = &p->c->ns[p->c->n_ns];
		snprintf(field, sizeof(field), "linux.namespaces[%zu]", i);
		if (!json_is_object(e) || get_str(p, e, "type", field, &type) < 0 ||
		    get_str(p, e, "path", field, &ns->path) < 0)
			return json_is_object(e) ? -1 : bad(p, field, "must be an object");
		p->c->n_ns++;
		ns->flag = type ? volt_oci_ns_flag(type) : 0;
		if (!ns->flag)
			return bad(p, field, "unknown namespace type");
		for (int k = 0; k < p->c->n_ns - 1; k++)
			if (p->c->ns[k].flag == ns->flag)
				return bad(p, field, "namespace type listed twice");
		if (ns->path && ns->path[0] != '/')
			return bad(p, field, "path must be absolute");
	}
	return 0;
}

/* parse_devices - linux.devices: each bound from the host's node at the
 * same path (an unprivileged user cannot mknod), which must be a device
 * of that type and, when given, that major:minor */
static int parse_devices(struct pctx *p, json_t *a)
{
	struct volt_oci_config *c = p->c;
	json_t *e;
	size_t i;
	if (!a || json_is_null(a))
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 256)
		return bad(p, "linux.devices", "must be an array (at most 256)");
	c->devices = calloc(json_array_size(a) + 1, sizeof(*c->devices));
	if (!c->devices)
		return volt_err_set(p->err, ENOMEM, "config.json");
	json_array_foreach(a, i, e) {
		struct volt_oci_device *d = &c->devices[i];
		char f[64], *type = NULL;
		snprintf(f, sizeof(f), "linux.devices[%zu]", i);
		if (!json_is_object(e))
			return bad(p, f, "must be an object");
		c->n_devices = i + 1;
		if (get_str(p, e, "path", f, &d->path) < 0 || get_str(p, e, "type", f, &type) < 0)
			return -1;
		d->type = type ? type[0] : 0;
		bool bad_type = !type || strlen(type) != 1 || !strchr("cbup", type[0]);
		free(type);
		if (!d->path || d->path[0] != '/' || strstr(d->path, ".."))
			return bad(p, f, "path must be absolute, without \"..\"");
		if (bad_type)
			return bad(p, f, "type must be c, b, u or p");
		json_t *ma = json_object_get(e, "major"), *mi = json_object_get(e, "minor");
		d->has_num = json_is_integer(ma) && json_is_integer(mi);
		if (d->has_num) {
			d->major = (int64_t)json_integer_value(ma);
			d->minor = (int64_t)json_integer_value(mi);
		}
	}
	return 0;
}

/* parse_hooks - hooks.{prestart,...}: each an absolute path, optional
 * args, env and a timeout in seconds (> 0); kept as JSON for hooks.c */
static int parse_hooks(struct pctx *p, json_t *h)
{
	static const char *const kinds[] = {"prestart",	      "createRuntime", "createContainer",
					    "startContainer", "poststart",     "poststop"};
	const char *k;
	json_t *v;
	if (!h || json_is_null(h))
		return 0;
	if (!json_is_object(h))
		return bad(p, "hooks", "must be an object");
	json_object_foreach(h, k, v) {
		bool known = false;
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
			known |= !strcmp(k, kinds[i]);
		char f[96];
		snprintf(f, sizeof(f), "hooks.%.40s", k);
		if (!known)
			return bad(p, f, "unknown hook kind");
		if (!json_is_array(v) || json_array_size(v) > 64)
			return bad(p, f, "must be an array (at most 64)");
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			snprintf(f, sizeof(f), "hooks.%.40s[%zu]", k, i);
			json_t *path = json_object_get(e, "path"), *to = json_object_get(e, "timeout");
			char **args = NULL, **env = NULL;
			if (!json_is_object(e) || !json_is_string(path) || json_string_value(path)[0] != '/')
				return bad(p, f, "needs an absolute path");
			if (to &&
			    (!json_is_integer(to) || json_integer_value(to) <= 0 || json_integer_value(to) > 86400))
				return bad(p, f, "timeout must be a number of seconds (1 to 86400)");
			int r = get_strv(p, e, "args", f, &args) < 0 || get_strv(p, e, "env", f, &env) < 0;
			volt_strv_free(args);
			volt_strv_free(env);
			if (r)
				return -1;
		}
	}
	if (json_object_size(h) > 0) {
		p->c->hooks_json = json_dumps(h, JSON_COMPACT);
		if (!p->c->hooks_json)
			return volt_err_set(p->err, ENOMEM, "config.json");
	}
	return 0;
}

static int parse_linux(struct pctx *p, json_t *lx)
{
	struct volt_oci_config *c = p->c;
	if (!lx || json_is_null(lx))
		return 0;
	if (!json_is_object(lx))
		return bad(p, "linux", "must be an object");
	if (parse_namespaces(p, json_object_get(lx, "namespaces")) < 0 ||
	    parse_idmap(p, json_object_get(lx, "uidMappings"), "linux.uidMappings", c->uids, &c->n_uids) < 0 ||
	    parse_idmap(p, json_object_get(lx, "gidMappings"), "linux.gidMappings", c->gids, &c->n_gids) < 0 ||
	    get_strv(p, lx, "maskedPaths", "linux.maskedPaths", &c->masked) < 0 ||
	    get_strv(p, lx, "readonlyPaths", "linux.readonlyPaths", &c->readonly) < 0 ||
	    get_str(p, lx, "rootfsPropagation", "linux.rootfsPropagation", &c->rootfs_propagation) < 0)
		return -1;
	if ((c->n_uids > 0) != (c->n_gids > 0))
		return bad(p, "linux.uidMappings", "uid and gid mappings go together");
	json_t *sc = json_object_get(lx, "sysctl");
	if (sc && !json_is_null(sc)) {
		const char *k;
		json_t *v;
		if (!json_is_object(sc))
			return bad(p, "linux.sysctl", "must be an object of strings");
		json_object_foreach(sc, k, v) {
			if (!json_is_string(v) || strchr(k, '/') || strstr(k, ".."))
				return bad(p, "linux.sysctl", "keys are dotted names, values strings");
			cleanup_free char *kv = volt_path("%s=%s", k, json_string_value(v));
			volt_strv_push(&c->sysctl, kv);
		}
	}
	json_t *seccomp = json_object_get(lx, "seccomp");
	if (seccomp && !json_is_null(seccomp)) {
		struct volt_scmp_profile prof;
		if (!json_is_object(seccomp))
			return bad(p, "linux.seccomp", "must be an object");
		if (parse_seccomp_listener(p, seccomp) < 0)
			return -1;
		/* the listener's fields are the runtime's, not the filter's */
		json_t *filter = json_deep_copy(seccomp);
		json_object_del(filter, "listenerPath");
		json_object_del(filter, "listenerMetadata");
		c->seccomp_json = filter ? json_dumps(filter, JSON_COMPACT) : NULL;
		json_decref(filter);
		if (!c->seccomp_json)
			return volt_err_set(p->err, ENOMEM, "config.json");
		/* checked here, so a bad profile fails create with its field */
		if (volt_scmp_profile_parse(&prof, "config.json: linux.seccomp", c->seccomp_json,
					    strlen(c->seccomp_json), p->err) < 0)
			return -1;
		volt_scmp_profile_free(&prof);
	}
	if (parse_devices(p, json_object_get(lx, "devices")) < 0)
		return -1;
	if (json_object_get(lx, "intelRdt"))
		return bad(p, "linux.intelRdt", "not supported");
	if (get_str(p, lx, "cgroupsPath", "linux.cgroupsPath", &c->cgroups_path) < 0)
		return -1;
	json_t *res = json_object_get(lx, "resources");
	if (res && !json_is_null(res)) {
		if (!json_is_object(res))
			return bad(p, "linux.resources", "must be an object");
		/* checked and applied by cgroup.c (the same code as `update`) */
		c->resources_json = json_dumps(res, JSON_COMPACT);
		if (!c->resources_json)
			return volt_err_set(p->err, ENOMEM, "config.json");
	}
	for (const char *const *k = (const char *const[]){"mountLabel", "personality", NULL}; *k; k++)
		if (json_object_get(lx, *k))
			volt_strv_push(&c->ignored, *k);
	return 0;
}

static int parse_all(struct pctx *p, json_t *root)
{
	struct volt_oci_config *c = p->c;
	if (!json_is_object(root))
		return bad(p, "(top)", "must be an object");
	if (get_str(p, root, "ociVersion", "ociVersion", &c->oci_version) < 0)
		return -1;
	if (!c->oci_version || strncmp(c->oci_version, "1.", 2) != 0)
		return bad(p, "ociVersion", "must be 1.x");
	if (parse_process(p, json_object_get(root, "process")) < 0)
		return -1;
	json_t *r = json_object_get(root, "root");
	if (!json_is_object(r) || get_str(p, r, "path", "root.path", &c->root_path) < 0 ||
	    get_bool(p, r, "readonly", "root.readonly", &c->root_readonly) < 0)
		return json_is_object(r) ? -1 : bad(p, "root", "missing");
	if (!c->root_path || !c->root_path[0])
		return bad(p, "root.path", "missing");
	if (get_str(p, root, "hostname", "hostname", &c->hostname) < 0 ||
	    parse_mounts(p, json_object_get(root, "mounts")) < 0 || parse_linux(p, json_object_get(root, "linux")) < 0)
		return -1;
	if (parse_hooks(p, json_object_get(root, "hooks")) < 0)
		return -1;
	if (c->hostname && !volt_oci_find_ns(c, CLONE_NEWUTS))
		return bad(p, "hostname", "needs a uts namespace");
	json_t *ann = json_object_get(root, "annotations");
	if (ann && !json_is_null(ann) && !json_is_object(ann))
		return bad(p, "annotations", "must be an object");
	c->annotations_json = json_is_object(ann) ? json_dumps(ann, JSON_COMPACT) : strdup("{}");
	return c->annotations_json ? 0 : volt_err_set(p->err, ENOMEM, "config.json");
}

int volt_oci_config_parse(struct volt_oci_config *c, const char *text, size_t len, struct volt_err *err)
{
	json_error_t je;
	struct pctx p = {.err = err, .c = c};

	memset(c, 0, sizeof(*c));
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return volt_err_set(err, EINVAL, "config.json:%d:%d: %s", je.line, je.column, je.text);
	int r = parse_all(&p, root);
	json_decref(root);
	if (r < 0)
		volt_oci_config_free(c);
	return r;
}

int volt_oci_process_parse(struct volt_oci_config *c, const char *text, size_t len, struct volt_err *err)
{
	json_error_t je;
	struct pctx p = {.err = err, .c = c};

	memset(c, 0, sizeof(*c));
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return volt_err_set(err, EINVAL, "process.json:%d:%d: %s", je.line, je.column, je.text);
	int r = parse_process(&p, root);
	json_decref(root);
	if (r < 0)
		volt_oci_config_free(c);
	return r;
}

void volt_oci_config_free(struct volt_oci_config *c)
{
	free(c->oci_version);
	free(c->add_gids);
	volt_strv_free(c->args);
	volt_strv_free(c->env);
	free(c->cwd);
	free(c->rlimits);
	free(c->root_path);
	free(c->hostname);
	free(c->seccomp_listener);
	free(c->seccomp_metadata);
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].dest);
		free(c->mounts[i].type);
		free(c->mounts[i].source);
		volt_strv_free(c->mounts[i].options);
	}
	free(c->mounts);
	for (int i = 0; i < c->n_ns; i++)
		free(c->ns[i].path);
	volt_strv_free(c->masked);
	volt_strv_free(c->readonly);
	volt_strv_free(c->sysctl);
	free(c->seccomp_json);
	free(c->resources_json);
	free(c->hooks_json);
	free(c->cgroups_path);
	for (size_t i = 0; i < c->n_devices; i++)
		free(c->devices[i].path);
	free(c->devices);
	free(c->rootfs_propagation);
	free(c->annotations_json);
	volt_strv_free(c->ignored);
	memset(c, 0, sizeof(*c));
}

static const struct {
	const char *name;
	unsigned long set, clear;
} mount_flags[] = {
	{"ro", MS_RDONLY, 0},
	{"rw", 0, MS_RDONLY},
	{"nosuid", MS_NOSUID, 0},
	{"suid", 0, MS_NOSUID},
	{"nodev", MS_NODEV, 0},
	{"dev", 0, MS_NODEV},
	{"noexec", MS_NOEXEC, 0},
	{"exec", 0, MS_NOEXEC},
	{"sync", MS_SYNCHRONOUS, 0},
	{"async", 0, MS_SYNCHRONOUS},
	{"dirsync", MS_DIRSYNC, 0},
	{"remount", MS_REMOUNT, 0},
	{"mand", MS_MANDLOCK, 0},
	{"nomand", 0, MS_MANDLOCK},
	{"atime", 0, MS_NOATIME},
	{"noatime", MS_NOATIME, 0},
	{"diratime", 0, MS_NODIRATIME},
	{"nodiratime", MS_NODIRATIME, 0},
	{"relatime", MS_RELATIME, 0},
	{"norelatime", 0, MS_RELATIME},
	{"strictatime", MS_STRICTATIME, 0},
	{"nostrictatime", 0, MS_STRICTATIME},
};

static const struct {
	const char *name;
	unsigned long prop;
} mount_props[] = {
	{"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
	{"shared", MS_SHARED},	       {"rshared", MS_SHARED | MS_REC},
	{"slave", MS_SLAVE},	       {"rslave", MS_SLAVE | MS_REC},
	{"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

int volt_oci_mount_opts(char *const *options, struct volt_oci_mount_opts *o, struct volt_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(o, 0, sizeof(*o));
	if (!f)
		return volt_err_sys(err, "open_memstream");
	for (size_t i = 0; options && options[i]; i++) {
		const char *opt = options[i];
		bool known = false;
		if (!strcmp(opt, "bind") || !strcmp(opt, "rbind")) {
			o->bind = true;
			o->rec = o->rec || opt[0] == 'r';
			continue;
		}
		for (size_t k = 0; k < sizeof(mount_flags) / sizeof(mount_flags[0]) && !known; k++)
			if (!strcmp(opt, mount_flags[k].name)) {
				o->flags = (o->flags | mount_flags[k].set) & ~mount_flags[k].clear;
				known = true;
			}
		for (size_t k = 0; k < sizeof(mount_props) / sizeof(mount_props[0]) && !known; k++)
			if (!strcmp(opt, mount_props[k].name)) {
				o->prop = mount_props[k].prop;
				known = true;
			}
		/* idmap, tmpcopyup, copy-symlink: runtime extensions we do not have */
		if (!known && (!strcmp(opt, "idmap") || !strcmp(opt, "ridmap"))) {
			o->idmap = opt[0] == 'r' ? 2 : 1;
			continue;
		}
		if (!known &&
		    (!strcmp(opt, "tmpcopyup") || !strcmp(opt, "copy-symlink") || !strcmp(opt, "notmpcopyup")))
			known = true; /* accepted without effect (docs/oci-runtime.md) */
		if (!known) {
			if (strchr(opt, ',')) {
				fclose(f);
				free(buf);
				return volt_err_set(err, EINVAL, "mount option \"%s\" holds a comma", opt);
			}
			fprintf(f, "%s%s", ftell(f) ? "," : "", opt);
		}
	}
	fclose(f);
	o->data = buf;
	return 0;
}
