/* volt pull, volt login, volt logout, and the pull progress display. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "userns/idmap.h"
#include "image/auth.h"
#include "image/pull.h"
#include "image/reference.h"
#include "image/registry.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct progress_state {
	bool tty;
	int lines_drawn; /* TTY: lines to move up before redrawing */
	int *said;	 /* plain: last state printed per layer */
	int n_said;
	const char *last_phase;
};

/* human - bytes as docker prints them. */
static void human(long long b, char *buf, size_t len)
{
	volt_human_size(b, buf, len);
}

/* bar_width - what fits beside the text on this terminal (lines must not
 * wrap, or the redraw moves up too few lines), at most 30. */
static int bar_width(int cols)
{
	int w = cols ? cols - 62 : 30;
	return w < 0 ? 0 : w > 30 ? 30 : w;
}

/* term_cols - the terminal's width, 0 when unknown */
static int term_cols(void)
{
	struct winsize ws;
	return ioctl(2, TIOCGWINSZ, &ws) == 0 ? ws.ws_col : 0;
}

/* draw_tty - one bar per layer (12 hex of the digest, bar, bytes, size,
 * rate while fetching, state), redrawn in place. */
static void draw_tty(struct progress_state *ps, const struct volt_pull_progress *p)
{
	double secs = (double)p->elapsed_ns / 1e9;
	int cols = term_cols(), bw = bar_width(cols);
	if (ps->lines_drawn)
		fprintf(stderr, "\033[%dA", ps->lines_drawn);
	ps->lines_drawn = 0;
	for (int i = 0; i < p->n_layers; i++) {
		const struct volt_pull_layer_info *l = &p->layers[i];
		char done[32], size[32], rate[32], bar[34];
		int fill = l->size > 0 ? (int)(bw * (double)l->done / (double)l->size) : 0;
		if (fill > bw)
			fill = bw;
		bar[0] = '\0';
		if (bw > 0) {
			bar[0] = '[';
			memset(bar + 1, '=', (size_t)fill);
			memset(bar + 1 + fill, ' ', (size_t)(bw - fill));
			bar[bw + 1] = ']';
			bar[bw + 2] = '\0';
		}
		human(l->done, done, sizeof(done));
		human(l->size, size, sizeof(size));
		human(secs > 0 ? (long long)((double)l->done / secs) : 0, rate, sizeof(rate));
		if (l->state == VOLT_PULL_FETCHING)
			strcat(rate, "/s");
		else
			rate[0] = '\0';
		const char *st = l->state == VOLT_PULL_CACHED  ? "in the store" :
				 l->state == VOLT_PULL_DONE    ? "done" :
				 l->state == VOLT_PULL_FAILED  ? "failed" :
				 l->state == VOLT_PULL_WAITING ? "waiting" :
								 "";
		char line[160];
		snprintf(line, sizeof(line), "%.12s %s %8s / %-8s %10s %s",
			 !strncmp(l->digest, "sha256:", 7) ? l->digest + 7 : l->digest, bar, done, size, rate, st);
		/* a line that wraps takes two rows, and the redraw would move up
		 * too few: narrower than the text, the text is cut (it is ASCII) */
		if (cols > 1 && strlen(line) > (size_t)cols - 1)
			line[cols - 1] = '\0';
		fprintf(stderr, "\033[2K%s\n", line);
		ps->lines_drawn++;
	}
	fflush(stderr);
}

/* draw_plain - a line when a layer changes state (logs, CI). */
static void draw_plain(struct progress_state *ps, const struct volt_pull_progress *p)
{
	if (!ps->said && p->n_layers) {
		ps->said = calloc((size_t)p->n_layers, sizeof(int));
		ps->n_said = ps->said ? p->n_layers : 0;
	}
	for (int i = 0; i < p->n_layers && i < ps->n_said; i++) {
		const struct volt_pull_layer_info *l = &p->layers[i];
		char size[32];
		if (l->state == ps->said[i] || l->state == VOLT_PULL_WAITING)
			continue;
		ps->said[i] = l->state;
		human(l->size, size, sizeof(size));
		switch (l->state) {
		case VOLT_PULL_FETCHING: fprintf(stderr, "Fetching layer %.19s (%s)\n", l->digest, size); break;
		case VOLT_PULL_DONE: fprintf(stderr, "Layer %.19s done\n", l->digest); break;
		case VOLT_PULL_CACHED: fprintf(stderr, "Layer %.19s already in the store\n", l->digest); break;
		case VOLT_PULL_FAILED: fprintf(stderr, "Layer %.19s failed\n", l->digest); break;
		default: break;
		}
	}
}

/* say_resumed - once, at the end: the layers resumed from what an
 * interrupted pull kept, and those the registry sent in full anyway. */
static void say_resumed(const struct volt_pull_progress *p)
{
	for (int i = 0; i < p->n_layers; i++) {
		const struct volt_pull_layer_info *l = &p->layers[i];
		char h[32];
		if (l->resumed <= 0)
			continue;
		human(l->resumed, h, sizeof(h));
		if (l->range_ignored)
			fprintf(stderr,
				"Layer %.19s: the registry ignored the Range request to resume at %s; "
				"downloaded in full\n",
				l->digest, h);
		else
			fprintf(stderr, "Layer %.19s resumed: %s kept from an interrupted pull, not downloaded again\n",
				l->digest, h);
	}
}

/* on_progress - the pull progress callback: bars on a TTY, lines otherwise. */
static void on_progress(void *arg, const struct volt_pull_progress *p)
{
	struct progress_state *ps = arg;
	if (p->phase != ps->last_phase && !strcmp(p->phase, "manifest"))
		fprintf(stderr, "Pulling %s\n", p->ref);
	ps->last_phase = p->phase;
	if (ps->tty)
		draw_tty(ps, p);
	else
		draw_plain(ps, p);
	if (p->final)
		say_resumed(p);
	if (p->final && !strcmp(p->phase, "done")) {
		int64_t total = 0;
		int fetched = 0;
		for (int i = 0; i < p->n_layers; i++)
			if (p->layers[i].state == VOLT_PULL_DONE) {
				const struct volt_pull_layer_info *l = &p->layers[i];
				total += l->done - (l->range_ignored ? 0 : l->resumed);
				fetched++;
			}
		char t[32];
		human(total, t, sizeof(t));
		fprintf(stderr, "Pulled %s: %d of %d layers fetched (%s) in %.2fs\n", p->ref, fetched, p->n_layers, t,
			(double)p->elapsed_ns / 1e9);
	}
}

/* cli_pull_image - pull ref with the progress display (none when quiet);
 * id gets the image id. Return 0 or the exit code after printing the error. */
static int cli_pull_image(struct volt_cli *cli, const char *ref, const char *platform, int tls_verify, bool quiet,
			  char id[72])
{
	struct volt_err err = {0};
	struct volt_idmap map;
	struct volt_ctx *ctx;
	struct progress_state ps = {.tty = isatty(2) == 1};
	struct volt_pull_opts o = {.platform = platform,
				   .tls_verify = tls_verify,
				   .progress = quiet ? NULL : on_progress,
				   .progress_arg = &ps};
	const char *mx = getenv("VOLT_MAX_ENTRY_SIZE");
	int ret;

	if (mx && mx[0])
		o.max_entry_size = strtoll(mx, NULL, 10);
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (volt_idmap_detect(&map, false, &err) < 0)
		return cli_fail(&err);
	ret = volt_image_pull(ctx, &map, ref, &o, id, &err);
	free(ps.said);
	return ret < 0 ? cli_fail_writer(&err, "pull") : 0;
}

/* parse_tls - "--tls-verify[=BOOL]" */
static int parse_tls(const char *arg)
{
	return !arg || !strcmp(arg, "true") || !strcmp(arg, "1") ? 1 : 0;
}

static const struct option pull_opts[] = {{"platform", required_argument, NULL, 'p'},
					  {"tls-verify", optional_argument, NULL, 't'},
					  {"quiet", no_argument, NULL, 'q'},
					  {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_pull_spec = {
	.usage = "Usage: volt pull [OPTIONS] IMAGE[:TAG|@DIGEST]\n\n"
		 "Pull an image from a registry (docker's naming: busybox is\n"
		 "docker.io/library/busybox:latest).\n\n"
		 "  --platform OS/ARCH[/VARIANT]  pick from a multi-platform index (default: this host)\n"
		 "  --tls-verify=false            do not verify TLS certificates; allow plain HTTP\n"
		 "  -q, --quiet                   print only the image id\n",
	.opts = "+q",
	.longopts = pull_opts,
};

int cmd_pull(struct volt_cli *cli, int argc, char **argv)
{
	const char *platform = NULL;
	int tls = -1, c, ret;
	bool quiet = false;
	char id[72];

	while ((c = cli_getopt(argc, argv, &cli_pull_spec)) != -1) {
		switch (c) {
		case 'p': platform = optarg; break;
		case 't': tls = parse_tls(optarg); break;
		case 'q': quiet = true; break;
		default: return cli_usage_error("pull", "invalid option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("pull", "requires exactly one IMAGE");
	ret = cli_pull_image(cli, argv[optind], platform, tls, quiet, id);
	if (ret == 0)
		printf("sha256:%s\n", id);
	return ret;
}

/* read_password - from stdin; without echo on a terminal. */
static char *read_password(bool from_stdin)
{
	struct termios old, noecho;
	bool tty = !from_stdin && isatty(0) == 1;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (tty) {
		fprintf(stderr, "Password: ");
		tcgetattr(0, &old);
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &noecho);
	}
	n = getline(&line, &cap, stdin);
	if (tty) {
		tcsetattr(0, TCSANOW, &old);
		fprintf(stderr, "\n");
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/* registry_domain - "127.0.0.1:5000" from a host or an image reference */
static char *registry_domain(const char *arg)
{
	if (!strcmp(arg, "docker.io") || !strcmp(arg, "index.docker.io"))
		return strdup("docker.io");
	if (!strchr(arg, '/'))
		return strdup(arg);
	struct volt_ref r;
	struct volt_err err;
	if (volt_ref_parse(arg, &r, &err) < 0)
		return strdup(arg);
	char *d = strdup(r.domain);
	volt_ref_free(&r);
	return d;
}

static const struct option login_opts[] = {{"username", required_argument, NULL, 'u'},
					   {"password", required_argument, NULL, 'p'},
					   {"password-stdin", no_argument, NULL, 's'},
					   {"tls-verify", optional_argument, NULL, 't'},
					   {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_login_spec = {
	.usage = "Usage: volt login [-u USER] [-p PASS | --password-stdin] REGISTRY\n\n"
		 "Check the credentials against the registry and store them where podman\n"
		 "keeps them (${XDG_RUNTIME_DIR}/containers/auth.json, or $REGISTRY_AUTH_FILE).\n",
	.opts = "+u:p:",
	.longopts = login_opts,
};

int cmd_login(struct volt_cli *cli, int argc, char **argv)
{
	const char *user = NULL, *pass = NULL;
	bool pass_stdin = false;
	int tls = -1, c;
	struct volt_err err = {0};
	(void)cli;
	while ((c = cli_getopt(argc, argv, &cli_login_spec)) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 'p': pass = optarg; break;
		case 's': pass_stdin = true; break;
		case 't': tls = parse_tls(optarg); break;
		default: return cli_usage_error("login", "invalid option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("login", "requires exactly one REGISTRY");
	cleanup_free char *domain = registry_domain(argv[optind]);
	cleanup_free char *ubuf = NULL, *pbuf = NULL;
	if (!user) {
		size_t cap = 0;
		fprintf(stderr, "Username: ");
		if (getline(&ubuf, &cap, stdin) < 0)
			return cli_usage_error("login", "no user name given");
		ubuf[strcspn(ubuf, "\r\n")] = '\0';
		user = ubuf;
	}
	if (!pass) {
		pbuf = read_password(pass_stdin);
		if (!pbuf)
			return cli_usage_error("login", "no password given");
		pass = pbuf;
	}
	struct volt_registry reg;
	struct volt_registry_opts ro = {.tls_verify = tls, .user = user, .pass = pass};
	if (volt_registry_open(&reg, domain, "library/volt-login", &ro, &err) < 0 ||
	    volt_registry_ping(&reg, &err) < 0) {
		volt_registry_close(&reg);
		return cli_fail(&err);
	}
	volt_registry_close(&reg);
	if (volt_auth_store(domain, user, pass, &err) < 0)
		return cli_fail(&err);
	printf("Login Succeeded!\n");
	return 0;
}

const struct volt_cmd_spec cli_logout_spec = {
	.usage = "Usage: volt logout REGISTRY\n\nForget the stored credentials of REGISTRY.\n",
};

int cmd_logout(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	(void)cli;
	if (argc != 2)
		return cli_usage_error("logout", "requires exactly one REGISTRY");
	cleanup_free char *domain = registry_domain(argv[1]);
	int r = volt_auth_store(domain, NULL, NULL, &err);
	if (r < 0)
		return cli_fail(&err);
	if (r == 1) {
		fprintf(stderr, "volt: not logged into %s\n", domain);
		return 125;
	}
	printf("Removed login credentials for %s\n", domain);
	return 0;
}
