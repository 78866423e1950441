/* volt error idiom.
 *
 * Fallible functions take `struct volt_err *err` last and return 0 on success
 * or a negative value on failure, with err filled in: an errno (0 when there is
 * none) and a message that names what failed. Callers may prefix context as
 * the error climbs; only the CLI prints it, once: "volt: <msg>: <strerror>".
 * libvolt never prints an error and never exits.
 */
#ifndef VOLT_UTIL_ERR_H
#define VOLT_UTIL_ERR_H

#include <stddef.h>

#define VOLT_ERR_MSG_MAX 1024

/* Exit codes shared with docker/podman. */
enum {
	VOLT_EXIT_INTERNAL = 125, /* volt's own failure */
	VOLT_EXIT_CANNOT_EXEC = 126,
	VOLT_EXIT_NOT_FOUND = 127,
};

struct volt_err {
	int errnum;		    /* errno, or 0 */
	int exit_code;		    /* suggested exit code, 0 means 125 */
	int errno_said;		    /* the message says what errnum does: no strerror */
	char msg[VOLT_ERR_MSG_MAX]; /* "what failed" */
};

/* volt_err_set - fill err with a formatted message and an errno.
 * Return: always -1, so `return volt_err_set(...)` reads naturally. */
int volt_err_set(struct volt_err *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* volt_err_said - like volt_err_set, for a message that already says what
 * errnum means ("name x is already in use"): callers still test errnum, the
 * CLI prints no "File exists" after it. */
int volt_err_said(struct volt_err *err, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* volt_err_sys - like volt_err_set with the current errno. */
int volt_err_sys(struct volt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* volt_err_prefix - prepend "context: " to an existing message. */
int volt_err_prefix(struct volt_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* volt_err_format - "msg: strerror" into buf; for ENOSPC/EDQUOT followed by
 * which of the directories given to volt_err_where_dirs has the least room. */
void volt_err_format(const struct volt_err *err, char *buf, size_t len);

/* volt_err_where_dirs - the store and run directories (kept, not copied). */
void volt_err_where_dirs(const char *root, const char *runroot);

/* volt_warn - print "volt: <msg>" on stderr. Said once per fallback: callers
 * that may meet the same fallback again keep their own flag. */
void volt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For clang's static analyzer (make tidy) only: it reads one file at a time
 * and cannot know that these always return -1, so `return volt_err_set(...)`
 * looked like a success path to it. */
#if defined(__clang_analyzer__) && !defined(VOLT_ERR_DEFINE)
#define volt_err_set(...)                  \
	({                                 \
		volt_err_set(__VA_ARGS__); \
		-1;                        \
	})
#define volt_err_said(...)                  \
	({                                  \
		volt_err_said(__VA_ARGS__); \
		-1;                         \
	})
#define volt_err_sys(...)                  \
	({                                 \
		volt_err_sys(__VA_ARGS__); \
		-1;                        \
	})
#define volt_err_prefix(...)                  \
	({                                    \
		volt_err_prefix(__VA_ARGS__); \
		-1;                           \
	})
#endif

#endif
