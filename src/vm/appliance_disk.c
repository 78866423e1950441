/* The disk strategy's two parts: an ext4 image of the tree made without root
 * (mke2fs -d run as root of the store's user namespace, where the tree's
 * files have their owners), and the small initramfs that boots it (the
 * agent and the kernel's guest modules: volt-init mounts the disk as the
 * root when the kernel command line says volt_root=). */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/prog.h"
#include "vm/appliance_int.h"
#include "vm/initramfs.h"

int appliance_tiny_initrd(const char *out, const char *init, const struct volt_kernel *k, struct volt_err *err)
{
	return volt_initramfs_write(out, VOLT_INITRAMFS_ZSTD, init, k, NULL, NULL, err);
}

/* What the tree holds, for the file system's size (nftw has no argument). */
static unsigned long long tree_bytes, tree_entries;

static int count_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	tree_entries++;
	if (type == FTW_F && S_ISREG(st->st_mode))
		tree_bytes += ((unsigned long long)st->st_size + 4095) / 4096 * 4096;
	return 0;
}

static char *find_mke2fs(void)
{
	/* /usr/sbin is not on every user's $PATH (Debian's is not) */
	char *p = volt_prog_find("mke2fs");
	if (!p && access("/usr/sbin/mke2fs", X_OK) == 0)
		p = strdup("/usr/sbin/mke2fs");
	if (!p && access("/sbin/mke2fs", X_OK) == 0)
		p = strdup("/sbin/mke2fs");
	return p;
}

struct mkfs_job {
	const char *tree, *out;
};

static int mkfs_in_userns(void *arg, struct volt_err *err)
{
	struct mkfs_job *j = arg;
	cleanup_free char *mke2fs = find_mke2fs();
	if (!mke2fs)
		return volt_err_set(err, ENOENT, "appliance: mke2fs not found (Debian/Ubuntu: e2fsprogs)");
	tree_bytes = tree_entries = 0;
	if (nftw(j->tree, count_entry, 32, FTW_PHYS) < 0)
		return volt_err_sys(err, "appliance: read %s", j->tree);
	/* room for what the workload writes (the file is sparse: free blocks
	 * cost nothing on the host) and the metadata */
	unsigned long long kib = (tree_bytes + tree_bytes / 8 + tree_entries * 4096) / 1024 + 256 * 1024;
	unsigned long long inodes = tree_entries + tree_entries / 4 + 8192;
	char size[32], nin[32];
	snprintf(size, sizeof(size), "%lluk", kib);
	snprintf(nin, sizeof(nin), "%llu", inodes);
	/* no journal: an appliance's root is thrown away after each run */
	char *const argv[] = {mke2fs,
			      "-q",
			      "-F",
			      "-t",
			      "ext4",
			      "-b",
			      "4096",
			      "-m",
			      "0",
			      "-N",
			      nin,
			      "-O",
			      "^has_journal",
			      "-E",
			      "root_owner=0:0",
			      "-L",
			      "volt",
			      "-d",
			      (char *)j->tree,
			      (char *)j->out,
			      size,
			      NULL};
	struct volt_prog p = {.argv = argv, .timeout_ms = 600000};
	if (volt_prog_run(&p, err) < 0)
		return volt_err_prefix(err, "appliance: make the disk");
	return 0;
}

int appliance_mkfs(const struct volt_idmap *map, const char *tree, const char *out, struct volt_err *err)
{
	struct mkfs_job j = {.tree = tree, .out = out};
	return volt_userns_run(map, mkfs_in_userns, &j, err);
}
