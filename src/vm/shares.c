#include "vm/shares.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "vm/share_param.h"

const char *volt_share_kind_name(enum volt_share_kind k)
{
	return k == VOLT_SHARE_9P ? "9p" : "virtiofs";
}

/* has_module - a line of text that is name or ends in /name (a module path) */
static bool has_module(const char *text, const char *name)
{
	size_t l = strlen(name);
	for (const char *p = text; (p = strstr(p, name)); p += l)
		if ((p == text || p[-1] == '/') && (p[l] == '\n' || p[l] == '\0'))
			return true;
	return false;
}

/* kernel_has - whether k can mount virtiofs and 9p over virtio, and from
 * what that was read (into from) */
static int kernel_has(const struct volt_kernel *k, bool *vfs, bool *p9, char *from, size_t len, struct volt_err *err)
{
	struct volt_err ignore;
	cleanup_free char *text = NULL;
	size_t n = 0;
	*vfs = *p9 = false;
	if (k->origin == VOLT_KERNEL_STORE && k->modules) {
		cleanup_free char *list = volt_path("%s.load", k->modules); /* <version>/modules.load */
		if (volt_read_file(list, 1 << 20, &text, &n, err) < 0)
			return -1;
		*vfs = has_module(text, "virtiofs.ko");
		*p9 = has_module(text, "9pnet_virtio.ko") && has_module(text, "9p.ko");
		snprintf(from, len, "the kernel's modules");
		return 0;
	}
	if (k->origin == VOLT_KERNEL_HOST) {
		/* the appliance carries no modules of a host kernel: built in only */
		cleanup_free char *img = strdup(k->image);
		cleanup_free char *cfg = volt_path("%s/config-%s", dirname(img), k->version);
		if (volt_read_file(cfg, 1 << 24, &text, &n, &ignore) == 0) {
			*vfs = strstr(text, "\nCONFIG_VIRTIO_FS=y") != NULL;
			*p9 = strstr(text, "\nCONFIG_NET_9P_VIRTIO=y") && strstr(text, "\nCONFIG_9P_FS=y");
			snprintf(from, len, "%s", cfg);
			return 0;
		}
	}
	*vfs = true;
	snprintf(from, len, "assumed built in");
	return 0;
}

int volt_vm_share_kind(const struct volt_kernel *k, enum volt_share_kind *kind, char *why, size_t len,
		       struct volt_err *err)
{
	bool vfs, p9;
	char from[300];
	if (kernel_has(k, &vfs, &p9, from, sizeof(from), err) < 0)
		return -1;
	const char *daemon = volt_virtiofsd_path();
	snprintf(why, len, "%s: virtiofs %s, 9p %s; %s", from, vfs ? "yes" : "no", p9 ? "yes" : "no",
		 daemon ? daemon : "no virtiofsd");
	if (vfs && daemon)
		*kind = VOLT_SHARE_VIRTIOFS;
	else if (p9)
		*kind = VOLT_SHARE_9P;
	else if (vfs) {
		return volt_err_set(err, ENOENT,
				    "volumes: kernel %s needs virtiofsd, which is not installed "
				    "(Debian/Ubuntu: qemu-system-common; or set VOLT_VIRTIOFSD)",
				    k->version);
	} else {
		return volt_err_set(err, ENOTSUP, "volumes: kernel %s has neither virtiofs nor 9p (%s)", k->version,
				    from);
	}
	return 0;
}

int volt_vm_volume_parse(const char *arg, char **buf, const char **src, const char **dst, bool *ro, bool *named,
			 struct volt_err *err)
{
	char *parts[3] = {0};
	int n = 0;
	char *a = *buf = strdup(arg), *save = NULL;
	if (!a)
		return volt_err_set(err, ENOMEM, "-v %s", arg);
	for (char *tok = strtok_r(a, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (n == 3)
			return volt_err_set(err, EINVAL, "-v %s: expected SRC:DST[:ro|rw]", arg);
		parts[n++] = tok;
	}
	if (n < 2)
		return volt_err_set(err, EINVAL, "-v %s: expected SRC:DST[:ro|rw]", arg);
	if (parts[1][0] != '/')
		return volt_err_set(err, EINVAL, "-v %s: the destination must be an absolute path", arg);
	*ro = false;
	if (n == 3) {
		if (!strcmp(parts[2], "ro"))
			*ro = true;
		else if (strcmp(parts[2], "rw") != 0)
			return volt_err_set(err, EINVAL, "-v %s: unknown option \"%s\"", arg, parts[2]);
	}
	*src = parts[0];
	*dst = parts[1];
	*named = parts[0][0] != '/' && parts[0][0] != '.';
	return 0;
}

int volt_vm_shares_start(const struct volt_vm_volume *v, size_t n, enum volt_share_kind kind,
			 const struct volt_idmap *m, const char *dir, int timeout_ms, struct volt_vm_shares *s,
			 struct volt_err *err)
{
	char *val = NULL;
	*s = (struct volt_vm_shares){.kind = kind};
	if (!n)
		return 0;
	struct volt_share_entry *e = calloc(n, sizeof(*e));
	s->q = calloc(n, sizeof(*s->q));
	s->daemons = calloc(n, sizeof(*s->daemons));
	s->tags = calloc(n + 1, sizeof(char *));
	s->sources = calloc(n + 1, sizeof(char *));
	if (!e || !s->q || !s->daemons || !s->tags || !s->sources) {
		free(e);
		volt_vm_shares_stop(s);
		return volt_err_set(err, ENOMEM, "volumes");
	}
	for (size_t i = 0; i < n; i++, s->n++) {
		struct stat st;
		if (stat(v[i].source, &st) < 0) {
			volt_err_sys(err, "volume %s", v[i].source);
			goto fail;
		}
		if (!S_ISDIR(st.st_mode)) {
			volt_err_set(err, ENOTDIR, "volume %s: a microVM shares directories only", v[i].source);
			goto fail;
		}
		if (v[i].dest[0] != '/' || strlen(v[i].dest) >= sizeof(e[i].path)) {
			volt_err_set(err, EINVAL, "volume %s: bad destination %s", v[i].source, v[i].dest);
			goto fail;
		}
		s->tags[i] = volt_path("volt%zu", i);
		s->sources[i] = volt_path("%s", v[i].source);
		s->q[i] =
			(struct volt_qemu_share){.kind = kind, .tag = s->tags[i], .path = s->sources[i], .ro = v[i].ro};
		snprintf(e[i].kind, sizeof(e[i].kind), "%s", volt_share_kind_name(kind));
		snprintf(e[i].tag, sizeof(e[i].tag), "%s", s->tags[i]);
		snprintf(e[i].path, sizeof(e[i].path), "%s", v[i].dest);
		e[i].ro = v[i].ro;
		if (kind != VOLT_SHARE_VIRTIOFS)
			continue;
		cleanup_free char *sock = volt_path("%s/fs%zu.sock", dir, i);
		cleanup_free char *log = volt_path("%s/fs%zu.log", dir, i);
		if (volt_virtiofsd_start(m, v[i].source, v[i].ro, sock, log, timeout_ms, &s->daemons[i], err) < 0)
			goto fail;
		s->q[i].socket = s->daemons[i].socket;
	}
	val = volt_share_param_encode(e, n);
	if (!val) {
		volt_err_set(err, EINVAL, "volumes: cannot say them on the kernel command line");
		goto fail;
	}
	s->param = volt_path("%s=%s", VOLT_SHARE_PARAM, val);
	free(val);
	free(e);
	return 0;
fail:
	free(e);
	volt_vm_shares_stop(s);
	return -1;
}

void volt_vm_shares_stop(struct volt_vm_shares *s)
{
	for (size_t i = 0; s->daemons && i < s->n; i++)
		volt_virtiofsd_stop(&s->daemons[i]);
	if (s->tags)
		volt_strv_free(s->tags);
	if (s->sources)
		volt_strv_free(s->sources);
	free(s->daemons);
	free(s->q);
	free(s->param);
	*s = (struct volt_vm_shares){0};
}
