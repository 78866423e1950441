/* fds.h - which file descriptors a child keeps: one helper for every child
 * volt starts (the container's processes, helpers, background children). */
#ifndef VOLT_UTIL_FDS_H
#define VOLT_UTIL_FDS_H

#include <stddef.h>

/* VOLT_STDIO_NULL_* - which of stdin, stdout, stderr volt_fds_keep_only points at /dev/null */
#define VOLT_STDIO_NULL_IN 1u
#define VOLT_STDIO_NULL_OUT 2u
#define VOLT_STDIO_NULL_ERR 4u
#define VOLT_STDIO_NULL_ALL 7u

/* volt_fds_close_except - close every fd from `from` up but the n in keep
 * (in any order; those below `from` are ignored). flags: 0 closes them,
 * CLOSE_RANGE_CLOEXEC only marks them close-on-exec (a child that still
 * needs its report channel until exec). Cannot fail: close_range(2)
 * returns an error only for bad arguments. */
void volt_fds_close_except(unsigned from, const int *keep, size_t n, unsigned flags);

/* volt_fds_keep_only - in a child that nobody should wait for: the stdio
 * fds named in null_mask (VOLT_STDIO_NULL_*) onto /dev/null, then every fd
 * above 2 closed but the n in keep. So the child holds no pipe a caller
 * reads (`$(volt run ...)`), no terminal and no lock of its parent. */
void volt_fds_keep_only(unsigned null_mask, const int *keep, size_t n);

#endif
