/* The guest agent's protocol: typed, length-prefixed frames between the
 * workload's monitor (host) and volt-init (PID 1 in the guest) over a
 * virtio-serial port. It needs no host device (no vsock), and the host never
 * parses guest output as commands: everything the guest says arrives in a
 * frame of a known type, checked field by field; a malformed or oversized
 * frame closes the channel.
 *
 * Wire format (integers little-endian):
 *   frame := u32 len | u16 type | u16 zero | field*      (len counts what follows it)
 *   field := u16 tag | u32 len | len bytes
 * A frame is at most VOLT_AGENT_FRAME_MAX bytes after its length. Unknown
 * tags are skipped (a newer peer may add fields); known tags of the wrong
 * size, strings holding NUL, missing required fields or a non-zero reserved
 * half-word make the frame invalid.
 *
 * libc only: compiled into the static volt-init too. */
#ifndef VOLT_VM_AGENT_PROTO_H
#define VOLT_VM_AGENT_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define VOLT_AGENT_PROTO_VERSION 1
/* The name of the agent's virtio-serial port as the guest sees it
 * (/sys/class/virtio-ports/vportNpM/name). */
#define VOLT_AGENT_PORT "volt.agent"
#define VOLT_AGENT_FRAME_MAX (1u << 20)	 /* bytes after the length prefix */
#define VOLT_AGENT_DATA_MAX (64u * 1024) /* output/stdin data per frame */
#define VOLT_AGENT_STRV_MAX 4096	 /* args or env entries */

enum volt_agent_type {
	/* guest -> host */
	VOLT_AGENT_READY = 1,	/* version */
	VOLT_AGENT_STARTED = 2, /* id, pid */
	VOLT_AGENT_OUTPUT = 3,	/* id, stream, data */
	VOLT_AGENT_EXIT = 4,	/* id, code */
	VOLT_AGENT_ERROR = 5,	/* id (0: the agent itself), text */
	/* host -> guest */
	VOLT_AGENT_RUN = 16,	  /* id, args, env, cwd, uid, gid, tty */
	VOLT_AGENT_STDIN = 17,	  /* id, data (empty: end of input) */
	VOLT_AGENT_SIGNAL = 18,	  /* id, signo */
	VOLT_AGENT_RESIZE = 19,	  /* id, rows, cols */
	VOLT_AGENT_SHUTDOWN = 20, /* (nothing) */
};

enum volt_agent_stream { VOLT_AGENT_STDOUT = 1, VOLT_AGENT_STDERR = 2 };

/* A decoded (or to-be-encoded) message. Strings and data point into the
 * decoder's copy (storage), freed by volt_agent_msg_free. */
struct volt_agent_msg {
	uint16_t type;
	uint32_t id;	/* the process a message is about: 1 is the workload */
	uint32_t pid;	/* STARTED: the guest's pid */
	int32_t code;	/* EXIT: as a shell reports it (128+N for signal N) */
	uint8_t stream; /* OUTPUT */
	uint8_t tty;	/* RUN: give the process a terminal */
	uint32_t uid, gid;
	uint32_t signo;
	uint16_t rows, cols;
	const char *version;	 /* READY */
	const char *cwd;	 /* RUN, or NULL */
	const char *text;	 /* ERROR */
	const char *const *args; /* RUN: NULL-terminated */
	const char *const *env;	 /* RUN: NULL-terminated, may be empty */
	const uint8_t *data;	 /* OUTPUT, STDIN */
	size_t data_len;
	void *storage;
};

void volt_agent_msg_free(struct volt_agent_msg *m);

/* volt_agent_type_name - "RUN", "EXIT"...; "?" for others */
const char *volt_agent_type_name(uint16_t type);

/* volt_agent_encode - m as one frame (with its length prefix) into a new
 * buffer (*out, *len; the caller frees). Return: 0, or -1 when m breaks the
 * limits above (a reason in *why). */
int volt_agent_encode(const struct volt_agent_msg *m, uint8_t **out, size_t *len, const char **why);

/* volt_agent_decode - one frame's body (what follows the length prefix)
 * into m. Return: 0, or -1 with the reason in *why ("field 3: bad size"). */
int volt_agent_decode(const uint8_t *body, size_t len, struct volt_agent_msg *m, const char **why);

/* A byte stream cut into frames: bytes in with volt_agent_reader_feed,
 * frame bodies out with volt_agent_reader_next. */
struct volt_agent_reader {
	uint8_t *buf;
	size_t len, cap, consumed;
};

/* volt_agent_reader_feed - append n bytes. Return: 0, -1 out of memory. */
int volt_agent_reader_feed(struct volt_agent_reader *r, const void *data, size_t n);

/* volt_agent_reader_next - the next whole frame's body (valid until the next
 * feed or next call). Return: 1 a frame, 0 more bytes needed, -1 a length
 * out of bounds (the stream cannot be trusted after it: close it). */
int volt_agent_reader_next(struct volt_agent_reader *r, const uint8_t **body, size_t *len, const char **why);

void volt_agent_reader_free(struct volt_agent_reader *r);

#endif
