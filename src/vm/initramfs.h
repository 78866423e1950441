/* What every initramfs of a microVM holds besides the workload's files:
 * /dev/console (so that PID 1 has a console), /proc, /sys, the guest agent
 * (volt-init) as /init, and the kernel's guest modules under
 * /lib/modules/<version>/ with their load order as volt.load. Written into
 * a newc cpio open in a libarchive writer; device nodes are headers only,
 * so no root is needed. */
#ifndef VOLT_VM_INITRAMFS_H
#define VOLT_VM_INITRAMFS_H

#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"
#include "vm/kernel.h"

struct archive;

/* volt_initramfs_entry - one entry (a directory, a node, or a regular file
 * with its data) owned by root. Return: 0, -1 (archive_error_string says). */
int volt_initramfs_entry(struct archive *a, const char *path, mode_t mode, dev_t rdev, const void *data, size_t len);

/* volt_initramfs_agent - the entries listed above, for kernel k (store
 * kernels have the module set; others add none) and the agent at init. */
int volt_initramfs_agent(struct archive *a, const char *init, const struct volt_kernel *k, struct volt_err *err);

/* What a writer puts before volt's own entries (an image's tree, a file
 * list): a later entry of a name replaces an earlier one when the kernel
 * unpacks, so the agent and the modules always win. Return: 0, or -1 with
 * err. */
typedef int (*volt_initramfs_fill)(struct archive *a, void *arg, struct volt_err *err);

#define VOLT_INITRAMFS_ZSTD 1u /* compress (appliances); without: plain newc (the probe's, read once) */

/* volt_initramfs_write - the one writer of a microVM's initramfs: a newc
 * cpio at out (flags: VOLT_INITRAMFS_*) holding what fill (or NULL) adds,
 * then volt_initramfs_agent's entries for the agent at init and kernel k.
 * On failure out may be left half-written: the caller removes it. */
int volt_initramfs_write(const char *out, unsigned flags, const char *init, const struct volt_kernel *k,
			 volt_initramfs_fill fill, void *arg, struct volt_err *err);

#endif
