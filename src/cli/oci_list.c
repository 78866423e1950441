/* volt-runtime list and events, printed as runc prints them (see
 * oci_list.h): list's table is Go's tabwriter with runc's settings (columns
 * at least 12 wide, 3 spaces between), its JSON an array of runc's
 * containerState; events prints one stats event a line, once with --stats,
 * else every --interval until the container stops. */
#include "cli/oci_list.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oci/stats.h"
#include "util/cleanup.h"
#include "util/prog.h"
#include "util/strv.h"

#define OCI_EXIT_ERR 1

static const char *owner_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);
	if (pw)
		return pw->pw_name;
	snprintf(buf, len, "#%u", (unsigned)uid);
	return buf;
}

/* entry_pid - runc's: 0 once stopped */
static int entry_pid(const struct volt_oci_entry *e)
{
	return e->status == VOLT_OCI_STOPPED ? 0 : (int)e->st.pid;
}

static void print_json(const struct volt_oci_entry *e, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		char ob[32];
		const struct volt_oci_state *s = &e[i].st;
		json_t *ann = json_loads(s->annotations_json ? s->annotations_json : "{}", 0, NULL);
		json_array_append_new(
			a, json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:o,s:s}", "ociVersion", "1.2.0", "id", s->id, "pid",
				     entry_pid(&e[i]), "status", volt_oci_status_name(e[i].status), "bundle", s->bundle,
				     "rootfs", s->rootfs, "created", s->created, "annotations",
				     ann ? ann : json_object(), "owner", owner_name(s->owner, ob, sizeof(ob))));
	}
	char *t = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	printf("%s\n", t ? t : "[]");
	free(t);
}

enum { COLS = 6 };

/* row_cells - e's cells in the table (pid and ob: the buffers two point into) */
static void row_cells(const struct volt_oci_entry *e, char pid[16], char ob[32], const char *cell[COLS])
{
	snprintf(pid, 16, "%d", entry_pid(e));
	cell[0] = e->st.id;
	cell[1] = pid;
	cell[2] = volt_oci_status_name(e->status);
	cell[3] = e->st.bundle;
	cell[4] = e->st.created;
	cell[5] = owner_name(e->st.owner, ob, 32);
}

/* print_row - each cell padded to its column's width but the last (not a
 * column: no padding) */
static void print_row(const char *const cell[COLS], const size_t w[COLS])
{
	for (int c = 0; c < COLS - 1; c++)
		printf("%-*s", (int)w[c], cell[c]);
	printf("%s\n", cell[COLS - 1]);
}

static void print_table(const struct volt_oci_entry *e, size_t n)
{
	static const char *const head[COLS] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
	const char *cell[COLS];
	size_t w[COLS];
	char pid[16], ob[32];
	for (int c = 0; c < COLS; c++)
		w[c] = strlen(head[c]);
	for (size_t i = 0; i < n; i++) {
		row_cells(&e[i], pid, ob, cell);
		for (int c = 0; c < COLS - 1; c++)
			if (strlen(cell[c]) > w[c])
				w[c] = strlen(cell[c]);
	}
	/* tabwriter.NewWriter(out, 12, 1, 3, ' ', 0): width + 3, at least 12 */
	for (int c = 0; c < COLS - 1; c++)
		w[c] = w[c] + 3 < 12 ? 12 : w[c] + 3;
	print_row(head, w);
	for (size_t i = 0; i < n; i++) {
		row_cells(&e[i], pid, ob, cell);
		print_row(cell, w);
	}
}

int volt_oci_cli_list(const char *root, int argc, char **argv, struct volt_err *err)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'}, {"quiet", no_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
	const char *format = "table";
	bool quiet = false;
	int c;
	optind = 0;
	while ((c = getopt_long_only(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (c == 'q')
			quiet = true;
		else if (c == 'f' && (!strcmp(optarg, "table") || !strcmp(optarg, "json")))
			format = optarg;
		else
			return volt_err_set(err, EINVAL, "list: --format table|json, --quiet"), OCI_EXIT_ERR;
	}
	if (optind < argc)
		return volt_err_set(err, EINVAL, "list takes no arguments"), OCI_EXIT_ERR;
	struct volt_oci_entry *e;
	size_t n;
	if (volt_oci_list(root, &e, &n, err) < 0)
		return OCI_EXIT_ERR;
	if (quiet)
		for (size_t i = 0; i < n; i++)
			printf("%s\n", e[i].st.id);
	else if (!strcmp(format, "json"))
		print_json(e, n);
	else
		print_table(e, n);
	volt_oci_list_free(e, n);
	return 0;
}

/* parse_interval - Go's duration as runc takes it: "5s", "500ms", "1m" */
static bool parse_interval(const char *s, struct timespec *ts)
{
	char *end;
	double v = strtod(s, &end);
	double mul = !strcmp(end, "ms") ? 1e-3 :
		     !strcmp(end, "s")	? 1 :
		     !strcmp(end, "m")	? 60 :
		     !strcmp(end, "h")	? 3600 :
					  -1;
	if (end == s || mul < 0 || v <= 0)
		return false;
	v *= mul;
	ts->tv_sec = (time_t)v;
	ts->tv_nsec = (long)((v - (double)ts->tv_sec) * 1e9);
	return true;
}

int volt_oci_cli_events(const char *root, int argc, char **argv, struct volt_err *err)
{
	static const struct option opts[] = {
		{"stats", no_argument, NULL, 's'}, {"interval", required_argument, NULL, 'i'}, {NULL, 0, NULL, 0}};
	struct timespec every = {.tv_sec = 5};
	bool once = false;
	int c;
	optind = 0;
	while ((c = getopt_long_only(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 's')
			once = true;
		else if (c != 'i' || !parse_interval(optarg, &every))
			return volt_err_set(err, EINVAL, "events: --stats, --interval DURATION (5s, 500ms)"),
			       OCI_EXIT_ERR;
	}
	if (optind + 1 != argc)
		return volt_err_set(err, EINVAL, "events needs one container id"), OCI_EXIT_ERR;
	for (bool first = true;; first = false) {
		bool stopped;
		cleanup_free char *ev = volt_oci_stats_event(root, argv[optind], &stopped, err);
		if (stopped && first)
			return volt_err_set(err, EINVAL, "container %s is not running", argv[optind]), OCI_EXIT_ERR;
		if (stopped)
			return 0;
		if (!ev)
			return OCI_EXIT_ERR;
		printf("%s\n", ev);
		fflush(stdout);
		if (once)
			return 0;
		nanosleep(&every, NULL);
	}
}

/* pid_column - the index of the word "PID" in ps's header, or -1 */
static int pid_column(const char *header)
{
	int col = 0;
	for (const char *p = header; *p;) {
		p += strspn(p, " \t");
		size_t len = strcspn(p, " \t\n");
		if (!len)
			break;
		if (len == 3 && !strncmp(p, "PID", 3))
			return col;
		p += len;
		col++;
	}
	return -1;
}

/* row_pid - the number in column col of a row, or -1 */
static long row_pid(const char *row, int col)
{
	const char *p = row;
	for (int c = 0; c <= col; c++) {
		p += strspn(p, " \t");
		if (c == col)
			break;
		p += strcspn(p, " \t\n");
	}
	char *end;
	long v = strtol(p, &end, 10);
	return end != p && (*end == ' ' || *end == '\t' || *end == '\n' || !*end) ? v : -1;
}

int volt_oci_cli_ps_table(const pid_t *pids, size_t n, char **ps_args, struct volt_err *err)
{
	cleanup_strv char **argv = NULL;
	cleanup_free char *out = NULL;
	if (volt_strv_push(&argv, "ps") < 0 || (!ps_args[0] && volt_strv_push(&argv, "-ef") < 0))
		return volt_err_sys(err, "ps");
	for (size_t i = 0; ps_args[i]; i++)
		if (volt_strv_push(&argv, ps_args[i]) < 0)
			return volt_err_sys(err, "ps");
	struct volt_prog p = {.argv = argv, .out = &out, .out_max = 16 << 20, .timeout_ms = 30000};
	if (volt_prog_run(&p, err) < 0)
		return -1;
	char *save = NULL, *line = strtok_r(out, "\n", &save);
	int col = line ? pid_column(line) : -1;
	if (col < 0)
		return volt_err_set(err, 0, "ps: no PID column in the output of %s", argv[0]);
	printf("%s\n", line);
	while ((line = strtok_r(NULL, "\n", &save))) {
		long v = row_pid(line, col);
		for (size_t i = 0; v > 0 && i < n; i++)
			if (pids[i] == (pid_t)v) {
				printf("%s\n", line);
				break;
			}
	}
	return 0;
}
