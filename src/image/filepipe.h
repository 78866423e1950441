/* A second thread that hashes and stores the regular files of a layer while
 * the first one inflates and parses it. See filepipe.c. */
#ifndef VOLT_IMAGE_FILEPIPE_H
#define VOLT_IMAGE_FILEPIPE_H

#include <stddef.h>
#include <stdint.h>

#include "cas/store.h"
#include "util/err.h"

struct volt_filepipe;

/* volt_filepipe_start - a pipe storing into cas, its writer thread started.
 * Return 0, -1 (err). */
int volt_filepipe_start(struct volt_filepipe **out, struct volt_cas *cas, struct volt_err *err);

/* volt_filepipe_begin - a new file (exec: the object's mode is 0755). *job
 * gets its number (0, 1, 2 ... in order). Return 0, or -1 when the writer
 * has failed (its error comes from volt_filepipe_finish). */
int volt_filepipe_begin(struct volt_filepipe *p, int exec, uint32_t *job);
/* volt_filepipe_data - content of the current file (copied). Return 0 / -1 as above. */
int volt_filepipe_data(struct volt_filepipe *p, const void *buf, size_t len);
/* volt_filepipe_end - the current file is complete. Return 0 / -1 as above. */
int volt_filepipe_end(struct volt_filepipe *p);

/* volt_filepipe_finish - wait until every queued file is stored and stop the
 * thread. Return 0, or -1 with the writer's first error. */
int volt_filepipe_finish(struct volt_filepipe *p, struct volt_err *err);

/* volt_filepipe_result - after finish: the digest and size of file job.
 * Return 0, -1 when there is no such job. */
int volt_filepipe_result(struct volt_filepipe *p, uint32_t job, char digest[VOLT_SHA256_HEX], int64_t *size);

/* volt_filepipe_free - stop the thread if running (objects being written are
 * dropped) and free everything. NULL is fine. */
void volt_filepipe_free(struct volt_filepipe *p);

#endif
