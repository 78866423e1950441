/* OCI distribution-spec v2 client over libcurl.
 *
 * Theory of operation: every request goes through do_request(), which sends
 * the current Authorization header (if any) and, on a 401, reads the
 * WWW-Authenticate challenge: "Bearer realm=,service=,scope=" makes it fetch a
 * token from the realm (with the stored credentials as HTTP basic when there
 * are some), "Basic" makes it send the credentials; then it retries once.
 * The scheme is https unless registries.conf says `http`; for loopback
 * registries and with --tls-verify=false a failed TLS handshake switches to
 * plain http once (docker's "insecure registry" rule); on loopback a
 * credential-less plain-http probe of /v2/ picks http up front (probe_plain). Blob downloads stream
 * through a sink callback and resume with a Range request when the
 * connection drops. */
#include "image/registry.h"

#include <ctype.h>
#include <stddef.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cas/sha256.h"
#include "image/auth.h"
#include "image/reference.h"
#include "util/cleanup.h"
#include "util/fs.h"

#define MANIFEST_MAX (4 << 20)
#define RETRIES 5

static const char *const manifest_accept = "Accept: application/vnd.oci.image.index.v1+json, "
					   "application/vnd.docker.distribution.manifest.list.v2+json, "
					   "application/vnd.oci.image.manifest.v1+json, "
					   "application/vnd.docker.distribution.manifest.v2+json";

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
/* curl_init_once - libcurl global state, once per process (threads share it). */
static void curl_init_once(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* One request: what to send and what came back. */
struct req {
	const char *method;
	char *url; /* absolute */
	const char *extra_hdr[4];
	/* upload: a buffer or an fd */
	const char *up_buf;
	size_t up_len, up_off;
	int up_fd;
	int64_t up_size;
	/* download: a sink or a growing buffer */
	volt_blob_sink sink;
	void *sink_arg;
	int64_t skip; /* bytes of a 200 answer to drop (resume without Range) */
	char *body;
	size_t body_len, body_max;
	bool sink_failed;
	/* answer */
	long status;
	char *www_auth, *ctype, *location, *dcd;
	int64_t delivered;
	volatile int64_t *done;
};

/* req_reset_answer - forget the previous answer before a retry. */
static void req_reset_answer(struct req *r)
{
	free(r->www_auth);
	free(r->ctype);
	free(r->location);
	free(r->dcd);
	free(r->body);
	r->www_auth = r->ctype = r->location = r->dcd = r->body = NULL;
	r->body_len = 0;
	r->status = 0;
	r->sink_failed = false;
}

/* req_free - release a request and its answer. */
static void req_free(struct req *r)
{
	req_reset_answer(r);
	free(r->url);
}

/* dup_trim - a header value without surrounding blanks and CRLF (malloc'd). */
static char *dup_trim(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == '\r' || s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	return strndup(s, n);
}

/* on_header - curl header callback: the status of each status line and the
 * headers volt needs. Return: bytes consumed (all). */
static size_t on_header(char *buf, size_t size, size_t nitems, void *arg)
{
	struct req *r = arg;
	size_t n = size * nitems;
	static const struct {
		const char *name;
		size_t off;
	} want[] = {
		{"www-authenticate:", offsetof(struct req, www_auth)},
		{"content-type:", offsetof(struct req, ctype)},
		{"location:", offsetof(struct req, location)},
		{"docker-content-digest:", offsetof(struct req, dcd)},
	};
	/* a new status line (redirect, 100-continue) starts a new header block */
	if (n > 5 && !strncmp(buf, "HTTP/", 5)) {
		const char *sp = memchr(buf, ' ', n);
		free(r->www_auth);
		free(r->ctype);
		r->www_auth = r->ctype = NULL;
		r->status = sp ? strtol(sp + 1, NULL, 10) : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		size_t k = strlen(want[i].name);
		if (n > k && !strncasecmp(buf, want[i].name, k)) {
			char **slot = (char **)((char *)r + want[i].off);
			free(*slot);
			*slot = dup_trim(buf + k, n - k);
		}
	}
	return n;
}

/* on_body - curl body callback: a 2xx blob goes to the sink (minus r->skip
 * after a resume answered 200), anything else into a bounded buffer (error
 * bodies, manifests). Return: bytes consumed; 0 stops the transfer. */
static size_t on_body(char *buf, size_t size, size_t nitems, void *arg)
{
	struct req *r = arg;
	size_t n = size * nitems;
	if (r->sink && r->status >= 200 && r->status < 300) {
		const char *p = buf;
		size_t m = n;
		/* a resumed request answered 200 (Range ignored): drop what we have */
		if (r->skip > 0 && r->status == 200) {
			size_t s = (int64_t)m < r->skip ? m : (size_t)r->skip;
			r->skip -= (int64_t)s;
			p += s;
			m -= s;
		}
		if (m && r->sink(r->sink_arg, p, m) < 0) {
			r->sink_failed = true;
			return 0;
		}
		r->delivered += (int64_t)m;
		if (r->done)
			__atomic_add_fetch(r->done, (int64_t)m, __ATOMIC_RELAXED);
		return n;
	}
	/* error bodies and small answers are kept (bounded) */
	if (r->body_len + n > r->body_max)
		return r->sink ? n : 0;
	char *nb = realloc(r->body, r->body_len + n + 1);
	if (!nb)
		return 0;
	r->body = nb;
	memcpy(r->body + r->body_len, buf, n);
	r->body_len += n;
	r->body[r->body_len] = '\0';
	return n;
}

/* on_read - curl upload callback from a buffer or (pread) an fd. */
static size_t on_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct req *r = arg;
	size_t n = size * nitems;
	if (r->up_buf) {
		size_t left = r->up_len - r->up_off;
		if (n > left)
			n = left;
		memcpy(buf, r->up_buf + r->up_off, n);
		r->up_off += n;
		return n;
	}
	ssize_t k = pread(r->up_fd, buf, n, (off_t)r->up_off);
	if (k < 0)
		return CURL_READFUNC_ABORT;
	r->up_off += (size_t)k;
	if (r->done)
		__atomic_add_fetch(r->done, (int64_t)k, __ATOMIC_RELAXED);
	return (size_t)k;
}

/* set by volt_registry_cancel (a signal handler): every transfer stops */
static volatile sig_atomic_t cancelled;

void volt_registry_cancel(void)
{
	cancelled = 1;
}

bool volt_registry_cancelled(void)
{
	return cancelled != 0;
}

/* on_progress - curl calls it about once a second even on a stalled
 * connection: the way a Ctrl-C reaches a transfer in another thread */
static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	(void)arg, (void)dt, (void)dn, (void)ut, (void)un;
	return cancelled ? 1 : 0;
}

/* perform - one HTTP exchange. Return the CURLcode. */
static CURLcode perform(struct volt_registry *reg, struct req *r, const char *range, char *errbuf)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	CURLcode rc;

	errbuf[0] = '\0'; /* callers read it on every failure, this one too */
	if (!h)
		return CURLE_OUT_OF_MEMORY;
	pthread_mutex_lock(&reg->lock);
	if (reg->auth_header)
		hdrs = curl_slist_append(hdrs, reg->auth_header);
	pthread_mutex_unlock(&reg->lock);
	for (size_t i = 0; i < ARRAY_SIZE(r->extra_hdr) && r->extra_hdr[i]; i++)
		hdrs = curl_slist_append(hdrs, r->extra_hdr[i]);
	if (range)
		hdrs = curl_slist_append(hdrs, range);
	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "volt/" VOLT_VERSION);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, strcmp(r->method, "GET") ? 0L : 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	/* a stalled connection (no byte for 30 s) counts as dropped */
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, reg->tls_verify ? 1L : 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, reg->tls_verify ? 2L : 0L);
	if (reg->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, reg->ca_file);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 256L * 1024);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	errbuf[0] = '\0';
	if (!strcmp(r->method, "HEAD")) {
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	} else if (!strcmp(r->method, "PUT") || (!strcmp(r->method, "POST") && (r->up_buf || r->up_fd >= 0))) {
		r->up_off = 0;
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(h, CURLOPT_READDATA, r);
		curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE,
				 (curl_off_t)(r->up_buf	    ? (int64_t)r->up_len :
					      r->up_fd >= 0 ? r->up_size :
							      0));
		if (strcmp(r->method, "PUT"))
			curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
	} else if (!strcmp(r->method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	}
	/* on_header records the status from each status line, so that on_body
	 * knows before the first byte whether it is a blob or an error body */
	r->status = 0;
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdrs);
	return rc;
}

/* url_escape - percent-encode a query value (malloc'd). */
static char *url_escape(const char *s)
{
	CURL *h = curl_easy_init();
	char *e = h ? curl_easy_escape(h, s, 0) : NULL;
	char *out = e ? strdup(e) : NULL;
	curl_free(e);
	curl_easy_cleanup(h);
	return out;
}

/* basic_header - "Authorization: Basic base64(user:pass)" (malloc'd). */
static char *basic_header(const char *user, const char *pass)
{
	cleanup_free char *up = volt_path("%s:%s", user, pass);
	size_t n = strlen(up);
	cleanup_free char *b64 = malloc(4 * ((n + 2) / 3) + 1);
	if (!b64)
		return NULL;
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)up, (int)n);
	return volt_path("Authorization: Basic %s", b64);
}

/* set_auth - replace the shared Authorization header (takes hdr). */
static void set_auth(struct volt_registry *reg, char *hdr)
{
	pthread_mutex_lock(&reg->lock);
	free(reg->auth_header);
	reg->auth_header = hdr;
	pthread_mutex_unlock(&reg->lock);
}

/* authenticate - answer a 401 challenge; 0 when a retry makes sense. */
static int authenticate(struct volt_registry *reg, const char *challenge, struct volt_err *err)
{
	if (!challenge)
		return volt_err_set(err, EACCES, "registry %s: unauthorized (no WWW-Authenticate challenge)",
				    reg->domain);
	if (!strncasecmp(challenge, "Basic", 5)) {
		if (!reg->user)
			return volt_err_set(err, EACCES, "registry %s: authentication required (run `volt login %s`)",
					    reg->domain, reg->domain);
		set_auth(reg, basic_header(reg->user, reg->pass));
		return 0;
	}
	if (strncasecmp(challenge, "Bearer", 6))
		return volt_err_set(err, EACCES, "registry %s: unsupported auth challenge \"%.60s\"", reg->domain,
				    challenge);
	cleanup_free char *realm = volt_www_auth_param(challenge, "realm");
	cleanup_free char *service = volt_www_auth_param(challenge, "service");
	cleanup_free char *scope = volt_www_auth_param(challenge, "scope");
	if (!realm || strncmp(realm, "http", 4))
		return volt_err_set(err, EACCES, "registry %s: Bearer challenge without a usable realm", reg->domain);
	if (!scope)
		scope = volt_path("repository:%s:%s", reg->repo, reg->push ? "pull,push" : "pull");
	cleanup_free char *es = service ? url_escape(service) : NULL;
	cleanup_free char *esc = url_escape(scope);
	struct req r = {.method = "GET", .up_fd = -1, .body_max = 1 << 20};
	char errbuf[CURL_ERROR_SIZE];
	r.url = volt_path("%s%sscope=%s%s%s", realm, strchr(realm, '?') ? "&" : "?", esc, es ? "&service=" : "",
			  es ? es : "");
	/* the token request carries the credentials, never the old token */
	struct volt_registry treg = {.domain = reg->domain, .tls_verify = reg->tls_verify, .ca_file = reg->ca_file};
	pthread_mutex_init(&treg.lock, NULL);
	if (reg->user)
		treg.auth_header = basic_header(reg->user, reg->pass);
	CURLcode rc = perform(&treg, &r, NULL, errbuf);
	free(treg.auth_header);
	pthread_mutex_destroy(&treg.lock);
	if (rc != CURLE_OK) {
		volt_err_set(err, EIO, "registry %s: token server %s: %s", reg->domain, realm,
			     errbuf[0] ? errbuf : curl_easy_strerror(rc));
		req_free(&r);
		return -1;
	}
	if (r.status != 200) {
		volt_err_set(err, EACCES, "registry %s: token server %s: HTTP %ld%s", reg->domain, realm, r.status,
			     r.status == 401 ? " (bad credentials?)" : "");
		req_free(&r);
		return -1;
	}
	json_t *j = json_loadb(r.body ? r.body : "", r.body_len, 0, NULL);
	const char *tok = json_string_value(json_object_get(j, "token"));
	if (!tok)
		tok = json_string_value(json_object_get(j, "access_token"));
	if (!tok || !tok[0] || strpbrk(tok, "\r\n")) {
		json_decref(j);
		req_free(&r);
		return volt_err_set(err, EACCES, "registry %s: token server %s: no token in the answer", reg->domain,
				    realm);
	}
	set_auth(reg, volt_path("Authorization: Bearer %s", tok));
	json_decref(j);
	req_free(&r);
	return 0;
}

/* error_detail - "MANIFEST_UNKNOWN: manifest unknown" from a v2 error body */
static void error_detail(const struct req *r, char *buf, size_t len)
{
	json_t *j = r->body ? json_loadb(r->body, r->body_len, 0, NULL) : NULL;
	json_t *e0 = json_array_get(json_object_get(j, "errors"), 0);
	const char *code = json_string_value(json_object_get(e0, "code"));
	const char *msg = json_string_value(json_object_get(e0, "message"));
	if (code || msg)
		snprintf(buf, len, "%s", msg ? msg : code);
	else
		snprintf(buf, len, "HTTP %ld", r->status);
	json_decref(j);
}

/* do_request - perform r against reg with auth and scheme fallback.
 * Return 0 with r->status set (any HTTP status), -1 on a transport failure. */
static int do_request(struct volt_registry *reg, struct req *r, const char *range, CURLcode *rc_out,
		      struct volt_err *err)
{
	char errbuf[CURL_ERROR_SIZE];
	bool authed = false;

	for (int round = 0; round < 4; round++) {
		req_reset_answer(r);
		CURLcode rc = perform(reg, r, range, errbuf);
		if (rc_out)
			*rc_out = rc;
		if (rc == CURLE_SSL_CONNECT_ERROR && reg->http_fallback && !strncmp(r->url, "https://", 8)) {
			/* a plain-HTTP registry on loopback or with --tls-verify=false */
			pthread_mutex_lock(&reg->lock);
			if (!strncmp(reg->base, "https://", 8)) {
				char *nb = volt_path("http://%s", reg->base + 8);
				free(reg->base);
				reg->base = nb;
			}
			reg->http_fallback = false;
			pthread_mutex_unlock(&reg->lock);
			char *nu = volt_path("http://%s", r->url + 8);
			free(r->url);
			r->url = nu;
			continue;
		}
		if (cancelled)
			return volt_err_set(err, EINTR, "registry %s", reg->domain);
		if (rc != CURLE_OK && !(r->sink_failed && rc == CURLE_WRITE_ERROR)) {
			return volt_err_set(err, 0, "registry %s: %s", reg->domain,
					    errbuf[0] ? errbuf : curl_easy_strerror(rc));
		}
		if (r->status == 401 && !authed) {
			authed = true;
			if (authenticate(reg, r->www_auth, err) < 0)
				return -1;
			continue;
		}
		return 0;
	}
	return volt_err_set(err, EIO, "registry %s: too many retries", reg->domain);
}

/* find_ca - the CA certificate for domain where podman and docker look for
 * one: ${XDG_CONFIG_HOME:-~/.config}/containers/certs.d/DOMAIN/ca.crt,
 * /etc/containers/certs.d/DOMAIN/ca.crt, /etc/docker/certs.d/DOMAIN/ca.crt.
 * Return: malloc'd path or NULL (the system's CA bundle applies). */
static char *find_ca(const char *domain)
{
	const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *c[4] = {NULL};
	char *found = NULL;
	if (cfg && cfg[0])
		c[0] = volt_path("%s/containers/certs.d/%s/ca.crt", cfg, domain);
	else if (home && home[0])
		c[0] = volt_path("%s/.config/containers/certs.d/%s/ca.crt", home, domain);
	c[1] = volt_path("/etc/containers/certs.d/%s/ca.crt", domain);
	c[2] = volt_path("/etc/docker/certs.d/%s/ca.crt", domain);
	for (int i = 0; i < 3; i++) {
		if (!found && c[i] && access(c[i], R_OK) == 0)
			found = c[i];
		else
			free(c[i]);
	}
	return found;
}

/* discard - curl body callback that drops the body. Return: n (all taken). */
static size_t discard(char *buf, size_t size, size_t nitems, void *arg)
{
	(void)buf;
	(void)arg;
	return size * nitems;
}

/* probe_plain - for a loopback registry (which may fall back to plain http
 * anyway): ask `GET /v2/` over plain http first, without
 * credentials and bounded to 2 s. A 200 or 401 answer (what the distribution
 * spec's /v2/ returns) means the registry speaks plain http: base switches
 * to it. Anything else (a TLS server answers plaintext with 400 or hangs up)
 * leaves https, verified as before.
 * Why: the https attempt against a plain-http registry loads the system CA
 * bundle before it fails, ~20 ms of a ~250 ms pull of a 200 MB image; the
 * probe costs one loopback round trip. It adds no exposure: the fallback
 * would speak plain http to such a registry anyway, and the probe carries
 * no credentials. Only loopback: elsewhere, plain http could carry
 * credentials over a network. */
static void probe_plain(struct volt_registry *reg)
{
	cleanup_free char *url = volt_path("http://%s/v2/", reg->base + 8);
	CURL *h = curl_easy_init();
	long status = 0;

	if (!h)
		return;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "volt/" VOLT_VERSION);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
	if (curl_easy_perform(h) == CURLE_OK && curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK &&
	    (status == 200 || status == 401)) {
		char *nb = volt_path("http://%s", reg->base + 8);
		free(reg->base);
		reg->base = nb;
		reg->http_fallback = false;
	}
	curl_easy_cleanup(h);
}

int volt_registry_open(struct volt_registry *reg, const char *domain, const char *repo,
		       const struct volt_registry_opts *opts, struct volt_err *err)
{
	struct volt_registry_conf conf;
	int verify = opts ? opts->tls_verify : -1;

	pthread_once(&curl_once, curl_init_once);
	memset(reg, 0, sizeof(*reg));
	pthread_mutex_init(&reg->lock, NULL);
	if (volt_registry_conf_get(domain, &conf, err) < 0)
		return -1;
	reg->domain = strdup(domain);
	reg->repo = strdup(repo);
	reg->push = opts && opts->push;
	reg->tls_verify = verify == 1 || (verify == -1 && !conf.no_tls_verify);
	reg->base = volt_path("%s://%s", conf.plain_http ? "http" : "https", volt_ref_api_host(domain));
	reg->http_fallback = !conf.plain_http && (verify == 0 || volt_ref_is_loopback(domain));
	if (!strchr(domain, '/') && strcmp(domain, "..") && strcmp(domain, "."))
		reg->ca_file = find_ca(domain);
	if (opts && opts->user) {
		reg->user = strdup(opts->user);
		reg->pass = strdup(opts->pass ? opts->pass : "");
	} else if (volt_auth_lookup(domain, &reg->user, &reg->pass, err) < 0) {
		return -1;
	}
	if (reg->http_fallback && volt_ref_is_loopback(domain) && !strncmp(reg->base, "https://", 8))
		probe_plain(reg);
	return 0;
}

void volt_registry_close(struct volt_registry *reg)
{
	free(reg->domain);
	free(reg->repo);
	free(reg->base);
	free(reg->user);
	free(reg->pass);
	free(reg->ca_file);
	free(reg->auth_header);
	pthread_mutex_destroy(&reg->lock);
	memset(reg, 0, sizeof(*reg));
}

/* api_url - BASE/v2/REPO/KIND/ARG; base may switch to http under the lock. */
static char *api_url(struct volt_registry *reg, const char *fmt, const char *arg)
{
	pthread_mutex_lock(&reg->lock);
	char *u = volt_path("%s/v2/%s/%s/%s", reg->base, reg->repo, fmt, arg);
	pthread_mutex_unlock(&reg->lock);
	return u;
}

int volt_registry_ping(struct volt_registry *reg, struct volt_err *err)
{
	struct req r = {.method = "GET", .up_fd = -1, .body_max = 1 << 16};
	int ret;
	r.url = volt_path("%s/v2/", reg->base);
	ret = do_request(reg, &r, NULL, NULL, err);
	if (ret == 0 && r.status == 401 && !reg->user)
		ret = volt_err_set(err, EACCES, "registry %s: authentication required", reg->domain);
	else if (ret == 0 && r.status == 401)
		ret = volt_err_set(err, EACCES, "registry %s: login failed: bad user name or password", reg->domain);
	else if (ret == 0 && r.status != 200)
		ret = volt_err_set(err, EIO, "registry %s: /v2/: HTTP %ld", reg->domain, r.status);
	req_free(&r);
	return ret;
}

/* status_error - err from an HTTP error answer, naming registry, object and
 * the registry's own message. Return: -1. */
static int status_error(struct volt_registry *reg, struct req *r, const char *what, const char *obj,
			struct volt_err *err)
{
	char detail[256];
	error_detail(r, detail, sizeof(detail));
	/* the registry's message says it: no strerror after it; a tag is
	 * written repo:tag, a digest repo@sha256:... */
	return volt_err_said(err,
			     r->status == 404			  ? ENOENT :
			     r->status == 401 || r->status == 403 ? EACCES :
								    EIO,
			     "registry %s: %s %s%s%s: %s", reg->domain, what, reg->repo,
			     strncmp(obj, "sha256:", 7) ? ":" : "@", obj, detail);
}

int volt_registry_get_manifest(struct volt_registry *reg, const char *reference, char **body, size_t *len,
			       char **media_type, char digest[80], struct volt_err *err)
{
	struct req r = {.method = "GET", .up_fd = -1, .body_max = MANIFEST_MAX, .extra_hdr = {manifest_accept}};
	char hex[VOLT_SHA256_HEX];

	r.url = api_url(reg, "manifests", reference);
	if (do_request(reg, &r, NULL, NULL, err) < 0)
		goto fail;
	if (r.status != 200) {
		status_error(reg, &r, "manifest", reference, err);
		goto fail;
	}
	if (!r.body) {
		volt_err_set(err, EIO, "registry %s: manifest %s: empty answer", reg->domain, reference);
		goto fail;
	}
	volt_sha256_buf(r.body, r.body_len, hex);
	snprintf(digest, 80, "sha256:%s", hex);
	if (!strncmp(reference, "sha256:", 7) && strcmp(reference, digest)) {
		volt_err_set(err, EINVAL, "registry %s: manifest %s: digest mismatch (got %s)", reg->domain, reference,
			     digest);
		goto fail;
	}
	*body = steal_ptr(r.body);
	*len = r.body_len;
	if (r.ctype) {
		r.ctype[strcspn(r.ctype, ";")] = '\0';
		*media_type = steal_ptr(r.ctype);
	} else {
		*media_type = NULL;
	}
	req_free(&r);
	return 0;
fail:
	req_free(&r);
	return -1;
}

int volt_registry_get_blob_mem(struct volt_registry *reg, const char *digest, size_t max, char **body, size_t *len,
			       struct volt_err *err)
{
	struct req r = {.method = "GET", .up_fd = -1, .body_max = max};
	char hex[VOLT_SHA256_HEX];

	r.url = api_url(reg, "blobs", digest);
	if (do_request(reg, &r, NULL, NULL, err) < 0)
		goto fail;
	if (r.status != 200) {
		status_error(reg, &r, "blob", digest, err);
		goto fail;
	}
	volt_sha256_buf(r.body ? r.body : "", r.body_len, hex);
	if (strncmp(digest, "sha256:", 7) || strcmp(digest + 7, hex)) {
		volt_err_set(err, EINVAL, "registry %s: blob %s: digest mismatch (got sha256:%s)", reg->domain, digest,
			     hex);
		goto fail;
	}
	*body = r.body ? steal_ptr(r.body) : strdup("");
	*len = r.body_len;
	req_free(&r);
	return 0;
fail:
	req_free(&r);
	return -1;
}

int volt_registry_fetch_blob(struct volt_registry *reg, const char *digest, int64_t from, volt_blob_sink sink,
			     void *arg, volatile int64_t *done, bool *range_ignored, struct volt_err *err)
{
	struct req r = {.method = "GET", .up_fd = -1, .body_max = 1 << 16, .sink = sink, .sink_arg = arg, .done = done};
	int64_t have = from;
	char range[64];
	CURLcode rc = CURLE_OK;
	int ret = -1;

	r.url = api_url(reg, "blobs", digest);
	for (int attempt = 0;; attempt++) {
		struct volt_err terr = {0};
		r.delivered = 0;
		r.skip = have;
		snprintf(range, sizeof(range), "Range: bytes=%lld-", (long long)have);
		int t = do_request(reg, &r, have ? range : NULL, &rc, &terr);
		have += r.delivered;
		if (have > 0 && r.status == 200 && range_ignored)
			*range_ignored = true; /* the whole blob came, its first bytes were dropped */
		if (r.sink_failed) {
			volt_err_set(err, EPIPE, "registry %s: blob %s: the unpacker stopped reading", reg->domain,
				     digest);
			break;
		}
		if (t == 0 && r.status >= 300 && !(r.status == 416 && have > 0)) {
			status_error(reg, &r, "blob", digest, err);
			break;
		}
		if (t == 0 && rc == CURLE_OK) {
			ret = 0;
			break;
		}
		/* transport failure: resume where the stream stopped */
		if (cancelled) {
			*err = terr;
			break;
		}
		if (attempt + 1 >= RETRIES) {
			*err = terr;
			volt_err_prefix(err, "blob %s (after %d attempts)", digest, RETRIES);
			break;
		}
		struct timespec ts = {0, 100000000L * (attempt + 1)};
		nanosleep(&ts, NULL);
	}
	req_free(&r);
	return ret;
}

int volt_registry_blob_exists(struct volt_registry *reg, const char *digest, struct volt_err *err)
{
	struct req r = {.method = "HEAD", .up_fd = -1, .body_max = 1 << 16};
	int ret;
	r.url = api_url(reg, "blobs", digest);
	ret = do_request(reg, &r, NULL, NULL, err);
	if (ret == 0)
		ret = r.status == 200 ? 1 : r.status == 404 ? 0 : status_error(reg, &r, "blob", digest, err);
	req_free(&r);
	return ret;
}

int volt_registry_upload_blob(struct volt_registry *reg, const char *digest, int fd, int64_t size, struct volt_err *err)
{
	struct req r = {.method = "POST", .up_fd = -1, .body_max = 1 << 16};
	cleanup_free char *loc = NULL;
	int ret = -1;

	r.url = volt_path("%s/v2/%s/blobs/uploads/", reg->base, reg->repo);
	if (do_request(reg, &r, NULL, NULL, err) < 0)
		goto out;
	if (r.status != 202 || !r.location) {
		status_error(reg, &r, "start upload of blob", digest, err);
		goto out;
	}
	/* Location may be absolute or relative to the registry */
	if (!strncmp(r.location, "http://", 7) || !strncmp(r.location, "https://", 8))
		loc = strdup(r.location);
	else
		loc = volt_path("%s%s", reg->base, r.location);
	req_free(&r);
	memset(&r, 0, sizeof(r));
	r.method = "PUT";
	r.up_fd = fd;
	r.up_size = size;
	r.body_max = 1 << 16;
	r.extra_hdr[0] = "Content-Type: application/octet-stream";
	r.url = volt_path("%s%sdigest=%s", loc, strchr(loc, '?') ? "&" : "?", digest);
	if (do_request(reg, &r, NULL, NULL, err) < 0)
		goto out;
	if (r.status != 201) {
		status_error(reg, &r, "upload blob", digest, err);
		goto out;
	}
	ret = 0;
out:
	req_free(&r);
	return ret;
}

int volt_registry_put_manifest(struct volt_registry *reg, const char *reference, const char *body, size_t len,
			       const char *media_type, struct volt_err *err)
{
	struct req r = {.method = "PUT", .up_fd = -1, .body_max = 1 << 16, .up_buf = body, .up_len = len};
	cleanup_free char *ct = volt_path("Content-Type: %s", media_type);
	int ret = -1;

	r.extra_hdr[0] = ct;
	r.url = api_url(reg, "manifests", reference);
	if (do_request(reg, &r, NULL, NULL, err) < 0)
		goto out;
	if (r.status != 201 && r.status != 200) {
		status_error(reg, &r, "put manifest", reference, err);
		goto out;
	}
	ret = 0;
out:
	req_free(&r);
	return ret;
}
