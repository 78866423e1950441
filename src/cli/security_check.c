/* volt security check: what this host gives an unprivileged user for
 * rootless confinement, each failing line with the command that fixes it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cli/cli.h"
#include "security/landlock.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/syscalls.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

struct check {
	int fails, warns;
};

/* line - one result: status OK/WARN/FAIL, what, and for a problem the fix */
static void line(struct check *c, const char *status, const char *what, const char *fix, ...)
	__attribute__((format(printf, 4, 5)));
static void line(struct check *c, const char *status, const char *what, const char *fix, ...)
{
	printf("%-5s %s\n", status, what);
	if (fix) {
		va_list ap;
		printf("      fix: ");
		va_start(ap, fix);
		vprintf(fix, ap);
		va_end(ap);
		printf("\n");
	}
	if (!strcmp(status, "FAIL"))
		c->fails++;
	else if (!strcmp(status, "WARN"))
		c->warns++;
}

/* read_long - a number from a sysctl file, dflt when absent */
static long read_long(const char *path, long dflt)
{
	cleanup_free char *s = NULL;
	struct volt_err e;
	return volt_read_file(path, 64, &s, NULL, &e) < 0 ? dflt : strtol(s, NULL, 10);
}

/* try_userns - can this process create a user namespace (in a child)? */
static int try_userns(void)
{
	pid_t pid = fork();
	int st;
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0 ? errno : 0);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* has_range - whether /etc/subuid (or subgid) has a line for user or uid */
static bool has_range(const char *file, const char *user, unsigned uid)
{
	cleanup_free char *text = NULL;
	struct volt_err e;
	char num[16];
	snprintf(num, sizeof(num), "%u", uid);
	if (volt_read_file(file, 1 << 20, &text, NULL, &e) < 0)
		return false;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		char *colon = strchr(l, ':');
		if (!colon)
			continue;
		*colon = '\0';
		if (!strcmp(l, user) || !strcmp(l, num))
			return true;
	}
	return false;
}

/* find_helper - the path of a helper program in the usual directories, or NULL */
static const char *find_helper(const char *name)
{
	static char buf[256];
	const char *dirs[] = {"/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(buf, sizeof(buf), "%s/%s", dirs[i], name);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/* check_helper - newuidmap/newgidmap present and privileged */
static void check_helper(struct check *c, const char *name)
{
	const char *p = find_helper(name);
	struct stat st;
	char what[300];
	if (!p) {
		snprintf(what, sizeof(what), "%s: not installed (single-uid mode only)", name);
		line(c, "WARN", what, "sudo apt-get install uidmap   (Fedora: sudo dnf install shadow-utils)");
		return;
	}
	bool priv = stat(p, &st) == 0 && ((st.st_mode & S_ISUID) && st.st_uid == 0);
	if (!priv && getxattr(p, "security.capability", NULL, 0) > 0)
		priv = true;
	snprintf(what, sizeof(what), "%s: %s%s", name, p, priv ? "" : " has neither setuid nor file capabilities");
	if (priv)
		line(c, "OK", what, NULL);
	else
		line(c, "FAIL", what, "sudo chmod u+s %s   (or: sudo setcap cap_set%cid+ep %s)", p,
		     strstr(name, "uid") ? 'u' : 'g', p);
}

/* check_cgroup - cgroup v2 mounted and our cgroup writable (delegated) */
static void check_cgroup(struct check *c)
{
	cleanup_free char *self = NULL;
	struct volt_err e;
	struct statfs fs;
	const char *base = NULL;
	char path[4096], what[4400];

	if (statfs("/sys/fs/cgroup", &fs) == 0 && (unsigned long)fs.f_type == CGROUP2_SUPER_MAGIC)
		base = "/sys/fs/cgroup";
	else if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && (unsigned long)fs.f_type == CGROUP2_SUPER_MAGIC)
		base = "/sys/fs/cgroup/unified";
	if (!base) {
		line(c, "WARN", "cgroup v2: not mounted (no resource limits, no cgroup.kill)",
		     "boot with systemd.unified_cgroup_hierarchy=1 (kernel command line)");
		return;
	}
	if (volt_read_file("/proc/self/cgroup", 1 << 16, &self, NULL, &e) < 0)
		return;
	char *l = strstr(self, "0::");
	char *nl = l ? strchr(l, '\n') : NULL;
	if (nl)
		*nl = '\0';
	snprintf(path, sizeof(path), "%s%s", base, l ? l + 3 : "/");
	cleanup_free char *ctl = NULL;
	char ctlp[4200];
	snprintf(ctlp, sizeof(ctlp), "%s/cgroup.controllers", base);
	volt_read_file(ctlp, 4096, &ctl, NULL, &e);
	bool writable = access(path, W_OK) == 0;
	bool hybrid = strcmp(base, "/sys/fs/cgroup") != 0;
	snprintf(what, sizeof(what), "cgroup v2 delegation: %s %s; controllers: %s%s", path,
		 writable ? "is writable" : "is not writable",
		 ctl && ctl[0] != '\n' && ctl[0] ? strtok(ctl, "\n") : "none",
		 hybrid ? " (hybrid layout: v1 holds memory/cpu/pids)" : "");
	if (writable && !hybrid)
		line(c, "OK", what, NULL);
	else
		line(c, "WARN", what,
		     "sudo mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu cpuset io "
		     "memory pids\\n' | sudo tee /etc/systemd/system/user@.service.d/delegate.conf && sudo systemctl "
		     "daemon-reload%s",
		     hybrid ? "; and boot with systemd.unified_cgroup_hierarchy=1" : "");
}

const struct volt_cmd_spec cli_security_check_spec = {
	.usage = "Usage: volt security check\n\nCheck this host for rootless containers: user namespaces, "
		 "AppArmor's restriction, /etc/subuid, newuidmap, Landlock, seccomp, /dev/fuse, /dev/kvm, "
		 "cgroup v2 delegation, XDG_RUNTIME_DIR. Exit status 1 when something fails.\n",
};

/* cmd_security_check - `volt security check`; 1 when a line FAILs */
int cmd_security_check(struct volt_cli *cli, int argc, char **argv)
{
	struct check c = {0};
	struct passwd *pw = getpwuid(getuid());
	const char *user = pw ? pw->pw_name : "USER";
	char what[512];
	int abi;

	(void)argc;
	(void)argv;
	/* user namespaces */
	long maxns = read_long("/proc/sys/user/max_user_namespaces", -1);
	long clone_ok = read_long("/proc/sys/kernel/unprivileged_userns_clone", 1);
	long aa = read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", -1);
	int r = try_userns();
	snprintf(what, sizeof(what), "unprivileged user namespaces: %s (max_user_namespaces=%ld)",
		 r == 0 ? "work" : strerror(r > 0 ? r : EPERM), maxns);
	if (r == 0)
		line(&c, "OK", what, NULL);
	else if (maxns == 0)
		line(&c, "FAIL", what, "sudo sysctl -w user.max_user_namespaces=28633");
	else if (clone_ok == 0)
		line(&c, "FAIL", what, "sudo sysctl -w kernel.unprivileged_userns_clone=1");
	else
		line(&c, "FAIL", what, "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
	if (aa < 0)
		line(&c, "OK", "AppArmor user namespace restriction: not present", NULL);
	else if (aa == 0)
		line(&c, "OK", "AppArmor user namespace restriction: off", NULL);
	else
		line(&c, r == 0 ? "WARN" : "FAIL",
		     "AppArmor user namespace restriction: on "
		     "(kernel.apparmor_restrict_unprivileged_userns=1)",
		     "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0   (persist it in "
		     "/etc/sysctl.d/60-userns.conf)");
	/* id ranges */
	bool su = has_range("/etc/subuid", user, getuid()), sg = has_range("/etc/subgid", user, getuid());
	snprintf(what, sizeof(what), "/etc/subuid and /etc/subgid ranges for %s: %s", user,
		 su && sg ? "present (full 65536 id map)" : "missing (single-uid mode: only your uid is mapped)");
	if (su && sg)
		line(&c, "OK", what, NULL);
	else
		line(&c, "WARN", what, "sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s", user);
	check_helper(&c, "newuidmap");
	check_helper(&c, "newgidmap");
	/* Landlock, seccomp */
	abi = volt_landlock_abi();
	snprintf(what, sizeof(what), "Landlock: ABI %d%s", abi,
		 abi >= 6 ? " (filesystem, TCP, IPC scoping)" :
		 abi >= 4 ? " (filesystem, TCP; no IPC scoping)" :
		 abi > 0  ? " (filesystem only)" :
			    " (not available)");
	if (abi >= 6)
		line(&c, "OK", what, NULL);
	else if (abi > 0)
		line(&c, "WARN", what, "a kernel >= 6.12 gives Landlock ABI 6 (abstract socket and signal scoping)");
	else
		line(&c, "WARN", what,
		     "enable it: add landlock to the lsm= kernel parameter, e.g. "
		     "lsm=landlock,lockdown,yama,integrity,apparmor,bpf");
	uint32_t act = SECCOMP_RET_USER_NOTIF;
	long sf = volt_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &act);
	if (sf == 0)
		line(&c, "OK", "seccomp: filter mode and user notification available", NULL);
	else if (errno == EOPNOTSUPP)
		line(&c, "WARN", "seccomp: filters work, user notification missing (--seccomp-audit unavailable)",
		     "a kernel >= 5.5 is needed for --seccomp-audit");
	else
		line(&c, "FAIL", "seccomp: not available", "a kernel built with CONFIG_SECCOMP_FILTER=y is needed");
	/* devices */
	bool fuse = access("/dev/fuse", R_OK | W_OK) == 0, kvm = access("/dev/kvm", R_OK | W_OK) == 0;
	line(&c, fuse ? "OK" : "WARN",
	     fuse ? "/dev/fuse: usable" :
		    "/dev/fuse: not usable (no fuse-overlayfs fallback, "
		    "no volt cas mount)",
	     fuse ? NULL : "sudo modprobe fuse && sudo chmod 0666 /dev/fuse");
	if (kvm)
		line(&c, "OK", "/dev/kvm: usable", NULL);
	else if (access("/dev/kvm", F_OK) == 0)
		line(&c, "WARN", "/dev/kvm: present but not usable by you (microVMs fall back to TCG)",
		     "sudo usermod -aG kvm %s   (then log in again)", user);
	else
		line(&c, "WARN", "/dev/kvm: missing (microVMs fall back to TCG)",
		     "sudo modprobe kvm_intel || sudo modprobe kvm_amd");
	check_cgroup(&c);
	/* runtime dir */
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	if (!xdg || !*xdg)
		line(&c, "WARN", "XDG_RUNTIME_DIR: not set (volt uses /tmp/volt-$UID)",
		     "sudo loginctl enable-linger %s   (or: export XDG_RUNTIME_DIR=/run/user/$(id -u))", user);
	else if (stat(xdg, &st) < 0 || st.st_uid != getuid() || (st.st_mode & 077)) {
		snprintf(what, sizeof(what), "XDG_RUNTIME_DIR: %s is %s", xdg,
			 access(xdg, F_OK) ? "missing" : "not a private directory of yours");
		line(&c, "FAIL", what, "sudo install -d -m 0700 -o %s %s", user, xdg);
	} else {
		snprintf(what, sizeof(what), "XDG_RUNTIME_DIR: %s", xdg);
		line(&c, "OK", what, NULL);
	}
	printf("\n%d failed, %d warnings\n", c.fails, c.warns);
	(void)cli;
	return c.fails ? 1 : 0;
}
