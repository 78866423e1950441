/* File-system helpers: atomic writes, recursive mkdir/remove, whole-file reads. */
#ifndef VOLT_UTIL_FS_H
#define VOLT_UTIL_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/err.h"

/* volt_mkdir_p - create path and its parents with mode (existing is fine). */
int volt_mkdir_p(const char *path, mode_t mode, struct volt_err *err);

/* volt_write_file_atomic - write data to "path.tmp-XXXXXX" and rename it over
 * path, so readers never see half a file. */
int volt_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode, struct volt_err *err);

/* volt_write_all - write all n bytes (retrying short writes and EINTR);
 * false when the fd will take no more. */
bool volt_write_all(int fd, const void *buf, size_t n);

/* volt_read_file - read a whole file (NUL-terminated) into *out, its size in *len
 * (len may be NULL). Refuses files larger than max bytes. */
int volt_read_file(const char *path, size_t max, char **out, size_t *len, struct volt_err *err);

/* volt_rm_rf_at - remove name under dirfd recursively, without following symlinks.
 * A missing name is not an error. Directories without write/search permission
 * are chmod-ed first (checkouts carry image modes such as 0555). */
int volt_rm_rf_at(int dirfd, const char *name, struct volt_err *err);
int volt_rm_rf(const char *path, struct volt_err *err);
/* volt_empty_dir_fd - remove everything in the directory open on dfd (which
 * stays open and is not removed), without following symlinks. */
int volt_empty_dir_fd(int dfd, struct volt_err *err);

/* volt_random_hex - n random bytes as 2n hex chars into out (size >= 2n+1). */
void volt_random_hex(char *out, size_t nbytes);

/* volt_path - asprintf that aborts on OOM (paths are small and OOM is fatal). */
char *volt_path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* volt_now_ns - CLOCK_REALTIME in nanoseconds. */
long long volt_now_ns(void);

/* volt_format_time - RFC 3339 with nanoseconds, UTC, into buf (>= 40 bytes). */
void volt_format_time(long long ns, char *buf, size_t len);

/* volt_parse_time - an RFC 3339 time ("2024-01-02T03:04:05.123Z", offsets
 * "+01:00" too; the form image configs' "created" has) into nanoseconds since
 * the epoch. Return 0, or -1 when s is not one. Pure. */
int volt_parse_time(const char *s, long long *ns);

/* volt_human_size - "12.3MB" style (powers of 1000, as docker prints). */
void volt_human_size(long long bytes, char *buf, size_t len);

/* volt_human_ago - "5 seconds ago" style. */
void volt_human_ago(long long ns, char *buf, size_t len);

#endif
