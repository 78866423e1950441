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

/* has_line - a line of text ending in name (a module path) */
static bool has_module(const char *text, const char *name)
{
	size_t l = strlen(name);
	for (const char *p = text; (p = strstr(p, name)); p += l)
		if ((p == text || p[-1] == '/') && (p[l] == '\n' || p[l] == '\0'))
			return true;
	return false;
}

int volt_vm_share_kind(const struct volt_kernel *k, enum volt_share_kind *kind, char *why, size_t len,
		       struct volt_err *err)
{
	struct volt_err ignore;
	cleanup_free char *text = NULL;
	size_t n = 0;
	if (k->origin == VOLT_KERNEL_STORE && k->modules) {
		cleanup_free char *list = volt_path("%s.load", k->modules); /* <version>/modules.load */
		if (volt_read_file(list, 1 << 20, &text, &n, err) < 0)
			return -1;
		if (has_module(text, "virtiofs.ko")) {
			*kind = VOLT_SHARE_VIRTIOFS;
			snprintf(why, len, "the kernel's modules have virtiofs");
		} else if (has_module(text, "9pnet_virtio.ko") && has_module(text, "9p.ko")) {
			*kind = VOLT_SHARE_9P;
			snprintf(why, len, "the kernel's modules have 9p over virtio and no virtiofs");
		} else {
			return volt_err_set(err, ENOTSUP, "kernel %s has neither virtiofs nor 9p among its modules",
					    k->version);
		}
		return 0;
	}
	if (k->origin == VOLT_KERNEL_HOST) {
		/* the appliance carries no modules of a host kernel: built in only */
		cleanup_free char *img = strdup(k->image);
		cleanup_free char *cfg = volt_path("%s/config-%s", dirname(img), k->version);
		if (volt_read_file(cfg, 1 << 24, &text, &n, &ignore) == 0) {
			if (strstr(text, "\nCONFIG_VIRTIO_FS=y")) {
				*kind = VOLT_SHARE_VIRTIOFS;
				snprintf(why, len, "%s: CONFIG_VIRTIO_FS=y", cfg);
			} else if (strstr(text, "\nCONFIG_NET_9P_VIRTIO=y") && strstr(text, "\nCONFIG_9P_FS=y")) {
				*kind = VOLT_SHARE_9P;
				snprintf(why, len, "%s: 9p over virtio built in, no virtiofs", cfg);
			} else {
				return volt_err_set(err, ENOTSUP, "kernel %s has neither virtiofs nor 9p built in (%s)",
						    k->version, cfg);
			}
			return 0;
		}
	}
	*kind = VOLT_SHARE_VIRTIOFS;
	snprintf(why, len, "assumed built into the kernel");
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
	if (!e || !s->q || !s->daemons || !s->tags) {
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
		s->q[i] = (struct volt_qemu_share){.kind = kind, .tag = s->tags[i], .path = v[i].source, .ro = v[i].ro};
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
	free(s->daemons);
	free(s->q);
	free(s->param);
	*s = (struct volt_vm_shares){0};
}
