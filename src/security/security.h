/* The security layers of a container process: capabilities, no_new_privs,
 * Landlock, seccomp (in that order, last before exec). */
#ifndef VOLT_SECURITY_SECURITY_H
#define VOLT_SECURITY_SECURITY_H

#include <jansson.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "security/landlock.h"
#include "security/seccomp.h"
#include "state/context.h"
#include "util/err.h"

/* The security settings of a workload, as its spec records them (for a
 * container, container/spec.h: volt_spec_security fills one from the spec,
 * borrowing its strings). NULL means the default. */
struct volt_sec_spec {
	char *seccomp;	/* profile name, path or "unconfined" */
	char *landlock; /* profile name, path or "none" */
	char **cap_add, **cap_drop;
	bool seccomp_audit; /* allow and record what the profile would block */
};

/* The command line's security options (volt create/run). */
struct volt_security_opts {
	char **security_opts; /* --security-opt seccomp=..|landlock=..|no-new-privileges */
	char **cap_add, **cap_drop;
	const char *landlock; /* --landlock NAME|PATH|none */
	bool seccomp_audit;
};

struct volt_security {
	uint64_t caps;		 /* container root's capabilities */
	struct sock_filter *bpf; /* NULL: seccomp unconfined */
	size_t bpf_len;
	enum volt_seccomp_mode mode;
	char *seccomp_path;   /* the profile file, NULL when unconfined */
	char seccomp_key[65]; /* sha256 of the compiled program's inputs */
	bool landlock_on;
	struct volt_ll_profile ll;
	struct volt_ll_plan plan;
	char *landlock_path;
	int notify_sock[2]; /* --seccomp-audit: [0] the shim's end, [1] the child's */
};

/* volt_security_opts_to_spec - check and record --security-opt, --cap-add,
 * --cap-drop, --landlock and --seccomp-audit in the spec at create time, so a
 * bad profile fails `volt create`, not the start. */
int volt_security_opts_to_spec(struct volt_ctx *ctx, const struct volt_security_opts *o, struct volt_sec_spec *s,
			       struct volt_err *err);

/* volt_security_prepare - in the monitor (or `volt exec`), before the child
 * exists: compute capabilities, load the cached seccomp program (compile it
 * on a miss), parse and plan the Landlock profile. With ctr_dir, the settings
 * are recorded in ctr_dir/security.json for `volt security inspect`.
 * exec: for a `volt exec` process. Return: 0, or -1 with err. */
int volt_security_prepare(struct volt_ctx *ctx, const struct volt_sec_spec *s, const char *ctr_dir, bool exec,
			  struct volt_security *sec, struct volt_err *err);

/* volt_security_record - the settings of sec (prepared for spec s) as a JSON
 * object, for `volt security inspect`: capabilities, the seccomp profile,
 * mode and program size, the Landlock profile, ABI and what was left out.
 * The monitor records none: inspect derives it from the spec again (a file
 * per start was one more inode to create and delete). Return: a new
 * reference, or NULL. */
json_t *volt_security_record(const struct volt_sec_spec *s, const struct volt_security *sec);

/* volt_security_bounding - in the child, before the switch to the
 * container's user (needs CAP_SETPCAP): trim the bounding set. */
int volt_security_bounding(const struct volt_security *sec, struct volt_err *err);

/* volt_security_apply - in the child, the last step before exec:
 * capabilities -> no_new_privs -> Landlock -> seccomp. With --seccomp-audit
 * the listener fd goes to the monitor over notify_sock[1]. */
int volt_security_apply(const struct volt_security *sec, struct volt_err *err);

void volt_security_free(struct volt_security *sec);

/* volt_profile_find - the file of profile name of kind ("seccomp",
 * "landlock"): a name with '/' is a path; otherwise, in order,
 * $VOLT_PROFILE_DIR/KIND, $VOLT_ROOT/profiles/KIND (user profiles),
 * $VOLT_LIBEXEC/../share/volt/profiles/KIND, BINDIR/../share/volt/profiles/KIND,
 * BINDIR/../../share/volt/profiles/KIND (the shim in libexec/volt),
 * BINDIR/../profiles/KIND (source tree, test dir); seccomp names may omit
 * ".json". Return: malloc'd path, or NULL with err listing where it looked. */
char *volt_profile_find(struct volt_ctx *ctx, const char *kind, const char *name, struct volt_err *err);

/* volt_profile_dirs - the directories volt_profile_find searches for kind (malloc'd strv). */
char **volt_profile_dirs(struct volt_ctx *ctx, const char *kind);

#endif
