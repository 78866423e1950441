/* volt cp: docker's, both ways, for running and stopped containers, and `-`
 * for a tar stream on stdin or stdout. The copy runs as root of the
 * container's user namespace (container/rootview.h), every container path
 * resolved inside its root (container/copy.h). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/copy.h"
#include "container/rootview.h"
#include "container/spec.h"
#include "state/liveness.h"
#include "util/cleanup.h"
#include "util/fs.h"

static const struct option cp_opts[] = {{"archive", no_argument, NULL, 'a'},
					{"follow-link", no_argument, NULL, 'L'},
					{"quiet", no_argument, NULL, 'q'},
					{NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_cp_spec = {
	.usage = "Usage: volt cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n"
		 "       volt cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH\n\n"
		 "Copy files between a container (running or not) and the host, as docker cp:\n"
		 "a directory is copied whole (SRC/. copies its contents), a file into a\n"
		 "directory keeps its name. `-` is a tar stream: on stdout from the container,\n"
		 "from stdin into a container directory. Paths in the container resolve inside\n"
		 "its root: `..` and symlinks never leave it. Copies belong to the container's\n"
		 "root (into it) or to you (out of it).\n\n"
		 "  -a, --archive       keep the owners (as the container's user namespace maps them)\n"
		 "  -L, --follow-link   follow a symlink named as SRC_PATH\n"
		 "  -q, --quiet         no \"Successfully copied SIZE to DEST\" line on stderr (it is\n"
		 "                      printed only when stdout is a terminal, as docker's)\n",
	.opts = "aLq",
	.longopts = cp_opts,
};

struct cp_job {
	const char *ctr_path, *host_path; /* host_path NULL: the tar stream */
	bool into;			  /* host (or stdin) -> container */
	int host_root;
	struct volt_copy_opts o;
};

static int cp_in_view(void *arg, int rootfd, struct volt_err *err)
{
	struct cp_job *j = arg;

	if (!j->host_path)
		return j->into ? volt_copy_tar_to_fs(STDIN_FILENO, rootfd, j->ctr_path, &j->o, err) :
				 volt_copy_fs_to_tar(rootfd, j->ctr_path, STDOUT_FILENO, &j->o, err);
	return j->into ? volt_copy_fs_to_fs(j->host_root, j->host_path, rootfd, j->ctr_path, &j->o, err) :
			 volt_copy_fs_to_fs(rootfd, j->ctr_path, j->host_root, j->host_path, &j->o, err);
}

/* ctr_arg - "NAME:PATH" names a container unless it starts with / or . (a
 * local path with a colon), as docker splits it */
static char *ctr_arg(const char *a, const char **path)
{
	const char *c = strchr(a, ':');
	if (!c || a[0] == '/' || a[0] == '.' || c == a || memchr(a, '/', (size_t)(c - a)))
		return NULL;
	*path = c + 1;
	return strndup(a, (size_t)(c - a));
}

/* clean_abs - docker's filepath.Abs of a host path (relative to the current
 * directory, ".", ".." and doubled slashes resolved by name), a trailing "/"
 * or "/." kept as archive.PreserveTrailingDotOrSeparator keeps it: what is
 * copied, and what the summary line names */
static char *clean_abs(const char *p)
{
	cleanup_free char *cwd = p[0] == '/' ? strdup("") : getcwd(NULL, 0);
	cleanup_free char *all = cwd ? volt_path("%s/%s", cwd, p) : NULL;
	size_t n = all ? strlen(all) : 0;
	char *out = all ? malloc(n + 3) : NULL;
	size_t o = 0;
	if (!out)
		return NULL;
	for (char *c = strtok(all, "/"); c; c = strtok(NULL, "/")) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			while (o > 0 && out[--o] != '/')
				;
			continue;
		}
		out[o++] = '/';
		memcpy(out + o, c, strlen(c));
		o += strlen(c);
	}
	if (o == 0)
		out[o++] = '/';
	size_t pl = strlen(p);
	bool dot = pl >= 2 && !strcmp(p + pl - 2, "/."), slash = pl && p[pl - 1] == '/';
	if ((dot || slash) && out[o - 1] != '/')
		out[o++] = '/';
	if (dot)
		out[o++] = '.';
	out[o] = '\0';
	return out;
}

/* ns_id - the id that outside is called in the namespace of the ranges */
static uint32_t ns_id(const struct volt_idrange *r, int n, uint32_t outside)
{
	for (int i = 0; i < n; i++)
		if (outside >= r[i].outside && outside - r[i].outside < r[i].count)
			return r[i].inside + (outside - r[i].outside);
	return 0;
}

int cmd_cp(struct volt_cli *cli, int argc, char **argv)
{
	struct cp_job j = {.host_root = -1};
	struct volt_err err = {0};
	struct volt_ctr_row row;
	struct volt_spec spec;
	struct volt_ctx *ctx;
	bool archive = false, quiet = !isatty(STDOUT_FILENO); /* docker's default */
	const char *sp = NULL, *dp = NULL;
	int c;

	while ((c = cli_getopt(argc, argv, &cli_cp_spec)) != -1) {
		if (c == 'a')
			archive = true;
		else if (c == 'L')
			j.o.follow = true;
		else if (c == 'q')
			quiet = true;
	}
	if (argc - optind != 2)
		return cli_usage_error("cp", "requires exactly 2 arguments");
	cleanup_free char *sc = ctr_arg(argv[optind], &sp);
	cleanup_free char *dc = ctr_arg(argv[optind + 1], &dp);
	if (sc && dc)
		return cli_usage_error("cp", "copying between containers is not supported");
	if (!sc && !dc)
		return cli_usage_error("cp", "must specify at least one container source");
	j.into = dc != NULL;
	j.ctr_path = j.into ? dp : sp;
	const char *host = j.into ? argv[optind] : argv[optind + 1];
	if (!j.ctr_path[0])
		j.ctr_path = "/"; /* docker: "CTR:" is its root */
	cleanup_free char *abs = NULL;
	if (strcmp(host, "-") != 0) {
		abs = clean_abs(host); /* by name, as docker's client does */
		if (!abs) {
			volt_err_sys(&err, "cp: the current directory");
			return cli_fail(&err);
		}
		j.host_path = abs;
	} else if (!j.into && isatty(STDOUT_FILENO)) {
		fprintf(stderr, "volt: cp: cowardly refusing to write a tar stream to a terminal\n");
		return VOLT_EXIT_INTERNAL;
	}
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	int r = cli_ctr_load(ctx, j.into ? dc : sc, &row);
	if (r != 0)
		return r;
	if (volt_spec_from_json(&spec, row.spec, &err) < 0)
		return cli_fail(&err);
	/* who owns the copies: the source's owners (-a), container root (in),
	 * or the user (out), numbered as the container's namespace numbers them */
	if (archive) {
		j.o.uid = (uid_t)-1;
		j.o.gid = (gid_t)-1;
	} else if (!j.into) {
		j.o.uid = ns_id(spec.idmap.uids, spec.idmap.n_uids, (uint32_t)getuid());
		j.o.gid = ns_id(spec.idmap.gids, spec.idmap.n_gids, (uint32_t)getgid());
	}
	volt_spec_free(&spec);
	/* the host's root, opened before the helper enters the container's mounts */
	j.host_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (j.host_root < 0) {
		volt_err_sys(&err, "open /");
		return cli_fail(&err);
	}
	/* the copy runs in a child (rootview.h): its byte count comes back
	 * through a shared page; a tar stream out gets no summary, as docker's */
	bool summary = !quiet && !(j.host_path == NULL && !j.into);
	unsigned long long *bytes = MAP_FAILED;
	if (summary) /* cppcheck 2.10 takes MAP_ANONYMOUS's fd -1 for a wrong argument */
		// cppcheck-suppress invalidFunctionArg
		bytes = mmap(NULL, sizeof(*bytes), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	j.o.bytes = bytes == MAP_FAILED ? NULL : bytes;
	fflush(stdout);
	r = volt_rootview_run(ctx, &row, cp_in_view, &j, &err);
	close(j.host_root);
	volt_ctr_row_free(&row);
	if (r < 0) {
		volt_err_prefix(&err, "cp");
		return cli_fail(&err);
	}
	if (j.o.bytes) {
		char size[32];
		volt_human_size((long long)*bytes, size, sizeof(size));
		cleanup_free char *to = j.into ? volt_path("%s:%s", dc, dp) : NULL;
		fprintf(stderr, "Successfully copied %s to %s\n", size, to ? to : abs);
		munmap(bytes, sizeof(*bytes));
	}
	return 0;
}
