/* Appliances from a list of files (Volant's fledge.toml and manifest.toml,
 * vm/fledge.h): only the mapped files, owned by root with fledge's modes,
 * then volt-init and the kernel's guest modules. The key is the digest of
 * every file's destination, mode and bytes, the name, the entrypoint and
 * env, the kernel, the agent and the strategy: changing any file builds a
 * new appliance, and the same list again builds nothing. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "vm/appliance_int.h"
#include "vm/fledge.h"
#include "vm/initramfs.h"

#define MAX_ENTRIES 100000

/* One file, directory or symbolic link of the appliance. */
struct entry {
	char *dest; /* absolute */
	char *src;
	char *link; /* a symbolic link's target */
	unsigned mode;
	char type; /* 'f', 'd', 'l' */
	long long size;
};

struct entries {
	struct entry *v;
	size_t n;
	bool own_modes; /* a rootfs directory's: modes kept, nodes left out (else fledge's) */
};

static void entries_free(struct entries *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].dest);
		free(e->v[i].src);
		free(e->v[i].link);
	}
	free(e->v);
}

static int add_entry(struct entries *e, const char *dest, const char *src, const struct stat *st, struct volt_err *err)
{
	if (e->n >= MAX_ENTRIES)
		return volt_err_set(err, E2BIG, "appliance: more than %d files", MAX_ENTRIES);
	struct entry *nv = realloc(e->v, (e->n + 1) * sizeof(*nv));
	if (!nv)
		return volt_err_set(err, ENOMEM, "appliance");
	e->v = nv;
	struct entry *x = &e->v[e->n];
	memset(x, 0, sizeof(*x));
	x->type = S_ISDIR(st->st_mode) ? 'd' : S_ISLNK(st->st_mode) ? 'l' : 'f';
	x->mode = x->type == 'l' ? 0777 :
		  e->own_modes	 ? (unsigned)(st->st_mode & 07777) :
				   volt_fledge_mode(dest, st->st_mode & 07777, x->type == 'd');
	x->size = x->type == 'f' ? st->st_size : 0;
	x->dest = strdup(dest);
	x->src = strdup(src);
	e->n++;
	if (!x->dest || !x->src)
		return volt_err_set(err, ENOMEM, "appliance");
	if (x->type == 'l') {
		char buf[PATH_MAX];
		ssize_t n = readlink(src, buf, sizeof(buf) - 1);
		if (n < 0)
			return volt_err_sys(err, "appliance: read link %s", src);
		buf[n] = '\0';
		if (!(x->link = strdup(buf)))
			return volt_err_set(err, ENOMEM, "appliance");
	}
	return 0;
}

/* walk - a mapped directory: everything below it, links kept as links
 * (fledge copies directories whole) */
static int walk(struct entries *e, const char *dest, const char *src, int depth, struct volt_err *err)
{
	if (depth > 64)
		return volt_err_set(err, ELOOP, "appliance: %s: directories nested too deep", src);
	cleanup_dir DIR *d = opendir(src);
	struct dirent *de;
	if (!d)
		return volt_err_sys(err, "appliance: open %s", src);
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		cleanup_free char *s = volt_path("%s/%s", src, de->d_name);
		cleanup_free char *t = volt_path("%s/%s", dest, de->d_name);
		struct stat st;
		if (lstat(s, &st) < 0)
			return volt_err_sys(err, "appliance: %s", s);
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode) && e->own_modes)
			continue; /* a rootfs's nodes, fifos, sockets: the guest has its own /dev */
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode))
			return volt_err_set(err, EINVAL, "appliance: %s: only files, directories and links are copied",
					    s);
		if (add_entry(e, t, s, &st, err) < 0 || (S_ISDIR(st.st_mode) && walk(e, t, s, depth + 1, err) < 0))
			return -1;
	}
	return 0;
}

static int by_dest(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->dest, ((const struct entry *)b)->dest);
}

/* collect - every entry of f's mappings, sorted by destination; sources
 * relative to base */
static int collect(const struct volt_fledge *f, const char *base, struct entries *e, struct volt_err *err)
{
	for (size_t i = 0; i < f->n_maps; i++) {
		const struct volt_fledge_map *m = &f->maps[i];
		cleanup_free char *src = m->source[0] == '/' ? strdup(m->source) : volt_path("%s/%s", base, m->source);
		/* trailing slashes of the destination are not part of its name */
		cleanup_free char *dest = strdup(m->dest);
		if (!src || !dest)
			return volt_err_set(err, ENOMEM, "appliance");
		for (size_t n = strlen(dest); n > 1 && dest[n - 1] == '/'; n--)
			dest[n - 1] = '\0';
		struct stat st;
		if (stat(src, &st) < 0) /* the mapping's own source is followed, as fledge does */
			return volt_err_sys(err, "appliance: mapping %s", m->source);
		if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
			return volt_err_set(err, EINVAL, "appliance: mapping %s: not a file or a directory", m->source);
		if (add_entry(e, dest, src, &st, err) < 0 || (S_ISDIR(st.st_mode) && walk(e, dest, src, 0, err) < 0))
			return -1;
	}
	qsort(e->v, e->n, sizeof(*e->v), by_dest);
	for (size_t i = 1; i < e->n; i++)
		if (!strcmp(e->v[i].dest, e->v[i - 1].dest))
			return volt_err_set(err, EINVAL, "appliance: two mappings give %s", e->v[i].dest);
	return 0;
}

/* file_sha - sha256 of a file's bytes */
static int file_sha(const char *path, char hex[VOLT_SHA256_HEX], struct volt_err *err)
{
	struct volt_sha256 h;
	char buf[65536];
	ssize_t n;
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return volt_err_sys(err, "appliance: open %s", path);
	if (volt_sha256_init(&h) < 0)
		return volt_err_set(err, ENOMEM, "sha256");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		volt_sha256_update(&h, buf, (size_t)n);
	if (n < 0) {
		volt_sha256_abort(&h);
		return volt_err_sys(err, "appliance: read %s", path);
	}
	volt_sha256_final(&h, hex);
	return 0;
}

/* list_digest - the digest of every entry's destination, type, mode and
 * bytes (or link target) */
static int list_digest(const struct entries *e, char hex[VOLT_SHA256_HEX], struct volt_err *err)
{
	struct volt_sha256 h;
	if (volt_sha256_init(&h) < 0)
		return volt_err_set(err, ENOMEM, "sha256");
	for (size_t i = 0; i < e->n; i++) {
		const struct entry *x = &e->v[i];
		char sha[VOLT_SHA256_HEX] = "-";
		if (x->type == 'f' && file_sha(x->src, sha, err) < 0) {
			volt_sha256_abort(&h);
			return -1;
		}
		cleanup_free char *line =
			volt_path("%s %c %04o %s\n", x->dest, x->type, x->mode, x->type == 'l' ? x->link : sha);
		volt_sha256_update(&h, line, strlen(line));
	}
	volt_sha256_final(&h, hex);
	return 0;
}

/* add_parents - the directories above dest (rel, no leading '/') */
static int add_parents(struct archive *a, const char *rel)
{
	cleanup_free char *p = strdup(rel);
	if (!p)
		return -1;
	for (char *s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = volt_initramfs_entry(a, p, S_IFDIR | 0755, 0, NULL, 0);
		*s = '/';
		if (r < 0)
			return -1;
	}
	return 0;
}

/* cpio_entry - one entry, owned by root, its bytes streamed from its source */
static int cpio_entry(struct archive *a, const struct entry *x, struct volt_err *err)
{
	const char *rel = x->dest + 1;
	if (add_parents(a, rel) < 0)
		return volt_err_set(err, 0, "appliance: %s", archive_error_string(a));
	struct archive_entry *ae = archive_entry_new();
	if (!ae)
		return volt_err_set(err, ENOMEM, "appliance");
	archive_entry_set_pathname(ae, rel);
	archive_entry_set_uid(ae, 0);
	archive_entry_set_gid(ae, 0);
	archive_entry_set_mode(ae, (x->type == 'd' ? S_IFDIR : x->type == 'l' ? S_IFLNK : S_IFREG) | x->mode);
	archive_entry_set_nlink(ae, x->type == 'd' ? 2 : 1);
	archive_entry_set_size(ae, x->size);
	if (x->link)
		archive_entry_set_symlink(ae, x->link);
	int r = archive_write_header(a, ae);
	archive_entry_free(ae);
	if (r != ARCHIVE_OK)
		return volt_err_set(err, 0, "appliance: add %s: %s", x->dest, archive_error_string(a));
	if (x->type != 'f' || !x->size)
		return 0;
	cleanup_close int fd = open(x->src, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return volt_err_sys(err, "appliance: open %s", x->src);
	char buf[65536];
	ssize_t n;
	long long left = x->size;
	while (left > 0 && (n = read(fd, buf, sizeof(buf) < (size_t)left ? sizeof(buf) : (size_t)left)) > 0) {
		if (archive_write_data(a, buf, (size_t)n) != n)
			return volt_err_set(err, 0, "appliance: write %s: %s", x->dest, archive_error_string(a));
		left -= n;
	}
	if (left > 0)
		return volt_err_set(err, EIO, "appliance: %s changed while it was read", x->src);
	return 0;
}

/* fill_files - a scratch /tmp (as any system has) and the listed entries */
static int fill_files(struct archive *a, void *arg, struct volt_err *err)
{
	const struct entries *e = arg;
	if (volt_initramfs_entry(a, "tmp", S_IFDIR | 01777, 0, NULL, 0) < 0)
		return volt_err_set(err, 0, "appliance: %s", archive_error_string(a));
	for (size_t i = 0; i < e->n; i++)
		if (cpio_entry(a, &e->v[i], err) < 0)
			return -1;
	return 0;
}

static int write_initramfs(const struct entries *e, const char *out, const char *init, const struct volt_kernel *k,
			   struct volt_err *err)
{
	return volt_initramfs_write(out, VOLT_INITRAMFS_ZSTD, init, k, fill_files, (void *)e, err);
}

/* copy_file - src to a new file dst with mode */
static int copy_file(const char *src, const char *dst, unsigned mode, struct volt_err *err)
{
	cleanup_close int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return volt_err_sys(err, "appliance: open %s", src);
	cleanup_close int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (out < 0)
		return volt_err_sys(err, "appliance: create %s", dst);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (!volt_write_all(out, buf, (size_t)n))
			return volt_err_sys(err, "appliance: write %s", dst);
	if (n < 0)
		return volt_err_sys(err, "appliance: read %s", src);
	if (fchmod(out, mode) < 0)
		return volt_err_sys(err, "appliance: chmod %s", dst);
	return 0;
}

/* stage - the entries as a tree under dir, for mke2fs -d (as the user:
 * root in the store's user namespace, so root in the file system) */
static int stage(const struct entries *e, const char *dir, struct volt_err *err)
{
	cleanup_free char *tmp = volt_path("%s/tmp", dir);
	if (mkdir(dir, 0755) < 0 || mkdir(tmp, 0755) < 0 || chmod(tmp, 01777) < 0)
		return volt_err_sys(err, "appliance: mkdir %s", dir);
	for (size_t i = 0; i < e->n; i++) {
		const struct entry *x = &e->v[i];
		cleanup_free char *p = volt_path("%s%s", dir, x->dest);
		cleanup_free char *parent = strdup(p);
		if (!parent || volt_mkdir_p(dirname(parent), 0755, err) < 0)
			return -1;
		if (x->type == 'd') {
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return volt_err_sys(err, "appliance: mkdir %s", p);
			if (chmod(p, x->mode) < 0)
				return volt_err_sys(err, "appliance: chmod %s", p);
		} else if (x->type == 'l') {
			if (symlink(x->link, p) < 0)
				return volt_err_sys(err, "appliance: symlink %s", p);
		} else if (copy_file(x->src, p, x->mode, err) < 0) {
			return -1;
		}
	}
	return 0;
}

/* read_recipe - f from the recipe and its manifest */
static int read_recipe(const char *recipe, const char *manifest, struct volt_fledge *f, char **used,
		       struct volt_err *err)
{
	cleanup_free char *text = NULL;
	size_t len;
	if (volt_read_file(recipe, 1u << 20, &text, &len, err) < 0 || volt_fledge_parse(text, len, recipe, f, err) < 0)
		return -1;
	cleanup_free char *dflt = NULL;
	if (!manifest) {
		cleanup_free char *copy = strdup(recipe);
		dflt = copy ? volt_path("%s/manifest.toml", dirname(copy)) : NULL;
		struct stat a, b;
		/* the manifest beside the recipe, unless the recipe is it */
		if (dflt && stat(dflt, &a) == 0 && stat(recipe, &b) == 0 &&
		    (a.st_ino != b.st_ino || a.st_dev != b.st_dev))
			manifest = dflt;
	}
	if (manifest) {
		cleanup_free char *mtext = NULL;
		if (volt_read_file(manifest, 1u << 20, &mtext, &len, err) < 0 ||
		    volt_fledge_parse(mtext, len, manifest, f, err) < 0)
			return -1;
		*used = strdup(manifest);
	}
	return volt_fledge_check(f, err);
}

static json_t *strv_json(char **v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* build - the appliance of f (read from recipe) */
static int build(struct volt_ctx *ctx, const struct volt_fledge *f, const char *recipe, const char *manifest,
		 const struct volt_kernel *k, const char *init, const char *strategy, struct volt_appliance *out,
		 struct volt_err *err)
{
	__attribute__((cleanup(entries_free))) struct entries e = {0};
	char agent[VOLT_SHA256_HEX], list[VOLT_SHA256_HEX];
	if (!strategy)
		strategy = f->strategy ? f->strategy : "initramfs";
	if (!volt_appliance_strategy_ok(strategy))
		return volt_err_set(err, EINVAL, "appliance: --strategy %s: initramfs or disk", strategy);
	bool disk = !strcmp(strategy, "disk");
	cleanup_free char *base = strdup(recipe);
	if (!base)
		return volt_err_set(err, ENOMEM, "appliance");
	if (collect(f, dirname(base), &e, err) < 0 || list_digest(&e, list, err) < 0 ||
	    appliance_agent_digest(init, agent, err) < 0)
		return -1;
	json_auto_t *ep = strv_json(f->entrypoint), *env = strv_json(f->env);
	cleanup_free char *ep_text = json_dumps(ep, JSON_COMPACT), *env_text = json_dumps(env, JSON_COMPACT);
	cleanup_free char *inputs = volt_path("volt-appliance %d\nfiles %s %zu %s\nkernel %s %s\nagent %s\n"
					      "strategy %s\nentrypoint %s\nenv %s\n",
					      APPLIANCE_FORMAT, f->name, e.n, list, k->version, k->image, agent,
					      strategy, ep_text ? ep_text : "", env_text ? env_text : "");
	volt_sha256_buf(inputs, strlen(inputs), out->key);
	cleanup_free char *dir = volt_path("%s/appliances", ctx->root);
	if (appliance_found(dir, out->key, disk, out))
		return 0;
	if (volt_mkdir_p(dir, 0700, err) < 0)
		return -1;
	json_auto_t *files = json_array();
	for (size_t i = 0; i < f->n_maps; i++)
		json_array_append_new(files,
				      json_pack("{s:s,s:s}", "Source", f->maps[i].source, "Dest", f->maps[i].dest));
	json_auto_t *m = json_pack("{s:s,s:s,s:s?,s:s,s:s,s:s,s:O,s:O,s:O,s:I,s:s}", "Name", f->name, "Source", recipe,
				   "Manifest", manifest, "Kernel", k->version, "KernelImage", k->image, "Agent", agent,
				   "Entrypoint", f->entrypoint ? ep : json_null(), "Env", env, "Files", files,
				   "Entries", (json_int_t)e.n, "Inputs", inputs);
	if (!m)
		return volt_err_set(err, ENOMEM, "appliance");
	char hex[17];
	volt_random_hex(hex, 8);
	cleanup_free char *tmp = volt_path("%s/.tmp-%s.cpio.zst", dir, hex);
	cleanup_free char *tmp_disk = disk ? volt_path("%s/.tmp-%s.ext4", dir, hex) : NULL;
	cleanup_free char *tree = disk ? volt_path("%s/.tmp-%s.d", dir, hex) : NULL;
	int r;
	if (disk) {
		struct volt_idmap map;
		struct volt_err ignore;
		r = volt_idmap_detect(&map, false, err);
		if (r == 0)
			r = stage(&e, tree, err);
		if (r == 0)
			r = appliance_mkfs(&map, tree, tmp_disk, err);
		volt_rm_rf(tree, &ignore);
		if (r == 0)
			r = appliance_tiny_initrd(tmp, init, k, err);
	} else {
		r = write_initramfs(&e, tmp, init, k, err);
	}
	if (r < 0) {
		unlink(tmp);
		if (tmp_disk)
			unlink(tmp_disk);
		return -1;
	}
	return appliance_keep(dir, m, tmp, tmp_disk, out, err);
}

int volt_appliance_build_files(struct volt_ctx *ctx, const char *recipe, const char *manifest,
			       const struct volt_kernel *k, const char *init, const char *strategy,
			       struct volt_appliance *out, char **name_out, struct volt_err *err)
{
	struct volt_fledge f = {0};
	memset(out, 0, sizeof(*out));
	*name_out = NULL;
	cleanup_free char *abs = realpath(recipe, NULL);
	if (!abs)
		return volt_err_sys(err, "appliance: %s", recipe);
	cleanup_free char *mabs = manifest ? realpath(manifest, NULL) : NULL;
	if (manifest && !mabs)
		return volt_err_sys(err, "appliance: %s", manifest);
	cleanup_free char *used = NULL;
	int r = read_recipe(abs, mabs, &f, &used, err);
	if (r == 0)
		r = build(ctx, &f, abs, used, k, init, strategy, out, err);
	if (r == 0) {
		*name_out = f.name;
		f.name = NULL;
	}
	volt_fledge_free(&f);
	return r;
}

/* add_files - each "SRC:DEST" of add as a file at DEST, in place of what the
 * tree has there (a file or a link: volt-runtime's binds of files) */
static int add_files(struct entries *e, char *const *add, struct volt_err *err)
{
	for (size_t i = 0; add && add[i]; i++) {
		cleanup_free char *src = NULL, *dest = NULL;
		struct stat st;
		if (volt_appliance_file_arg(add[i], &src, &dest, err) < 0)
			return volt_err_prefix(err, "appliance: --add-file");
		if (stat(src, &st) < 0)
			return volt_err_sys(err, "appliance: %s", src);
		if (!S_ISREG(st.st_mode))
			return volt_err_set(err, EINVAL, "appliance: %s: not a regular file", src);
		size_t j = 0;
		while (j < e->n && strcmp(e->v[j].dest, dest))
			j++;
		if (j < e->n && e->v[j].type == 'd')
			return volt_err_set(err, EISDIR, "appliance: %s is a directory in the tree", dest);
		if (j < e->n) { /* replaced: the last entry takes its place */
			free(e->v[j].dest);
			free(e->v[j].src);
			free(e->v[j].link);
			e->v[j] = e->v[--e->n];
		}
		if (add_entry(e, dest, src, &st, err) < 0)
			return -1;
	}
	return 0;
}

int volt_appliance_build_dir(struct volt_ctx *ctx, const char *dir, char *const *add, const struct volt_kernel *k,
			     const char *init, struct volt_appliance *out, struct volt_err *err)
{
	__attribute__((cleanup(entries_free))) struct entries e = {.own_modes = true};
	char agent[VOLT_SHA256_HEX], list[VOLT_SHA256_HEX];
	memset(out, 0, sizeof(*out));
	cleanup_free char *abs = realpath(dir, NULL);
	if (!abs)
		return volt_err_sys(err, "appliance: %s", dir);
	if (walk(&e, "", abs, 0, err) < 0 || add_files(&e, add, err) < 0)
		return -1;
	qsort(e.v, e.n, sizeof(*e.v), by_dest);
	if (list_digest(&e, list, err) < 0 || appliance_agent_digest(init, agent, err) < 0)
		return -1;
	/* the bytes, not the path, make the key: the same rootfs elsewhere is
	 * the same appliance */
	cleanup_free char *inputs = volt_path("volt-appliance %d\ndir %zu %s\nkernel %s %s\nagent %s\n"
					      "strategy initramfs\n",
					      APPLIANCE_FORMAT, e.n, list, k->version, k->image, agent);
	volt_sha256_buf(inputs, strlen(inputs), out->key);
	cleanup_free char *adir = volt_path("%s/appliances", ctx->root);
	if (appliance_found(adir, out->key, false, out))
		return 0;
	if (volt_mkdir_p(adir, 0700, err) < 0)
		return -1;
	json_auto_t *m = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:s}", "Name", VOLT_APPLIANCE_DIR_NAME, "Source", abs,
				   "Kernel", k->version, "KernelImage", k->image, "Agent", agent, "Entries",
				   (json_int_t)e.n, "Inputs", inputs);
	if (!m)
		return volt_err_set(err, ENOMEM, "appliance");
	char hex[17];
	volt_random_hex(hex, 8);
	cleanup_free char *tmp = volt_path("%s/.tmp-%s.cpio.zst", adir, hex);
	if (write_initramfs(&e, tmp, init, k, err) < 0) {
		unlink(tmp);
		return -1;
	}
	return appliance_keep(adir, m, tmp, NULL, out, err);
}
