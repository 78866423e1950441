/* `volt-runtime spec` and `volt-runtime features`: the documents a runtime
 * hands out rather than reads. */
#include "oci/runtime.h"

#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

static json_t *strv(const char *const *v)
{
	json_t *a = json_array();
	for (; *v; v++)
		json_array_append_new(a, json_string(*v));
	return a;
}

static json_t *mount(const char *dest, const char *type, const char *src, const char *const *opts)
{
	return json_pack("{s:s,s:s,s:s,s:o}", "destination", dest, "type", type, "source", src, "options", strv(opts));
}

char *volt_oci_spec_template(bool rootless)
{
	static const char *const caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL};
	static const char *const env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
					  "TERM=xterm", NULL};
	static const char *const masked[] = {"/proc/acpi",
					     "/proc/asound",
					     "/proc/kcore",
					     "/proc/keys",
					     "/proc/latency_stats",
					     "/proc/timer_list",
					     "/proc/timer_stats",
					     "/proc/sched_debug",
					     "/sys/firmware",
					     "/proc/scsi",
					     NULL};
	static const char *const ro[] = {"/proc/bus",		"/proc/fs", "/proc/irq", "/proc/sys",
					 "/proc/sysrq-trigger", NULL};
	json_t *capo = json_pack("{s:o,s:o,s:o,s:o}", "bounding", strv(caps), "effective", strv(caps), "permitted",
				 strv(caps), "ambient", strv(caps));
	json_t *process =
		json_pack("{s:b,s:{s:i,s:i},s:[s],s:o,s:s,s:o,s:[{s:s,s:i,s:i}],s:b}", "terminal", 1, "user", "uid", 0,
			  "gid", 0, "args", "sh", "env", strv(env), "cwd", "/", "capabilities", capo, "rlimits", "type",
			  "RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1);
	json_t *mounts = json_array();
	json_array_append_new(mounts, mount("/proc", "proc", "proc", (const char *const[]){NULL}));
	json_array_append_new(mounts,
			      mount("/dev", "tmpfs", "tmpfs",
				    (const char *const[]){"nosuid", "strictatime", "mode=755", "size=65536k", NULL}));
	json_array_append_new(mounts,
			      mount("/dev/pts", "devpts", "devpts",
				    rootless ? (const char *const[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666",
								     "mode=0620", NULL} :
					       (const char *const[]){"nosuid", "noexec", "newinstance", "ptmxmode=0666",
								     "mode=0620", "gid=5", NULL}));
	json_array_append_new(
		mounts, mount("/dev/shm", "tmpfs", "shm",
			      (const char *const[]){"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}));
	json_array_append_new(mounts, mount("/dev/mqueue", "mqueue", "mqueue",
					    (const char *const[]){"nosuid", "noexec", "nodev", NULL}));
	if (rootless)
		json_array_append_new(mounts,
				      mount("/sys", "none", "/sys",
					    (const char *const[]){"rbind", "nosuid", "noexec", "nodev", "ro", NULL}));
	else
		json_array_append_new(mounts, mount("/sys", "sysfs", "sysfs",
						    (const char *const[]){"nosuid", "noexec", "nodev", "ro", NULL}));
	json_array_append_new(mounts,
			      mount("/sys/fs/cgroup", "cgroup", "cgroup",
				    (const char *const[]){"nosuid", "noexec", "nodev", "relatime", "ro", NULL}));
	json_t *ns =
		json_pack("[{s:s},{s:s},{s:s},{s:s}]", "type", "pid", "type", "ipc", "type", "uts", "type", "mount");
	json_t *linux_ =
		json_pack("{s:o,s:o,s:o}", "namespaces", ns, "maskedPaths", strv(masked), "readonlyPaths", strv(ro));
	if (rootless) {
		json_array_append_new(ns, json_pack("{s:s}", "type", "user"));
		json_object_set_new(
			linux_, "uidMappings",
			json_pack("[{s:i,s:I,s:i}]", "containerID", 0, "hostID", (json_int_t)geteuid(), "size", 1));
		json_object_set_new(
			linux_, "gidMappings",
			json_pack("[{s:i,s:I,s:i}]", "containerID", 0, "hostID", (json_int_t)getegid(), "size", 1));
	} else {
		json_array_append_new(ns, json_pack("{s:s}", "type", "network"));
		json_array_append_new(ns, json_pack("{s:s}", "type", "cgroup"));
	}
	json_t *doc = json_pack("{s:s,s:o,s:{s:s,s:b},s:s,s:o,s:o}", "ociVersion", "1.2.0", "process", process, "root",
				"path", "rootfs", "readonly", 1, "hostname", "volt", "mounts", mounts, "linux", linux_);
	char *text = doc ? json_dumps(doc, JSON_INDENT(8) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	return text;
}

char *volt_oci_features(void)
{
	static const char *const ns[] = {"cgroup", "ipc", "mount", "network", "pid", "user", "uts", "time", NULL};
	static const char *const opts[] = {
		"async",	 "atime",   "bind",    "dev",	      "diratime", "dirsync", "exec",
		"mand",		 "noatime", "nodev",   "nodiratime",  "noexec",	  "nomand",  "norelatime",
		"nostrictatime", "nosuid",  "private", "rbind",	      "relatime", "remount", "ro",
		"rprivate",	 "rshared", "rslave",  "runbindable", "rw",	  "shared",  "slave",
		"strictatime",	 "suid",    "sync",    "unbindable",  "idmap",	  "ridmap",  NULL};
	json_t *doc = json_pack(
		"{s:s,s:s,s:[s,s,s,s,s,s],s:o,s:{s:o,s:{s:b,s:b,s:b,s:b},s:{s:b,s:[s,s,s,s,s,s,s],s:[]},s:{s:"
		"b},s:{s:b}},s:{s:s}}",
		"ociVersionMin", "1.0.0", "ociVersionMax", "1.2.0", "hooks", "prestart", "createRuntime",
		"createContainer", "startContainer", "poststart", "poststop", "mountOptions", strv(opts), "linux",
		"namespaces", strv(ns), "cgroup", "v1", 0, "v2", 1, "systemd", 0, "systemdUser", 0, "seccomp",
		"enabled", 1, "actions", "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
		"SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRAP", "operators", "apparmor", "enabled", 0,
		"selinux", "enabled", 0, "annotations", "run.oci.volt.version", VOLT_VERSION);
	/* listenerPath and flags (seccomp_listener.c), idmapped mounts */
	json_t *lx = json_object_get(doc, "linux"), *sc = json_object_get(lx, "seccomp");
	json_array_append_new(json_object_get(sc, "actions"), json_string("SCMP_ACT_NOTIFY"));
	json_object_set_new(sc, "supportedFlags",
			    json_pack("[s,s,s,s]", "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
				      "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"));
	json_object_set_new(lx, "mountExtensions", json_pack("{s:{s:b}}", "idmap", "enabled", 1));
	char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(doc);
	return text;
}
