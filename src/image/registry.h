/* OCI distribution-spec v2 client over libcurl: manifests, blobs (streamed,
 * resumed with HTTP Range after a dropped connection), blob upload, and the
 * auth dance (anonymous, Bearer token from the WWW-Authenticate realm, HTTP
 * basic). One volt_registry per repository; blob fetches may run in several
 * threads at once (each uses its own curl handle; the auth header is shared
 * under a mutex). */
#ifndef VOLT_IMAGE_REGISTRY_H
#define VOLT_IMAGE_REGISTRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/err.h"

struct volt_registry {
	char *domain; /* as in the reference: "127.0.0.1:5000" */
	char *repo;   /* "library/busybox" */
	char *base;   /* "https://host" or "http://host" */
	bool tls_verify;
	bool http_fallback; /* may switch base to http:// once, on a TLS handshake failure */
	bool push;	    /* ask for pull,push scope */
	char *user, *pass;
	char *ca_file;	   /* certs.d/<domain>/ca.crt when there is one */
	char *auth_header; /* "Authorization: ..." or NULL */
	pthread_mutex_t lock;
};

struct volt_registry_opts {
	int tls_verify; /* -1 = default (verify; config may say otherwise), 0 = off, 1 = on */
	bool push;
	const char *user, *pass; /* override stored credentials (login) */
};

/* volt_registry_cancel - async-signal-safe: every transfer in progress
 * stops within about a second and fails with EINTR; none starts again. */
void volt_registry_cancel(void);
bool volt_registry_cancelled(void);

int volt_registry_open(struct volt_registry *reg, const char *domain, const char *repo,
		       const struct volt_registry_opts *opts, struct volt_err *err);
void volt_registry_close(struct volt_registry *reg);

/* volt_registry_ping - GET /v2/ with auth: checks credentials (login). */
int volt_registry_ping(struct volt_registry *reg, struct volt_err *err);

/* volt_registry_get_manifest - fetch manifest or index `reference` (tag or
 * digest). *body (malloc'd, NUL-terminated), *len, *media_type (malloc'd) and
 * digest (sha256 of the body, "sha256:..."; checked against reference when it
 * is a digest). */
int volt_registry_get_manifest(struct volt_registry *reg, const char *reference, char **body, size_t *len,
			       char **media_type, char digest[80], struct volt_err *err);

/* volt_registry_get_blob_mem - a small blob (config) into memory, digest-checked. */
int volt_registry_get_blob_mem(struct volt_registry *reg, const char *digest, size_t max, char **body, size_t *len,
			       struct volt_err *err);

/* The sink of a streamed blob: return 0 to go on, -1 to stop. */
typedef int (*volt_blob_sink)(void *arg, const void *buf, size_t len);

/* volt_registry_fetch_blob - stream blob digest from byte `from` on (the
 * caller has the bytes before it: Range: bytes=from-) into sink. A dropped
 * connection is resumed (Range: bytes=N-) up to 5 times; a server that
 * ignores Range (answers 200) has its first N bytes skipped and sets
 * *range_ignored (may be NULL). *done (may be NULL) counts bytes delivered
 * (read by the progress display). The caller checks the digest (layer.c
 * hashes while it unpacks). */
int volt_registry_fetch_blob(struct volt_registry *reg, const char *digest, int64_t from, volt_blob_sink sink,
			     void *arg, volatile int64_t *done, bool *range_ignored, struct volt_err *err);

/* volt_registry_blob_exists - HEAD: 1 present, 0 absent, -1 error. */
int volt_registry_blob_exists(struct volt_registry *reg, const char *digest, struct volt_err *err);

/* volt_registry_upload_blob - POST an upload session, PUT the whole of fd
 * (size bytes from offset 0) with ?digest=. */
int volt_registry_upload_blob(struct volt_registry *reg, const char *digest, int fd, int64_t size,
			      struct volt_err *err);

/* volt_registry_put_manifest - PUT body as reference with its media type. */
int volt_registry_put_manifest(struct volt_registry *reg, const char *reference, const char *body, size_t len,
			       const char *media_type, struct volt_err *err);

/* volt_www_auth_param - value of param (realm, service, scope) in a
 * WWW-Authenticate header value; malloc'd or NULL. Pure, for unit tests. */
char *volt_www_auth_param(const char *header, const char *param);

#endif
