/* volt-runtime's record of one container: ROOT/ID/state.json (what `state`
 * prints, with the pid's start time to tell a reused pid apart) and
 * ROOT/ID/exec.fifo (there until `start`: the container is "created") and
 * ROOT/ID/paused (there between `pause` and `resume`). */
#ifndef VOLT_OCI_STATE_H
#define VOLT_OCI_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

enum volt_oci_status { VOLT_OCI_CREATING, VOLT_OCI_CREATED, VOLT_OCI_RUNNING, VOLT_OCI_STOPPED, VOLT_OCI_PAUSED };

struct volt_oci_state {
	char *id, *bundle, *rootfs, *created, *annotations_json;
	char *cgroup;	  /* the container's own cgroup v2 directory; NULL: none */
	char *hooks_json; /* config.json's hooks, for start and delete; NULL: none */
	pid_t pid;
	unsigned long long start; /* the pid's start time (clock ticks since boot) */
	uid_t owner;
};

/* volt_oci_id_valid - an id usable as a directory name: [A-Za-z0-9_+.-]{1,1024}, not "." or ".." */
bool volt_oci_id_valid(const char *id);

/* volt_oci_state_write - dir/state.json, atomically */
int volt_oci_state_write(const char *dir, const struct volt_oci_state *s, struct volt_err *err);
/* volt_oci_state_read - root/id/state.json. A missing one: -1 with errnum
 * ENOENT and "container ID does not exist", as runc says it. */
int volt_oci_state_read(const char *root, const char *id, struct volt_oci_state *s, struct volt_err *err);
void volt_oci_state_free(struct volt_oci_state *s);

/* volt_oci_status_of - created (the fifo is there), running, paused (the
 * paused mark is there), or stopped (the pid is gone, a zombie, or another
 * process's now) */
enum volt_oci_status volt_oci_status_of(const char *root, const struct volt_oci_state *s);
const char *volt_oci_status_name(enum volt_oci_status st);

/* volt_oci_state_json - the state as runc prints it (malloc'd, indented) */
char *volt_oci_state_json(const struct volt_oci_state *s, enum volt_oci_status st);

/* volt_oci_proc_alive - whether pid runs (not a zombie) and, with start != 0,
 * started at that time; *start_out gets its start time when it runs */
bool volt_oci_proc_alive(pid_t pid, unsigned long long start, unsigned long long *start_out);

#endif
