/* Registry credentials and per-registry settings.
 *
 * Credentials live where podman keeps them: $REGISTRY_AUTH_FILE, else
 * ${XDG_RUNTIME_DIR}/containers/auth.json (without XDG_RUNTIME_DIR:
 * ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json) ({"auths":{"HOST":{"auth":
 * base64("user:pass")}}}). Lookups also read $XDG_CONFIG_HOME/containers/auth.json
 * and docker's ~/.docker/config.json (same shape; docker.io may be keyed as
 * "https://index.docker.io/v1/").
 *
 * Settings: ${VOLT_REGISTRIES_CONF:-$XDG_CONFIG_HOME/volt/registries.conf},
 * one registry a line: "HOST[:PORT] OPTION..." with options `http` (plain
 * HTTP) and `tls-verify=false`; '#' starts a comment. Loopback registries
 * need no line: volt falls back to plain HTTP for them, as docker does. */
#ifndef VOLT_IMAGE_AUTH_H
#define VOLT_IMAGE_AUTH_H

#include <stdbool.h>

#include "util/err.h"

/* volt_auth_lookup - find user and password for registry domain. Return 1
 * and malloc'd strings when found, 0 when not, -1 on a malformed file. */
int volt_auth_lookup(const char *domain, char **user, char **pass, struct volt_err *err);

/* volt_auth_store - save (or with user == NULL, remove) the credentials of
 * domain in the podman auth file. Return 0, 1 for "nothing to remove", -1. */
int volt_auth_store(const char *domain, const char *user, const char *pass, struct volt_err *err);

/* volt_auth_file - the path volt_auth_store writes (malloc'd). */
char *volt_auth_file(void);

struct volt_registry_conf {
	bool plain_http;
	bool no_tls_verify;
};

/* volt_registry_conf_get - the settings for domain (zeroes when none). */
int volt_registry_conf_get(const char *domain, struct volt_registry_conf *c, struct volt_err *err);

/* volt_registry_conf_parse - the same over a buffer (unit tests). */
void volt_registry_conf_parse(const char *text, const char *domain, struct volt_registry_conf *c);

#endif
