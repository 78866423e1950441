/* volt diff: docker's A/C/D list of a container's changes, read from its
 * overlay upper layer against its image: an entry of the upper layer is C
 * when the image (or the mount-point skeleton) has that path, A when not; a
 * whiteout is D, and so is every image entry under an opaque directory that
 * the upper layer does not have again: the native overlay's (userxattr mode)
 * and fuse-overlayfs' whiteouts and opaque directories (util/whiteout.h). Read as root of the container's
 * user namespace: its files belong to the ids of its map. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "state/liveness.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/rootpath.h"
#include "util/syscalls.h"
#include "util/whiteout.h"

const struct volt_cmd_spec cli_diff_spec = {
	.usage = "Usage: volt diff CONTAINER\n\n"
		 "List the files and directories the container changed, against its image:\n"
		 "A added, C changed, D deleted (as docker diff).\n",
};

struct diff_job {
	char *upper;
	char **lowers;
	int out;
};

static bool in_lower(const struct diff_job *j, const char *rel)
{
	for (size_t i = 0; j->lowers[i]; i++) {
		cleanup_close int root = open(j->lowers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (root < 0)
			continue;
		cleanup_close int fd = volt_rootfs_open_how(root, rel, O_PATH | O_NOFOLLOW, 0, RESOLVE_NO_SYMLINKS);
		if (fd >= 0)
			return true;
	}
	return false;
}

/* deleted_below - the image's entries under rel that the upper directory
 * udfd does not list (hidden by an opaque directory) */
static void deleted_below(const struct diff_job *j, int udfd, const char *rel)
{
	for (size_t i = 0; j->lowers[i]; i++) {
		cleanup_close int root = open(j->lowers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
		int fd =
			root < 0 ? -1 : volt_rootfs_open_how(root, rel, O_RDONLY | O_DIRECTORY, 0, RESOLVE_NO_SYMLINKS);
		if (fd < 0)
			continue;
		cleanup_dir DIR *d = fdopendir(fd);
		struct dirent *de;
		struct stat st;
		if (!d) {
			close(fd);
			continue;
		}
		while ((de = readdir(d))) {
			cleanup_free char *wh = volt_path(".wh.%s", de->d_name);
			/* not there again, nor deleted by name (said already) */
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
			    fstatat(udfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 &&
			    (!wh || fstatat(udfd, wh, &st, AT_SYMLINK_NOFOLLOW) < 0))
				dprintf(j->out, "D /%s/%s\n", rel, de->d_name);
		}
	}
}

static void walk(const struct diff_job *j, int dfd, const char *rel)
{
	struct dirent **names = NULL;
	int n = scandirat(dfd, ".", &names, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name, *gone;
		struct stat st;
		if (strcmp(nm, ".") && strcmp(nm, "..") && fstatat(dfd, nm, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			enum volt_wh wh = volt_whiteout_kind(nm, &st, &gone);
			cleanup_free char *sub = rel[0] ? volt_path("%s/%s", rel, nm) : strdup(nm);
			if (wh == VOLT_WH_DELETED) {
				dprintf(j->out, "D /%s%s%s\n", rel, rel[0] ? "/" : "", gone);
			} else if (wh == VOLT_WH_NONE) {
				dprintf(j->out, "%c /%s\n", in_lower(j, sub) ? 'C' : 'A', sub);
				if (S_ISDIR(st.st_mode)) {
					cleanup_close int sfd =
						openat(dfd, nm, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
					if (sfd >= 0) {
						if (volt_dir_opaque(sfd))
							deleted_below(j, sfd, sub);
						walk(j, sfd, sub);
					}
				}
			}
		}
		free(names[i]);
	}
	free(names);
}

static int diff_in_userns(void *arg, struct volt_err *err)
{
	struct diff_job *j = arg;
	cleanup_close int fd = open(j->upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0; /* never started: nothing changed */
	if (fd < 0)
		return volt_err_sys(err, "open %s", j->upper);
	walk(j, fd, "");
	return 0;
}

int cmd_diff(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctr_row row;
	struct volt_spec spec;
	struct volt_ctx *ctx;
	char buf[8192];
	ssize_t n;

	if (argc - optind != 1)
		return cli_usage_error("diff", "requires exactly 1 argument");
	if (!(ctx = cli_ctx(cli)))
		return VOLT_EXIT_INTERNAL;
	int r = cli_ctr_load(ctx, argv[optind], &row);
	if (r != 0)
		return r;
	if (row.kind != VOLT_KIND_CONTAINER) {
		fprintf(stderr, "volt: diff: %s is a microVM: volt diff reads containers only\n", argv[optind]);
		volt_ctr_row_free(&row);
		return VOLT_EXIT_INTERNAL;
	}
	if (volt_spec_from_json(&spec, row.spec, &err) < 0)
		return cli_fail(&err);
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row.id);
	struct diff_job j = {.upper = volt_path("%s/upper", dir), .out = memfd_create("volt-diff", MFD_CLOEXEC)};
	/* the lower layers, top first, as overlayfs' lowerdir lists them */
	for (char *s = spec.lower, *tok; (tok = strsep(&s, ":"));)
		cli_strv_add(&j.lowers, tok);
	if (j.out < 0)
		volt_err_sys(&err, "memfd");
	else
		r = volt_userns_run(&spec.idmap, diff_in_userns, &j, &err);
	volt_spec_free(&spec);
	volt_ctr_row_free(&row);
	free(j.upper);
	volt_strv_free(j.lowers);
	if (j.out < 0 || r < 0) {
		if (j.out >= 0)
			close(j.out);
		volt_err_prefix(&err, "diff %s", argv[optind]);
		return cli_fail(&err);
	}
	fflush(stdout);
	lseek(j.out, 0, SEEK_SET);
	while ((n = read(j.out, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(j.out);
	return 0;
}
