/* The OCI runtime-spec config.json of a bundle (runtime-spec 1.2), parsed
 * into what volt-runtime acts on (src/oci/). The text is untrusted input:
 * every field is type-checked and sized, and a field volt cannot honour
 * is refused with its name rather than silently dropped (docs/oci-runtime.md
 * lists what is honoured, ignored or refused). */
#ifndef VOLT_OCI_CONFIG_H
#define VOLT_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "userns/idmap.h"
#include "util/err.h"

struct volt_oci_mount {
	char *dest, *type, *source;
	char **options; /* NULL-terminated, may be NULL */
	/* an idmapped bind (uidMappings/gidMappings, options idmap/ridmap):
	 * idmapped_mounts.c; hostID is in the caller's user namespace */
	struct volt_idrange uids[VOLT_IDMAP_MAX], gids[VOLT_IDMAP_MAX];
	int n_uids, n_gids;
	bool idmap;
};

struct volt_oci_rlimit {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

struct volt_oci_ns {
	int flag;   /* CLONE_NEW* */
	char *path; /* join this one; NULL: a new one */
};

#define VOLT_OCI_NS_MAX 8

/* linux.devices[]: bound from the host's node at path */
struct volt_oci_device {
	char *path;
	char type; /* c, b, u, p */
	bool has_num;
	int64_t major, minor;
};

struct volt_oci_config {
	char *oci_version;
	/* process */
	bool terminal;
	unsigned short console_rows, console_cols;
	uint32_t uid, gid;
	uint32_t *add_gids;
	size_t n_add_gids;
	bool has_umask; /* process.user.umask: else the caller's, as runc */
	uint32_t umask;
	char **args, **env;
	char *cwd;
	bool has_caps; /* process.capabilities present: else none at all, as runc */
	uint64_t cap_bounding, cap_effective, cap_permitted, cap_inheritable, cap_ambient;
	struct volt_oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privs;
	bool has_oom_score_adj;
	int oom_score_adj;
	/* root, hostname, mounts */
	char *root_path;
	bool root_readonly;
	char *hostname;
	struct volt_oci_mount *mounts;
	size_t n_mounts;
	/* linux */
	struct volt_oci_ns ns[VOLT_OCI_NS_MAX];
	int n_ns;
	struct volt_idrange uids[VOLT_IDMAP_MAX], gids[VOLT_IDMAP_MAX];
	int n_uids, n_gids;
	char **masked, **readonly; /* maskedPaths, readonlyPaths */
	char **sysctl;		   /* "net.ipv4.ping_group_range=0 0" */
	char *seccomp_json;	   /* linux.seccomp, re-serialised for volt's seccomp loader */
	char *seccomp_listener;	   /* linux.seccomp.listenerPath; NULL: none */
	char *seccomp_metadata;	   /* linux.seccomp.listenerMetadata; NULL: none */
	unsigned seccomp_flags;	   /* linux.seccomp.flags as SECCOMP_FILTER_FLAG_* */
	char *rootfs_propagation;
	struct volt_oci_device *devices;
	size_t n_devices;
	char *cgroups_path;	/* linux.cgroupsPath; NULL: none */
	char *resources_json;	/* linux.resources, for cgroup.c */
	char *hooks_json;	/* hooks (checked), for hooks.c; NULL: none */
	char *annotations_json; /* "{}" when absent */
	char **ignored;		/* fields accepted without effect, for --debug */
};

/* volt_oci_config_parse - parse config.json text (len bytes). Return: 0, or
 * -1 with err naming the field ("linux.namespaces[2].type: ...") and c empty. */
int volt_oci_config_parse(struct volt_oci_config *c, const char *text, size_t len, struct volt_err *err);
void volt_oci_config_free(struct volt_oci_config *c);
/* volt_oci_process_parse - a process object alone (`exec --process FILE`)
 * into c's process fields; the same checks as config.json's "process". */
int volt_oci_process_parse(struct volt_oci_config *c, const char *text, size_t len, struct volt_err *err);

/* volt_oci_ns_flag - "pid", "network", ... -> CLONE_NEW*; 0 if unknown. */
int volt_oci_ns_flag(const char *type);
/* volt_oci_has_ns - whether c asks for namespace flag (new or joined) */
const struct volt_oci_ns *volt_oci_find_ns(const struct volt_oci_config *c, int flag);

/* volt_oci_mount_flags - split mount options into MS_* flags to set, the
 * mount_setattr attributes, the propagation flags and the rest as data
 * ("mode=755,size=64k", malloc'd, "" when none). bind: rbind or bind seen. */
struct volt_oci_mount_opts {
	unsigned long flags; /* MS_RDONLY, MS_NOSUID, ... for mount(2) */
	unsigned long prop;  /* MS_PRIVATE, MS_SLAVE, ... (| MS_REC) */
	bool bind, rec;
	int idmap; /* 1: idmap, 2: ridmap (recursive) */
	char *data;
};
int volt_oci_mount_opts(char *const *options, struct volt_oci_mount_opts *o, struct volt_err *err);

#endif
