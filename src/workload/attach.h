/* attach.h - `volt attach`: a detached monitor's socket for clients that
 * want the container's output from now on and give it input (attach.c). */
#ifndef VOLT_WORKLOAD_ATTACH_H
#define VOLT_WORKLOAD_ATTACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "state/context.h"
#include "util/err.h"
#include "util/pollv.h"

/* The frames, both ways: an 8-byte header (type, three zero bytes, the
 * payload's length as a big-endian u32), then the payload. */
enum {
	VOLT_ATTACH_STDIN = 0,	/* client -> monitor: bytes for the container's stdin */
	VOLT_ATTACH_STDOUT = 1, /* monitor -> client: the container's output */
	VOLT_ATTACH_STDERR = 2,
	VOLT_ATTACH_EXIT = 3,	/* monitor -> client: u32 exit code; the last frame */
	VOLT_ATTACH_RESIZE = 4, /* client -> monitor: u16 rows, u16 cols (a pty's) */
	VOLT_ATTACH_SIGNAL = 5, /* client -> monitor: u32 signal for the container */
	VOLT_ATTACH_FULL = 6,	/* monitor -> client: too many clients, then the end */
};
#define VOLT_ATTACH_HDR 8
#define VOLT_ATTACH_MAX_PAYLOAD 65536u
#define VOLT_ATTACH_CLIENTS 16

struct volt_attach_client {
	int fd;
	unsigned char *out; /* what the client has not read yet, bounded */
	size_t out_len;
	unsigned char *in; /* a partial frame from the client */
	size_t in_len;
	int idx; /* in the poll vector of this round; -1: not in it */
};

struct volt_attach {
	int listen, listen_idx;
	char *run, *path; /* the run directory and the socket in it */
	int stdin_fd;	  /* the container's stdin (pipe or pty master); -1: closed */
	int pty;	  /* the pty master, for resizes; -1: no tty */
	pid_t pid;	  /* the container's process, for the signal proxy */
	struct volt_attach_client cl[VOLT_ATTACH_CLIENTS];
};

/* volt_attach_init - no socket, no clients (a foreground monitor's) */
void volt_attach_init(struct volt_attach *a);
/* volt_attach_listen - the socket attach.sock in the container's run
 * directory; before the monitor confines itself (no socket() after) */
int volt_attach_listen(struct volt_attach *a, struct volt_ctx *ctx, const char *id, struct volt_err *err);
/* volt_attach_prepare, volt_attach_dispatch - the monitor's poll loop */
void volt_attach_prepare(struct volt_attach *a, struct volt_pollv *pv);
void volt_attach_dispatch(struct volt_attach *a, struct volt_pollv *pv);
/* volt_attach_send - output of stream (VOLT_ATTACH_STDOUT/ERR) to every
 * client; never blocks: a client that falls too far behind is dropped */
void volt_attach_send(struct volt_attach *a, int stream, const void *buf, size_t n);
/* volt_attach_finish - the exit code to every client, then close all and
 * remove the socket (and the run directory, when nothing else is in it) */
void volt_attach_finish(struct volt_attach *a, int code);

/* the client's side */
/* volt_attach_connect - a socket connected to container id's monitor */
int volt_attach_connect(struct volt_ctx *ctx, const char *id, struct volt_err *err);
/* volt_attach_frame - a frame into buf (VOLT_ATTACH_HDR + n bytes) */
size_t volt_attach_frame(unsigned char *buf, int type, const void *payload, size_t n);
/* volt_attach_parse - the header at buf: its type and payload length */
void volt_attach_parse(const unsigned char *buf, int *type, uint32_t *len);

#endif
