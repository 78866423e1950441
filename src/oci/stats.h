/* `events` and `list` of volt-runtime: a container's resource use as runc's
 * stats event, and every container under a --root (src/oci/stats.c). */
#ifndef VOLT_OCI_STATS_H
#define VOLT_OCI_STATS_H

#include <stddef.h>

#include "oci/state.h"
#include "util/err.h"

/* volt_oci_stats_event - {"type":"stats","id":ID,"data":{cpu, memory, pids,
 * ...}} on one line (malloc'd), with runc's field names: from the
 * container's cgroup (state.cgroup) when it has one, else summed over its
 * processes' /proc entries. *stopped is set when the container has
 * stopped (then no text, no error). */
char *volt_oci_stats_event(const char *root, const char *id, bool *stopped, struct volt_err *err);

/* struct volt_oci_entry - one container of `list` */
struct volt_oci_entry {
	struct volt_oci_state st;
	enum volt_oci_status status;
};

/* volt_oci_list - the containers under root, sorted by id (none when root
 * does not exist). free with volt_oci_list_free. */
int volt_oci_list(const char *root, struct volt_oci_entry **out, size_t *n, struct volt_err *err);
void volt_oci_list_free(struct volt_oci_entry *e, size_t n);

#endif
