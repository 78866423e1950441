/* Streaming SHA-256 (libcrypto EVP) with hex output. */
#ifndef VOLT_CAS_SHA256_H
#define VOLT_CAS_SHA256_H

#include <stddef.h>

#define VOLT_SHA256_HEX 65 /* 64 hex digits + NUL */

struct volt_sha256 {
	void *ctx; /* EVP_MD_CTX */
};

int volt_sha256_init(struct volt_sha256 *h);
void volt_sha256_update(struct volt_sha256 *h, const void *data, size_t len);
/* volt_sha256_final - write 64 lowercase hex digits + NUL to hex; frees the ctx. */
void volt_sha256_final(struct volt_sha256 *h, char hex[VOLT_SHA256_HEX]);
void volt_sha256_abort(struct volt_sha256 *h);
/* volt_sha256_buf - one-shot digest of a buffer. */
void volt_sha256_buf(const void *data, size_t len, char hex[VOLT_SHA256_HEX]);
/* volt_sha256_is_hex - 64 lowercase hex digits exactly. Inline: callers on
 * the container start path must not pull libcrypto into volt. */
static inline int volt_sha256_is_hex(const char *s)
{
	int i;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == 64;
}

#endif
