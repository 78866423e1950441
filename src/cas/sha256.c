#include "cas/sha256.h"

#include <openssl/evp.h>
#include <string.h>

int volt_sha256_init(struct volt_sha256 *h)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		h->ctx = NULL;
		return -1;
	}
	h->ctx = c;
	return 0;
}

void volt_sha256_update(struct volt_sha256 *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
}

void volt_sha256_final(struct volt_sha256 *h, char hex[VOLT_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int n = 0;

	EVP_DigestFinal_ex(h->ctx, md, &n);
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

void volt_sha256_abort(struct volt_sha256 *h)
{
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
}

void volt_sha256_buf(const void *data, size_t len, char hex[VOLT_SHA256_HEX])
{
	struct volt_sha256 h;
	if (volt_sha256_init(&h) < 0) {
		memset(hex, '0', 64);
		hex[64] = '\0';
		return;
	}
	volt_sha256_update(&h, data, len);
	volt_sha256_final(&h, hex);
}
