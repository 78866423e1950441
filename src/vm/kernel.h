/* Kernels for microVMs: the ones volt keeps in $VOLT_ROOT/kernels/, the
 * host's readable /boot/vmlinuz-*, or one given by path; and installing a
 * distribution kernel package as the user (no root: apt-get download and
 * dpkg-deb -x, kernel_fetch.c). */
#ifndef VOLT_VM_KERNEL_H
#define VOLT_VM_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* Where a kernel comes from, as `volt vm kernel ls` and `volt info` say it. */
enum volt_kernel_origin {
	VOLT_KERNEL_STORE, /* $VOLT_ROOT/kernels/<version>/ */
	VOLT_KERNEL_HOST,  /* /boot/vmlinuz-<version> */
	VOLT_KERNEL_PATH,  /* --kernel PATH */
};

struct volt_kernel {
	char *version; /* "6.1.0-57-cloud-amd64"; the file name for a PATH kernel */
	char *image;   /* what QEMU loads with -kernel: a bzImage, or a store
			* kernel's vmlinux (PVH) where it has one */
	char *modules; /* a lib/modules/<version> tree for the guest, or NULL */
	char *package; /* the package it came from (store kernels), or NULL */
	enum volt_kernel_origin origin;
};

void volt_kernel_free(struct volt_kernel *k);
void volt_kernels_free(struct volt_kernel *v, size_t n);
const char *volt_kernel_origin_name(enum volt_kernel_origin o);

/* volt_kernel_dir - $root/kernels (the caller frees) */
char *volt_kernel_dir(const char *root);

/* volt_kernel_host_boot - the directory of the host's kernels: /boot, or
 * $VOLT_HOST_BOOT (tests stand in another /boot). */
const char *volt_kernel_host_boot(void);

/* volt_kernel_list - the kernels volt can use, store first and newest first
 * within each origin; *out is an array of *n (free with volt_kernels_free).
 * host_boot is the directory of the host's kernels ("/boot"; a parameter for
 * tests). */
int volt_kernel_list(const char *root, const char *host_boot, struct volt_kernel **out, size_t *n,
		     struct volt_err *err);

/* volt_kernel_find - the kernel a microVM boots: want is NULL (the newest in
 * the store, else the newest readable one in host_boot), a version in the
 * store or host_boot, or a path to a kernel image. A missing kernel is one
 * error that says how to get one. */
int volt_kernel_find(const char *root, const char *host_boot, const char *want, struct volt_kernel *k,
		     struct volt_err *err);

/* volt_kernel_pvh_extract - the ELF vmlinux inside bzImage written to out
 * when it has a PVH entry (QEMU then maps it and boots it uncompressed, with
 * no copy of its own: kernel_pvh.c says why). 1: written; 0: not a bzImage
 * whose payload libarchive reads, or no PVH note (nothing written); negative:
 * an I/O error. */
int volt_kernel_pvh_extract(const char *bzimage, const char *out, struct volt_err *err);

/* volt_kernel_elf_has_pvh - elf is a whole x86-64 ELF64 file with a Xen
 * PHYS32_ENTRY note (the PVH entry point QEMU boots) */
bool volt_kernel_elf_has_pvh(const void *elf, size_t len);

/* volt_kernel_remove - remove $root/kernels/<version>. */
int volt_kernel_remove(const char *root, const char *version, struct volt_err *err);

/* The modules a guest of volt loads (the rest of a distribution's tree is
 * left out of the store): virtio over MMIO, block, net, console, vsock,
 * virtiofs and 9p, and what they depend on (modules.dep). */
extern const char *const volt_kernel_guest_modules[];

/* volt_kernel_modules_closure - from a modules.dep text, the relative paths
 * of the modules named in want and everything they depend on, dependencies
 * first (the order to load them in). Names match with '-' and '_' alike and
 * without the .ko[.xz|.zst|.gz] suffix; names the file lacks are skipped
 * (built in, or not in this kernel). *out is a NULL-terminated vector. */
int volt_kernel_modules_closure(const char *modules_dep, const char *const *want, char ***out, struct volt_err *err);

/* volt_kernel_install_debs - unpack kernel packages (.deb files: an image
 * package, and a modules package where the distribution splits them) and
 * keep the kernel and the guest's modules as $root/kernels/<version>.
 * package names the origin for `ls`. *version gets the version installed. */
int volt_kernel_install_debs(const char *root, char *const *debs, const char *package, char **version,
			     struct volt_err *err);

/* volt_kernel_fetch - apt-get download the kernel package (and what it
 * depends on among linux-image-* and linux-modules-*) as the user, then
 * volt_kernel_install_debs. package NULL means the distribution's small
 * virtual-machine kernel (Debian: linux-image-cloud-amd64). */
int volt_kernel_fetch(const char *root, const char *package, char **version, struct volt_err *err);

#endif
