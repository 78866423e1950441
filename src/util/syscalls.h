/* Raw wrappers for system calls that glibc 2.36 lacks or hides. */
#ifndef VOLT_UTIL_SYSCALLS_H
#define VOLT_UTIL_SYSCALLS_H

#include <linux/close_range.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline int volt_openat2(int dirfd, const char *path, struct open_how *how)
{
	return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}
static inline int volt_pivot_root(const char *new_root, const char *put_old)
{
	return (int)syscall(SYS_pivot_root, new_root, put_old);
}
static inline int volt_fsopen(const char *fs, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fs, flags);
}
static inline int volt_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
	return (int)syscall(SYS_fsconfig, fd, cmd, key, value, aux);
}
static inline int volt_fsmount(int fd, unsigned int flags, unsigned int attr)
{
	return (int)syscall(SYS_fsmount, fd, flags, attr);
}
static inline int volt_pidfd_open(pid_t pid, unsigned int flags)
{
	return (int)syscall(SYS_pidfd_open, pid, flags);
}
/* volt_close_range - flags: 0 or CLOSE_RANGE_CLOEXEC (linux/close_range.h) */
static inline int volt_close_range(unsigned first, unsigned last, unsigned flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}
/* volt_clone_flags - fork(2) with namespace flags: a new process that
 * returns here (0 in the child), on the parent's stack */
static inline pid_t volt_clone_flags(unsigned long flags)
{
	return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, 0);
}
static inline int volt_pidfd_send_signal(int pidfd, int sig)
{
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* Landlock; attr: struct landlock_ruleset_attr / the rule's attribute */
static inline int volt_landlock_create_ruleset(const void *attr, size_t size, unsigned flags)
{
	return (int)syscall(SYS_landlock_create_ruleset, attr, size, flags);
}
static inline int volt_landlock_add_rule(int ruleset, int type, const void *attr, unsigned flags)
{
	return (int)syscall(SYS_landlock_add_rule, ruleset, type, attr, flags);
}
static inline int volt_landlock_restrict_self(int ruleset, unsigned flags)
{
	return (int)syscall(SYS_landlock_restrict_self, ruleset, flags);
}
/* volt_finit_module - load a kernel module from fd (volt-init in a microVM) */
static inline int volt_finit_module(int fd, const char *params, int flags)
{
	return (int)syscall(SYS_finit_module, fd, params, flags);
}
static inline long volt_seccomp(unsigned op, unsigned flags, void *args)
{
	return syscall(SYS_seccomp, op, flags, args);
}
#if defined(__x86_64__)
/* volt_x32_getpid - getpid through the x32 ABI: ENOSYS where the kernel has none */
static inline long volt_x32_getpid(void)
{
	return syscall(0x40000000L | SYS_getpid); /* __X32_SYSCALL_BIT */
}
#endif

#endif
