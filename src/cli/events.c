/* volt events: docker's event stream, read from the event log the state
 * database's changes append to (state/events.h): there is no daemon to
 * stream them. Past events from --since, then new ones as they are written
 * (the log is polled), until --until or a signal. Containers' names and
 * images come from their create and rename events, so a removed container's
 * events still carry them. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "state/events.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/gotmpl.h"

static const struct option events_opts[] = {{"since", required_argument, NULL, 'S'},
					    {"until", required_argument, NULL, 'U'},
					    {"filter", required_argument, NULL, 'f'},
					    {"format", required_argument, NULL, 'F'},
					    {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_events_spec = {
	.usage = "Usage: volt events [OPTIONS]\n\n"
		 "Print container, image and volume events (create, start, kill, die, stop,\n"
		 "pause, unpause, rename, exec_create/start/die, destroy; tag, untag, delete;\n"
		 "create, mount, unmount, destroy), from the event log volt's commands append to.\n"
		 "Without --until it waits for new ones (^C ends it); without --since it\n"
		 "prints only new ones.\n\n"
		 "  -f, --filter KEY=VALUE  type, event, container (id prefix or name), image,\n"
		 "                          volume (name or its prefix)\n"
		 "      --format FORMAT     json (one object per line), or a Go template\n"
		 "      --since TIME        RFC 3339, Unix seconds, or a duration ago (10m, 2h)\n"
		 "      --until TIME        the same; stop there\n",
	.opts = "f:",
	.longopts = events_opts,
};

/* parse_when - RFC 3339, Unix seconds[.frac], or a Go duration before now */
static int parse_when(const char *s, long long *ns)
{
	char *end;
	if (volt_parse_time(s, ns) == 0)
		return 0;
	double v = strtod(s, &end);
	if (end != s && !*end) {
		*ns = (long long)(v * 1e9);
		return 0;
	}
	long long total = 0;
	const char *p = s;
	while (*p) {
		double n = strtod(p, &end);
		if (end == p)
			return -1;
		double unit = !strncmp(end, "ms", 2) ? 1e6 :
			      *end == 's'	     ? 1e9 :
			      *end == 'm'	     ? 60e9 :
			      *end == 'h'	     ? 3600e9 :
						       0;
		if (unit == 0)
			return -1;
		total += (long long)(n * unit);
		p = end + (!strncmp(end, "ms", 2) ? 2 : 1);
	}
	*ns = volt_now_ns() - total;
	return 0;
}

struct filter {
	char **type, **event, **container, **image, **volume;
};

static bool any_of(char **v, const char *s, bool prefix)
{
	if (!v)
		return true;
	for (size_t i = 0; s && v[i]; i++)
		if (prefix ? !strncmp(s, v[i], strlen(v[i])) : !strcmp(s, v[i]))
			return true;
	return false;
}

static bool matches(const struct filter *f, json_t *ev)
{
	const char *type = json_string_value(json_object_get(ev, "Type"));
	const char *action = json_string_value(json_object_get(ev, "Action"));
	json_t *actor = json_object_get(ev, "Actor");
	const char *id = json_string_value(json_object_get(actor, "ID"));
	json_t *at = json_object_get(actor, "Attributes");
	const char *name = json_string_value(json_object_get(at, "name"));
	const char *image = json_string_value(json_object_get(at, "image"));

	/* docker's event=exec_start matches "exec_start: CMD" too */
	cleanup_free char *base = action && strchr(action, ':') ? strndup(action, strcspn(action, ":")) : NULL;
	if (!any_of(f->type, type, false) ||
	    (!any_of(f->event, action, false) && !(base && any_of(f->event, base, false))))
		return false;
	if (f->container && (!type || strcmp(type, "container") ||
			     (!any_of(f->container, id, true) && !any_of(f->container, name, false))))
		return false;
	/* docker's fuzzy match on the actor, here on volume events only */
	if (f->volume && (!type || strcmp(type, "volume") || !any_of(f->volume, id, true)))
		return false;
	if (f->image) {
		bool img = type && !strcmp(type, "image");
		if (!any_of(f->image, image, false) &&
		    !(img && (any_of(f->image, id, true) || any_of(f->image, name, false))))
			return false;
	}
	return true;
}

struct reader {
	json_t *names; /* container id -> {name, image} */
	const struct filter *f;
	const struct volt_tmpl *tmpl;
	bool json;
	long long since, until;
};

/* remember - a container's name and image from its create/rename, and
 * them added to its other events */
static void remember(struct reader *r, json_t *ev)
{
	json_t *actor = json_object_get(ev, "Actor");
	const char *id = json_string_value(json_object_get(actor, "ID"));
	json_t *at = json_object_get(actor, "Attributes");
	if (!id || strcmp(json_string_value(json_object_get(ev, "Type")) ?: "", "container"))
		return;
	json_t *known = json_object_get(r->names, id);
	if (!known) {
		known = json_object();
		json_object_set_new(r->names, id, known);
	}
	const char *k;
	json_t *v;
	json_object_foreach(at, k, v)
		if (!strcmp(k, "name") || !strcmp(k, "image"))
			json_object_set(known, k, v);
	json_object_foreach(known, k, v)
		if (!json_object_get(at, k))
			json_object_set(at, k, v);
}

static void print_event(struct reader *r, json_t *ev)
{
	json_t *actor = json_object_get(ev, "Actor");
	json_t *at = json_object_get(actor, "Attributes");
	const char *id = json_string_value(json_object_get(actor, "ID"));
	long long ns = json_integer_value(json_object_get(ev, "timeNano"));

	if (r->json || r->tmpl) {
		/* docker's older top-level fields beside the new ones */
		json_object_set_new(ev, "status", json_incref(json_object_get(ev, "Action")));
		json_object_set_new(ev, "id", json_string(id ? id : ""));
		if (json_object_get(at, "image"))
			json_object_set_new(ev, "from", json_incref(json_object_get(at, "image")));
		if (r->tmpl) {
			cli_format_print("events", r->tmpl, ev);
			return;
		}
		char *s = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
		printf("%s\n", s ? s : "{}");
		free(s);
		return;
	}
	char when[48];
	volt_format_time(ns, when, sizeof(when));
	printf("%s %s %s %s", when, json_string_value(json_object_get(ev, "Type")),
	       json_string_value(json_object_get(ev, "Action")), id ? id : "");
	/* attributes sorted by key, as docker prints them */
	char *s = json_dumps(at, JSON_SORT_KEYS | JSON_COMPACT);
	json_t *sorted = s ? json_loads(s, JSON_DECODE_ANY, NULL) : NULL;
	const char *k;
	json_t *v;
	bool first = true;
	free(s);
	if (json_object_size(sorted)) {
		printf(" (");
		json_object_foreach(sorted, k, v) {
			printf("%s%s=%s", first ? "" : ", ", k, json_string_value(v));
			first = false;
		}
		printf(")");
	}
	json_decref(sorted);
	printf("\n");
}

/* read_lines - the events of f from where it is; false when until passed */
static bool read_lines(struct reader *r, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool go_on = true;
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] != '\n') { /* a line being written: read it again later */
			fseeko(f, -n, SEEK_CUR);
			break;
		}
		json_t *ev = json_loads(line, 0, NULL);
		if (!ev)
			continue;
		remember(r, ev);
		long long ns = json_integer_value(json_object_get(ev, "timeNano"));
		if (r->until && ns > r->until) {
			json_decref(ev);
			go_on = false;
			break;
		}
		if (ns >= r->since && matches(r->f, ev))
			print_event(r, ev);
		json_decref(ev);
	}
	free(line);
	fflush(stdout);
	return go_on;
}

static volatile sig_atomic_t stop;
static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int cmd_events(struct volt_cli *cli, int argc, char **argv)
{
	struct filter f = {0};
	struct volt_tmpl *tmpl = NULL;
	struct reader r = {.f = &f};
	struct volt_ctx *ctx;
	bool since_set = false;
	int c;

	while ((c = cli_getopt(argc, argv, &cli_events_spec)) != -1) {
		if (c == 'S' || c == 'U') {
			long long t;
			if (parse_when(optarg, &t) < 0)
				return cli_usage_error("events", "--%s %s: not a time", c == 'S' ? "since" : "until",
						       optarg);
			if (c == 'S')
				r.since = t, since_set = true;
			else
				r.until = t;
		} else if (c == 'f') {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg || !eq[1])
				return cli_usage_error("events", "--filter %s: use KEY=VALUE", optarg);
			size_t kl = (size_t)(eq - optarg);
			char ***slot = !strncmp(optarg, "type", kl) && kl == 4	    ? &f.type :
				       !strncmp(optarg, "event", kl) && kl == 5	    ? &f.event :
				       !strncmp(optarg, "container", kl) && kl == 9 ? &f.container :
				       !strncmp(optarg, "image", kl) && kl == 5	    ? &f.image :
				       !strncmp(optarg, "volume", kl) && kl == 6    ? &f.volume :
										      NULL;
			if (!slot)
				return cli_usage_error("events",
						       "--filter %.*s: use type, event, container, image or volume",
						       (int)kl, optarg);
			cli_strv_add(slot, eq + 1);
		} else if (c == 'F') {
			if (!strcmp(optarg, "json") || !strcmp(optarg, "{{json .}}"))
				r.json = true;
			else if (cli_format_parse("events", optarg, &tmpl) < 0)
				return VOLT_EXIT_INTERNAL;
		}
	}
	if (optind < argc)
		return cli_usage_error("events", "takes no argument");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	r.tmpl = tmpl;
	r.names = json_object();
	if (!since_set)
		r.since = volt_now_ns(); /* docker: only what happens from now on */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	cleanup_free char *path = volt_events_path(ctx->root);
	cleanup_free char *old = volt_path("%s.1", path);
	bool go_on = true;
	FILE *o = fopen(old, "re");
	if (o) {
		go_on = read_lines(&r, o);
		fclose(o);
	}
	FILE *cur = NULL;
	ino_t ino = 0;
	while (go_on && !stop) {
		struct stat st;
		if (stat(path, &st) == 0 && (!cur || st.st_ino != ino)) { /* rotated: the new file from its start */
			if (cur)
				go_on = read_lines(&r, cur), fclose(cur);
			cur = fopen(path, "re");
			ino = st.st_ino;
		}
		if (cur && go_on) {
			clearerr(cur);
			go_on = read_lines(&r, cur);
		}
		if (!go_on || (r.until && volt_now_ns() > r.until))
			break;
		struct timespec ts = {0, 200 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (cur)
		fclose(cur);
	json_decref(r.names);
	volt_tmpl_free(tmpl);
	volt_strv_free(f.type);
	volt_strv_free(f.event);
	volt_strv_free(f.container);
	volt_strv_free(f.image);
	volt_strv_free(f.volume);
	return 0;
}
