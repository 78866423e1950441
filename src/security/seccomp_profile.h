/* seccomp profiles in the OCI runtime-spec / Docker JSON format. */
#ifndef VOLT_SECURITY_SECCOMP_PROFILE_H
#define VOLT_SECURITY_SECCOMP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum volt_scmp_action {
	VOLT_SCMP_ALLOW,
	VOLT_SCMP_ERRNO,
	VOLT_SCMP_KILL_THREAD,
	VOLT_SCMP_KILL_PROCESS,
	VOLT_SCMP_TRAP,
	VOLT_SCMP_TRACE,
	VOLT_SCMP_LOG,
	VOLT_SCMP_NOTIFY,
};

enum volt_scmp_op { VOLT_CMP_NE, VOLT_CMP_LT, VOLT_CMP_LE, VOLT_CMP_EQ, VOLT_CMP_GE, VOLT_CMP_GT, VOLT_CMP_MASKED_EQ };

struct volt_scmp_arg {
	unsigned index; /* 0..5 */
	uint64_t value, value_two;
	enum volt_scmp_op op;
};

struct volt_scmp_rule {
	char **names;
	enum volt_scmp_action action;
	int errno_ret; /* -1: the profile's defaultErrnoRet, else EPERM */
	struct volt_scmp_arg *args;
	size_t n_args;
	uint64_t caps_include, caps_exclude; /* includes.caps / excludes.caps */
	char **arch_include, **arch_exclude; /* includes.arches / excludes.arches (SCMP_ARCH_ names) */
};

struct volt_scmp_profile {
	enum volt_scmp_action default_action;
	int default_errno; /* defaultErrnoRet, EPERM when absent */
	char **arches;     /* "SCMP_ARCH_X86_64", ... */
	struct volt_scmp_rule *rules;
	size_t n_rules;
};

/* volt_scmp_profile_parse - parse a profile. name (a file path) only labels
 * errors: "FILE:LINE:COLUMN: reason" for malformed JSON, "FILE: syscalls[3]
 * .action: reason" for a well-formed profile that says something invalid.
 * Unknown keys are ignored (Docker's profiles carry "comment", "minKernel").
 * Return: 0, or -1 with err set (and p empty). */
int volt_scmp_profile_parse(struct volt_scmp_profile *p, const char *name, const char *text, size_t len,
			    struct volt_err *err);
void volt_scmp_profile_free(struct volt_scmp_profile *p);

/* volt_scmp_action_name - "SCMP_ACT_ALLOW", ... */
const char *volt_scmp_action_name(enum volt_scmp_action a);

/* volt_scmp_rule_active - whether a rule applies for the capability set
 * caps on the native architecture arch ("SCMP_ARCH_X86_64"). */
bool volt_scmp_rule_active(const struct volt_scmp_rule *r, uint64_t caps, const char *arch);

#endif
