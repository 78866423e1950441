/* seccomp: compile a profile with libseccomp once, cache the BPF, install it. */
#ifndef VOLT_SECURITY_SECCOMP_H
#define VOLT_SECURITY_SECCOMP_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "security/seccomp_profile.h"
#include "util/err.h"

enum volt_seccomp_mode {
	VOLT_SECCOMP_ENFORCE, /* the profile as written */
	VOLT_SECCOMP_NOTIFY,  /* --seccomp-audit: blocked calls go to a listener (allowed, recorded) */
	VOLT_SECCOMP_LOG,     /* --seccomp-audit for `volt exec`: blocked calls allowed, kernel-logged */
};

/* The calls that stay blocked whatever the profile, unless one of its active
 * rules names them. NULL-terminated. */
extern const char *const volt_seccomp_always_blocked[];

/* volt_seccomp_compile - build the filter for profile p with libseccomp and
 * write the BPF program to fd. caps selects the rules whose includes/excludes
 * name capabilities. Return: 0, or -1 with err naming the syscall or step. */
int volt_seccomp_compile(const struct volt_scmp_profile *p, uint64_t caps, enum volt_seccomp_mode mode, int fd,
			 struct volt_err *err);

/* volt_seccomp_load - the BPF for the profile text (read from path), from
 * cache_dir/<sha256>.bpf when there, else parsed, compiled and cached. The key
 * covers the text, caps, mode, architecture and library versions.
 * key_out (65 bytes) gets the key. Return: 0 with *prog and *n set (malloc'd). */
int volt_seccomp_load(const char *cache_dir, const char *path, uint64_t caps, enum volt_seccomp_mode mode,
		      struct sock_filter **prog, size_t *n, char *key_out, struct volt_err *err);

/* volt_seccomp_install - install the program on the calling thread (needs
 * no_new_privs). With listener, returns the user-notification fd in *fd.
 * Return: 0, or -1 with err. */
int volt_seccomp_install(const struct sock_filter *prog, size_t n, bool listener, int *fd, struct volt_err *err);

/* volt_seccomp_syscall_name - name of syscall nr on audit arch (static buffer
 * semantics are avoided: returns malloc'd string, or NULL). */
char *volt_seccomp_syscall_name(uint32_t arch, int nr);

#endif
