/* Installing a distribution kernel as the user: `apt-get download` of the
 * package and the linux-image-* / linux-modules-* packages it depends on,
 * `dpkg-deb -x` of each into a scratch directory, and the kernel plus the
 * guest's modules kept as $VOLT_ROOT/kernels/<version> (one rename, so a
 * kernel is there whole or not at all). No root anywhere: apt-get download
 * writes to its working directory and dpkg-deb -x is a plain extraction. */
#include "vm/kernel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/prog.h"

/* scratch - a new directory $kdir/.<what>-<random> */
static char *scratch(const char *kdir, const char *what, struct volt_err *err)
{
	char hex[17];
	if (volt_mkdir_p(kdir, 0700, err) < 0)
		return NULL;
	volt_random_hex(hex, 8);
	char *p = volt_path("%s/.%s-%s", kdir, what, hex);
	if (mkdir(p, 0700) < 0) {
		volt_err_sys(err, "mkdir %s", p);
		free(p);
		return NULL;
	}
	return p;
}

/* find_prefixed - the first entry of dir whose name starts with prefix */
static char *find_prefixed(const char *dir, const char *prefix)
{
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = strlen(prefix);
	while (d && (de = readdir(d)))
		if (!strncmp(de->d_name, prefix, n) && de->d_name[n])
			return strdup(de->d_name);
	return NULL;
}

/* move_file - rename src to dst, making dst's parents */
static int move_file(const char *src, const char *dst, struct volt_err *err)
{
	cleanup_free char *parent = strdup(dst);
	char *slash = strrchr(parent, '/');
	if (slash) {
		*slash = '\0';
		if (volt_mkdir_p(parent, 0755, err) < 0)
			return -1;
	}
	if (rename(src, dst) < 0)
		return volt_err_sys(err, "move %s", src);
	return 0;
}

struct ko {
	char *path; /* relative to the modules root */
	char name[64];
	char *depends; /* "a,b" from the module's .modinfo */
};

/* ko_name - "kernel/fs/9p/9p.ko" -> "9p", '-' as '_' (as modprobe matches) */
static void ko_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strcspn(base, ".");
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(base[i] == '-' ? '_' : base[i]);
	out[n] = '\0';
}

/* ko_depends - the "depends=" entry of a module's .modinfo section: the
 * section is NUL-separated key=value strings, so the entry is the one right
 * after a NUL */
static char *ko_depends(const char *file)
{
	cleanup_free char *data = NULL;
	size_t len;
	struct volt_err ignore;
	if (volt_read_file(file, 256u << 20, &data, &len, &ignore) < 0)
		return strdup("");
	static const char key[] = "depends=";
	for (const char *p = data; (p = memmem(p, len - (size_t)(p - data), key, sizeof(key) - 1));
	     p += sizeof(key) - 1) {
		if (p > data && p[-1] == '\0')
			return strndup(p + sizeof(key) - 1,
				       strnlen(p + sizeof(key) - 1, len - (size_t)(p - data) - (sizeof(key) - 1)));
	}
	return strdup("");
}

static int scan_ko(const char *root, const char *rel, struct ko **v, size_t *n)
{
	cleanup_free char *dir = rel[0] ? volt_path("%s/%s", root, rel) : strdup(root);
	cleanup_dir DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		cleanup_free char *r = rel[0] ? volt_path("%s/%s", rel, de->d_name) : strdup(de->d_name);
		if (de->d_type == DT_DIR) {
			if (scan_ko(root, r, v, n) < 0)
				return -1;
			continue;
		}
		size_t len = strlen(de->d_name);
		if (len < 4 || strcmp(de->d_name + len - 3, ".ko"))
			continue;
		struct ko *nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (!nv)
			return -1;
		*v = nv;
		cleanup_free char *full = volt_path("%s/%s", root, r);
		nv[*n].path = volt_steal_ptr(&r);
		ko_name(nv[*n].path, nv[*n].name, sizeof(nv[*n].name));
		nv[*n].depends = ko_depends(full);
		(*n)++;
	}
	return 0;
}

/* modules_dep_from_tree - what depmod would write as modules.dep, from the
 * modules' own .modinfo (a package's tree has no modules.dep: depmod makes
 * it at install time, and it is not a program a user may have). Modules
 * compressed (.ko.xz, .ko.zst) are not read. */
static int modules_dep_from_tree(const char *modroot, char **text, struct volt_err *err)
{
	struct ko *v = NULL;
	size_t n = 0, size = 0;
	char *out = NULL;
	int r = scan_ko(modroot, "", &v, &n);
	FILE *f = r == 0 ? open_memstream(&out, &size) : NULL;
	for (size_t i = 0; f && i < n; i++) {
		fprintf(f, "%s:", v[i].path);
		char *save = NULL;
		for (char *dep = strtok_r(v[i].depends, ",", &save); dep; dep = strtok_r(NULL, ",", &save)) {
			char name[64];
			ko_name(dep, name, sizeof(name));
			for (size_t j = 0; j < n; j++) {
				if (!strcmp(v[j].name, name)) {
					fprintf(f, " %s", v[j].path);
					break;
				}
			}
		}
		fputc('\n', f);
	}
	if (f && fclose(f) != 0)
		f = NULL;
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].depends);
	}
	free(v);
	if (!f) {
		free(out);
		return volt_err_set(err, ENOMEM, "read modules in %s", modroot);
	}
	*text = out;
	return 0;
}

/* keep_guest_modules - move the guest's module set (and its dependencies)
 * from the unpacked tree modroot into dest/modules, and write
 * dest/modules.load with one relative path a line, in load order */
static int keep_guest_modules(const char *modroot, const char *dest, struct volt_err *err)
{
	cleanup_free char *depfile = volt_path("%s/modules.dep", modroot);
	cleanup_free char *dep = NULL;
	cleanup_strv char **mods = NULL;

	if (access(depfile, F_OK) == 0 ? volt_read_file(depfile, 64u << 20, &dep, NULL, err) < 0 :
					 modules_dep_from_tree(modroot, &dep, err) < 0)
		return volt_err_prefix(err, "kernel modules");
	if (volt_kernel_modules_closure(dep, volt_kernel_guest_modules, &mods, err) < 0)
		return -1;
	cleanup_free char *list = strdup("");
	for (size_t i = 0; mods[i]; i++) {
		cleanup_free char *src = volt_path("%s/%s", modroot, mods[i]);
		cleanup_free char *dst = volt_path("%s/modules/%s", dest, mods[i]);
		if (move_file(src, dst, err) < 0)
			return -1;
		char *nl = volt_path("%s%s\n", list, mods[i]);
		free(list);
		list = nl;
	}
	cleanup_free char *load = volt_path("%s/modules.load", dest);
	return volt_write_file_atomic(load, list, strlen(list), 0644, err);
}

/* install_into - put the new kernel directory staged at 'staged' in place as
 * kdir/version, replacing an older install of the same version */
static int install_into(const char *kdir, const char *staged, const char *version, struct volt_err *err)
{
	cleanup_free char *final = volt_path("%s/%s", kdir, version);
	if (rename(staged, final) == 0)
		return 0;
	if (errno != EEXIST && errno != ENOTEMPTY)
		return volt_err_sys(err, "install kernel %s", version);
	char hex[17];
	volt_random_hex(hex, 8);
	cleanup_free char *old = volt_path("%s/.rm-%s", kdir, hex);
	if (rename(final, old) < 0 || rename(staged, final) < 0)
		return volt_err_sys(err, "install kernel %s", version);
	return volt_rm_rf(old, err);
}

static int install_debs(const char *kdir, const char *tmp, char *const *debs, const char *package, char **version,
			struct volt_err *err)
{
	cleanup_free char *x = volt_path("%s/x", tmp);
	cleanup_free char *k = volt_path("%s/k", tmp);
	if (mkdir(x, 0700) < 0 || mkdir(k, 0755) < 0)
		return volt_err_sys(err, "mkdir %s", x);
	for (size_t i = 0; debs[i]; i++) {
		char *argv[] = {"dpkg-deb", "-x", debs[i], x, NULL};
		if (volt_prog_run(&(struct volt_prog){.argv = argv, .timeout_ms = 300000}, err) < 0)
			return volt_err_prefix(err, "unpack %s", debs[i]);
	}
	cleanup_free char *boot = volt_path("%s/boot", x);
	cleanup_free char *img = find_prefixed(boot, "vmlinuz-");
	if (!img)
		return volt_err_set(err, ENOENT, "no kernel image (boot/vmlinuz-*) in the package%s",
				    debs[1] ? "s" : "");
	const char *ver = img + strlen("vmlinuz-");
	cleanup_free char *src = volt_path("%s/%s", boot, img);
	cleanup_free char *dst = volt_path("%s/vmlinuz", k);
	if (rename(src, dst) < 0 || chmod(dst, 0644) < 0)
		return volt_err_sys(err, "keep %s", img);
	/* its ELF too, where it boots by PVH: QEMU loads that one */
	cleanup_free char *elf = volt_path("%s/vmlinux", k);
	if (volt_kernel_pvh_extract(dst, elf, err) < 0)
		return -1;

	/* Debian keeps modules in /lib/modules, merged-/usr packages in /usr/lib */
	cleanup_free char *m1 = volt_path("%s/lib/modules/%s", x, ver);
	cleanup_free char *m2 = volt_path("%s/usr/lib/modules/%s", x, ver);
	struct stat st;
	const char *modroot = stat(m1, &st) == 0 ? m1 : stat(m2, &st) == 0 ? m2 : NULL;
	if (modroot && keep_guest_modules(modroot, k, err) < 0)
		return -1;
	if (package) {
		cleanup_free char *pf = volt_path("%s/package", k);
		cleanup_free char *line = volt_path("%s\n", package);
		if (volt_write_file_atomic(pf, line, strlen(line), 0644, err) < 0)
			return -1;
	}
	if (install_into(kdir, k, ver, err) < 0)
		return -1;
	*version = strdup(ver);
	return 0;
}

int volt_kernel_install_debs(const char *root, char *const *debs, const char *package, char **version,
			     struct volt_err *err)
{
	cleanup_free char *kdir = volt_kernel_dir(root);
	cleanup_free char *tmp = scratch(kdir, "unpack", err);
	if (!tmp)
		return -1;
	struct volt_err ignore;
	int r = install_debs(kdir, tmp, debs, package, version, err);
	volt_rm_rf(tmp, &ignore);
	return r;
}

/* default_package - the distribution's small kernel for virtual machines */
static const char *default_package(void)
{
	cleanup_free char *osr = NULL;
	struct volt_err ignore;
	struct utsname u;
	bool arm = uname(&u) == 0 && !strcmp(u.machine, "aarch64");
	if (volt_read_file("/etc/os-release", 65536, &osr, NULL, &ignore) == 0 &&
	    (strstr(osr, "\nID=ubuntu") || strstr(osr, "ID_LIKE=ubuntu") || !strncmp(osr, "ID=ubuntu", 9)))
		return "linux-image-virtual";
	return arm ? "linux-image-cloud-arm64" : "linux-image-cloud-amd64";
}

/* is_kernel_package - linux-image-<digit>... or linux-modules-<digit>... */
static bool is_kernel_package(const char *name)
{
	static const char *const pre[] = {"linux-image-", "linux-modules-"};
	for (size_t i = 0; i < 2; i++) {
		size_t n = strlen(pre[i]);
		if (!strncmp(name, pre[i], n) && name[n] >= '0' && name[n] <= '9' && !strstr(name, "-dbg") &&
		    !strstr(name, "-unsigned"))
			return true;
	}
	return false;
}

/* kernel_packages - package and its dependencies that hold a kernel image
 * or its modules (a metapackage resolves to the versioned packages) */
static int kernel_packages(const char *package, char ***out, struct volt_err *err)
{
	char *argv[] = {"apt-cache",	 "depends",	   "--recurse",	  "--no-recommends",
			"--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
			"--no-enhances", (char *)package,  NULL};
	cleanup_free char *text = NULL;
	if (volt_prog_run(&(struct volt_prog){.argv = argv, .out = &text, .out_max = 4u << 20, .timeout_ms = 60000},
			  err) < 0)
		return volt_err_prefix(err, "resolve %s", package);
	char **v = calloc(1, sizeof(char *));
	size_t n = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line && v; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == ' ' || line[0] == '<' || !is_kernel_package(line))
			continue;
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			dup |= !strcmp(v[i], line);
		if (dup)
			continue;
		char **nv = realloc(v, (n + 2) * sizeof(char *));
		if (!nv)
			break;
		v = nv;
		v[n++] = strdup(line);
		v[n] = NULL;
	}
	if (!v)
		return volt_err_set(err, ENOMEM, "resolve %s", package);
	if (!n) {
		volt_strv_free(v);
		return volt_err_set(err, ENOENT, "%s: no linux-image-<version> package among what it depends on",
				    package);
	}
	*out = v;
	return 0;
}

static int fetch_into(const char *tmp, const char *package, char ***debs, struct volt_err *err)
{
	cleanup_strv char **pkgs = NULL;
	if (kernel_packages(package, &pkgs, err) < 0)
		return -1;
	size_t n = 0;
	while (pkgs[n])
		n++;
	char **argv = calloc(n + 3, sizeof(char *));
	if (!argv)
		return volt_err_set(err, ENOMEM, "apt-get download");
	argv[0] = "apt-get";
	argv[1] = "download";
	for (size_t i = 0; i < n; i++)
		argv[2 + i] = pkgs[i];
	int r = volt_prog_run(&(struct volt_prog){.argv = argv, .cwd = tmp, .timeout_ms = 600000}, err);
	free(argv);
	if (r < 0)
		return volt_err_prefix(err, "download %s", package);

	cleanup_dir DIR *d = opendir(tmp);
	struct dirent *de;
	char **v = calloc(1, sizeof(char *));
	size_t nv = 0;
	while (d && v && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".deb"))
			continue;
		char **nvv = realloc(v, (nv + 2) * sizeof(char *));
		if (!nvv)
			break;
		v = nvv;
		v[nv++] = volt_path("%s/%s", tmp, de->d_name);
		v[nv] = NULL;
	}
	if (!v || !nv) {
		volt_strv_free(v);
		return volt_err_set(err, ENOENT, "download %s: apt-get left no .deb", package);
	}
	*debs = v;
	return 0;
}

int volt_kernel_fetch(const char *root, const char *package, char **version, struct volt_err *err)
{
	if (!package)
		package = default_package();
	cleanup_free char *kdir = volt_kernel_dir(root);
	cleanup_free char *tmp = scratch(kdir, "download", err);
	if (!tmp)
		return -1;
	cleanup_strv char **debs = NULL;
	struct volt_err ignore;
	int r = fetch_into(tmp, package, &debs, err);
	if (r == 0)
		r = volt_kernel_install_debs(root, debs, package, version, err);
	volt_rm_rf(tmp, &ignore);
	return r;
}
