/* Parser of seccomp profiles in the OCI runtime-spec / Docker JSON format:
 * defaultAction, defaultErrnoRet (or podman's defaultErrno name),
 * architectures (or archMap), syscalls[] with names (or the old name),
 * action, errnoRet (or podman's errno name), args[] {index, value, valueTwo,
 * op}, includes/excludes {caps, arches, minKernel}. Pure: no libseccomp here,
 * so the parser can be unit-tested and fuzzed alone (security/seccomp.c
 * compiles).
 *
 * Architecture names: Docker's and podman's own profiles name architectures
 * in includes/excludes.arches the way Docker's Go code does ("amd64", "x86",
 * "arm64", "x32", even the misspelt "mips3l64n32"), while architectures and
 * archMap use SCMP_ARCH_ names. Every name is turned into its SCMP_ARCH_
 * form here, so that one comparison serves both; a name nobody uses is kept
 * as written and matches nothing, as in Docker. */
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
	[VOLT_CMP_NE] = "SCMP_CMP_NE",
	[VOLT_CMP_LT] = "SCMP_CMP_LT",
	[VOLT_CMP_LE] = "SCMP_CMP_LE",
	[VOLT_CMP_EQ] = "SCMP_CMP_EQ",
	[VOLT_CMP_GE] = "SCMP_CMP_GE",
	[VOLT_CMP_GT] = "SCMP_CMP_GT",
	[VOLT_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

/* every spelling of each architecture: libseccomp's SCMP_ARCH_ name and its
 * lower-case name, Docker's (profiles/seccomp: "amd64", "mips3l64n32") and
 * Go's GOARCH */
static const struct {
	const char *scmp, *aliases[5];
} arch_names[] = {
	{"SCMP_ARCH_X86", {"x86", "386", "i386"}},
	{"SCMP_ARCH_X86_64", {"x86_64", "amd64"}},
	{"SCMP_ARCH_X32", {"x32"}},
	{"SCMP_ARCH_ARM", {"arm"}},
	{"SCMP_ARCH_AARCH64", {"aarch64", "arm64"}},
	{"SCMP_ARCH_MIPS", {"mips"}},
	{"SCMP_ARCH_MIPS64", {"mips64"}},
	{"SCMP_ARCH_MIPS64N32", {"mips64n32", "mips64p32"}},
	{"SCMP_ARCH_MIPSEL", {"mipsel", "mipsle"}},
	{"SCMP_ARCH_MIPSEL64", {"mipsel64", "mips64le"}},
	{"SCMP_ARCH_MIPSEL64N32", {"mipsel64n32", "mips3l64n32", "mips64p32le"}},
	{"SCMP_ARCH_PPC", {"ppc"}},
	{"SCMP_ARCH_PPC64", {"ppc64"}},
	{"SCMP_ARCH_PPC64LE", {"ppc64le"}},
	{"SCMP_ARCH_S390", {"s390"}},
	{"SCMP_ARCH_S390X", {"s390x"}},
	{"SCMP_ARCH_PARISC", {"parisc"}},
	{"SCMP_ARCH_PARISC64", {"parisc64"}},
	{"SCMP_ARCH_RISCV64", {"riscv64"}},
	{"SCMP_ARCH_LOONGARCH64", {"loongarch64", "loong64"}},
	{"SCMP_ARCH_M68K", {"m68k"}},
	{"SCMP_ARCH_SH", {"sh"}},
	{"SCMP_ARCH_SHEB", {"sheb"}},
};

const char *volt_scmp_arch_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_names); i++) {
		if (!strcmp(name, arch_names[i].scmp))
			return arch_names[i].scmp;
		for (size_t k = 0; k < ARRAY_SIZE(arch_names[i].aliases) && arch_names[i].aliases[k]; k++)
			if (!strcmp(name, arch_names[i].aliases[k]))
				return arch_names[i].scmp;
	}
	return NULL;
}

unsigned volt_scmp_kernel_parse(const char *release)
{
	unsigned major, minor;
	int n = 0;
	/* digits only: sscanf's %u would take "-1" or " 4" */
	if (!release || release[0] < '0' || release[0] > '9' || sscanf(release, "%3u.%n", &major, &n) != 1 || !n ||
	    release[n] < '0' || release[n] > '9' || sscanf(release + n, "%3u", &minor) != 1 || major > 255 ||
	    minor > 255)
		return 0;
	return VOLT_SCMP_KERNEL(major, minor);
}

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
	return volt_err_set(err, EINVAL, "seccomp profile %s: %s: %s%s%s%s", name, where, why, what ? " \"" : "",
			    what ? what : "", what ? "\"" : "");
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

/* parse_arches - an array of architecture names (or absent: empty), each in
 * its SCMP_ARCH_ form when it has one */
static int parse_arches(json_t *a, char ***out)
{
	if (parse_strv(a, out) < 0)
		return -1;
	for (size_t i = 0; (*out)[i]; i++) {
		const char *scmp = volt_scmp_arch_name((*out)[i]);
		char *dup;
		if (!scmp || !strcmp(scmp, (*out)[i]))
			continue;
		if (!(dup = strdup(scmp)))
			return -1;
		free((*out)[i]);
		(*out)[i] = dup;
	}
	return 0;
}

/* parse_errno - errnoRet (a number) and/or podman's errno (a name such as
 * "EPERM") into *out (left alone when both are absent); -1 with *why */
static int parse_errno(json_t *num, json_t *name, int *out, const char **why)
{
	int n = -1;
	if (num) {
		if (!json_is_integer(num) || json_integer_value(num) < 0 || json_integer_value(num) > 4095) {
			*why = "must be an integer 0..4095";
			return -1;
		}
		n = (int)json_integer_value(num);
	}
	if (name) {
		const char *s = json_string_value(name);
		int e = 0;
		for (int i = 1; s && i < 4096 && !e; i++) {
			const char *en = strerrorname_np(i);
			if (en && !strcmp(en, s))
				e = i;
		}
		/* the C library names one of each pair only */
		if (s && !e)
			e = !strcmp(s, "EWOULDBLOCK") ? EWOULDBLOCK :
			    !strcmp(s, "EDEADLOCK")   ? EDEADLOCK :
			    !strcmp(s, "ENOTSUP")     ? ENOTSUP :
							0;
		if (!e) {
			*why = "\"errno\" is no errno name";
			return -1;
		}
		if (n >= 0 && n != e) {
			*why = "disagrees with \"errno\"";
			return -1;
		}
		n = e;
	}
	if (n >= 0)
		*out = n;
	return 0;
}

/* parse_kernel - includes/excludes "minKernel": "MAJOR.MINOR", as Docker
 * reads it (an empty string: no condition); -1 if malformed */
static int parse_kernel(json_t *v, unsigned *out)
{
	const char *s = json_string_value(v);
	*out = 0;
	if (!v || (s && !*s))
		return 0;
	/* exactly two numbers: Docker refuses "4.8.1" */
	if (!s || !(*out = volt_scmp_kernel_parse(s)) || strchr(strchr(s, '.') + 1, '.') ||
	    strspn(s, "0123456789.") != strlen(s))
		return -1;
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

/* parse_filter - includes or excludes: caps, arches, minKernel (Docker's
 * "comment"-like extras are ignored) */
static int parse_filter(json_t *f, uint64_t *caps, char ***arches, unsigned *kernel, const char *name,
			const char *where, struct volt_err *err)
{
	const char *badname = NULL;
	if (parse_caps(json_object_get(f, "caps"), caps, &badname) < 0)
		return bad(err, name, where, "unknown capability", badname ? badname : "(not a string)");
	if (parse_arches(json_object_get(f, "arches"), arches) < 0)
		return bad(err, name, where, "\"arches\" must be an array of strings", NULL);
	if (parse_kernel(json_object_get(f, "minKernel"), kernel) < 0)
		return bad(err, name, where, "\"minKernel\" must be \"MAJOR.MINOR\"", NULL);
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
	const char *why = NULL;
	size_t i;

	snprintf(where, sizeof(where), "syscalls[%zu]", idx);
	rule->errno_ret = -1;
	if (!json_is_object(r))
		return bad(err, name, where, "expected an object", NULL);
	/* Docker and podman refuse both at once: which one was meant? */
	if (names && json_object_get(r, "name"))
		return bad(err, name, where, "both \"name\" and \"names\": use one", NULL);
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
		return bad(err, name, where, "unknown action",
			   json_string_value(v) ? json_string_value(v) : "(not a string)");
	if (parse_errno(json_object_get(r, "errnoRet"), json_object_get(r, "errno"), &rule->errno_ret, &why) < 0) {
		snprintf(where + strlen(where), sizeof(where) - strlen(where), ".errnoRet");
		return bad(err, name, where, why, NULL);
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
	char w2[80];
	snprintf(w2, sizeof(w2), "%s.includes", where);
	if (parse_filter(inc, &rule->caps_include, &rule->arch_include, &rule->kernel_include, name, w2, err) < 0)
		return -1;
	snprintf(w2, sizeof(w2), "%s.excludes", where);
	return parse_filter(exc, &rule->caps_exclude, &rule->arch_exclude, &rule->kernel_exclude, name, w2, err);
}

/* check_flags - the runtime-spec's "flags": known names only. None changes
 * what the program allows: LOG and SPEC_ALLOW touch logging and a CPU
 * mitigation (left on), TSYNC and WAIT_KILLABLE_RECV matter to threads and
 * listeners volt's child does not have. So they are accepted and not passed. */
static int check_flags(json_t *f, const char *name, struct volt_err *err)
{
	static const char *known[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
				      "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
	json_t *v;
	size_t i, k;
	if (!f || json_is_null(f))
		return 0;
	if (!json_is_array(f))
		return bad(err, name, "flags", "must be an array of strings", NULL);
	json_array_foreach(f, i, v) {
		const char *s = json_string_value(v);
		for (k = 0; s && k < ARRAY_SIZE(known); k++)
			if (!strcmp(s, known[k]))
				break;
		if (!s || k == ARRAY_SIZE(known))
			return bad(err, name, "flags", "unknown flag", s ? s : "(not a string)");
	}
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
		bad(err, name, "defaultAction", "unknown action",
		    json_string_value(v) ? json_string_value(v) : "(not a string)");
		goto out;
	}
	p->default_errno = EPERM;
	const char *why = NULL;
	if (parse_errno(json_object_get(o, "defaultErrnoRet"), json_object_get(o, "defaultErrno"), &p->default_errno,
			&why) < 0) {
		bad(err, name, "defaultErrnoRet", why, NULL);
		goto out;
	}
	/* no program of volt's can be handed to an outside agent */
	if (json_object_get(o, "listenerPath")) {
		bad(err, name, "listenerPath", "not supported (volt serves notifications itself: --seccomp-audit)",
		    NULL);
		goto out;
	}
	if (check_flags(json_object_get(o, "flags"), name, err) < 0)
		goto out;
	v = json_object_get(o, "architectures");
	if (parse_arches(v, &p->arches) < 0) {
		bad(err, name, "architectures", "must be an array of strings", NULL);
		goto out;
	}
	/* Docker's and podman's own profiles list archMap instead: take every
	 * architecture (security/seccomp.c keeps those of the native family) */
	v = json_object_get(o, "archMap");
	if (p->arches[0] && json_array_size(v)) {
		bad(err, name, "archMap", "given with \"architectures\": use one", NULL);
		goto out;
	}
	if (json_is_array(v)) {
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
		for (i = 0; p->arches[i]; i++) {
			const char *scmp = volt_scmp_arch_name(p->arches[i]);
			char *dup = scmp && strcmp(scmp, p->arches[i]) ? strdup(scmp) : NULL;
			if (dup) {
				free(p->arches[i]);
				p->arches[i] = dup;
			}
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

bool volt_scmp_rule_active(const struct volt_scmp_rule *r, const struct volt_scmp_env *env)
{
	if (r->caps_include && (env->caps & r->caps_include) != r->caps_include)
		return false;
	if (r->caps_exclude && (env->caps & r->caps_exclude))
		return false;
	if (r->arch_include && r->arch_include[0] && !strv_has(r->arch_include, env->arch))
		return false;
	if (strv_has(r->arch_exclude, env->arch))
		return false;
	if (r->kernel_include && env->kernel < r->kernel_include)
		return false;
	if (r->kernel_exclude && env->kernel >= r->kernel_exclude)
		return false;
	return true;
}
