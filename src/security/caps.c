/* Capabilities through libcap.
 *
 * Theory of operation: the container's user namespace hands its first process
 * every capability (within that namespace only). Docker's default keeps 14 of
 * them for container root; volt does the same. The bounding set is trimmed
 * while we still hold CAP_SETPCAP (before the switch to the container's user);
 * the effective and permitted sets are set after that switch, so a non-root
 * user inside ends with none, and root with exactly the requested set. */
#include "security/caps.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "util/cleanup.h"

#define BIT(c) (UINT64_C(1) << (c))

uint64_t volt_caps_default(void)
{
	return BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) | BIT(CAP_FOWNER) | BIT(CAP_MKNOD) |
	       BIT(CAP_NET_RAW) | BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) | BIT(CAP_SETPCAP) |
	       BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE);
}

/* all_caps - every capability this libcap knows (and the kernel, at run time) */
static uint64_t all_caps(void)
{
	int last = CAP_LAST_CAP;
	if (last > 63)
		last = 63;
	return last == 63 ? ~UINT64_C(0) : BIT(last + 1) - 1;
}

int volt_caps_parse_name(const char *name)
{
	char low[64];
	cap_value_t v;
	size_t i;

	if (!strncasecmp(name, "CAP_", 4))
		name += 4;
	if (!*name || strlen(name) + 5 > sizeof(low))
		return -1;
	snprintf(low, sizeof(low), "cap_");
	for (i = 0; name[i]; i++)
		low[4 + i] = (char)tolower((unsigned char)name[i]);
	low[4 + i] = '\0';
	if (cap_from_name(low, &v) < 0 || v < 0 || v > CAP_LAST_CAP)
		return -1;
	return (int)v;
}

int volt_caps_compute(char **add, char **drop, uint64_t *out, struct volt_err *err)
{
	uint64_t c = volt_caps_default();

	for (size_t i = 0; drop && drop[i]; i++) {
		if (!strcasecmp(drop[i], "ALL")) {
			c = 0;
			continue;
		}
		int v = volt_caps_parse_name(drop[i]);
		if (v < 0)
			return volt_err_set(err, EINVAL, "--cap-drop %s: unknown capability", drop[i]);
		c &= ~BIT(v);
	}
	for (size_t i = 0; add && add[i]; i++) {
		if (!strcasecmp(add[i], "ALL")) {
			c = all_caps();
			continue;
		}
		int v = volt_caps_parse_name(add[i]);
		if (v < 0)
			return volt_err_set(err, EINVAL, "--cap-add %s: unknown capability", add[i]);
		c |= BIT(v);
	}
	*out = c;
	return 0;
}

void volt_caps_format(uint64_t caps, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int c = 0; c <= CAP_LAST_CAP && c < 64; c++) {
		if (!(caps & BIT(c)))
			continue;
		char *name = cap_to_name((cap_value_t)c);
		if (!name)
			continue;
		const char *p = strncasecmp(name, "cap_", 4) ? name : name + 4;
		int w = snprintf(buf + n, len > n ? len - n : 0, "%s", n ? "," : "");
		n += (size_t)(w > 0 ? w : 0);
		for (; *p && n + 1 < len; p++)
			buf[n++] = (char)toupper((unsigned char)*p);
		if (n < len)
			buf[n] = '\0';
		cap_free(name);
	}
}

/* clear_ambient - no ambient capabilities (kernels before 4.3 have none) */
static int clear_ambient(struct volt_err *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return volt_err_sys(err, "clear the ambient capabilities");
	return 0;
}

int volt_caps_drop_bounding(uint64_t caps, struct volt_err *err)
{
	/* one prctl per capability to drop, straight: libcap's CAP_IS_SUPPORTED
	 * + cap_drop_bound asks twice for each of 64 and cap_reset_ambient tests
	 * 64 ambient bits (~190 system calls per start). The running kernel may
	 * know more capabilities than our headers: go on until it says EINVAL
	 * (capability numbers are dense). */
	for (int c = 0; c < 64; c++) {
		if (caps & BIT(c))
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)c, 0, 0, 0) < 0) {
			if (errno == EINVAL)
				break;
			return volt_err_sys(err, "drop capability %d from the bounding set", c);
		}
	}
	return clear_ambient(err);
}

int volt_caps_apply(uint64_t caps, struct volt_err *err)
{
	cap_t c = cap_init(); /* all sets empty */
	int ret = 0;

	if (!c)
		return volt_err_sys(err, "cap_init");
	if (geteuid() == 0) {
		cap_value_t list[64];
		int n = 0;
		for (int v = 0; v <= CAP_LAST_CAP && v < 64; v++)
			if (caps & BIT(v))
				list[n++] = (cap_value_t)v;
		if (n && (cap_set_flag(c, CAP_EFFECTIVE, n, list, CAP_SET) < 0 ||
			  cap_set_flag(c, CAP_PERMITTED, n, list, CAP_SET) < 0))
			ret = volt_err_sys(err, "cap_set_flag");
	}
	if (!ret && cap_set_proc(c) < 0)
		ret = volt_err_sys(err, "set the container's capabilities");
	cap_free(c);
	if (!ret)
		ret = clear_ambient(err);
	return ret;
}
