/* Image references as docker spells them: [DOMAIN/]PATH[:TAG][@DIGEST].
 *
 *   busybox                    -> docker.io/library/busybox:latest
 *   me/app:1                   -> docker.io/me/app:1
 *   127.0.0.1:5000/app         -> 127.0.0.1:5000/app:latest
 *   quay.io/a/b@sha256:<64hex> -> digest reference (a tag, if given too, is kept
 *                                 for naming but the digest decides)
 *
 * The first component is a domain when it holds a '.' or a ':' or is
 * "localhost" (docker's rule); "index.docker.io" is docker.io. */
#ifndef VOLT_IMAGE_REFERENCE_H
#define VOLT_IMAGE_REFERENCE_H

#include <stdbool.h>

#include "util/err.h"

struct volt_ref {
	char *domain; /* "docker.io", "127.0.0.1:5000" */
	char *path;   /* "library/busybox" */
	char *tag;    /* "latest" when neither tag nor digest was given; NULL with a digest only */
	char *digest; /* "sha256:<64 hex>" or NULL */
};

/* volt_ref_parse - parse and normalise s into r (fields malloc'd; free with
 * volt_ref_free). Return 0, or -1 with err naming what is wrong. */
int volt_ref_parse(const char *s, struct volt_ref *r, struct volt_err *err);
void volt_ref_free(struct volt_ref *r);

/* volt_ref_string - "domain/path:tag", "domain/path@digest" or both (malloc'd). */
char *volt_ref_string(const struct volt_ref *r);

/* volt_ref_repo - "domain/path" (malloc'd): the name images are stored under. */
char *volt_ref_repo(const struct volt_ref *r);

/* volt_ref_api_host - the host[:port] that serves the v2 API for domain
 * (docker.io is served by registry-1.docker.io). */
const char *volt_ref_api_host(const char *domain);

/* volt_ref_is_loopback - domain names this machine (localhost, 127.x, [::1]):
 * such registries may speak plain HTTP without configuration, as with docker. */
bool volt_ref_is_loopback(const char *domain);

#endif
