/* fdpass.h - pass one file descriptor over a unix socket (SCM_RIGHTS). */
#ifndef VOLT_UTIL_FDPASS_H
#define VOLT_UTIL_FDPASS_H

#include <stddef.h>

/* volt_fd_send_payload - send fd with len bytes of buf in one message (len
 * at least 1: a stream socket carries no fd without data). 0, or -1 with
 * errno. */
int volt_fd_send_payload(int sock, int fd, const void *buf, size_t len);
/* volt_fd_send - send fd with a one-byte message, tag (what the fd is, for a
 * receiver that gets several). 0, or -1 with errno. */
int volt_fd_send(int sock, int fd, char tag);
/* volt_fd_recv - receive one fd (O_CLOEXEC); -1 with errno, or with errno 0
 * when the peer closed without sending one. flags: 0 or MSG_DONTWAIT. */
int volt_fd_recv(int sock, int flags);

/* tags of the fds a container child passes to its monitor before its
 * report (container/spawn.c): the tap device, the console pty's master */
#define VOLT_FD_TAG_TAP 'T'
#define VOLT_FD_TAG_PTY 'P'

#endif
