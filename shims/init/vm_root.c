/* volt-init in a microVM whose appliance is a disk: the initramfs holds
 * only the agent and the kernel's modules, the workload's tree is an ext4
 * image the host attaches as the first virtio disk and names on the kernel
 * command line (volt_root=/dev/vda; the kernel hands it to init as an
 * environment variable). Once the modules are loaded, the disk is mounted
 * and becomes the root the way switch_root does it: the initramfs (rootfs)
 * cannot be pivoted away, so the new root is moved over / and chrooted
 * into. The initramfs' few files stay in memory (a few MB at most). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm_root.h"

#define NEWROOT "/newroot"

static void fail(const char *what, const char *arg)
{
	dprintf(2, "volt-init: %s %s: %s\n", what, arg, strerror(errno));
	sync();
	reboot(RB_POWER_OFF);
	_exit(1);
}

void vm_guest_switch_root(void)
{
	static const char *const moved[] = {"/dev", "/proc", "/sys", "/run"};
	const char *dev = getenv("volt_root");
	if (!dev || !*dev)
		return;
	if (strncmp(dev, "/dev/", 5) || strstr(dev, "..")) {
		errno = EINVAL;
		fail("volt_root=", dev);
	}
	/* the disk appears when virtio_blk has probed it: wait a little */
	for (int i = 0; i < 500 && access(dev, F_OK) < 0; i++)
		usleep(10000);
	mkdir(NEWROOT, 0755);
	if (mount(dev, NEWROOT, "ext4", MS_NOATIME, NULL) < 0)
		fail("mount the root", dev);
	for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
		char to[64];
		snprintf(to, sizeof(to), NEWROOT "%s", moved[i]);
		mkdir(to, 0755);
		if (mount(moved[i], to, NULL, MS_MOVE, NULL) < 0)
			fail("move", moved[i]);
	}
	if (chdir(NEWROOT) < 0 || mount(NEWROOT, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0)
		fail("switch to the root", dev);
	/* a scratch directory, as every system has */
	mkdir("/tmp", 01777);
}
