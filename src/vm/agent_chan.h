/* One end of an agent-protocol stream (agent_proto.h) over a non-blocking
 * socket: frames read and decoded as they come, frames to send queued and
 * written when the peer takes them. The monitor talks to the guest and to
 * `volt exec` clients this way and never blocks on either: a guest that
 * stops reading its port stalls only its own queue. */
#ifndef VOLT_VM_AGENT_CHAN_H
#define VOLT_VM_AGENT_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"
#include "vm/agent_proto.h"

struct volt_agent_chan {
	int fd; /* -1: closed */
	struct volt_agent_reader r;
	uint8_t *out; /* queued bytes to send */
	size_t out_len, out_off;
	bool eof; /* the peer closed its end */
};

/* volt_agent_chan_init - take fd (made non-blocking) */
void volt_agent_chan_init(struct volt_agent_chan *c, int fd);
void volt_agent_chan_close(struct volt_agent_chan *c);

/* volt_agent_chan_send - queue m and write what the socket takes now */
int volt_agent_chan_send(struct volt_agent_chan *c, const struct volt_agent_msg *m, struct volt_err *err);

/* volt_agent_chan_pending - bytes queued and not yet written */
size_t volt_agent_chan_pending(const struct volt_agent_chan *c);

/* volt_agent_chan_flush - write what the socket takes of the queue (on
 * POLLOUT). Returns -1 with err set when the peer is gone. */
int volt_agent_chan_flush(struct volt_agent_chan *c, struct volt_err *err);

/* volt_agent_chan_read - read what is there and call on_msg for each whole,
 * decoded frame (stopping at its first error). A frame that does not decode
 * or a stream that breaks the framing is an error naming `peer`. Sets
 * c->eof when the peer closed. Returns 0, or -1 with err set. */
int volt_agent_chan_read(struct volt_agent_chan *c, const char *peer,
			 int (*on_msg)(void *arg, const struct volt_agent_msg *m, struct volt_err *err), void *arg,
			 struct volt_err *err);

#endif
