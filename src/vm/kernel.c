/* Kernels for microVMs: lookup, listing, removal, and the guest's module set.
 *
 * Store layout, one directory per kernel version:
 *   $VOLT_ROOT/kernels/<version>/vmlinuz         the bzImage
 *   $VOLT_ROOT/kernels/<version>/vmlinux         its ELF, where it boots by PVH:
 *                                                what QEMU loads when present
 *   $VOLT_ROOT/kernels/<version>/modules/         lib/modules/<version> (guest set)
 *   $VOLT_ROOT/kernels/<version>/modules.load     the guest set, load order
 *   $VOLT_ROOT/kernels/<version>/package          the package it came from
 */
#include "vm/kernel.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

const char *const volt_kernel_guest_modules[] = {
	"virtio_mmio", "virtio_blk", "virtio_net",   "virtio_console", "vmw_vsock_virtio_transport",
	"virtiofs",    "9p",	     "9pnet_virtio", "overlay",	       "virtio_balloon",
	NULL,
};

void volt_kernel_free(struct volt_kernel *k)
{
	if (!k)
		return;
	free(k->version);
	free(k->image);
	free(k->modules);
	free(k->package);
	memset(k, 0, sizeof(*k));
}

void volt_kernels_free(struct volt_kernel *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		volt_kernel_free(&v[i]);
	free(v);
}

const char *volt_kernel_origin_name(enum volt_kernel_origin o)
{
	switch (o) {
	case VOLT_KERNEL_STORE: return "store";
	case VOLT_KERNEL_HOST: return "host";
	case VOLT_KERNEL_PATH: return "path";
	}
	return "?";
}

char *volt_kernel_dir(const char *root)
{
	return volt_path("%s/kernels", root);
}

static bool readable_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, R_OK) == 0;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* newest first */
static int cmp_version_desc(const void *a, const void *b)
{
	return -strverscmp(((const struct volt_kernel *)a)->version, ((const struct volt_kernel *)b)->version);
}

static int push(struct volt_kernel **v, size_t *n, struct volt_kernel *k, struct volt_err *err)
{
	struct volt_kernel *nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv) {
		volt_kernel_free(k);
		return volt_err_set(err, ENOMEM, "list kernels");
	}
	*v = nv;
	nv[(*n)++] = *k;
	return 0;
}

/* store_kernel - the kernel in $root/kernels/<version>, if complete */
static bool store_kernel(const char *kdir, const char *version, struct volt_kernel *k)
{
	cleanup_free char *image = volt_path("%s/%s/vmlinuz", kdir, version);
	if (!readable_file(image))
		return false;
	memset(k, 0, sizeof(*k));
	k->origin = VOLT_KERNEL_STORE;
	k->version = strdup(version);
	/* the ELF with a PVH entry: QEMU maps it instead of keeping a copy
	 * (kernel_pvh.c) */
	cleanup_free char *elf = volt_path("%s/%s/vmlinux", kdir, version);
	k->image = readable_file(elf) ? volt_steal_ptr(&elf) : volt_steal_ptr(&image);
	char *mods = volt_path("%s/%s/modules", kdir, version);
	if (is_dir(mods))
		k->modules = mods;
	else
		free(mods);
	cleanup_free char *pkgfile = volt_path("%s/%s/package", kdir, version);
	char *pkg = NULL;
	struct volt_err ignore;
	if (volt_read_file(pkgfile, 4096, &pkg, NULL, &ignore) == 0) {
		pkg[strcspn(pkg, "\n")] = '\0';
		k->package = pkg;
	}
	return true;
}

static void host_kernel(const char *boot, const char *version, struct volt_kernel *k)
{
	memset(k, 0, sizeof(*k));
	k->origin = VOLT_KERNEL_HOST;
	k->version = strdup(version);
	k->image = volt_path("%s/vmlinuz-%s", boot, version);
	char *mods = volt_path("/lib/modules/%s", version);
	if (is_dir(mods))
		k->modules = mods;
	else
		free(mods);
}

const char *volt_kernel_host_boot(void)
{
	const char *b = getenv("VOLT_HOST_BOOT");
	return b && *b ? b : "/boot";
}

int volt_kernel_list(const char *root, const char *host_boot, struct volt_kernel **out, size_t *n, struct volt_err *err)
{
	struct volt_kernel *v = NULL;
	size_t nv = 0, n_store;
	cleanup_free char *kdir = volt_kernel_dir(root);
	struct dirent *de;

	cleanup_dir DIR *b = NULL;
	cleanup_dir DIR *d = opendir(kdir);
	if (!d && errno != ENOENT)
		return volt_err_sys(err, "open %s", kdir);
	while (d && (de = readdir(d))) {
		struct volt_kernel k;
		if (de->d_name[0] == '.' || !store_kernel(kdir, de->d_name, &k))
			continue;
		if (push(&v, &nv, &k, err) < 0)
			goto fail;
	}
	n_store = nv;
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_version_desc);

	b = host_boot ? opendir(host_boot) : NULL;
	while (b && (de = readdir(b))) {
		if (strncmp(de->d_name, "vmlinuz-", 8) || !de->d_name[8])
			continue;
		cleanup_free char *p = volt_path("%s/%s", host_boot, de->d_name);
		/* Ubuntu's are 0600 root: listed only where the user can read them */
		if (!readable_file(p))
			continue;
		struct volt_kernel k;
		host_kernel(host_boot, de->d_name + 8, &k);
		if (push(&v, &nv, &k, err) < 0)
			goto fail;
	}
	if (nv > n_store)
		qsort(v + n_store, nv - n_store, sizeof(*v), cmp_version_desc);
	*out = v;
	*n = nv;
	return 0;
fail:
	volt_kernels_free(v, nv);
	return -1;
}

static int no_kernel(struct volt_err *err, const char *want)
{
	if (want)
		return volt_err_said(err, ENOENT, "no kernel \"%s\": not a file, nor a version in `volt vm kernel ls`",
				     want);
	return volt_err_said(err, ENOENT,
			     "no kernel for microVMs: get one with `volt vm kernel fetch` (Debian/Ubuntu, no "
			     "root needed) or pass --kernel PATH");
}

int volt_kernel_find(const char *root, const char *host_boot, const char *want, struct volt_kernel *k,
		     struct volt_err *err)
{
	memset(k, 0, sizeof(*k));
	if (want && strchr(want, '/')) {
		if (!readable_file(want)) {
			if (access(want, F_OK) == 0)
				return volt_err_set(err, EACCES, "kernel %s: not a readable file", want);
			return volt_err_set(err, ENOENT, "kernel %s", want);
		}
		const char *base = strrchr(want, '/') + 1;
		k->origin = VOLT_KERNEL_PATH;
		k->image = strdup(want);
		k->version = strdup(strncmp(base, "vmlinuz-", 8) ? base : base + 8);
		return 0;
	}

	struct volt_kernel *v;
	size_t n;
	if (volt_kernel_list(root, host_boot, &v, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!want || !strcmp(v[i].version, want)) {
			*k = v[i];
			memset(&v[i], 0, sizeof(v[i]));
			volt_kernels_free(v, n);
			return 0;
		}
	}
	volt_kernels_free(v, n);
	return no_kernel(err, want);
}

static bool version_valid(const char *v)
{
	if (!*v || *v == '.' || strlen(v) > 128)
		return false;
	for (const char *p = v; *p; p++)
		if (*p == '/' || (unsigned char)*p < 0x20)
			return false;
	return true;
}

int volt_kernel_remove(const char *root, const char *version, struct volt_err *err)
{
	if (!version_valid(version))
		return volt_err_set(err, EINVAL, "invalid kernel version \"%s\"", version);
	cleanup_free char *kdir = volt_kernel_dir(root);
	cleanup_free char *dir = volt_path("%s/%s", kdir, version);
	if (!is_dir(dir))
		return volt_err_set(err, ENOENT, "no kernel %s in %s", version, kdir);
	/* out of sight first (a rename), then removed: a concurrent boot sees
	 * the kernel whole or not at all */
	char tmp[32];
	volt_random_hex(tmp, 8);
	cleanup_free char *gone = volt_path("%s/.rm-%s", kdir, tmp);
	if (rename(dir, gone) < 0)
		return volt_err_sys(err, "remove kernel %s", version);
	return volt_rm_rf(gone, err);
}

/* module_name - "kernel/fs/9p/9p.ko.xz" -> "9p", '-' as '_' */
static void module_name(const char *path, size_t len, char *out, size_t outlen)
{
	const char *base = path;
	for (size_t i = 0; i < len; i++)
		if (path[i] == '/')
			base = path + i + 1;
	size_t n = (size_t)(path + len - base);
	const char *ko = NULL;
	for (size_t i = 0; i + 3 <= n; i++)
		if (!strncmp(base + i, ".ko", 3) && (i + 3 == n || base[i + 3] == '.'))
			ko = base + i;
	if (ko)
		n = (size_t)(ko - base);
	if (n >= outlen)
		n = outlen - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(base[i] == '-' ? '_' : base[i]);
	out[n] = '\0';
}

struct dep_line {
	char *path;  /* the module's relative path */
	char **deps; /* its dependencies' paths */
	char name[64];
	int state; /* 0 unvisited, 1 visiting, 2 done */
};

static void dep_lines_free(struct dep_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].path);
		volt_strv_free(l[i].deps);
	}
	free(l);
}

static int strv_append(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(char *));
	if (!nv)
		return -1;
	*v = nv;
	if (!(nv[*n] = strndup(s, len)))
		return -1;
	nv[++*n] = NULL;
	return 0;
}

static struct dep_line *dep_find_path(struct dep_line *l, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(l[i].path, path))
			return &l[i];
	return NULL;
}

/* visit - depth first, dependencies before the module; a cycle (a broken
 * modules.dep) is cut rather than followed */
static int visit(struct dep_line *l, size_t n, struct dep_line *m, char ***out, size_t *nout, int depth)
{
	if (m->state || depth > 64)
		return 0;
	m->state = 1;
	for (size_t i = 0; m->deps && m->deps[i]; i++) {
		struct dep_line *d = dep_find_path(l, n, m->deps[i]);
		if (d && visit(l, n, d, out, nout, depth + 1) < 0)
			return -1;
	}
	m->state = 2;
	return strv_append(out, nout, m->path, strlen(m->path));
}

int volt_kernel_modules_closure(const char *modules_dep, const char *const *want, char ***out, struct volt_err *err)
{
	struct dep_line *l = NULL;
	size_t n = 0, nout = 0;
	char **res = calloc(1, sizeof(char *));
	const char *p = modules_dep;

	if (!res)
		return volt_err_set(err, ENOMEM, "modules.dep");
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		if (colon && colon > p) {
			struct dep_line *nl = realloc(l, (n + 1) * sizeof(*l));
			if (!nl)
				goto oom;
			l = nl;
			memset(&l[n], 0, sizeof(l[n]));
			size_t ndeps = 0;
			if (!(l[n].path = strndup(p, (size_t)(colon - p))))
				goto oom;
			module_name(p, (size_t)(colon - p), l[n].name, sizeof(l[n].name));
			n++;
			const char *q = colon + 1, *end = p + len;
			while (q < end) {
				while (q < end && (*q == ' ' || *q == '\t'))
					q++;
				const char *s = q;
				while (q < end && *q != ' ' && *q != '\t')
					q++;
				if (q > s && strv_append(&l[n - 1].deps, &ndeps, s, (size_t)(q - s)) < 0)
					goto oom;
			}
		}
		p += len + (eol ? 1 : 0);
	}
	for (size_t w = 0; want[w]; w++) {
		char name[64];
		module_name(want[w], strlen(want[w]), name, sizeof(name));
		for (size_t i = 0; i < n; i++)
			if (!strcmp(l[i].name, name) && visit(l, n, &l[i], &res, &nout, 0) < 0)
				goto oom;
	}
	dep_lines_free(l, n);
	*out = res;
	return 0;
oom:
	dep_lines_free(l, n);
	volt_strv_free(res);
	return volt_err_set(err, ENOMEM, "modules.dep");
}
