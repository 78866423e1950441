/* Capabilities of the container's processes (libcap). */
#ifndef VOLT_SECURITY_CAPS_H
#define VOLT_SECURITY_CAPS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* VOLT_CAPS_DEFAULT - Docker's default set for container root: CHOWN,
 * DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP,
 * SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE. */
uint64_t volt_caps_default(void);

/* volt_caps_compute - the default set with --cap-drop then --cap-add applied
 * ("ALL" allowed in both, names with or without CAP_, any case).
 * Return: 0, or -1 with err naming the unknown capability. */
int volt_caps_compute(char **add, char **drop, uint64_t *out, struct volt_err *err);

/* volt_caps_parse_name - "net_admin", "CAP_NET_ADMIN" -> its number; -1 if unknown. */
int volt_caps_parse_name(const char *name);

/* volt_caps_format - "CHOWN,KILL,..." (upper case, no CAP_ prefix) into buf. */
void volt_caps_format(uint64_t caps, char *buf, size_t len);

/* volt_caps_drop_bounding - drop every capability not in caps from the
 * bounding set and clear the ambient set. Needs CAP_SETPCAP, so it runs
 * before the switch to the container's user. */
int volt_caps_drop_bounding(uint64_t caps, struct volt_err *err);

/* volt_caps_apply - after the user switch: container root gets caps as its
 * effective and permitted sets, a non-root user gets none; inheritable and
 * ambient are always empty (as Docker does). */
int volt_caps_apply(uint64_t caps, struct volt_err *err);

#endif
