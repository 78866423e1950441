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
	/* includes.arches / excludes.arches, as SCMP_ARCH_ names whichever
	 * spelling the profile used (Docker's "amd64", "x86", ... or libseccomp's) */
	char **arch_include, **arch_exclude;
	/* includes.minKernel / excludes.minKernel as VOLT_SCMP_KERNEL(major,
	 * minor); 0: none */
	unsigned kernel_include, kernel_exclude;
};

/* a kernel version "4.8" as a number that compares in order */
#define VOLT_SCMP_KERNEL(major, minor) ((unsigned)(major) << 8 | (unsigned)(minor))

/* VOLT_SCMP_SEMANTICS - changes whenever the same profile text may compile to
 * another program (a new field, a new spelling): part of the BPF cache key */
#define VOLT_SCMP_SEMANTICS 2

/* the conditions a rule's includes/excludes are checked against */
struct volt_scmp_env {
	uint64_t caps;	  /* the container's capability set */
	const char *arch; /* the native architecture, "SCMP_ARCH_X86_64" */
	unsigned kernel;  /* the running kernel, VOLT_SCMP_KERNEL(); 0: unknown */
};

struct volt_scmp_profile {
	enum volt_scmp_action default_action;
	int default_errno; /* defaultErrnoRet, EPERM when absent */
	char **arches;	   /* "SCMP_ARCH_X86_64", ... */
	struct volt_scmp_rule *rules;
	size_t n_rules;
};

/* volt_scmp_profile_parse - parse a profile. name (a file path) only labels
 * errors: "FILE:LINE:COLUMN: reason" for malformed JSON, "FILE: syscalls[3]
 * .action: reason" for a well-formed profile that says something invalid.
 * Unknown keys are ignored (Docker's profiles carry "comment"), and so is
 * "flags" once its names are checked; "listenerPath" is refused.
 * Return: 0, or -1 with err set (and p empty). */
int volt_scmp_profile_parse(struct volt_scmp_profile *p, const char *name, const char *text, size_t len,
			    struct volt_err *err);
void volt_scmp_profile_free(struct volt_scmp_profile *p);

/* volt_scmp_action_name - "SCMP_ACT_ALLOW", ... */
const char *volt_scmp_action_name(enum volt_scmp_action a);

/* volt_scmp_rule_active - whether a rule applies in env, as Docker and podman
 * decide it: every included capability held, no excluded one; the native
 * architecture among includes.arches (when given) and not among
 * excludes.arches; the kernel at least includes.minKernel and older than
 * excludes.minKernel (an unknown kernel counts as older than any). */
bool volt_scmp_rule_active(const struct volt_scmp_rule *r, const struct volt_scmp_env *env);

/* volt_scmp_arch_name - an architecture as libseccomp's SCMP_ARCH_ name:
 * "SCMP_ARCH_X86_64", Docker's "amd64", Go's "386", libseccomp's "x86_64"...
 * Return: a static string, NULL for a name none of them uses. */
const char *volt_scmp_arch_name(const char *name);

/* volt_scmp_kernel_parse - a release "6.1.0-18-amd64" or a minKernel "4.8"
 * as VOLT_SCMP_KERNEL(); 0 if it does not start with MAJOR.MINOR. */
unsigned volt_scmp_kernel_parse(const char *release);

#endif
