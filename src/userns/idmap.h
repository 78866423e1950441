/* User-namespace id mappings.
 *
 * full:   the user has an /etc/subuid and /etc/subgid range and newuidmap is
 *         installed: container 0 = the user, 1..N = the subordinate range.
 * single: no range (common on HPC hosts): container 0 = the user, nothing
 *         else is mapped; chown inside is recorded, not failed. Said once.
 * keep-id: the user keeps their own uid/gid inside (with the subordinate
 *         range around it in full mode). */
#ifndef VOLT_USERNS_IDMAP_H
#define VOLT_USERNS_IDMAP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

#define VOLT_IDMAP_MAX 3

struct volt_idrange {
	uint32_t inside, outside, count;
};

struct volt_idmap {
	bool full; /* subordinate ranges in use */
	bool keep_id;
	uint32_t uid, gid; /* the invoking user */
	struct volt_idrange uids[VOLT_IDMAP_MAX], gids[VOLT_IDMAP_MAX];
	int n_uids, n_gids;
	char why[160]; /* why single mode was chosen, for `volt info` */
};

/* volt_idmap_detect - choose the mapping for the invoking user.
 * $VOLT_USERNS=single forces single mode. */
int volt_idmap_detect(struct volt_idmap *m, bool keep_id, struct volt_err *err);

/* volt_idmap_user_name - the login name of uid, for its /etc/subuid line:
 * first from the passwd file (the `files` source, which nsswitch.conf puts
 * first on every usual system), then from getpwuid (NSS: LDAP, systemd...).
 * Why: getpwuid costs ~70 us at the start of every `volt run` (nscd probes,
 * nsswitch.conf, then the same /etc/passwd), the scan ~17 us.
 * Return: 0 with the name in buf, -1 when uid has none (or it is too long). */
int volt_idmap_user_name(uid_t uid, const char *passwd, char *buf, size_t len);

/* volt_idmap_parse_subid - find user (name or uid) in a subuid/subgid file's
 * text; 0 and start/count on success, 1 if absent. Pure, for unit tests. */
int volt_idmap_parse_subid(const char *text, const char *name, uint32_t id, uint32_t *start, uint32_t *count);

/* volt_idmap_apply - write the mapping of process pid (which has just
 * unshared its user namespace): newuidmap/newgidmap in full mode, direct
 * writes (after setgroups=deny) in single mode. */
int volt_idmap_apply(const struct volt_idmap *m, pid_t pid, struct volt_err *err);
/* volt_idmap_apply_start/_finish - the same in two halves, so that the caller
 * can work while newuidmap and newgidmap run: start returns at once with the
 * helpers' pids in helpers[] (-1 when none ran: single mode writes the map
 * in start); finish waits for them. */
int volt_idmap_apply_start(const struct volt_idmap *m, pid_t pid, pid_t helpers[2], struct volt_err *err);
int volt_idmap_apply_finish(pid_t pid, pid_t helpers[2], struct volt_err *err);

/* volt_idmap_to_host - the host uid that container id maps to, or -1. */
long long volt_idmap_uid_to_host(const struct volt_idmap *m, uint32_t id);

/* volt_idmap_parse_proc - the ranges of a /proc/PID/uid_map or gid_map text
 * ("inside outside count" lines) into r (at most max). The count, or -1 when
 * the text is malformed or has more. Pure, for unit tests. */
int volt_idmap_parse_proc(const char *text, struct volt_idrange *r, int max);

/* volt_idmap_is_current - whether this process is in a user namespace mapped
 * exactly as m (a monitor restarted in place was exec'd inside its
 * container's: it must not map another from there). */
bool volt_idmap_is_current(const struct volt_idmap *m);

/* volt_idmap_format - "0:1000:1,1:100000:65536" style into buf. */
void volt_idmap_format(const struct volt_idrange *r, int n, char *buf, size_t len);

/* volt_userns_run - run fn(arg) in a child process inside a fresh user
 * namespace with mapping m, as root there; the child's error comes back in err.
 * Used for store work that must set the image's owners (checkouts) or remove
 * files owned by mapped ids. */
typedef int (*volt_userns_fn)(void *arg, struct volt_err *err);
/* volt_userns_run_keeper_dir - where volt_userns_run looks for a keeper of the
 * map (userns/userns_keeper.c) before it maps a namespace of its own: the
 * runtime directory, set once by the CLI (the string must outlive the calls). */
void volt_userns_run_keeper_dir(const char *runroot);
/* volt_userns_kept - an O_CLOEXEC fd on the user namespace of a live keeper
 * of map m under that directory, or -1 (none, or no directory set): for a
 * helper that joins it with setns instead of mapping one of its own */
int volt_userns_kept(const struct volt_idmap *m);
int volt_userns_run(const struct volt_idmap *m, volt_userns_fn fn, void *arg, struct volt_err *err);

/* volt_userns_run_id - volt_userns_run for work that records an image (import,
 * pull, cas build, bundle import): fn fills the 64-hex image id, which comes
 * back to the caller through a pipe into id_out (>= 65 bytes). */
typedef int (*volt_userns_id_fn)(void *arg, char id_out[65], struct volt_err *err);
int volt_userns_run_id(const struct volt_idmap *m, volt_userns_id_fn fn, void *arg, char *id_out, struct volt_err *err);

#endif
