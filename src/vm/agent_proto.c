#include "vm/agent_proto.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum tag {
	T_ID = 1,
	T_PID,
	T_CODE,
	T_STREAM,
	T_TTY,
	T_UID,
	T_GID,
	T_SIGNO,
	T_ROWS,
	T_COLS,
	T_VERSION,
	T_CWD,
	T_TEXT,
	T_ARG,
	T_ENV,
	T_DATA,
	T_MAX
};

/* the size a scalar tag must have (0: a string or bytes) */
static const uint8_t scalar_size[T_MAX] = {
	[T_ID] = 4,  [T_PID] = 4, [T_CODE] = 4,	 [T_STREAM] = 1, [T_TTY] = 1,
	[T_UID] = 4, [T_GID] = 4, [T_SIGNO] = 4, [T_ROWS] = 2,	 [T_COLS] = 2,
};

#define BIT(t) (1u << (t))

/* the fields each type must carry, and those it may carry */
static const struct {
	uint16_t type;
	const char *name;
	uint32_t need, may;
} types[] = {
	{VOLT_AGENT_READY, "READY", BIT(T_VERSION), 0},
	{VOLT_AGENT_STARTED, "STARTED", BIT(T_ID) | BIT(T_PID), 0},
	{VOLT_AGENT_OUTPUT, "OUTPUT", BIT(T_ID) | BIT(T_STREAM) | BIT(T_DATA), 0},
	{VOLT_AGENT_EXIT, "EXIT", BIT(T_ID) | BIT(T_CODE), 0},
	{VOLT_AGENT_ERROR, "ERROR", BIT(T_TEXT), BIT(T_ID)},
	{VOLT_AGENT_RUN, "RUN", BIT(T_ID) | BIT(T_ARG), BIT(T_ENV) | BIT(T_CWD) | BIT(T_UID) | BIT(T_GID) | BIT(T_TTY)},
	{VOLT_AGENT_STDIN, "STDIN", BIT(T_ID) | BIT(T_DATA), 0},
	{VOLT_AGENT_SIGNAL, "SIGNAL", BIT(T_ID) | BIT(T_SIGNO), 0},
	{VOLT_AGENT_RESIZE, "RESIZE", BIT(T_ID) | BIT(T_ROWS) | BIT(T_COLS), 0},
	{VOLT_AGENT_SHUTDOWN, "SHUTDOWN", 0, 0},
};

static int type_index(uint16_t type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return (int)i;
	return -1;
}

const char *volt_agent_type_name(uint16_t type)
{
	int i = type_index(type);
	return i < 0 ? "?" : types[i].name;
}

void volt_agent_msg_free(struct volt_agent_msg *m)
{
	free(m->storage);
	m->storage = NULL;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Walk the fields of a body: check every one, and (fill) copy them into m. */
struct walk {
	size_t strings; /* bytes of strings, NUL included */
	size_t n_args, n_env;
	size_t data_len;
	uint32_t seen;
};

static int walk(const uint8_t *body, size_t len, struct volt_agent_msg *m, struct walk *w, char **sp, const char **ap,
		const char **ep, uint8_t *dp, const char **why)
{
	size_t off = 4;
	memset(w, 0, sizeof(*w));
	while (off < len) {
		if (len - off < 6) {
			*why = "a field header runs past the frame";
			return -1;
		}
		uint16_t tag = get16(body + off);
		uint32_t flen = get32(body + off + 2);
		const uint8_t *v = body + off + 6;
		off += 6;
		if (flen > len - off) {
			*why = "a field runs past the frame";
			return -1;
		}
		off += flen;
		if (tag == 0 || tag >= T_MAX)
			continue; /* a newer peer's field */
		if (tag != T_ARG && tag != T_ENV) {
			if (w->seen & BIT(tag)) {
				*why = "a field appears twice";
				return -1;
			}
		}
		w->seen |= BIT(tag);
		if (scalar_size[tag]) {
			if (flen != scalar_size[tag]) {
				*why = "a number field has the wrong size";
				return -1;
			}
			if (!m)
				continue;
			switch (tag) {
			case T_ID: m->id = get32(v); break;
			case T_PID: m->pid = get32(v); break;
			case T_CODE: m->code = (int32_t)get32(v); break;
			case T_STREAM: m->stream = v[0]; break;
			case T_TTY: m->tty = v[0]; break;
			case T_UID: m->uid = get32(v); break;
			case T_GID: m->gid = get32(v); break;
			case T_SIGNO: m->signo = get32(v); break;
			case T_ROWS: m->rows = get16(v); break;
			case T_COLS: m->cols = get16(v); break;
			}
			continue;
		}
		if (tag == T_DATA) {
			if (flen > VOLT_AGENT_DATA_MAX) {
				*why = "data over the limit";
				return -1;
			}
			w->data_len = flen;
			if (m) {
				memcpy(dp, v, flen);
				m->data = dp;
				m->data_len = flen;
			}
			continue;
		}
		/* a string: no NUL inside */
		if (memchr(v, '\0', flen)) {
			*why = "a string holds a NUL byte";
			return -1;
		}
		if (tag == T_ARG && ++w->n_args > VOLT_AGENT_STRV_MAX) {
			*why = "too many arguments";
			return -1;
		}
		if (tag == T_ENV && ++w->n_env > VOLT_AGENT_STRV_MAX) {
			*why = "too many environment entries";
			return -1;
		}
		w->strings += flen + 1;
		if (!m)
			continue;
		char *s = *sp;
		memcpy(s, v, flen);
		s[flen] = '\0';
		*sp += flen + 1;
		switch (tag) {
		case T_VERSION: m->version = s; break;
		case T_CWD: m->cwd = s; break;
		case T_TEXT: m->text = s; break;
		case T_ARG: ap[w->n_args - 1] = s; break;
		case T_ENV: ep[w->n_env - 1] = s; break;
		}
	}
	return 0;
}

int volt_agent_decode(const uint8_t *body, size_t len, struct volt_agent_msg *m, const char **why)
{
	struct walk w;
	memset(m, 0, sizeof(*m));
	if (len < 4 || len > VOLT_AGENT_FRAME_MAX) {
		*why = "frame size out of bounds";
		return -1;
	}
	uint16_t type = get16(body);
	int ti = type_index(type);
	if (ti < 0) {
		*why = "unknown message type";
		return -1;
	}
	if (get16(body + 2) != 0) {
		*why = "reserved bits set";
		return -1;
	}
	/* first pass: check, and size what the copy needs */
	if (walk(body, len, NULL, &w, NULL, NULL, NULL, NULL, why) < 0)
		return -1;
	if ((w.seen & types[ti].need) != types[ti].need) {
		*why = "a required field is missing";
		return -1;
	}
	if (w.seen & ~(types[ti].need | types[ti].may) & (BIT(T_MAX) - 1)) {
		*why = "a field this type does not carry";
		return -1;
	}
	size_t ptrs = (w.n_args + 1 + w.n_env + 1) * sizeof(char *);
	uint8_t *store = calloc(1, ptrs + w.strings + w.data_len + 1);
	if (!store) {
		*why = "out of memory";
		return -1;
	}
	const char **ap = (const char **)(void *)store;
	const char **ep = ap + w.n_args + 1;
	char *sp = (char *)store + ptrs;
	uint8_t *dp = (uint8_t *)sp + w.strings;
	m->type = type;
	m->storage = store;
	m->args = ap;
	m->env = ep;
	struct walk w2;
	if (walk(body, len, m, &w2, &sp, ap, ep, dp, why) < 0) {
		volt_agent_msg_free(m);
		return -1;
	}
	if (type == VOLT_AGENT_OUTPUT && m->stream != VOLT_AGENT_STDOUT && m->stream != VOLT_AGENT_STDERR) {
		volt_agent_msg_free(m);
		*why = "unknown output stream";
		return -1;
	}
	if (type == VOLT_AGENT_SIGNAL && (m->signo == 0 || m->signo > 64)) {
		volt_agent_msg_free(m);
		*why = "signal number out of range";
		return -1;
	}
	if (type == VOLT_AGENT_RUN && (!m->args[0] || !*m->args[0])) {
		volt_agent_msg_free(m);
		*why = "an empty command";
		return -1;
	}
	return 0;
}

/* Encoding: the fields m's type carries, sized first, then written. */
struct enc {
	uint8_t *p; /* NULL: only count */
	size_t n;
};

static void enc_field(struct enc *e, uint16_t tag, const void *v, size_t len)
{
	if (e->p) {
		put16(e->p + e->n, tag);
		put32(e->p + e->n + 2, (uint32_t)len);
		if (len)
			memcpy(e->p + e->n + 6, v, len);
	}
	e->n += 6 + len;
}

static void enc_u32(struct enc *e, uint16_t tag, uint32_t v)
{
	uint8_t b[4];
	put32(b, v);
	enc_field(e, tag, b, 4);
}

static void enc_u16(struct enc *e, uint16_t tag, uint16_t v)
{
	uint8_t b[2];
	put16(b, v);
	enc_field(e, tag, b, 2);
}

static void enc_str(struct enc *e, uint16_t tag, const char *s)
{
	if (s)
		enc_field(e, tag, s, strlen(s));
}

static void enc_body(struct enc *e, const struct volt_agent_msg *m, uint32_t fields)
{
	if (fields & BIT(T_ID))
		enc_u32(e, T_ID, m->id);
	if (fields & BIT(T_PID))
		enc_u32(e, T_PID, m->pid);
	if (fields & BIT(T_CODE))
		enc_u32(e, T_CODE, (uint32_t)m->code);
	if (fields & BIT(T_STREAM))
		enc_field(e, T_STREAM, &m->stream, 1);
	if ((fields & BIT(T_TTY)) && m->tty)
		enc_field(e, T_TTY, &m->tty, 1);
	if ((fields & BIT(T_UID)) && m->uid)
		enc_u32(e, T_UID, m->uid);
	if ((fields & BIT(T_GID)) && m->gid)
		enc_u32(e, T_GID, m->gid);
	if (fields & BIT(T_SIGNO))
		enc_u32(e, T_SIGNO, m->signo);
	if (fields & BIT(T_ROWS))
		enc_u16(e, T_ROWS, m->rows);
	if (fields & BIT(T_COLS))
		enc_u16(e, T_COLS, m->cols);
	if (fields & BIT(T_VERSION))
		enc_str(e, T_VERSION, m->version);
	if (fields & BIT(T_CWD))
		enc_str(e, T_CWD, m->cwd);
	if (fields & BIT(T_TEXT))
		enc_str(e, T_TEXT, m->text ? m->text : "");
	for (size_t i = 0; (fields & BIT(T_ARG)) && m->args && m->args[i]; i++)
		enc_str(e, T_ARG, m->args[i]);
	for (size_t i = 0; (fields & BIT(T_ENV)) && m->env && m->env[i]; i++)
		enc_str(e, T_ENV, m->env[i]);
	if (fields & BIT(T_DATA))
		enc_field(e, T_DATA, m->data, m->data_len);
}

int volt_agent_encode(const struct volt_agent_msg *m, uint8_t **out, size_t *len, const char **why)
{
	int ti = type_index(m->type);
	if (ti < 0) {
		*why = "unknown message type";
		return -1;
	}
	if (m->data_len > VOLT_AGENT_DATA_MAX) {
		*why = "data over the limit";
		return -1;
	}
	if (m->type == VOLT_AGENT_RUN && (!m->args || !m->args[0])) {
		*why = "RUN without a command";
		return -1;
	}
	if (m->type == VOLT_AGENT_READY && !m->version) {
		*why = "READY without a version";
		return -1;
	}
	uint32_t fields = types[ti].need | types[ti].may;
	struct enc e = {.n = 4 + 4};
	enc_body(&e, m, fields);
	if (e.n - 4 > VOLT_AGENT_FRAME_MAX) {
		*why = "message over the frame limit";
		return -1;
	}
	e.p = malloc(e.n);
	if (!e.p) {
		*why = "out of memory";
		return -1;
	}
	size_t total = e.n;
	put32(e.p, (uint32_t)(total - 4));
	put16(e.p + 4, m->type);
	put16(e.p + 6, 0);
	e.n = 8;
	enc_body(&e, m, fields);
	*out = e.p;
	*len = total;
	return 0;
}

int volt_agent_reader_feed(struct volt_agent_reader *r, const void *data, size_t n)
{
	/* drop what was handed out before */
	if (r->consumed) {
		memmove(r->buf, r->buf + r->consumed, r->len - r->consumed);
		r->len -= r->consumed;
		r->consumed = 0;
	}
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < r->len + n)
			cap *= 2;
		uint8_t *nb = realloc(r->buf, cap);
		if (!nb)
			return -1;
		r->buf = nb;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, data, n);
	r->len += n;
	return 0;
}

int volt_agent_reader_next(struct volt_agent_reader *r, const uint8_t **body, size_t *len, const char **why)
{
	size_t avail = r->len - r->consumed;
	if (avail < 4)
		return 0;
	uint32_t flen = get32(r->buf + r->consumed);
	if (flen < 4 || flen > VOLT_AGENT_FRAME_MAX) {
		*why = "frame size out of bounds";
		return -1;
	}
	if (avail - 4 < flen)
		return 0;
	*body = r->buf + r->consumed + 4;
	*len = flen;
	r->consumed += 4 + (size_t)flen;
	return 1;
}

void volt_agent_reader_free(struct volt_agent_reader *r)
{
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
