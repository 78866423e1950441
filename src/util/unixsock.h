/* Unix stream sockets by path, whatever the path's length: sun_path holds
 * 108 bytes, and a store's run directory under a long $TMPDIR needs more. A
 * longer path is reached through its directory, opened O_PATH, as
 * /proc/self/fd/N/NAME. */
#ifndef VOLT_UTIL_UNIXSOCK_H
#define VOLT_UTIL_UNIXSOCK_H

#include "util/err.h"

/* volt_unix_connect - a connected SOCK_STREAM socket (close-on-exec) */
int volt_unix_connect(const char *path, struct volt_err *err);

/* volt_unix_listen - a listening, non-blocking SOCK_STREAM socket
 * (close-on-exec) at path, replacing what was there */
int volt_unix_listen(const char *path, int backlog, struct volt_err *err);

#endif
