/* volt system prune: docker's, with its prompt: the stopped containers
 * (container prune's work), with --volumes the volumes no container uses,
 * then the dangling images (-a: every image no container uses) through
 * volt-image's image prune, which also runs the store's gc (it frees the
 * objects, and the appliances, of what it removed). One "Total reclaimed
 * space" at the end sums the three. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/volume.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct option prune_opts[] = {{"all", no_argument, NULL, 'a'},
					   {"force", no_argument, NULL, 'f'},
					   {"volumes", no_argument, NULL, 'V'},
					   {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_system_prune_spec = {
	.usage = "Usage: volt system prune [-a] [-f] [--volumes]\n\n"
		 "Remove the stopped containers and the dangling images, after asking (the\n"
		 "answer is read from stdin: only y removes); then the store's gc frees their\n"
		 "files. Prints what it removed and the space reclaimed.\n\n"
		 "  -a, --all       every image no container uses, not only dangling ones\n"
		 "  -f, --force     do not ask\n"
		 "      --volumes   also the volumes no container uses\n",
	.opts = "af",
	.longopts = prune_opts,
};

/* parse_size - docker's "1.23MB" back into bytes (powers of 1000) */
static int64_t parse_size(const char *s)
{
	static const char *units[] = {"B", "kB", "MB", "GB", "TB"};
	char *end;
	double v = strtod(s, &end), m = 1;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++, m *= 1000)
		if (!strncmp(end, units[i], strlen(units[i])))
			return (int64_t)(v * m);
	return 0;
}

/* prune_volumes - the volumes no container mounts; their disk use */
static int prune_volumes(struct volt_ctx *ctx, int64_t *total, bool *printed)
{
	cleanup_strv char **names = NULL, **unused = NULL, **paths = NULL;
	struct volt_err err = {0};
	int ret = 0;

	if (volt_volume_list(ctx, &names, &err) < 0)
		return cli_fail(&err);
	for (size_t i = 0; names[i]; i++) {
		cleanup_strv char **users = NULL;
		if (volt_volume_users(ctx, names[i], &users, &err) < 0)
			return cli_fail(&err);
		if (!users[0]) {
			cleanup_free char *dir = volt_path("%s/volumes/%s", ctx->root, names[i]);
			cli_strv_add(&unused, names[i]);
			cli_strv_add(&paths, dir);
		}
	}
	size_t n = 0;
	while (unused && unused[n])
		n++;
	cleanup_free int64_t *sz = calloc(n + 1, sizeof(*sz));
	if (sz && n)
		cli_disk_use(paths, sz); /* a report: the prune goes on without it */
	for (size_t i = 0; i < n; i++) {
		if (volt_volume_remove(ctx, unused[i], false, &err) < 0) {
			ret = cli_fail(&err);
			continue;
		}
		if (!*printed)
			printf("Deleted Volumes:\n");
		*printed = true;
		printf("%s\n", unused[i]);
		*total += sz ? sz[i] : 0;
	}
	return ret;
}

/* prune_images - volt-image's image prune -f [-a], its output passed on
 * but for its total, which is added to *total */
static int prune_images(struct volt_cli *cli, bool all, int64_t *total, bool *printed)
{
	char *argv[] = {"image", "prune", "-f", all ? "-a" : NULL, NULL};
	int p[2], status;
	char line[512];

	if (pipe2(p, O_CLOEXEC) < 0) {
		fprintf(stderr, "volt: system prune: pipe: %s\n", strerror(errno));
		return VOLT_EXIT_INTERNAL;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* dup2: volt-image's stdout must be the pipe across its exec */
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(VOLT_EXIT_INTERNAL);
		_exit(cli_exec_heavy(cli, all ? 4 : 3, argv));
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		fprintf(stderr, "volt: system prune: fork: %s\n", strerror(errno));
		return VOLT_EXIT_INTERNAL;
	}
	FILE *f = fdopen(p[0], "r");
	bool blank = false;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Total reclaimed space: ", 23)) {
			*total += parse_size(line + 23);
			blank = false;
			continue;
		}
		if (blank)
			printf("\n");
		blank = line[0] == '\n'; /* held back: the one before the total goes */
		if (!blank)
			fputs(line, stdout);
		*printed = true;
	}
	if (f)
		fclose(f);
	else
		close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : VOLT_EXIT_INTERNAL;
}

int cmd_system_prune(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_ctx *ctx;
	bool all = false, force = false, volumes = false, any = false, vany = false;
	int64_t total = 0, n = 0;
	char size[32], warning[512];
	int c, ret;

	while ((c = cli_getopt(argc, argv, &cli_system_prune_spec)) != -1) {
		if (c == 'a')
			all = true;
		else if (c == 'f')
			force = true;
		else if (c == 'V')
			volumes = true;
	}
	if (optind < argc)
		return cli_usage_error("system prune", "takes no argument");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	snprintf(warning, sizeof(warning), "WARNING! This will remove:\n  - all stopped containers\n%s%s",
		 volumes ? "  - all volumes not used by at least one container\n" : "",
		 all ? "  - all images without at least one container associated to them\n" :
		       "  - all dangling images\n");
	if (!cli_confirm(warning, force))
		return 0;
	ret = cli_containers_prune_run(ctx, &n, &any);
	total += n;
	if (volumes) {
		if (any)
			printf("\n");
		int r = prune_volumes(ctx, &total, &vany);
		ret = r ? r : ret;
	}
	if (any || vany)
		printf("\n");
	fflush(stdout);
	bool iany = false;
	int r = prune_images(cli, all, &total, &iany);
	ret = r ? r : ret;
	volt_human_size(total, size, sizeof(size));
	printf("%sTotal reclaimed space: %s\n", iany ? "\n" : "", size);
	return ret;
}
