/* volt cas status|verify|gc|inspect|build|mount|umount: the store itself. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/admin.h"
#include "cas/build.h"
#include "cas/fuse.h"
#include "cli/cli.h"
#include "userns/idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/appliance.h"

/* cli_cas_resolve - an image name, id or id prefix (or a bare ref id) to the
 * full image id that names its tree manifest. */
int cli_cas_resolve(struct volt_ctx *ctx, const char *ref, char id[72], struct volt_err *err);
int cli_cas_resolve(struct volt_ctx *ctx, const char *ref, char id[72], struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_image_row img;
	int r;

	if (!db)
		return -1;
	r = volt_db_image_find(db, ref, &img, err);
	if (r < 0)
		return -1;
	if (r == 0) {
		memcpy(id, img.id, 65);
		volt_image_row_free(&img);
		return 0;
	}
	const char *hex = strncmp(ref, "sha256:", 7) ? ref : ref + 7;
	cleanup_free char *p = volt_path("%s/cas/refs/%s.tree", ctx->root, hex);
	if (volt_sha256_is_hex(hex) && access(p, F_OK) == 0) {
		memcpy(id, hex, 65);
		return 0;
	}
	return volt_err_set(err, 0, "no such image or ref: %s", ref);
}

static const struct option status_opts[] = {
	{"json", no_argument, NULL, 'j'}, {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec status_spec = {
	.usage = "Usage: volt cas status [--json]\n\nObjects, bytes stored, bytes the images hold, refs, dedup.\n",
	.longopts = status_opts,
};

/* cas_status - `volt cas status [--json]`. */
static int cas_status(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_cas cas;
	struct volt_cas_status st;
	struct volt_ctx *ctx;
	char a[32], b[32], c[32], r[32];
	bool json = argc > 1 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "--format=json"));

	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (volt_cas_open(&cas, ctx->root, &err) < 0)
		return cli_fail(&err);
	int ret = volt_cas_status(&cas, &st, &err);
	volt_cas_close(&cas);
	if (ret < 0)
		return cli_fail(&err);
	volt_human_size(st.stored_bytes, a, sizeof(a));
	volt_human_size(st.variant_bytes, b, sizeof(b));
	volt_human_size(st.logical_bytes, c, sizeof(c));
	volt_cas_ratio_format(st.logical_bytes, st.stored_bytes + st.variant_bytes, r, sizeof(r));
	if (json) {
		printf("{\"objects\":%zu,\"variants\":%zu,\"refs\":%zu,\"checkouts\":%zu,\"stored_bytes\":%lld,"
		       "\"variant_bytes\":%lld,\"logical_bytes\":%lld,\"files\":%lld,\"dedup_ratio\":\"%s\"}\n",
		       st.objects, st.variants, st.refs, st.checkouts, (long long)st.stored_bytes,
		       (long long)st.variant_bytes, (long long)st.logical_bytes, (long long)st.files, r);
		return 0;
	}
	printf("objects:        %zu (%s, %lld bytes)\n", st.objects, a, (long long)st.stored_bytes);
	printf("variants:       %zu (%s, %lld bytes)\n", st.variants, b, (long long)st.variant_bytes);
	printf("refs:           %zu\n", st.refs);
	printf("checkouts:      %zu\n", st.checkouts);
	printf("files in refs:  %lld\n", (long long)st.files);
	printf("logical bytes:  %s (%lld bytes)\n", c, (long long)st.logical_bytes);
	printf("dedup ratio:    %s\n", r);
	return 0;
}

struct verify_job {
	struct volt_ctx *ctx;
	const char *ref_id;
	size_t checked, problems;
};

/* print_problem - one line per problem, naming the object (and its users). */
static void print_problem(const char *object, const char *problem, const char *refs, void *arg)
{
	(void)arg;
	printf("object %s %s (used by: %s)\n", object, problem, refs[0] ? refs : "no ref");
}

/* verify_in_userns - the verify walk, inside the store's user namespace. */
static int verify_in_userns(void *arg, struct volt_err *err)
{
	struct verify_job *j = arg;
	struct volt_cas cas;
	struct volt_cas_verify_opts o = {.ref_id = j->ref_id, .cb = print_problem};
	if (volt_cas_open(&cas, j->ctx->root, err) < 0)
		return -1;
	int ret = volt_cas_verify(&cas, &o, &j->checked, &j->problems, err);
	volt_cas_close(&cas);
	fflush(stdout);
	if (ret == 0 && j->problems)
		return volt_err_set(err, 0, "verify: %zu problem(s) in %zu object(s) checked", j->problems, j->checked);
	if (ret == 0)
		printf("verified %zu object(s): all intact\n", j->checked);
	fflush(stdout); /* the helper child leaves by _exit */
	return ret;
}

/* cas_verify - `volt cas verify [--ref IMAGE]`: exit 125 when anything is wrong. */
static const struct option verify_opts[] = {{"ref", required_argument, NULL, 'r'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec verify_spec = {
	.usage = "Usage: volt cas verify [--ref IMAGE]\n\nRe-hash every object (or those of one image); name each "
		 "corrupted or missing object and the images that use it.\n",
	.longopts = verify_opts,
};

static int cas_verify(struct volt_cli *cli, int argc, char **argv)
{
	struct verify_job j = {0};
	struct volt_err err = {0};
	struct volt_idmap map;
	const char *ref = NULL;
	char id[72];
	int c;

	while ((c = cli_getopt(argc, argv, &verify_spec)) != -1) {
		switch (c) {
		case 'r': ref = optarg; break;
		default: return cli_usage_error("cas verify", "invalid option");
		}
	}
	if (!(j.ctx = cli_ctx(cli)))
		return 125;
	if (ref) {
		if (cli_cas_resolve(j.ctx, ref, id, &err) < 0)
			return cli_fail(&err);
		j.ref_id = id;
	}
	volt_idmap_detect(&map, false, &err);
	/* variants may belong to mapped ids with modes the user cannot read */
	if (volt_userns_run(&map, verify_in_userns, &j, &err) < 0)
		return cli_fail(&err);
	return 0;
}

struct gc_job {
	struct volt_ctx *ctx;
	bool dry, verbose;
};

/* print_gc - one line per item gc removes (dry run or -v). */
static void print_gc(const char *kind, const char *name, void *arg)
{
	struct gc_job *j = arg;
	if (j->dry || j->verbose)
		printf("%s %s %s\n", j->dry ? "would remove" : "removed", kind, name);
}

/* print_prune - one line per FUSE view gc unmounts. */
static void print_prune(const char *id, void *arg)
{
	struct gc_job *j = arg;
	printf("%s FUSE view of image %.12s (no ref)\n", j->dry ? "would unmount" : "unmounted", id);
}

/* print_appliance - one line per appliance gc removes (its image is gone,
 * or a newer build of its name replaced it). */
static void print_appliance(const char *key, const char *why, void *arg)
{
	struct gc_job *j = arg;
	printf("%s appliance %.12s (%s)\n", j->dry ? "would remove" : "removed", key, why);
}

/* gc_in_userns - gc inside the store's user namespace (checkouts hold mapped owners). */
static int gc_in_userns(void *arg, struct volt_err *err)
{
	struct gc_job *j = arg;
	struct volt_cas cas;
	struct volt_cas_gc_result r;
	char sz[32];
	if (volt_cas_open(&cas, j->ctx->root, err) < 0)
		return -1;
	int ret = volt_cas_gc(&cas, j->dry, print_gc, j, &r, err);
	volt_cas_close(&cas);
	if (ret < 0)
		return -1;
	volt_human_size(r.bytes, sz, sizeof(sz));
	printf("%s %zu object(s), %zu variant(s) (%s), %zu checkout(s), %zu tmp entr%s, %zu layer record(s), "
	       "%zu partial download(s)\n",
	       j->dry ? "gc --dry-run: would remove" : "gc: removed", r.objects, r.variants, sz, r.checkouts, r.tmp,
	       r.tmp == 1 ? "y" : "ies", r.layers, r.partial);
	fflush(stdout);
	return 0;
}

/* cas_gc - `volt cas gc [--dry-run] [-v]`. */
static const struct option gc_opts[] = {
	{"dry-run", no_argument, NULL, 'n'}, {"verbose", no_argument, NULL, 'v'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec gc_spec = {
	.usage =
		"Usage: volt cas gc [--dry-run] [-v]\n\nRemove objects, variants and checkouts no image reaches, "
		"layer records whose objects are gone, microVM appliances whose image is gone, and leftovers of interrupted writes. Waits for running "
		"imports and pulls.\n",
	.opts = "nv",
	.longopts = gc_opts,
};

static int cas_gc(struct volt_cli *cli, int argc, char **argv)
{
	struct gc_job j = {0};
	struct volt_err err = {0};
	struct volt_idmap map;
	int c;

	while ((c = cli_getopt(argc, argv, &gc_spec)) != -1) {
		switch (c) {
		case 'n': j.dry = true; break;
		case 'v': j.verbose = true; break;
		default: return cli_usage_error("cas gc", "invalid option");
		}
	}
	if (!(j.ctx = cli_ctx(cli)))
		return 125;
	/* views of removed images first: fusermount3 cannot run in the userns */
	volt_cas_lower_prune(j.ctx, j.dry, print_prune, &j);
	fflush(stdout);
	/* appliances of removed images: they are the user's files, no userns.
	 * Their prune reads the state database, which a full disk may keep
	 * closed (SQLite cannot make its -shm/-wal): the store's gc needs no
	 * database (refs are files), so it runs first then, and the appliances
	 * are pruned after it, in the room it made */
	bool full = false;
	if (volt_appliance_prune(j.ctx, j.dry, print_appliance, &j, &err) < 0) {
		if (err.errnum != ENOSPC && err.errnum != EDQUOT)
			return cli_fail(&err);
		full = true;
		err = (struct volt_err){0};
	}
	fflush(stdout);
	volt_idmap_detect(&map, false, &err);
	if (volt_userns_run(&map, gc_in_userns, &j, &err) < 0)
		return cli_fail(&err);
	if (full && volt_appliance_prune(j.ctx, j.dry, print_appliance, &j, &err) < 0)
		return cli_fail(&err);
	return 0;
}

/* mode_string - "drwxr-xr-x" style, with setuid/setgid/sticky letters. */
static void mode_string(const struct volt_tree_entry *e, char out[11])
{
	static const char tc[] = {[VOLT_T_DIR] = 'd', [VOLT_T_FILE] = '-', [VOLT_T_SYMLINK] = 'l', [VOLT_T_FIFO] = 'p'};
	uint32_t m = e->mode;
	out[0] = tc[e->type];
	for (int i = 0; i < 9; i++)
		out[1 + i] = (char)((m & (0400u >> i)) ? "rwxrwxrwx"[i] : '-');
	if (m & 04000)
		out[3] = (m & 0100) ? 's' : 'S';
	if (m & 02000)
		out[6] = (m & 010) ? 's' : 'S';
	if (m & 01000)
		out[9] = (m & 01) ? 't' : 'T';
	out[10] = '\0';
}

/* cas_inspect - `volt cas inspect IMAGE [--show-hashes]`. */
static const struct option inspect_opts[] = {{"show-hashes", no_argument, NULL, 's'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec inspect_spec = {
	.usage = "Usage: volt cas inspect IMAGE [--show-hashes]\n\nList an image's tree manifest: mode, owner, "
		 "size, path.\n",
	.longopts = inspect_opts,
};

static int cas_inspect(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_cas cas;
	struct volt_tree t;
	bool hashes = false;
	char id[72], sz[32];
	int c;

	while ((c = cli_getopt(argc, argv, &inspect_spec)) != -1) {
		switch (c) {
		case 's': hashes = true; break;
		default: return cli_usage_error("cas inspect", "invalid option");
		}
	}
	if (argc - optind != 1)
		return cli_usage_error("cas inspect", "requires exactly 1 argument (IMAGE)");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (cli_cas_resolve(ctx, argv[optind], id, &err) < 0 || volt_cas_open(&cas, ctx->root, &err) < 0)
		return cli_fail(&err);
	if (volt_cas_ref_load(&cas, id, &t, &err) < 0) {
		volt_cas_close(&cas);
		return cli_fail(&err);
	}
	size_t n, files;
	int64_t bytes;
	cleanup_free struct volt_tree_entry **v = volt_tree_sorted(&t, &n);
	volt_tree_stats(&t, &bytes, &files);
	volt_human_size(bytes, sz, sizeof(sz));
	printf("ref %s: %zu entries, %zu files, %s (%lld bytes)\n", id, n, files, sz, (long long)bytes);
	for (size_t i = 0; v && i < n; i++) {
		char ms[11];
		mode_string(v[i], ms);
		printf("%s %5u:%-5u %10lld ", ms, v[i]->uid, v[i]->gid,
		       (long long)(v[i]->type == VOLT_T_FILE ? v[i]->size : 0));
		if (hashes)
			printf("%-64s ", v[i]->type == VOLT_T_FILE ? v[i]->digest : "-");
		printf("/%s", v[i]->path);
		if (v[i]->type == VOLT_T_SYMLINK)
			printf(" -> %s", v[i]->target);
		else if (v[i]->target)
			printf(" (link to /%s)", v[i]->target);
		printf("\n");
	}
	volt_tree_free(&t);
	volt_cas_close(&cas);
	return 0;
}

struct build_job {
	struct volt_ctx *ctx;
	const char *dir, *name;
	char id[72];
};

/* build_in_userns - build inside the store's user namespace */
static int build_in_userns(void *arg, char id_out[65], struct volt_err *err)
{
	struct build_job *j = arg;
	return volt_cas_build(j->ctx, j->dir, j->name, id_out, err);
}

static const struct volt_cmd_spec build_spec = {
	.usage = "Usage: volt cas build DIR NAME[:TAG]\n\nStore a directory as an image (Cmd /bin/sh); your own "
		 "files become root's.\n",
};

/* cas_build - `volt cas build DIR NAME`. */
static int cas_build(struct volt_cli *cli, int argc, char **argv)
{
	struct build_job j = {0};
	struct volt_err err = {0};
	struct volt_idmap map;
	char real[4096];

	if (argc != 3)
		return cli_usage_error("cas build", "requires DIR and NAME");
	if (!(j.ctx = cli_ctx(cli)))
		return 125;
	if (!realpath(argv[1], real)) {
		volt_err_sys(&err, "cas build: %s", argv[1]);
		return cli_fail(&err);
	}
	j.dir = real;
	j.name = argv[2];
	volt_idmap_detect(&map, false, &err);
	if (volt_userns_run_id(&map, build_in_userns, &j, j.id, &err) < 0)
		return cli_fail(&err);
	printf("sha256:%s\n", j.id);
	return 0;
}

/* cas_mount - `volt cas mount [-f] IMAGE DIR`; --host-ids (internal) serves
 * a container lower with owners translated to host ids. */
static const struct option mount_opts[] = {
	{"foreground", no_argument, NULL, 'f'}, {"host-ids", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0}};
static const struct volt_cmd_spec mount_spec = {
	.usage = "Usage: volt cas mount [-f] IMAGE DIR\n\nMount an image read-only through FUSE, with the owners "
		 "and modes of its manifest. Unmount with 'volt cas umount DIR'.\n\n"
		 "  -f, --foreground   stay in the foreground\n",
	.opts = "f",
	.longopts = mount_opts,
};

static int cas_mount(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_cas_fuse_opts o = {0};
	struct volt_err err = {0};
	struct volt_ctx *ctx;
	struct volt_idmap map;
	bool host_ids = false;
	char id[72];
	int c;

	while ((c = cli_getopt(argc, argv, &mount_spec)) != -1) {
		switch (c) {
		case 'f': o.foreground = true; break;
		case 'H': host_ids = true; break;
		default: return cli_usage_error("cas mount", "invalid option");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("cas mount", "requires IMAGE and DIR");
	if (!(ctx = cli_ctx(cli)))
		return 125;
	if (cli_cas_resolve(ctx, argv[optind], id, &err) < 0)
		return cli_fail(&err);
	if (host_ids) {
		volt_idmap_detect(&map, false, &err);
		o.host_ids = &map;
	}
	o.volt_root = ctx->root;
	o.image_id = id;
	o.mountpoint = argv[optind + 1];
	if (ctx->db_open) { /* the daemon must not hold the state database */
		volt_db_close(&ctx->db);
		ctx->db_open = 0;
	}
	if (volt_cas_fuse_serve(&o, &err) < 0)
		return cli_fail(&err);
	return 0;
}

static const struct volt_cmd_spec umount_spec = {
	.usage = "Usage: volt cas umount DIR\n\nUnmount a view made by 'volt cas mount'.\n",
};

/* cas_umount - `volt cas umount DIR`. */
static int cas_umount(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	(void)cli;
	if (argc != 2)
		return cli_usage_error("cas umount", "requires DIR");
	if (volt_cas_fuse_umount(argv[1], &err) < 0)
		return cli_fail(&err);
	return 0;
}

static const struct volt_cmd cas_cmds[] = {
	{"status", cas_status, "Objects, bytes stored and held, refs, dedup ratio", &status_spec},
	{"verify", cas_verify, "Re-hash objects; name the corrupted and missing", &verify_spec},
	{"gc", cas_gc, "Remove what no image reaches", &gc_spec},
	{"inspect", cas_inspect, "List an image's tree", &inspect_spec},
	{"build", cas_build, "Store a directory as an image", &build_spec},
	{"mount", cas_mount, "Read-only FUSE view of an image", &mount_spec},
	{"umount", cas_umount, "Unmount it", &umount_spec},
	{NULL, NULL, NULL, NULL},
};

const struct volt_cmd_spec cli_cas_spec = {
	.usage = "Usage: volt cas COMMAND\n\nThe content-addressed store (Stellarium).\n",
	.subs = cas_cmds,
};
