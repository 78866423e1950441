/* Pure helpers of store administration: a set of digests, object names, the
 * dedup ratio. No I/O here, so that unit tests and fuzzers can reach them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cas/admin.h"

/* volt_digest_set_init - an empty set (no allocation until the first add). */
void volt_digest_set_init(struct volt_digest_set *s)
{
	memset(s, 0, sizeof(*s));
}

/* volt_digest_set_free - release the set; it is empty and reusable after. */
void volt_digest_set_free(struct volt_digest_set *s)
{
	free(s->keys);
	free(s->vals);
	memset(s, 0, sizeof(*s));
}

/* hash of a hex digest: its first 16 hex digits are already uniform */
static size_t hex_hash(const char *hex)
{
	size_t h = 0;
	for (int i = 0; i < 16 && hex[i]; i++)
		h = h * 16 + (size_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
	return h;
}

/* find_slot - the slot of hex, or the empty slot where it would go (linear probing).
 * The set is never full: grow() keeps it at most half used. */
static size_t find_slot(const struct volt_digest_set *s, const char *hex)
{
	size_t m = s->cap - 1, h = hex_hash(hex) & m;
	while (s->keys[h][0] && memcmp(s->keys[h], hex, 64) != 0)
		h = (h + 1) & m;
	return h;
}

/* grow - double the table (1024 at first) and re-insert. Return: 0, -1 on ENOMEM. */
static int grow(struct volt_digest_set *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024;
	struct volt_digest_set n = {.cap = ncap};
	n.keys = calloc(ncap, sizeof(*n.keys));
	n.vals = calloc(ncap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->keys[i][0])
			continue;
		size_t j = find_slot(&n, s->keys[i]);
		memcpy(n.keys[j], s->keys[i], VOLT_SHA256_HEX);
		n.vals[j] = s->vals[i];
	}
	n.n = s->n;
	free(s->keys);
	free(s->vals);
	*s = n;
	return 0;
}

/* volt_digest_set_add - see admin.h. Grows first so that probing always ends. */
int volt_digest_set_add(struct volt_digest_set *s, const char *hex)
{
	if ((s->n + 1) * 2 > s->cap && grow(s) < 0)
		return -1;
	size_t i = find_slot(s, hex);
	if (s->keys[i][0])
		return 0;
	memcpy(s->keys[i], hex, 64);
	s->keys[i][64] = '\0';
	s->n++;
	return 1;
}

/* volt_digest_set_slot - see admin.h; NULL for an empty set or a short key. */
uint32_t *volt_digest_set_slot(const struct volt_digest_set *s, const char *hex)
{
	if (!s->cap || strlen(hex) < 64)
		return NULL;
	size_t i = find_slot(s, hex);
	return s->keys[i][0] ? &s->vals[i] : NULL;
}

/* volt_digest_set_has - see admin.h. */
bool volt_digest_set_has(const struct volt_digest_set *s, const char *hex)
{
	return volt_digest_set_slot(s, hex) != NULL;
}

/* parse_u32 - decimal (base 10) or octal (base 8) digits up to a '.' or NUL */
static int parse_u32(const char **p, int base, uint32_t *out)
{
	unsigned long long v = 0;
	const char *s = *p;
	if (*s < '0' || *s > (base == 8 ? '7' : '9'))
		return -1;
	while (*s >= '0' && *s <= (base == 8 ? '7' : '9')) {
		v = v * (unsigned)base + (unsigned)(*s - '0');
		if (v > 0xffffffffULL)
			return -1;
		s++;
	}
	*out = (uint32_t)v;
	*p = s;
	return 0;
}

/* volt_cas_parse_object_name - see admin.h. Strict: the mode must be octal
 * and <= 07777, ids decimal and < 2^32, nothing after the gid; so gc never
 * mistakes a foreign file for an object. */
int volt_cas_parse_object_name(const char *name, char digest[VOLT_SHA256_HEX], uint32_t *mode, uint32_t *uid,
			       uint32_t *gid, struct volt_cas_vtime *vt)
{
	char d[VOLT_SHA256_HEX];
	const char *p;
	struct volt_cas_vtime t = {0};

	if (strlen(name) < 64)
		return -1;
	memcpy(d, name, 64);
	d[64] = '\0';
	if (!volt_sha256_is_hex(d))
		return -1;
	memcpy(digest, d, VOLT_SHA256_HEX);
	p = name + 64;
	if (!*p)
		return 0;
	if (*p++ != '.' || parse_u32(&p, 8, mode) < 0 || *mode > 07777 || *p++ != '.' || parse_u32(&p, 10, uid) < 0 ||
	    *p++ != '.' || parse_u32(&p, 10, gid) < 0)
		return -1;
	if (*p) { /* .<seconds, maybe negative>.<nanoseconds> */
		unsigned long long sec = 0;
		uint32_t ns;
		bool neg = false;
		if (*p++ != '.')
			return -1;
		if (*p == '-') {
			neg = true;
			p++;
		}
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			sec = sec * 10 + (unsigned)(*p - '0');
			if (sec > (unsigned long long)INT64_MAX)
				return -1;
		}
		if (*p++ != '.' || parse_u32(&p, 10, &ns) < 0 || *p || ns > 999999999 || (neg && sec == 0))
			return -1;
		t.set = true;
		t.sec = neg ? -(int64_t)sec : (int64_t)sec;
		t.nsec = ns;
	}
	if (vt)
		*vt = t;
	return 1;
}

/* volt_cas_ratio_format - see admin.h. */
void volt_cas_ratio_format(int64_t logical, int64_t stored, char *buf, size_t len)
{
	if (stored <= 0) {
		snprintf(buf, len, "-");
		return;
	}
	snprintf(buf, len, "%.2fx", (double)logical / (double)stored);
}
