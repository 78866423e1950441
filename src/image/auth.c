/* Registry credentials (podman/docker auth.json files) and volt's
 * registries.conf. See auth.h for the files and their formats. */
#include "image/auth.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "image/registry.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* home_path - $HOME/rel (malloc'd) or NULL without a HOME. */
static char *home_path(const char *rel)
{
	const char *h = getenv("HOME");
	return h && h[0] ? volt_path("%s/%s", h, rel) : NULL;
}

char *volt_auth_file(void)
{
	const char *f = getenv("REGISTRY_AUTH_FILE");
	const char *rt = getenv("XDG_RUNTIME_DIR");
	if (f && f[0])
		return strdup(f);
	const char *cfg = getenv("XDG_CONFIG_HOME");
	if (rt && rt[0])
		return volt_path("%s/containers/auth.json", rt);
	/* no runtime directory (su sessions, cron): the persistent file podman
	 * also reads */
	if (cfg && cfg[0])
		return volt_path("%s/containers/auth.json", cfg);
	return home_path(".config/containers/auth.json");
}

/* decode_auth - base64 "user:pass" into its halves. */
static int decode_auth(const char *b64, char **user, char **pass)
{
	size_t n = strlen(b64);
	cleanup_free unsigned char *out = malloc(n + 4);
	int len;
	char *colon;

	if (!out || n == 0)
		return -1;
	len = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
	if (len < 0)
		return -1;
	/* EVP_DecodeBlock counts '=' padding as zero bytes */
	while (n > 0 && b64[n - 1] == '=' && len > 0) {
		n--;
		len--;
	}
	out[len] = '\0';
	colon = strchr((char *)out, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	*user = strdup((char *)out);
	*pass = strdup(colon + 1);
	return *user && *pass ? 0 : -1;
}

/* find_entry - the auths entry of domain, with docker.io's legacy keys. */
static json_t *find_entry(json_t *auths, const char *domain)
{
	json_t *e = json_object_get(auths, domain);
	if (e || strcmp(domain, "docker.io"))
		return e;
	static const char *const aliases[] = {"https://index.docker.io/v1/", "index.docker.io", "registry-1.docker.io",
					      "https://registry-1.docker.io"};
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if ((e = json_object_get(auths, aliases[i])))
			return e;
	return NULL;
}

/* lookup_file - 1 found, 0 not there, -1 malformed */
static int lookup_file(const char *path, const char *domain, char **user, char **pass, struct volt_err *err)
{
	json_error_t jerr;
	json_t *root, *e;
	const char *a;
	int ret = 0;

	if (!path || access(path, R_OK) < 0)
		return 0;
	root = json_load_file(path, 0, &jerr);
	if (!root)
		return volt_err_set(err, EINVAL, "credentials file %s: line %d: %s", path, jerr.line, jerr.text);
	e = find_entry(json_object_get(root, "auths"), domain);
	a = json_string_value(json_object_get(e, "auth"));
	if (a && a[0]) {
		if (decode_auth(a, user, pass) < 0)
			ret = volt_err_set(err, EINVAL, "credentials file %s: entry %s: bad \"auth\"", path, domain);
		else
			ret = 1;
	}
	json_decref(root);
	return ret;
}

int volt_auth_lookup(const char *domain, char **user, char **pass, struct volt_err *err)
{
	const char *cfg = getenv("XDG_CONFIG_HOME");
	cleanup_free char *f1 = volt_auth_file();
	cleanup_free char *f2 =
		cfg && cfg[0] ? volt_path("%s/containers/auth.json", cfg) : home_path(".config/containers/auth.json");
	cleanup_free char *f3 = home_path(".docker/config.json");
	const char *files[] = {f1, f2, f3};
	const char *dc = getenv("DOCKER_CONFIG");
	cleanup_free char *f4 = dc && dc[0] ? volt_path("%s/config.json", dc) : NULL;
	int r;

	*user = *pass = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if ((r = lookup_file(files[i], domain, user, pass, err)) != 0)
			return r;
	return lookup_file(f4, domain, user, pass, err);
}

int volt_auth_store(const char *domain, const char *user, const char *pass, struct volt_err *err)
{
	cleanup_free char *path = volt_auth_file();
	cleanup_free char *dir = path ? strdup(path) : NULL;
	json_error_t jerr;
	json_auto_t *root = NULL;
	json_t *auths;

	if (!path || !dir)
		return volt_err_set(err, ENOENT,
				    "no place for credentials: set XDG_RUNTIME_DIR, HOME or REGISTRY_AUTH_FILE");
	if (access(path, F_OK) == 0) {
		root = json_load_file(path, 0, &jerr);
		if (!root)
			return volt_err_set(err, EINVAL, "credentials file %s: line %d: %s", path, jerr.line,
					    jerr.text);
	} else {
		root = json_object();
	}
	auths = json_object_get(root, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(root, "auths", auths);
	}
	if (!user) {
		if (json_object_del(auths, domain) < 0)
			return 1;
	} else {
		cleanup_free char *up = volt_path("%s:%s", user, pass);
		size_t n = strlen(up);
		cleanup_free char *b64 = malloc(4 * ((n + 2) / 3) + 1);
		EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)up, (int)n);
		json_object_set_new(auths, domain, json_pack("{s:s}", "auth", b64));
	}
	*strrchr(dir, '/') = '\0';
	if (dir[0] && volt_mkdir_p(dir, 0700, err) < 0)
		return -1;
	cleanup_free char *s = json_dumps(root, JSON_INDENT(1));
	return volt_write_file_atomic(path, s, strlen(s), 0600, err);
}

void volt_registry_conf_parse(const char *text, const char *domain, struct volt_registry_conf *c)
{
	size_t dlen = strlen(domain);
	memset(c, 0, sizeof(*c));
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		const char *hash = memchr(line, '#', n);
		if (hash)
			n = (size_t)(hash - line);
		size_t i = 0;
		while (i < n && (line[i] == ' ' || line[i] == '\t'))
			i++;
		size_t h = i;
		while (i < n && line[i] != ' ' && line[i] != '\t')
			i++;
		if (i - h == dlen && !strncmp(line + h, domain, dlen)) {
			while (i < n) {
				while (i < n && (line[i] == ' ' || line[i] == '\t'))
					i++;
				size_t o = i;
				while (i < n && line[i] != ' ' && line[i] != '\t')
					i++;
				if (i - o == 4 && !strncmp(line + o, "http", 4))
					c->plain_http = true;
				else if (i - o == 16 && !strncmp(line + o, "tls-verify=false", 16))
					c->no_tls_verify = true;
			}
		}
		line = end ? end + 1 : NULL;
	}
}

int volt_registry_conf_get(const char *domain, struct volt_registry_conf *c, struct volt_err *err)
{
	const char *env = getenv("VOLT_REGISTRIES_CONF");
	const char *cfg = getenv("XDG_CONFIG_HOME");
	cleanup_free char *path = env && env[0] ? strdup(env) :
				  cfg && cfg[0] ? volt_path("%s/volt/registries.conf", cfg) :
						  home_path(".config/volt/registries.conf");
	cleanup_free char *text = NULL;

	memset(c, 0, sizeof(*c));
	if (!path || access(path, F_OK) < 0)
		return 0;
	if (volt_read_file(path, 1 << 20, &text, NULL, err) < 0)
		return -1;
	volt_registry_conf_parse(text, domain, c);
	return 0;
}

/* volt_www_auth_param (registry.h): a WWW-Authenticate challenge is what
 * the registry asks for credentials with; read here, beside them */
char *volt_www_auth_param(const char *header, const char *param)
{
	size_t plen = strlen(param);
	const char *p = header;
	if (!header)
		return NULL;
	/* skip the scheme */
	while (*p && *p != ' ')
		p++;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		const char *k = p;
		while (*p && *p != '=' && *p != ',')
			p++;
		size_t klen = (size_t)(p - k);
		if (*p != '=')
			continue;
		p++;
		const char *v;
		size_t vlen;
		if (*p == '"') {
			v = ++p;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				p++;
			}
			vlen = (size_t)(p - v);
			if (*p)
				p++;
		} else {
			v = p;
			while (*p && *p != ',')
				p++;
			vlen = (size_t)(p - v);
		}
		if (klen == plen && !strncasecmp(k, param, plen))
			return strndup(v, vlen);
	}
	return NULL;
}
