/* Container logs in the CRI text format, one line per record:
 *   2026-11-25T14:35:12.123456789Z stdout F the line
 * F is a full line, P a partial one (a line longer than the buffer, or the
 * last bytes before EOF without a newline). */
#ifndef VOLT_CONTAINER_LOG_H
#define VOLT_CONTAINER_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define VOLT_LOG_LINE_MAX 16384

struct volt_log_stream {
	const char *name; /* "stdout" | "stderr" */
	char buf[VOLT_LOG_LINE_MAX];
	size_t len;
};

struct volt_log {
	int fd;
	struct volt_log_stream out, err;
	char *path;
	long long size;	    /* bytes in the current file */
	long long max_size; /* rotate when the file reaches this; 0: never */
	int max_files;	    /* files kept, the current one included (>= 1) */
};

/* Defaults of --log-opt max-size / max-file: a container that prints without
 * end must not fill the disk (docker's "local" driver caps too). */
#define VOLT_LOG_MAX_SIZE_DEFAULT (100LL << 20)
#define VOLT_LOG_MAX_FILES_DEFAULT 2

/* volt_log_open - append to path; rotate to path.1 .. path.(max_files-1)
 * whenever it reaches max_size bytes (0: never; max_files 1: start over).
 * The file is created on the first record, not here (log.c log_file). */
int volt_log_open(struct volt_log *log, const char *path, long long max_size, int max_files, struct volt_err *err);
/* volt_log_write - feed bytes of one stream; whole lines are written at once. */
void volt_log_write(struct volt_log *log, struct volt_log_stream *s, const char *data, size_t len);
/* volt_log_flush - write what is left of each stream as a partial line. */
void volt_log_flush(struct volt_log *log);
void volt_log_close(struct volt_log *log);

struct volt_log_record {
	const char *time; /* points into the line */
	size_t time_len;
	bool is_stderr;
	bool partial;
	const char *msg;
	size_t msg_len;
};

/* volt_log_parse_line - split one CRI line (without its newline). 0 or -1. */
int volt_log_parse_line(const char *line, size_t len, struct volt_log_record *r);

struct volt_logs_opts {
	bool follow, timestamps;
	long tail;		/* -1: all */
	long long since, until; /* ns since the epoch: only records in [since, until]; 0: no bound */
};
/* volt_logs_print - print a log (its rotated files path.N .. path.1 first) to
 * stdout/stderr; with follow, keep reading, across rotations, until
 * still_running(arg) says no. */
int volt_logs_print(const char *path, const struct volt_logs_opts *o, int (*still_running)(void *), void *arg,
		    struct volt_err *err);

/* volt_log_opt - apply one --log-opt KEY=VALUE (max-size=SIZE, max-file=N). */
int volt_log_opt(const char *opt, long long *max_size, int *max_files, struct volt_err *err);

#endif
