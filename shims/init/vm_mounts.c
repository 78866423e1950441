/* The guest's side of a microVM's volumes: the host shares each directory
 * as a virtiofs or virtio-9p device with a tag (src/vm/shares.c), and says
 * which tag goes where in volt_vol= on the kernel command line (the kernel
 * hands it to init as environment; src/vm/share_param.h). The modules
 * (fuse, virtiofs, 9pnet_virtio, 9p) are loaded from the appliance's list
 * before this runs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm/share_param.h"
#include "vm_mounts.h"

/* mkdir_p - the mount point and its parents (the initramfs is writable) */
static int mkdir_p(const char *path)
{
	char p[sizeof(((struct volt_share_entry *)0)->path)];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int mount_share(const struct volt_share_entry *e)
{
	unsigned long flags = MS_NOSUID | MS_NODEV | (e->ro ? MS_RDONLY : 0);
	const char *type = !strcmp(e->kind, "9p") ? "9p" : "virtiofs";
	const char *data = !strcmp(e->kind, "9p") ? "trans=virtio,version=9p2000.L,msize=262144" : NULL;
	if (strcmp(e->kind, "9p") && strcmp(e->kind, "virtiofs")) {
		errno = EPROTONOSUPPORT;
		return -1;
	}
	if (mkdir_p(e->path) < 0)
		return -1;
	/* a device's driver binds as its module loads; give a slow (TCG) guest
	 * a moment before a missing tag is an error: 2 s at most */
	for (int tries = 0;; tries++) {
		if (mount(e->tag, e->path, type, flags, data) == 0)
			return 0;
		if (tries >= 200 || (errno != ENOENT && errno != EINVAL && errno != ENODEV))
			return -1;
		usleep(10000);
	}
}

static char failure[512];

const char *vm_mounts_error(void)
{
	return failure;
}

int vm_mounts_setup(void)
{
	const char *v = getenv(VOLT_SHARE_PARAM);
	struct volt_share_entry e;
	int k;
	if (!v)
		return 0;
	while ((k = volt_share_param_next(&v, &e)) == 1) {
		if (mount_share(&e) < 0) {
			snprintf(failure, sizeof(failure), "mount %s volume %s at %.300s: %s", e.kind, e.tag, e.path,
				 strerror(errno));
			dprintf(2, "volt-init: %s\n", failure);
			return -1;
		}
	}
	if (k < 0) {
		snprintf(failure, sizeof(failure), "a malformed %s= on the kernel command line", VOLT_SHARE_PARAM);
		dprintf(2, "volt-init: %s\n", failure);
		return -1;
	}
	return 0;
}
