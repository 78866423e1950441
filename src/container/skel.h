/* The mount-point skeleton layer (see skel.c). */
#ifndef VOLT_CONTAINER_SKEL_H
#define VOLT_CONTAINER_SKEL_H

#include "container/spec.h"

/* volt_skel_apply - put the shared skeleton holding the mount points the
 * image at s->lower lacks (/dev, /proc, /sys, /etc/hosts, /etc/hostname,
 * /etc/resolv.conf) on top of it: s->lower becomes
 * "SKEL:LOWER", the overlay's lowerdir. root is $VOLT_ROOT (the skeleton
 * lives in its cache/). Called by the monitor on its own copy of the spec,
 * before the spawn; never recorded. Returns 1 when stacked, 0 when the image
 * lacks none, -1 when the skeleton could not be made (the start goes on
 * without it: the mount points are then created in the upper layer). */
int volt_skel_apply(const char *root, struct volt_spec *s);

#endif
