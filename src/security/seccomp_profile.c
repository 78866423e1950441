/* Parser of seccomp profiles in the OCI runtime-spec / Docker JSON format:
 * defaultAction, defaultErrnoRet, architectures (or archMap), syscalls[] with
 * names (or the old name), action, errnoRet, args[] {index, value, valueTwo,
 * op}, includes/excludes {caps, arches}. Pure: no libseccomp here, so the
 * parser can be unit-tested and fuzzed alone (security/seccomp.c compiles). */
#include "security/seccomp_profile.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "security/caps.h"
#include "util/cleanup.h"
#include "util/strv.h"

static const struct {
	const char *name;
	enum volt_scmp_action a;
} actions[] = {
	{"SCMP_ACT_ALLOW", VOLT_SCMP_ALLOW},
	{"SCMP_ACT_ERRNO", VOLT_SCMP_ERRNO},
	{"SCMP_ACT_KILL", VOLT_SCMP_KILL_THREAD},
	{"SCMP_ACT_KILL_THREAD", VOLT_SCMP_KILL_THREAD},
	{"SCMP_ACT_KILL_PROCESS", VOLT_SCMP_KILL_PROCESS},
	{"SCMP_ACT_TRAP", VOLT_SCMP_TRAP},
	{"SCMP_ACT_TRACE", VOLT_SCMP_TRACE},
	{"SCMP_ACT_LOG", VOLT_SCMP_LOG},
	{"SCMP_ACT_NOTIFY", VOLT_SCMP_NOTIFY},
};

static const char *ops[] = {
	[VOLT_CMP_NE] = "SCMP_CMP_NE", [VOLT_CMP_LT] = "SCMP_CMP_LT", [VOLT_CMP_LE] = "SCMP_CMP_LE",
	[VOLT_CMP_EQ] = "SCMP_CMP_EQ", [VOLT_CMP_GE] = "SCMP_CMP_GE", [VOLT_CMP_GT] = "SCMP_CMP_GT",
	[VOLT_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *volt_scmp_action_name(enum volt_scmp_action a)
{
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (actions[i].a == a)
			return actions[i].name;
	return "?";
}

/* bad - fill err with "NAME: WHERE: reason" and return -1 */
static int bad(struct volt_err *err, const char *name, const char *where, const char *why, const char *what)
{
	return volt_err_set(err, EINVAL, "seccomp profile %s: %s: %s%s%s%s", name, where, why,
			    what ? " \"" : "", what ? what : "", what ? "\"" : "");
}

/* parse_action - "SCMP_ACT_*" to the enum; -1 if unknown */
static int parse_action(json_t *v, enum volt_scmp_action *out)
{
	const char *s = json_string_value(v);
	if (!s)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (!strcmp(s, actions[i].name)) {
			*out = actions[i].a;
			return 0;
		}
	return -1;
}

/* parse_strv - an array of strings (or absent: empty) */
static int parse_strv(json_t *a, char ***out)
{
	json_t *v;
	size_t i;
	*out = calloc(1, sizeof(char *));
	if (!*out)
		return -1;
	if (!a)
		return 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || volt_strv_push(out, json_string_value(v)) < 0)
			return -1;
	}
	return 0;
}

/* parse_caps - includes/excludes "caps" into a mask; -1 with *badname */
static int parse_caps(json_t *a, uint64_t *out, const char **badname)
{
	json_t *v;
	size_t i;
	*out = 0;
	if (!a)
		return 0;
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);
		int c = s ? volt_caps_parse_name(s) : -1;
		if (c < 0 || c > 63) {
			*badname = s;
			return -1;
		}
		*out |= UINT64_C(1) << c;
	}
	return 0;
}

/* parse_u64 - an argument value (absent: 0) */
static int parse_u64(json_t *v, uint64_t *out)
{
	if (!v) {
		*out = 0;
		return 0;
	}
	if (!json_is_integer(v))
		return -1;
	/* jansson holds integers as signed 64 bits; large masks arrive negative */
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* parse_rule - syscalls[idx]; -1 with err naming the rule and the field */
static int parse_rule(json_t *r, struct volt_scmp_rule *rule, const char *name, size_t idx, struct volt_err *err)
{
	char where[64];
	json_t *names = json_object_get(r, "names"), *args, *inc, *exc, *v;
	const char *badname = NULL;
	size_t i;

	snprintf(where, sizeof(where), "syscalls[%zu]", idx);
	rule->errno_ret = -1;
	if (!json_is_object(r))
		return bad(err, name, where, "expected an object", NULL);
	if (!names && json_is_string(json_object_get(r, "name"))) {
		rule->names = calloc(2, sizeof(char *));
		if (!rule->names || !(rule->names[0] = strdup(json_string_value(json_object_get(r, "name")))))
			return volt_err_set(err, ENOMEM, "seccomp profile %s", name);
	} else if (parse_strv(names, &rule->names) < 0) {
		return bad(err, name, where, "\"names\" must be an array of syscall names", NULL);
	}
	if (!rule->names[0])
		return bad(err, name, where, "no syscall names", NULL);
	for (i = 0; rule->names[i]; i++)
		if (!rule->names[i][0])
			return bad(err, name, where, "empty syscall name", NULL);
	v = json_object_get(r, "action");
	if (!v)
		return bad(err, name, where, "missing \"action\"", NULL);
	if (parse_action(v, &rule->action) < 0)
		return bad(err, name, where, "unknown action", json_string_value(v) ? json_string_value(v) : "(not a string)");
	v = json_object_get(r, "errnoRet");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4095)
			return bad(err, name, where, "\"errnoRet\" must be an integer 0..4095", NULL);
		rule->errno_ret = (int)json_integer_value(v);
	}
	args = json_object_get(r, "args");
	if (args && !json_is_null(args)) {
		if (!json_is_array(args))
			return bad(err, name, where, "\"args\" must be an array", NULL);
		rule->args = calloc(json_array_size(args) + 1, sizeof(*rule->args));
		if (!rule->args)
			return volt_err_set(err, ENOMEM, "seccomp profile %s", name);
		json_array_foreach(args, i, v) {
			struct volt_scmp_arg *a = &rule->args[rule->n_args++];
			json_t *ix = json_object_get(v, "index");
			const char *op = json_string_value(json_object_get(v, "op"));
			char w2[96];
			snprintf(w2, sizeof(w2), "%s.args[%zu]", where, i);
			if (!json_is_object(v))
				return bad(err, name, w2, "expected an object", NULL);
			if (!json_is_integer(ix) || json_integer_value(ix) < 0 || json_integer_value(ix) > 5)
				return bad(err, name, w2, "\"index\" must be 0..5", NULL);
			a->index = (unsigned)json_integer_value(ix);
			if (parse_u64(json_object_get(v, "value"), &a->value) < 0 ||
			    parse_u64(json_object_get(v, "valueTwo"), &a->value_two) < 0)
				return bad(err, name, w2, "\"value\" and \"valueTwo\" must be integers", NULL);
			size_t k;
			for (k = 0; k < ARRAY_SIZE(ops); k++)
				if (op && !strcmp(op, ops[k]))
					break;
			if (k == ARRAY_SIZE(ops))
				return bad(err, name, w2, "unknown op", op ? op : "(missing)");
			a->op = (enum volt_scmp_op)k;
		}
	}
	inc = json_object_get(r, "includes");
	exc = json_object_get(r, "excludes");
	if ((inc && !json_is_object(inc)) || (exc && !json_is_object(exc)))
		return bad(err, name, where, "\"includes\"/\"excludes\" must be objects", NULL);
	if (parse_caps(json_object_get(inc, "caps"), &rule->caps_include, &badname) < 0 ||
	    parse_caps(json_object_get(exc, "caps"), &rule->caps_exclude, &badname) < 0)
		return bad(err, name, where, "unknown capability", badname ? badname : "(not a string)");
	if (parse_strv(json_object_get(inc, "arches"), &rule->arch_include) < 0 ||
	    parse_strv(json_object_get(exc, "arches"), &rule->arch_exclude) < 0)
		return bad(err, name, where, "\"arches\" must be an array of strings", NULL);
	return 0;
}

int volt_scmp_profile_parse(struct volt_scmp_profile *p, const char *name, const char *text, size_t len,
			    struct volt_err *err)
{
	json_error_t jerr;
	json_t *o, *v, *sys;
	size_t i;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		return volt_err_set(err, EINVAL, "seccomp profile %s:%d:%d: %s", name, jerr.line, jerr.column,
				    jerr.text);
	if (!json_is_object(o)) {
		bad(err, name, "top level", "expected an object", NULL);
		goto out;
	}
	v = json_object_get(o, "defaultAction");
	if (!v) {
		bad(err, name, "top level", "missing \"defaultAction\"", NULL);
		goto out;
	}
	if (parse_action(v, &p->default_action) < 0) {
		bad(err, name, "defaultAction", "unknown action", json_string_value(v) ? json_string_value(v) : "(not a string)");
		goto out;
	}
	p->default_errno = EPERM;
	v = json_object_get(o, "defaultErrnoRet");
	if (v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4095) {
			bad(err, name, "defaultErrnoRet", "must be an integer 0..4095", NULL);
			goto out;
		}
		p->default_errno = (int)json_integer_value(v);
	}
	v = json_object_get(o, "architectures");
	if (parse_strv(v, &p->arches) < 0) {
		bad(err, name, "architectures", "must be an array of strings", NULL);
		goto out;
	}
	/* Docker's own profile lists archMap instead: take every architecture */
	v = json_object_get(o, "archMap");
	if (!p->arches[0] && json_is_array(v)) {
		json_t *m;
		json_array_foreach(v, i, m) {
			json_t *sub = json_object_get(m, "subArchitectures"), *s;
			size_t k;
			if (json_is_string(json_object_get(m, "architecture")))
				volt_strv_push(&p->arches, json_string_value(json_object_get(m, "architecture")));
			json_array_foreach(sub, k, s)
				if (json_is_string(s))
					volt_strv_push(&p->arches, json_string_value(s));
		}
	}
	sys = json_object_get(o, "syscalls");
	if (sys && !json_is_null(sys)) {
		if (!json_is_array(sys)) {
			bad(err, name, "syscalls", "must be an array", NULL);
			goto out;
		}
		p->rules = calloc(json_array_size(sys) + 1, sizeof(*p->rules));
		if (!p->rules) {
			volt_err_set(err, ENOMEM, "seccomp profile %s", name);
			goto out;
		}
		json_array_foreach(sys, i, v) {
			if (parse_rule(v, &p->rules[p->n_rules++], name, i, err) < 0)
				goto out;
		}
	}
	ret = 0;
out:
	json_decref(o);
	if (ret < 0)
		volt_scmp_profile_free(p);
	return ret;
}

void volt_scmp_profile_free(struct volt_scmp_profile *p)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		volt_strv_free(p->rules[i].names);
		free(p->rules[i].args);
		volt_strv_free(p->rules[i].arch_include);
		volt_strv_free(p->rules[i].arch_exclude);
	}
	free(p->rules);
	volt_strv_free(p->arches);
	memset(p, 0, sizeof(*p));
}

/* strv_has - whether v holds s */
static bool strv_has(char **v, const char *s)
{
	for (size_t i = 0; v && v[i]; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

bool volt_scmp_rule_active(const struct volt_scmp_rule *r, uint64_t caps, const char *arch)
{
	if (r->caps_include && (caps & r->caps_include) != r->caps_include)
		return false;
	if (r->caps_exclude && (caps & r->caps_exclude))
		return false;
	if (r->arch_include && r->arch_include[0] && !strv_has(r->arch_include, arch))
		return false;
	if (strv_has(r->arch_exclude, arch))
		return false;
	return true;
}
