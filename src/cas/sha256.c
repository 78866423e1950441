/* SHA-256 through libcrypto's EVP interface, loaded when first used.
 *
 * Why dlopen: the container start path (volt, volt-shim) hashes only on a
 * cache miss (a new seccomp profile), yet linking libcrypto costs ~1 ms of
 * relocation at every start. The library is the same one volt-image links
 * (pkg-config libcrypto); only the moment it is loaded differs. */
#include "cas/sha256.h"

#include <dlfcn.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	int tried;
	EVP_MD_CTX *(*ctx_new)(void);
	void (*ctx_free)(EVP_MD_CTX *);
	const EVP_MD *(*sha256)(void);
	int (*init)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);
	int (*update)(EVP_MD_CTX *, const void *, size_t);
	int (*final)(EVP_MD_CTX *, unsigned char *, unsigned int *);
} evp;

/* load - resolve the EVP calls; 0 when libcrypto is there */
static int load(void)
{
	if (!evp.tried) {
		evp.tried = 1;
		void *lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
		if (!lib)
			return -1;
		evp.ctx_new = (EVP_MD_CTX * (*)(void)) dlsym(lib, "EVP_MD_CTX_new");
		evp.ctx_free = (void (*)(EVP_MD_CTX *))dlsym(lib, "EVP_MD_CTX_free");
		evp.sha256 = (const EVP_MD *(*)(void))dlsym(lib, "EVP_sha256");
		evp.init = (int (*)(EVP_MD_CTX *, const EVP_MD *, ENGINE *))dlsym(lib, "EVP_DigestInit_ex");
		evp.update = (int (*)(EVP_MD_CTX *, const void *, size_t))dlsym(lib, "EVP_DigestUpdate");
		evp.final = (int (*)(EVP_MD_CTX *, unsigned char *, unsigned int *))dlsym(lib, "EVP_DigestFinal_ex");
	}
	return evp.ctx_new && evp.ctx_free && evp.sha256 && evp.init && evp.update && evp.final ? 0 : -1;
}

int volt_sha256_init(struct volt_sha256 *h)
{
	EVP_MD_CTX *c;
	h->ctx = NULL;
	if (load() < 0 || !(c = evp.ctx_new()))
		return -1;
	if (evp.init(c, evp.sha256(), NULL) != 1) {
		evp.ctx_free(c);
		return -1;
	}
	h->ctx = c;
	return 0;
}

void volt_sha256_update(struct volt_sha256 *h, const void *data, size_t len)
{
	evp.update(h->ctx, data, len);
}

void volt_sha256_final(struct volt_sha256 *h, char hex[VOLT_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int n = 0;

	evp.final(h->ctx, md, &n);
	evp.ctx_free(h->ctx);
	h->ctx = NULL;
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
}

void volt_sha256_abort(struct volt_sha256 *h)
{
	if (h->ctx)
		evp.ctx_free(h->ctx);
	h->ctx = NULL;
}

void volt_sha256_buf(const void *data, size_t len, char hex[VOLT_SHA256_HEX])
{
	struct volt_sha256 h;
	if (volt_sha256_init(&h) < 0) {
		/* no silent fallback: an id of zeros would be a lie. libcrypto is a
		 * dependency of the package; without it nothing can be verified */
		fputs("volt: cannot load libcrypto.so.3 for SHA-256\n", stderr);
		abort();
	}
	volt_sha256_update(&h, data, len);
	volt_sha256_final(&h, hex);
}
