/* volt-runtime: the OCI runtime command line (runc's verbs and global
 * flags), reached as `volt-runtime` (volt under that name: main.c checks
 * argv[0]) or `volt oci`. Errors are printed once on stderr, and also to
 * --log in --log-format (json: one {"level","msg","time"} object a line, what
 * podman and containerd read back); the exit status is runc's: 1 for the
 * runtime's own errors, the workload's for `run`. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/oci_list.h"
#include "container/spec.h"
#include "oci/runtime.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/size.h"
#include "workload/vm_monitor.h"

#define OCI_EXIT_ERR 1 /* runc's status for its own failures */

struct oci_cli {
	const char *prog;
	char *root;
	const char *log, *log_format;
	bool debug;
};

static void oci_log(const struct oci_cli *g, const char *level, const char *msg)
{
	if (!g->log)
		return;
	FILE *f = fopen(g->log, "ae");
	if (!f)
		return;
	char ts[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (g->log_format && !strcmp(g->log_format, "json")) {
		fprintf(f, "{\"level\":\"%s\",\"msg\":\"", level);
		for (const char *p = msg; *p; p++) {
			if (*p == '"' || *p == '\\')
				fprintf(f, "\\%c", *p);
			else if ((unsigned char)*p < 0x20)
				fprintf(f, "\\u%04x", (unsigned char)*p);
			else
				fputc(*p, f);
		}
		fprintf(f, "\",\"time\":\"%s\"}\n", ts);
	} else {
		fprintf(f, "time=\"%s\" level=%s msg=\"%s\"\n", ts, level, msg);
	}
	fclose(f);
}

static int oci_fail(const struct oci_cli *g, const struct volt_err *err)
{
	char m[VOLT_ERR_MSG_MAX + 128];
	volt_err_format(err, m, sizeof(m));
	fprintf(stderr, "%s: %s\n", g->prog, m);
	oci_log(g, "error", m);
	return err->exit_code == VOLT_EXIT_NOT_FOUND || err->exit_code == VOLT_EXIT_CANNOT_EXEC ? err->exit_code :
												  OCI_EXIT_ERR;
}

static int oci_usage(const struct oci_cli *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int oci_usage(const struct oci_cli *g, const char *fmt, ...)
{
	char m[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m, sizeof(m), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\nSee '%s --help'.\n", g->prog, m, g->prog);
	oci_log(g, "error", m);
	return OCI_EXIT_ERR;
}

static void notes(const struct oci_cli *g, char **v)
{
	for (size_t i = 0; g->debug && v && v[i]; i++) {
		char m[256];
		snprintf(m, sizeof(m), "config.json: %s is accepted and ignored (docs/oci-runtime.md)", v[i]);
		oci_log(g, "debug", m);
		if (!g->log)
			fprintf(stderr, "%s: %s\n", g->prog, m);
	}
}

/* warnings - what failed without failing the verb (poststart, poststop
 * hooks): stderr and the log, as runc warns */
static void warnings(const struct oci_cli *g, char **v)
{
	for (size_t i = 0; v && v[i]; i++) {
		fprintf(stderr, "%s: warning: %s\n", g->prog, v[i]);
		oci_log(g, "warning", v[i]);
	}
	volt_strv_free(v);
}

/* one id argument, after the verb's options */
static const char *one_id(const struct oci_cli *g, const char *verb, int argc, char **argv)
{
	if (optind != argc - 1) {
		oci_usage(g, "%s needs exactly one container id", verb);
		return NULL;
	}
	return argv[optind];
}

enum { O_BUNDLE = 1000, O_CONSOLE, O_PIDFILE, O_PRESERVE, O_IGNORE, O_DETACH, O_KEEP };

static const struct option create_opts[] = {
	{"bundle", required_argument, NULL, 'b'},
	{"console-socket", required_argument, NULL, O_CONSOLE},
	{"pid-file", required_argument, NULL, O_PIDFILE},
	{"preserve-fds", required_argument, NULL, O_PRESERVE},
	{"no-pivot", no_argument, NULL, O_IGNORE},
	{"no-new-keyring", no_argument, NULL, O_IGNORE},
	{"detach", no_argument, NULL, 'd'},
	{"keep", no_argument, NULL, O_KEEP},
	{NULL, 0, NULL, 0},
};

/* parse_create - create's and run's options into o; run: -d and --keep too */
static int parse_create(const struct oci_cli *g, const char *verb, int argc, char **argv,
			struct volt_oci_create_opts *o, bool *detach, bool *keep)
{
	int c;
	optind = 0;
	while ((c = getopt_long_only(argc, argv, "+b:d", create_opts, NULL)) != -1) {
		switch (c) {
		case 'b': o->bundle = optarg; break;
		case O_CONSOLE: o->console_socket = optarg; break;
		case O_PIDFILE: o->pid_file = optarg; break;
		case O_PRESERVE: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*end || n > 65536)
				return oci_usage(g, "--preserve-fds %s: a number", optarg);
			o->preserve_fds = (unsigned)n;
			break;
		}
		case O_IGNORE: /* --no-pivot, --no-new-keyring: see docs/oci-runtime.md */ break;
		case 'd':
			if (!detach)
				return oci_usage(g, "%s: unknown option -d", verb);
			*detach = true;
			break;
		case O_KEEP:
			if (!keep)
				return oci_usage(g, "%s: unknown option --keep", verb);
			*keep = true;
			break;
		default: return oci_usage(g, "%s: bad option", verb);
		}
	}
	o->id = one_id(g, verb, argc, argv);
	return o->id ? 0 : OCI_EXIT_ERR;
}

/* vm_monitor - run.oci.volt.vm's container process, once started: volt's
 * VM monitor without a record (workload/vm_monitor.c); a failure after
 * start is the container's, on its stderr as docs/oci-runtime.md says */
static int vm_monitor(struct volt_ctx *ctx, struct volt_spec *spec, const char *dir, const char *run)
{
	struct volt_err err = {0};
	int code = volt_vm_monitor_bare(ctx, spec, dir, run, &err);
	if (err.msg[0]) {
		char m[VOLT_ERR_MSG_MAX + 64];
		volt_err_format(&err, m, sizeof(m));
		fprintf(stderr, "volt: %s\n", m);
	}
	return code;
}

static int oci_create(struct oci_cli *g, int argc, char **argv)
{
	struct volt_oci_create_opts o = {.root = g->root, .vm_monitor = vm_monitor};
	struct volt_err err = {0};
	pid_t pid;
	int pty;
	int r = parse_create(g, "create", argc, argv, &o, NULL, NULL);
	if (r)
		return r;
	r = volt_oci_create(&o, &pid, &pty, &err);
	notes(g, o.notes);
	volt_strv_free(o.notes);
	return r < 0 ? oci_fail(g, &err) : 0;
}

static volatile pid_t fwd_pid = -1;

static void forward(int sig)
{
	if (fwd_pid > 0)
		kill(fwd_pid, sig);
}

/* oci_run - create, start, wait (the workload's exit status), delete */
static int oci_run(struct oci_cli *g, int argc, char **argv)
{
	struct volt_oci_create_opts o = {.root = g->root, .keep_pty = true, .vm_monitor = vm_monitor};
	struct volt_err err = {0};
	bool detach = false, keep = false;
	pid_t pid;
	int pty, status;
	int r = parse_create(g, "run", argc, argv, &o, &detach, &keep);
	if (r)
		return r;
	if (detach)
		o.keep_pty = false;
	r = volt_oci_create(&o, &pid, &pty, &err);
	notes(g, o.notes);
	volt_strv_free(o.notes);
	if (r < 0)
		return oci_fail(g, &err);
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	if (!detach) {
		fwd_pid = pid;
		struct sigaction sa = {.sa_handler = forward, .sa_flags = SA_RESTART};
		for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
			sigaction(sigs[i], &sa, NULL);
	}
	char **warn = NULL;
	if (volt_oci_start(g->root, o.id, &warn, &err) < 0) {
		struct volt_err ignored;
		volt_oci_delete(g->root, o.id, true, &warn, &ignored);
		warnings(g, warn);
		return oci_fail(g, &err);
	}
	warnings(g, warn);
	warn = NULL;
	if (detach)
		return 0;
	if (pty >= 0) {
		cli_exec_tty_relay(pty, true);
		close(pty);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	fwd_pid = -1;
	if (!keep && volt_oci_delete(g->root, o.id, true, &warn, &err) < 0)
		oci_fail(g, &err);
	warnings(g, warn);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* simple_opts - getopt for verbs with at most one flag */
static int simple(const struct oci_cli *g, const char *verb, int argc, char **argv, const struct option *opts,
		  const char *shortopts, bool *flag)
{
	int c;
	optind = 0;
	while ((c = getopt_long_only(argc, argv, shortopts, opts, NULL)) != -1) {
		if (c == '?' || c == ':' || !flag)
			return oci_usage(g, "%s: bad option", verb);
		*flag = true;
	}
	return 0;
}

static int oci_start(struct oci_cli *g, int argc, char **argv)
{
	struct volt_err err = {0};
	const char *id;
	if (simple(g, "start", argc, argv, (const struct option[]){{NULL, 0, NULL, 0}}, "+", NULL) ||
	    !(id = one_id(g, "start", argc, argv)))
		return OCI_EXIT_ERR;
	char **warn = NULL;
	int r = volt_oci_start(g->root, id, &warn, &err);
	warnings(g, warn);
	return r < 0 ? oci_fail(g, &err) : 0;
}

static int oci_state(struct oci_cli *g, int argc, char **argv)
{
	struct volt_err err = {0};
	const char *id;
	if (simple(g, "state", argc, argv, (const struct option[]){{NULL, 0, NULL, 0}}, "+", NULL) ||
	    !(id = one_id(g, "state", argc, argv)))
		return OCI_EXIT_ERR;
	cleanup_free char *t = volt_oci_state_text(g->root, id, &err);
	if (!t)
		return oci_fail(g, &err);
	printf("%s\n", t);
	return 0;
}

static int oci_kill(struct oci_cli *g, int argc, char **argv)
{
	struct volt_err err = {0};
	bool all = false;
	int sig = SIGTERM;
	if (simple(g, "kill", argc, argv, (const struct option[]){{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}},
		   "+a", &all))
		return OCI_EXIT_ERR;
	if (optind != argc - 1 && optind != argc - 2)
		return oci_usage(g, "kill needs a container id and an optional signal");
	if (optind == argc - 2 && (sig = volt_signal_parse(argv[argc - 1])) < 0)
		return oci_usage(g, "kill: unknown signal %s", argv[argc - 1]);
	/* --all: the container's init is PID 1 of its own PID namespace, and
	 * its death takes every other process there with it; a container that
	 * shares the caller's PID namespace is not supported yet */
	return volt_oci_kill(g->root, argv[optind], sig, &err) < 0 ? oci_fail(g, &err) : 0;
}

static int oci_delete(struct oci_cli *g, int argc, char **argv)
{
	struct volt_err err = {0};
	bool force = false;
	const char *id;
	if (simple(g, "delete", argc, argv,
		   (const struct option[]){{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}}, "+f", &force) ||
	    !(id = one_id(g, "delete", argc, argv)))
		return OCI_EXIT_ERR;
	char **warn = NULL;
	int r = volt_oci_delete(g->root, id, force, &warn, &err);
	warnings(g, warn);
	return r < 0 ? oci_fail(g, &err) : 0;
}

static int oci_pause(struct oci_cli *g, int argc, char **argv)
{
	struct volt_err err = {0};
	const char *id;
	bool pause = !strcmp(argv[0], "pause");
	if (simple(g, argv[0], argc, argv, (const struct option[]){{NULL, 0, NULL, 0}}, "+", NULL) ||
	    !(id = one_id(g, argv[0], argc, argv)))
		return OCI_EXIT_ERR;
	return volt_oci_pause(g->root, id, pause, &err) < 0 ? oci_fail(g, &err) : 0;
}

/* oci_update - runc's flags, or -r FILE (a linux.resources object; "-":
 * stdin), into one resources object for the container's cgroup */
static int oci_update(struct oci_cli *g, int argc, char **argv)
{
	enum { U_MEM = 1200, U_MEMRES, U_SWAP, U_SHARES, U_PERIOD, U_QUOTA, U_CPUS, U_MEMS, U_PIDS, U_IGNORE };
	static const struct option opts[] = {
		{"resources", required_argument, NULL, 'r'},
		{"memory", required_argument, NULL, U_MEM},
		{"memory-reservation", required_argument, NULL, U_MEMRES},
		{"memory-swap", required_argument, NULL, U_SWAP},
		{"cpu-shares", required_argument, NULL, U_SHARES},
		{"cpu-period", required_argument, NULL, U_PERIOD},
		{"cpu-quota", required_argument, NULL, U_QUOTA},
		{"cpuset-cpus", required_argument, NULL, U_CPUS},
		{"cpuset-mems", required_argument, NULL, U_MEMS},
		{"pids-limit", required_argument, NULL, U_PIDS},
		{"kernel-memory", required_argument, NULL, U_IGNORE},
		{"kernel-memory-tcp", required_argument, NULL, U_IGNORE},
		{"blkio-weight", required_argument, NULL, U_IGNORE},
		{NULL, 0, NULL, 0},
	};
	struct volt_err err = {0};
	json_t *res = json_object(), *mem = json_object(), *cpu = json_object(), *pids = json_object();
	const char *file = NULL;
	cleanup_free char *text = NULL;
	int c, ret = OCI_EXIT_ERR;
	optind = 0;
	while ((c = getopt_long_only(argc, argv, "+r:", opts, NULL)) != -1) {
		int64_t v;
		char *end = NULL;
		switch (c) {
		case 'r': file = optarg; break;
		case U_MEM:
		case U_MEMRES:
		case U_SWAP:
			if (volt_size_parse(optarg, &v, &err) < 0) {
				ret = oci_fail(g, &err);
				goto out;
			}
			json_object_set_new(mem,
					    c == U_MEM	  ? "limit" :
					    c == U_MEMRES ? "reservation" :
							    "swap",
					    json_integer(v == INT64_MAX ? -1 : v));
			break;
		case U_SHARES:
		case U_PERIOD:
		case U_QUOTA:
		case U_PIDS:
			v = strtoll(optarg, &end, 10);
			if (!*optarg || *end) {
				ret = oci_usage(g, "update: %s: a number", optarg);
				goto out;
			}
			json_object_set_new(c == U_PIDS ? pids : cpu,
					    c == U_SHARES ? "shares" :
					    c == U_PERIOD ? "period" :
					    c == U_QUOTA  ? "quota" :
							    "limit",
					    json_integer(v));
			break;
		case U_CPUS:
		case U_MEMS: json_object_set_new(cpu, c == U_CPUS ? "cpus" : "mems", json_string(optarg)); break;
		case U_IGNORE: /* cgroup v1 only, or not managed: see docs/oci-runtime.md */ break;
		default: ret = oci_usage(g, "update: bad option"); goto out;
		}
	}
	if (optind != argc - 1) {
		ret = oci_usage(g, "update needs exactly one container id");
		goto out;
	}
	if (file) {
		size_t len;
		if (volt_read_file(!strcmp(file, "-") ? "/dev/stdin" : file, 1 << 20, &text, &len, &err) < 0) {
			ret = oci_fail(g, &err);
			goto out;
		}
	} else {
		if (json_object_size(mem))
			json_object_set(res, "memory", mem);
		if (json_object_size(cpu))
			json_object_set(res, "cpu", cpu);
		if (json_object_size(pids))
			json_object_set(res, "pids", pids);
		text = json_dumps(res, JSON_COMPACT);
	}
	ret = volt_oci_update(g->root, argv[optind], text ? text : "{}", &err) < 0 ? oci_fail(g, &err) : 0;
out:
	json_decref(res);
	json_decref(mem);
	json_decref(cpu);
	json_decref(pids);
	return ret;
}

static int oci_spec(struct oci_cli *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"rootless", no_argument, NULL, 'r'}, {"bundle", required_argument, NULL, 'b'}, {NULL, 0, NULL, 0}};
	struct volt_err err = {0};
	bool rootless = false;
	const char *bundle = ".";
	int c;
	optind = 0;
	while ((c = getopt_long_only(argc, argv, "+b:", opts, NULL)) != -1) {
		if (c == 'r')
			rootless = true;
		else if (c == 'b')
			bundle = optarg;
		else
			return oci_usage(g, "spec: bad option");
	}
	if (optind != argc)
		return oci_usage(g, "spec takes no arguments");
	cleanup_free char *path = volt_path("%s/config.json", bundle);
	if (access(path, F_OK) == 0) {
		volt_err_set(&err, EEXIST, "%s exists: remove it first", path);
		return oci_fail(g, &err);
	}
	cleanup_free char *text = volt_oci_spec_template(rootless);
	cleanup_free char *nl = text ? volt_path("%s\n", text) : NULL;
	if (!nl || volt_write_file_atomic(path, nl, strlen(nl), 0644, &err) < 0)
		return oci_fail(g, &err);
	return 0;
}

static int oci_features(struct oci_cli *g, int argc, char **argv)
{
	cleanup_free char *t = volt_oci_features();
	printf("%s\n", t ? t : "{}");
	return 0;
}

static int oci_exec(struct oci_cli *g, int argc, char **argv)
{
	enum { E_PROCESS = 1100, E_CONSOLE, E_PIDFILE, E_CWD, E_PRESERVE, E_IGNORE, E_IGNORE_ARG };
	static const struct option opts[] = {
		{"process", required_argument, NULL, 'p'},
		{"console-socket", required_argument, NULL, E_CONSOLE},
		{"pid-file", required_argument, NULL, E_PIDFILE},
		{"cwd", required_argument, NULL, E_CWD},
		{"env", required_argument, NULL, 'e'},
		{"user", required_argument, NULL, 'u'},
		{"tty", no_argument, NULL, 't'},
		{"detach", no_argument, NULL, 'd'},
		{"preserve-fds", required_argument, NULL, E_PRESERVE},
		{"no-new-privs", no_argument, NULL, E_IGNORE},
		{"cap", required_argument, NULL, E_IGNORE_ARG},
		{"apparmor", required_argument, NULL, E_IGNORE_ARG},
		{"process-label", required_argument, NULL, E_IGNORE_ARG},
		{"additional-gids", required_argument, NULL, E_IGNORE_ARG},
		{"cgroup", required_argument, NULL, E_IGNORE_ARG},
		{NULL, 0, NULL, 0},
	};
	struct volt_oci_exec_opts o = {.root = g->root};
	cleanup_strv char **env = NULL;
	struct volt_err err = {0};
	int c, status;

	optind = 0;
	while ((c = getopt_long_only(argc, argv, "+p:e:u:td", opts, NULL)) != -1) {
		switch (c) {
		case 'p': o.process_file = optarg; break;
		case E_CONSOLE: o.console_socket = optarg; break;
		case E_PIDFILE: o.pid_file = optarg; break;
		case E_CWD: o.cwd = optarg; break;
		case 'e': volt_strv_push(&env, optarg); break;
		case 'u': o.user = optarg; break;
		case 't': o.tty = true; break;
		case 'd': o.detach = true; break;
		case E_PRESERVE: o.preserve_fds = (unsigned)strtoul(optarg, NULL, 10); break;
		case E_IGNORE:
		case E_IGNORE_ARG: /* see docs/oci-runtime.md */ break;
		default: return oci_usage(g, "exec: bad option");
		}
	}
	if (optind >= argc)
		return oci_usage(g, "exec needs a container id");
	o.id = argv[optind];
	o.args = argv + optind + 1;
	o.env = env;
	if (o.process_file && o.args[0])
		return oci_usage(g, "exec: a command and --process exclude each other");
	if (volt_oci_exec(&o, &status, &err) < 0)
		return oci_fail(g, &err);
	return status;
}

static int oci_ps(struct oci_cli *g, int argc, char **argv)
{
	static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	struct volt_err err = {0};
	const char *format = "table";
	cleanup_free pid_t *pids = NULL;
	size_t n;
	int c;
	optind = 0;
	while ((c = getopt_long_only(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f' || (strcmp(optarg, "table") && strcmp(optarg, "json")))
			return oci_usage(g, "ps: --format table|json");
		format = optarg;
	}
	if (optind >= argc)
		return oci_usage(g, "ps needs a container id");
	if (volt_oci_pids(g->root, argv[optind], &pids, &n, &err) < 0)
		return oci_fail(g, &err);
	if (!strcmp(format, "json")) {
		printf("[");
		for (size_t i = 0; i < n; i++)
			printf("%s%d", i ? "," : "", (int)pids[i]);
		printf("]\n");
		return 0;
	}
	/* runc's table: ps(1) with the words after the id (-ef without any),
	 * its header and the rows of the container's processes */
	if (volt_oci_cli_ps_table(pids, n, argv + optind + 1, &err) < 0)
		return oci_fail(g, &err);
	return 0;
}

static int oci_refused(struct oci_cli *g, int argc, char **argv)
{
	struct volt_err err = {0};
	if (!strcmp(argv[0], "checkpoint") || !strcmp(argv[0], "restore"))
		volt_err_set(&err, 0, "%s: volt-runtime cannot checkpoint or restore containers (no CRIU support)",
			     argv[0]);
	else
		volt_err_set(&err, 0, "%s: not supported yet (docs/oci-runtime.md)", argv[0]);
	return oci_fail(g, &err);
}

static int oci_list_events(struct oci_cli *g, int argc, char **argv)
{
	struct volt_err err = {0};
	int r = !strcmp(argv[0], "list") ? volt_oci_cli_list(g->root, argc, argv, &err) :
					   volt_oci_cli_events(g->root, argc, argv, &err);
	return r ? oci_fail(g, &err) : 0;
}

static const struct {
	const char *name;
	int (*fn)(struct oci_cli *g, int argc, char **argv);
	const char *summary;
} verbs[] = {
	{"create", oci_create, "Create a container from a bundle; its process waits for start"},
	{"start", oci_start, "Start the process of a created container"},
	{"run", oci_run, "Create and start a container and wait for it (-d: do not wait)"},
	{"state", oci_state, "Print a container's state (JSON)"},
	{"kill", oci_kill, "Send a signal (default TERM) to a container's process"},
	{"delete", oci_delete, "Remove a stopped container (-f: kill a running one first)"},
	{"spec", oci_spec, "Write a config.json template (--rootless: for an unprivileged user)"},
	{"features", oci_features, "Print what this runtime supports (JSON)"},
	{"checkpoint", oci_refused, "Refused: no CRIU support"},
	{"restore", oci_refused, "Refused: no CRIU support"},
	{"exec", oci_exec, "Run another process in a running container (--process FILE or a command)"},
	{"ps", oci_ps, "List the processes of a container (--format table|json)"},
	{"pause", oci_pause, "Pause a running container (its cgroup's freezer, or SIGSTOP)"},
	{"resume", oci_pause, "Resume a paused container"},
	{"update", oci_update, "Change a container's cgroup limits (-r FILE, or --memory, --pids-limit, ...)"},
	{"events", oci_list_events, "Print a container's resource use (--stats once, else every --interval)"},
	{"list", oci_list_events, "List the containers (--format table|json, -q)"},
};

static void oci_help(const char *prog)
{
	printf("Usage: %s [global options] COMMAND [options] ID\n\n"
	       "volt as an OCI runtime (runtime-spec 1.2), for podman, containerd, CRI-O and Slurm.\n\n"
	       "Global options:\n"
	       "  --root DIR           state directory (default $XDG_RUNTIME_DIR/volt-runtime)\n"
	       "  --log FILE           also write errors (and --debug notes) there\n"
	       "  --log-format FORMAT  text (default) or json\n"
	       "  --debug              note what config.json asks that volt ignores\n"
	       "  --systemd-cgroup     accepted and ignored (cgroupsPath is a cgroupfs path)\n\n"
	       "Commands:\n",
	       prog);
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		printf("  %-11s %s\n", verbs[i].name, verbs[i].summary);
}

/* oci_main - argv[0] is the program ("volt-runtime") or "oci" */
static int oci_main(const char *prog, int argc, char **argv)
{
	static const struct option opts[] = {
		{"root", required_argument, NULL, 'r'},	      {"log", required_argument, NULL, 'l'},
		{"log-format", required_argument, NULL, 'f'}, {"debug", no_argument, NULL, 'D'},
		{"systemd-cgroup", no_argument, NULL, 'S'},   {"rootless", required_argument, NULL, 'S'},
		{"criu", required_argument, NULL, 'S'},	      {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'v'},	      {NULL, 0, NULL, 0},
	};
	struct oci_cli g = {.prog = prog};
	int c, ret;

	optind = 0;
	opterr = 1;
	while ((c = getopt_long_only(argc, argv, "+hv", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			free(g.root);
			g.root = strdup(optarg);
			break;
		case 'l': g.log = optarg; break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "text"))
				return oci_usage(&g, "--log-format %s: json or text", optarg);
			g.log_format = optarg;
			break;
		case 'D': g.debug = true; break;
		case 'S': /* --systemd-cgroup, --rootless, --criu: see docs/oci-runtime.md */ break;
		case 'h': oci_help(prog); return 0;
		case 'v': printf("%s version %s\nspec: 1.2.0\n", prog, VOLT_VERSION); return 0;
		default: return oci_usage(&g, "bad global option");
		}
	}
	if (optind >= argc) {
		oci_help(prog);
		return OCI_EXIT_ERR;
	}
	if (!g.root)
		g.root = volt_oci_default_root();
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		if (strcmp(argv[optind], verbs[i].name) != 0)
			continue;
		int sub = optind;
		ret = verbs[i].fn(&g, argc - sub, argv + sub);
		free(g.root);
		return ret;
	}
	ret = oci_usage(&g, "unknown command \"%s\"", argv[optind]);
	free(g.root);
	return ret;
}

int cli_oci_main(int argc, char **argv)
{
	return oci_main("volt-runtime", argc, argv);
}

int cmd_oci(struct volt_cli *cli, int argc, char **argv)
{
	(void)cli;
	return oci_main("volt oci", argc, argv);
}
