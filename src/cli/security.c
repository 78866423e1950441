/* volt security: inspect, audit, audit-log, profile (check: security_check.c). */
#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "workload/lifecycle.h"
#include "container/spec.h"
#include "security/caps.h"
#include "security/security.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* load - a container row and its spec; prints and returns -1 on failure */
static int load(struct volt_ctx *ctx, const char *ref, struct volt_ctr_row *row, struct volt_spec *spec)
{
	struct volt_err err = {0};
	if (cli_ctr_load(ctx, ref, row) != 0)
		return -1;
	if (volt_spec_from_json(spec, row->spec, &err) < 0) {
		volt_ctr_row_free(row);
		cli_fail(&err);
		return -1;
	}
	return 0;
}

/* status_field - the value of "Key:" in /proc/PID/status (malloc'd) or NULL */
static char *status_field(int pid, const char *key)
{
	char path[64];
	cleanup_free char *text = NULL;
	struct volt_err e;
	size_t kl = strlen(key);

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (pid <= 0 || volt_read_file(path, 1 << 16, &text, NULL, &e) < 0)
		return NULL;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n"))
		if (!strncmp(l, key, kl) && l[kl] == ':') {
			l += kl + 1;
			while (*l == ' ' || *l == '\t')
				l++;
			return strdup(l);
		}
	return NULL;
}

/* print_caps_line - one capability set of the running process, decoded */
static void print_caps_line(const char *label, int pid, const char *key)
{
	cleanup_free char *v = status_field(pid, key);
	char names[1024] = "";
	if (!v) {
		printf("  %-12s (not running)\n", label);
		return;
	}
	volt_caps_format(strtoull(v, NULL, 16), names, sizeof(names));
	printf("  %-12s %s %s\n", label, v, names[0] ? names : "(none)");
}

/* inspect_caps - requested set and the process's five sets */
static void inspect_caps(const struct volt_spec *s, int pid)
{
	uint64_t caps;
	char names[1024];
	struct volt_err e;
	printf("capabilities:\n");
	if (volt_caps_compute(s->cap_add, s->cap_drop, &caps, &e) == 0) {
		volt_caps_format(caps, names, sizeof(names));
		printf("  requested    %s\n", names[0] ? names : "(none)");
	}
	print_caps_line("effective", pid, "CapEff");
	print_caps_line("permitted", pid, "CapPrm");
	print_caps_line("inheritable", pid, "CapInh");
	print_caps_line("bounding", pid, "CapBnd");
	print_caps_line("ambient", pid, "CapAmb");
	cleanup_free char *nnp = status_field(pid, "NoNewPrivs");
	printf("  no_new_privs %s\n", nnp ? nnp : "(not running)");
}

/* inspect_seccomp - the record's profile and mode, the process's Seccomp field */
static void inspect_seccomp(json_t *rec, int pid)
{
	json_t *sc = json_object_get(rec, "seccomp");
	cleanup_free char *mode = status_field(pid, "Seccomp");
	cleanup_free char *filters = status_field(pid, "Seccomp_filters");
	printf("seccomp:\n  profile      %s\n  file         %s\n  mode         %s\n  instructions %lld\n",
	       json_string_value(json_object_get(sc, "profile")) ?: "?",
	       json_string_value(json_object_get(sc, "path")) ?: "",
	       json_string_value(json_object_get(sc, "mode")) ?: "?",
	       (long long)json_integer_value(json_object_get(sc, "instructions")));
	printf("  process      Seccomp: %s (2 = filter), filters: %s\n", mode ? mode : "(not running)",
	       filters ? filters : "-");
}

/* inspect_landlock - profile, ABI applied, what is handled, what was left out */
static void inspect_landlock(json_t *rec)
{
	json_t *ll = json_object_get(rec, "landlock");
	printf("landlock:\n  profile      %s\n  file         %s\n  enabled      %s\n  ABI applied  %lld\n"
	       "  filesystem   %s\n  TCP ports    %s\n  scoping      abstract unix sockets: %s, signals: %s\n"
	       "  left out     %s\n",
	       json_string_value(json_object_get(ll, "profile")) ?: "?",
	       json_string_value(json_object_get(ll, "path")) ?: "",
	       json_is_true(json_object_get(ll, "enabled")) ? "yes" : "no",
	       (long long)json_integer_value(json_object_get(ll, "abi")),
	       json_is_true(json_object_get(ll, "filesystem")) ? "handled" : "not handled",
	       json_is_true(json_object_get(ll, "tcp")) ? "handled" : "not handled",
	       json_is_true(json_object_get(ll, "scope_abstract_unix")) ? "yes" : "no",
	       json_is_true(json_object_get(ll, "scope_signal")) ? "yes" : "no",
	       json_string_value(json_object_get(ll, "left_out")) ?: "?");
}

/* inspect_namespaces - each namespace of the process: own or the host's */
static void inspect_namespaces(const struct volt_spec *s, int pid)
{
	static const char *ns[] = {"user", "mnt", "pid", "uts", "ipc", "net", "cgroup", "time"};
	printf("namespaces:\n");
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		char p[64], q[64], a[128] = "", b[128] = "";
		snprintf(p, sizeof(p), "/proc/%d/ns/%s", pid, ns[i]);
		snprintf(q, sizeof(q), "/proc/self/ns/%s", ns[i]);
		ssize_t na = pid > 0 ? readlink(p, a, sizeof(a) - 1) : -1;
		ssize_t nb = readlink(q, b, sizeof(b) - 1);
		if (na < 0) {
			printf("  %-7s %s\n", ns[i], pid > 0 ? "(cannot read)" : "(not running)");
			continue;
		}
		a[na] = '\0';
		b[nb > 0 ? nb : 0] = '\0';
		printf("  %-7s %-22s %s\n", ns[i], a, strcmp(a, b) ? "own" : "shared with the host");
	}
	printf("  id map  %s\n", s->idmap.full ? "full (subordinate ranges)" : "single (your uid is root inside)");
}

/* security_inspect - `volt security inspect NAME [--seccomp|...]` */
/* newer_than - 1 when the file at path was modified after t (ns) */
static bool newer_than(const char *path, long long t)
{
	struct stat st;
	return path && path[0] && stat(path, &st) == 0 &&
	       (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec > t;
}

/* derive_record - the settings a start applies, prepared from the spec again
 * as the monitor did (it records no file: one inode less per start). They
 * are the applied ones unless a profile file changed since the start (or
 * the kernel, which a running container outlives not): *changed says so.
 * Returns the record, or NULL when the spec cannot be prepared now. */
static json_t *derive_record(struct volt_ctx *ctx, const struct volt_spec *spec, long long started, bool *changed)
{
	struct volt_security sec;
	struct volt_err err = {0};
	struct volt_sec_spec ss;
	volt_spec_security(spec, &ss);
	if (volt_security_prepare(ctx, &ss, NULL, false, &sec, &err) < 0)
		return NULL;
	json_t *rec = volt_security_record(&ss, &sec);
	*changed = newer_than(sec.seccomp_path, started) || newer_than(sec.landlock_path, started);
	volt_security_free(&sec);
	return rec;
}

static const struct option inspect_opts[] = {{"seccomp", no_argument, NULL, 's'},
					     {"landlock", no_argument, NULL, 'l'},
					     {"capabilities", no_argument, NULL, 'c'},
					     {"namespaces", no_argument, NULL, 'n'},
					     {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec inspect_spec = {
	.usage = "Usage: volt security inspect CONTAINER [--seccomp] [--landlock] [--capabilities] "
		 "[--namespaces]\n\nShow the security layers of a container, read from its running process "
		 "(/proc/PID/status, /proc/PID/ns) and volt's record.\n",
	.longopts = inspect_opts,
};

static int security_inspect(struct volt_cli *cli, int argc, char **argv)
{
	unsigned what = 0;
	int c;
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;

	while ((c = cli_getopt(argc, argv, &inspect_spec)) != -1) {
		switch (c) {
		case 's': what |= 1; break;
		case 'l': what |= 2; break;
		case 'c': what |= 4; break;
		case 'n': what |= 8; break;
		default: return cli_usage_error("security inspect", "invalid option");
		}
	}
	if (optind >= argc)
		return cli_usage_error("security inspect", "requires a container");
	if (!(ctx = cli_ctx(cli)) || load(ctx, argv[optind], &row, &spec) < 0)
		return 125;
	if (!what)
		what = 15;
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row.id);
	cleanup_free char *recp = volt_path("%s/security.json", dir);
	json_error_t je;
	/* a record of older versions, else derived from the spec again */
	json_t *rec = json_load_file(recp, 0, &je);
	bool changed = false;
	if (!rec && row.started && (what & 3))
		rec = derive_record(ctx, &spec, row.started, &changed);
	int pid = row.state == VOLT_CTR_RUNNING ? row.pid : 0;
	printf("container: %s (%s)\n", row.name, pid ? "running" : "not running");
	if (!rec && (what & 3))
		printf("(no security record yet: the container has not been started)\n");
	if (changed)
		printf("(a profile file changed since the container started: the profile lines show it as it "
		       "is now)\n");
	if (what & 4)
		inspect_caps(&spec, pid);
	if ((what & 1) && rec)
		inspect_seccomp(rec, pid);
	if ((what & 2) && rec)
		inspect_landlock(rec);
	if (what & 8)
		inspect_namespaces(&spec, pid);
	json_decref(rec);
	volt_spec_free(&spec);
	volt_ctr_row_free(&row);
	return 0;
}

static const struct volt_cmd_spec audit_log_spec = {
	.usage = "Usage: volt security audit-log CONTAINER   (also: volt logs --seccomp CONTAINER)\n\n"
		 "List the system calls a container run with --seccomp-audit made that its seccomp profile would "
		 "have blocked, one per line, in the order first seen.\n",
};

/* security_audit_log - `volt security audit-log NAME`: the seccomp audit list */
static int security_audit_log(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;
	const char *ref = NULL;

	for (int i = 1; i < argc; i++) {
		if (argv[i][0] != '-')
			ref = argv[i];
	}
	if (!ref)
		return cli_usage_error("security audit-log", "requires a container");
	if (!(ctx = cli_ctx(cli)) || load(ctx, ref, &row, &spec) < 0)
		return 125;
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row.id);
	cleanup_free char *p = volt_path("%s/seccomp-audit.log", dir);
	cleanup_free char *text = NULL;
	struct volt_err err = {0};
	int ret = 0;
	if (!spec.seccomp_audit) {
		volt_err_set(&err, EINVAL, "container %s was not created with --seccomp-audit", row.name);
		ret = cli_fail(&err);
	} else if (volt_read_file(p, 16 << 20, &text, NULL, &err) == 0) {
		fputs(text, stdout);
	} else if (err.errnum != ENOENT) {
		ret = cli_fail(&err);
	}
	volt_spec_free(&spec);
	volt_ctr_row_free(&row);
	return ret;
}

/* cmd_security_audit_log - see cli.h */
int cmd_security_audit_log(struct volt_cli *cli, int argc, char **argv)
{
	/* `volt logs --seccomp NAME`: drop the flag, keep the rest */
	char **v = calloc((size_t)argc + 1, sizeof(char *));
	int n = 0, r;
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "--seccomp"))
			v[n++] = argv[i];
	r = security_audit_log(cli, n, v);
	free(v);
	return r;
}

/* ---- audit ---------------------------------------------------------------- */

struct audit_state {
	struct volt_ctx *ctx;
	const char *only;
	int findings, high, seen;
};

/* finding - print one audit finding and count it */
static void finding(struct audit_state *a, const char *name, const char *level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void finding(struct audit_state *a, const char *name, const char *level, const char *fmt, ...)
{
	va_list ap;
	printf("%-8s %-20s ", level, name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	a->findings++;
	if (!strcmp(level, "HIGH"))
		a->high++;
}

/* under - whether path is dir or beneath it */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return dir[0] && !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* audit_one - the findings for one container (a volt_db_ctr_list callback) */
static int audit_one(const struct volt_ctr_row *row, void *arg)
{
	static const char *dangerous[] = {"SYS_ADMIN", "SYS_PTRACE",	  "SYS_MODULE", "SYS_RAWIO", "SYS_BOOT",
					  "NET_ADMIN", "DAC_READ_SEARCH", "BPF",	"PERFMON",   "SYS_TIME",
					  "MAC_ADMIN", "MAC_OVERRIDE",	  "SYSLOG",	"ALL"};
	struct audit_state *a = arg;
	struct volt_spec s;
	struct volt_err err;
	const char *home = getenv("HOME");
	const char *n = row->name;

	if (a->only && strcmp(a->only, row->name) && strncmp(row->id, a->only, strlen(a->only)))
		return 0;
	a->seen++;
	if (volt_spec_from_json(&s, row->spec, &err) < 0)
		return 0;
	int before = a->findings;
	if (s.seccomp && !strcmp(s.seccomp, "unconfined"))
		finding(a, n, "HIGH", "seccomp is unconfined (--security-opt seccomp=unconfined)");
	else if (s.seccomp_audit)
		finding(a, n, "MEDIUM", "seccomp only records (--seccomp-audit): nothing is blocked");
	else if (s.seccomp && strcmp(s.seccomp, "default") && strcmp(s.seccomp, "strict") &&
		 strcmp(s.seccomp, "networking"))
		finding(a, n, "LOW", "seccomp profile %s is not one of the shipped restrictive ones", s.seccomp);
	if (s.landlock && !strcmp(s.landlock, "none"))
		finding(a, n, "MEDIUM", "Landlock is off (--landlock none)");
	for (size_t i = 0; s.cap_add && s.cap_add[i]; i++) {
		const char *c = s.cap_add[i];
		if (!strncasecmp(c, "CAP_", 4))
			c += 4;
		for (size_t k = 0; k < ARRAY_SIZE(dangerous); k++)
			if (!strcasecmp(c, dangerous[k]))
				finding(a, n, "HIGH", "dangerous capability added: %s", s.cap_add[i]);
	}
	if (s.network && !strcmp(s.network, "host"))
		finding(a, n, "MEDIUM", "shares the host's network namespace (--network host)");
	for (size_t i = 0; i < s.n_mounts; i++) {
		const struct volt_mount *m = &s.mounts[i];
		if (m->kind != VOLT_MOUNT_BIND || !m->source)
			continue;
		bool sensitive = !strcmp(m->source, "/") || under(m->source, "/etc") || under(m->source, "/run") ||
				 under(m->source, "/var/run") ||
				 (home && (!strcmp(m->source, home) || under(home, m->source)));
		bool inhome = home && under(m->source, home) && strcmp(m->source, home);
		if (sensitive && !m->ro)
			finding(a, n, "HIGH", "writable bind mount of %s", m->source);
		else if (sensitive)
			finding(a, n, "LOW", "read-only bind mount of %s", m->source);
		else if (inhome && !m->ro)
			finding(a, n, "MEDIUM", "writable bind mount inside $HOME: %s", m->source);
	}
	if (a->findings == before)
		printf("%-8s %-20s default confinement (seccomp, Landlock, capabilities, no_new_privs)\n", "OK", n);
	volt_spec_free(&s);
	return 0;
}

static const struct option audit_opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec audit_spec = {
	.usage = "Usage: volt security audit CONTAINER|--all\n\nLook for weakened confinement: unconfined "
		 "seccomp, Landlock off, dangerous capabilities, host network, writable bind mounts of $HOME, /, "
		 "/etc or /run. Exit status 1 when a HIGH finding is there.\n",
	.opts = "a",
	.longopts = audit_opts,
};

/* security_audit - `volt security audit NAME|--all`; 1 on a HIGH finding */
static int security_audit(struct volt_cli *cli, int argc, char **argv)
{
	struct audit_state a = {0};
	struct volt_err err = {0};
	struct volt_db *db;
	bool all = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a"))
			all = true;
		else
			a.only = argv[i];
	}
	if (!all && !a.only)
		return cli_usage_error("security audit", "requires a container or --all");
	if (!(a.ctx = cli_ctx(cli)) || !(db = volt_ctx_db(a.ctx, &err)))
		return err.msg[0] ? cli_fail(&err) : 125;
	if (volt_db_ctr_list(db, audit_one, &a, &err) < 0)
		return cli_fail(&err);
	if (a.only && !a.seen) {
		volt_err_said(&err, ENOENT, "no such container: %s", a.only);
		return cli_fail(&err);
	}
	printf("%d container%s, %d finding%s, %d high\n", a.seen, a.seen == 1 ? "" : "s", a.findings,
	       a.findings == 1 ? "" : "s", a.high);
	return a.high ? 1 : 0;
}

/* ---- profile -------------------------------------------------------------- */

static int add_list(struct volt_ll_profile *p, const char *list, unsigned rights, bool port, bool bind,
		    struct volt_err *err)
{
	cleanup_free char *copy = strdup(list);
	char *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (port) {
			char *end;
			long v = strtol(t, &end, 10);
			if (*end || v < 0 || v > 65535)
				return volt_err_set(err, EINVAL, "%s: not a port", t);
			volt_ll_profile_add_port(p, bind, v);
		} else {
			if (t[0] != '/')
				return volt_err_set(err, EINVAL, "%s: paths are absolute, inside the container", t);
			volt_ll_profile_add_path(p, t, rights);
		}
	}
	return 0;
}

static const struct option profile_create_opts[] = {{"allow-read", required_argument, NULL, 'r'},
						    {"allow-write", required_argument, NULL, 'w'},
						    {"allow-exec", required_argument, NULL, 'x'},
						    {"allow-bind", required_argument, NULL, 'b'},
						    {"allow-connect", required_argument, NULL, 'c'},
						    {"no-scope", no_argument, NULL, 'S'},
						    {"force", no_argument, NULL, 'f'},
						    {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec profile_create_spec = {
	.usage = "Usage: volt security profile create NAME [--allow-read P,..] [--allow-write P,..]\n"
		 "         [--allow-exec P,..] [--allow-bind PORT,..] [--allow-connect PORT,..] [--no-scope] "
		 "[--force]\n\nWrite a Landlock profile to $VOLT_ROOT/profiles/landlock/NAME; use it with "
		 "--landlock NAME.\nPaths are inside the container. Unless --no-scope, abstract unix sockets and "
		 "signals are scoped to the container.\n",
	.opts = "f",
	.longopts = profile_create_opts,
};

/* profile_create - `volt security profile create NAME --allow-...` */
static int profile_create(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ll_profile p = {0};
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	bool scope = true, force = false;
	int c, ret = 125;

	while ((c = cli_getopt(argc, argv, &profile_create_spec)) != -1) {
		int r = 0;
		switch (c) {
		case 'r': r = add_list(&p, optarg, VOLT_LL_READ, false, false, &err); break;
		case 'w': r = add_list(&p, optarg, VOLT_LL_WRITE, false, false, &err); break;
		case 'x': r = add_list(&p, optarg, VOLT_LL_EXEC, false, false, &err); break;
		case 'b': r = add_list(&p, optarg, 0, true, true, &err); break;
		case 'c': r = add_list(&p, optarg, 0, true, false, &err); break;
		case 'S': scope = false; break;
		case 'f': force = true; break;
		default: volt_ll_profile_free(&p); return cli_usage_error("security profile create", "invalid option");
		}
		if (r < 0) {
			volt_ll_profile_free(&p);
			volt_err_prefix(&err, "security profile create");
			return cli_fail(&err);
		}
	}
	if (optind >= argc || strchr(argv[optind], '/') || argv[optind][0] == '.' || !strcmp(argv[optind], "none")) {
		volt_ll_profile_free(&p);
		return cli_usage_error("security profile create", "requires a NAME (no '/', not starting with '.')");
	}
	p.scope_abstract = p.scope_signal = scope;
	if (!(ctx = cli_ctx(cli))) {
		volt_ll_profile_free(&p);
		return 125;
	}
	cleanup_free char *dir = volt_path("%s/profiles/landlock", ctx->root);
	cleanup_free char *path = volt_path("%s/%s", dir, argv[optind]);
	cleanup_free char *body = volt_ll_profile_format(&p);
	cleanup_free char *text = volt_path("# volt Landlock profile \"%s\" (volt security profile create)\n%s",
					    argv[optind], body ? body : "");
	volt_ll_profile_free(&p);
	if (!force && access(path, F_OK) == 0) {
		volt_err_said(&err, EEXIST, "profile %s exists (%s); --force replaces it", argv[optind], path);
		return cli_fail(&err);
	}
	if (volt_mkdir_p(dir, 0700, &err) < 0 || volt_write_file_atomic(path, text, strlen(text), 0600, &err) < 0)
		return cli_fail(&err);
	printf("%s\n", path);
	ret = 0;
	return ret;
}

static const struct option profile_ls_opts[] = {
	{"quiet", no_argument, NULL, 'q'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec profile_ls_spec = {
	.usage = "Usage: volt security profile ls [-q] [--format FORMAT]\n\nList seccomp and Landlock profiles (the "
		 "first of a name wins).\n\n"
		 "  -q, --quiet          print only names\n"
		 "      --format FORMAT  json (an object per line), table TEMPLATE, or a Go template\n"
		 "                       per profile: .Kind (seccomp, landlock) .Name .Path .Origin\n"
		 "                       (env: $VOLT_PROFILE_DIR, user: $VOLT_ROOT/profiles, shipped)\n",
	.opts = "q",
	.longopts = profile_ls_opts,
};

static const struct cli_col profile_cols[] = {
	{"Kind", "KIND"}, {"Name", "NAME"}, {"Path", "FILE"}, {"Origin", "ORIGIN"}, {NULL, NULL}};

/* profile_origin - which of volt_profile_dirs' places dir is */
static const char *profile_origin(struct volt_ctx *ctx, const char *dir, const char *kind)
{
	const char *env = getenv("VOLT_PROFILE_DIR");
	cleanup_free char *e = env && *env ? volt_path("%s/%s", env, kind) : NULL;
	cleanup_free char *u = volt_path("%s/profiles/%s", ctx->root, kind);
	return e && !strcmp(dir, e) ? "env" : u && !strcmp(dir, u) ? "user" : "shipped";
}

/* profile_ls - every profile volt_profile_find would see, first one wins */
static int profile_ls(struct volt_cli *cli, int argc, char **argv)
{
	const char *format = NULL;
	bool quiet = false;
	int c;
	while ((c = cli_getopt(argc, argv, &profile_ls_spec)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f')
			format = optarg;
		else
			return cli_usage_error("security profile ls", "invalid option");
	}
	if (optind < argc)
		return cli_usage_error("security profile ls", "takes no argument");
	struct volt_ctx *ctx = cli_ctx(cli);
	static const char *kinds[] = {"seccomp", "landlock"};
	if (!ctx)
		return 125;
	struct cli_listing out;
	if (!quiet && cli_listing_open(&out, "security profile ls", format, "table {{.Kind}}\t{{.Name}}\t{{.Path}}",
				       profile_cols) < 0)
		return VOLT_EXIT_INTERNAL;
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		cleanup_strv char **dirs = volt_profile_dirs(ctx, kinds[k]);
		cleanup_strv char **seen = calloc(1, sizeof(char *));
		for (size_t i = 0; dirs[i]; i++) {
			cleanup_dir DIR *d = opendir(dirs[i]);
			struct dirent *e;
			while (d && (e = readdir(d))) {
				if (e->d_name[0] == '.')
					continue;
				cleanup_free char *name = strdup(e->d_name);
				char *dot = strstr(name, ".json");
				if (dot && !dot[5])
					*dot = '\0';
				bool dup = false;
				for (size_t s = 0; seen[s]; s++)
					dup |= !strcmp(seen[s], name);
				if (dup)
					continue;
				volt_strv_push(&seen, name);
				if (quiet) {
					printf("%s\n", name);
					continue;
				}
				char real[4096];
				cleanup_free char *f = volt_path("%s/%s", dirs[i], e->d_name);
				json_auto_t *o = json_pack("{s:s,s:s,s:s,s:s}", "Kind", kinds[k], "Name", name, "Path",
							   realpath(f, real) ? real : f, "Origin",
							   profile_origin(ctx, dirs[i], kinds[k]));
				if (o)
					cli_listing_row(&out, o);
			}
		}
	}
	return quiet ? 0 : cli_listing_close(&out);
}

static const struct volt_cmd profile_cmds[] = {
	{"create", profile_create, "Write a Landlock profile", &profile_create_spec},
	{"ls", profile_ls, "List seccomp and Landlock profiles", &profile_ls_spec},
	{"list", profile_ls, NULL, &profile_ls_spec},
	{NULL, NULL, NULL, NULL},
};
static const struct volt_cmd_spec profile_spec = {
	.usage = "Usage: volt security profile COMMAND\n\nCreate and list profiles.\n",
	.subs = profile_cmds,
};

static const struct volt_cmd security_cmds[] = {
	{"inspect", security_inspect, "Show a container's capabilities, seccomp, Landlock and namespaces",
	 &inspect_spec},
	{"check", cmd_security_check, "Check this host for what rootless confinement needs", &cli_security_check_spec},
	{"audit", security_audit, "Look for weakened confinement in containers", &audit_spec},
	{"audit-log", security_audit_log, "List the syscalls a --seccomp-audit container used beyond its profile",
	 &audit_log_spec},
	{"profile", NULL, "Create and list profiles", &profile_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_security_spec = {
	.usage = "Usage: volt security COMMAND\n\nInspect, check and audit confinement; manage profiles.\n",
	.subs = security_cmds,
};
