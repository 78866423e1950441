/* The kernel command-line parameter that tells the guest agent which shared
 * directories to mount where: volt_vol=KIND:TAG:PATH:MODE[,...] (KIND
 * virtiofs or 9p, MODE ro or rw). The kernel splits its command line at
 * spaces and hands unknown key=value parameters to init as environment, so a
 * path is percent-encoded: every byte outside [A-Za-z0-9/._-] becomes %XX.
 * libc only: compiled into the static volt-init as well. */
#ifndef VOLT_VM_SHARE_PARAM_H
#define VOLT_VM_SHARE_PARAM_H

#include <stdbool.h>
#include <stddef.h>

#define VOLT_SHARE_PARAM "volt_vol"

struct volt_share_entry {
	char kind[16]; /* "virtiofs" | "9p" */
	char tag[36];  /* what the host's device calls it */
	char path[4096];
	bool ro;
};

/* volt_share_param_encode - the parameter's value for n entries (malloc'd),
 * or NULL when an entry cannot be said (a kind or tag outside [A-Za-z0-9_-],
 * a relative path) or out of memory. */
char *volt_share_param_encode(const struct volt_share_entry *e, size_t n);

/* volt_share_param_next - the next entry of a value at *p (advanced past
 * it). Return 1 with *e, 0 at the end, -1 when malformed (a missing field,
 * a bad escape, a path that is not absolute, holds a NUL, or is too long, a
 * mode other than ro|rw). */
int volt_share_param_next(const char **p, struct volt_share_entry *e);

#endif
