/* The security step of a container process.
 *
 * Theory of operation: everything that reads files (profiles, the BPF cache)
 * happens in the monitor before clone, in volt_security_prepare(); the child
 * inherits the prepared struct and only makes syscalls: it trims the bounding
 * set while it is still root of its user namespace (volt_security_bounding),
 * switches to the container's user, and then, as its last step, sets the
 * capability sets, no_new_privs, the Landlock domain (after pivot_root, so the
 * rules name the container's paths) and the seccomp filter
 * (volt_security_apply). The seccomp program is compiled once per profile and
 * reused from $VOLT_ROOT/cache/seccomp (security/seccomp.c), which keeps the
 * whole step within about a millisecond of a start. */
#include "security/security.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "security/caps.h"
#include "util/cleanup.h"
#include "util/fdpass.h"
#include "util/fs.h"
#include "util/strv.h"

/* abs_or_name - a profile given as a path is kept absolute (the monitor runs
 * in another directory); a bare name stays a name */
static char *abs_or_name(const char *v)
{
	char cwd[4096];
	if (!strchr(v, '/') || v[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return strdup(v);
	return volt_path("%s/%s", cwd, v);
}

int volt_security_opts_to_spec(struct volt_ctx *ctx, const struct volt_security_opts *o, struct volt_sec_spec *s,
			       struct volt_err *err)
{
	const char *seccomp = NULL, *landlock = o->landlock;
	uint64_t caps;

	for (size_t i = 0; o->security_opts && o->security_opts[i]; i++) {
		const char *opt = o->security_opts[i];
		if (!strncmp(opt, "seccomp=", 8) || !strncmp(opt, "seccomp:", 8))
			seccomp = opt + 8;
		else if (!strncmp(opt, "landlock=", 9))
			landlock = opt + 9;
		else if (!strcmp(opt, "no-new-privileges") || !strcmp(opt, "no-new-privileges=true") ||
			 !strcmp(opt, "no-new-privileges:true") || !strcmp(opt, "label=disable") ||
			 !strcmp(opt, "label:disable") || !strcmp(opt, "apparmor=unconfined"))
			continue; /* no_new_privs is always on; there is no SELinux/AppArmor label to set */
		else
			return volt_err_set(err, EINVAL,
					    "--security-opt %s: supported: seccomp=NAME|PATH|unconfined, "
					    "landlock=NAME|PATH|none, no-new-privileges",
					    opt);
	}
	if (volt_caps_compute(o->cap_add, o->cap_drop, &caps, err) < 0)
		return -1;
	s->cap_add = volt_strv_dup(o->cap_add);
	s->cap_drop = volt_strv_dup(o->cap_drop);
	s->seccomp_audit = o->seccomp_audit;
	if (seccomp && *seccomp) {
		if (!strcmp(seccomp, "unconfined") && o->seccomp_audit)
			return volt_err_set(err, EINVAL, "--seccomp-audit needs a seccomp profile, not unconfined");
		s->seccomp = abs_or_name(seccomp);
	}
	if (landlock && *landlock)
		s->landlock = abs_or_name(landlock);
	/* refuse a profile the user named that does not parse now, not at
	 * start (the shipped defaults are checked by the unit tests) */
	if (s->seccomp && strcmp(s->seccomp, "unconfined")) {
		cleanup_free char *p = volt_profile_find(ctx, "seccomp", s->seccomp, err);
		cleanup_free char *text = NULL;
		size_t len;
		struct volt_scmp_profile prof;
		if (!p || volt_read_file(p, 4 << 20, &text, &len, err) < 0 ||
		    volt_scmp_profile_parse(&prof, p, text, len, err) < 0)
			return -1;
		volt_scmp_profile_free(&prof);
	}
	if (s->landlock && strcmp(s->landlock, "none")) {
		cleanup_free char *p = volt_profile_find(ctx, "landlock", s->landlock, err);
		cleanup_free char *text = NULL;
		size_t len;
		struct volt_ll_profile prof;
		if (!p || volt_read_file(p, 1 << 20, &text, &len, err) < 0 ||
		    volt_ll_profile_parse(&prof, p, text, len, err) < 0)
			return -1;
		volt_ll_profile_free(&prof);
	}
	return 0;
}

json_t *volt_security_record(const struct volt_sec_spec *s, const struct volt_security *sec)
{
	char caps[1024];
	json_t *ll, *sc;

	volt_caps_format(sec->caps, caps, sizeof(caps));
	sc = json_pack("{s:s,s:s,s:s,s:s,s:I}", "profile", s->seccomp ? s->seccomp : "default", "path",
		       sec->seccomp_path ? sec->seccomp_path : "", "mode",
		       !sec->bpf			 ? "unconfined" :
		       sec->mode == VOLT_SECCOMP_ENFORCE ? "enforce" :
							   "audit",
		       "key", sec->seccomp_key, "instructions", (json_int_t)sec->bpf_len);
	ll = json_pack("{s:s,s:s,s:b,s:i,s:b,s:b,s:b,s:b,s:s}", "profile", s->landlock ? s->landlock : "default",
		       "path", sec->landlock_path ? sec->landlock_path : "", "enabled",
		       sec->landlock_on && sec->plan.abi > 0, "abi", sec->plan.abi, "filesystem",
		       sec->plan.fs_handled != 0, "tcp", sec->plan.net_handled != 0, "scope_abstract_unix",
		       (sec->plan.scoped & 1) != 0, "scope_signal", (sec->plan.scoped & 2) != 0, "left_out",
		       sec->landlock_on ? sec->plan.left_out : "everything (--landlock none)");
	return json_pack("{s:s,s:b,s:o,s:o}", "capabilities", caps, "no_new_privs", 1, "seccomp", sc, "landlock", ll);
}

int volt_security_prepare(struct volt_ctx *ctx, const struct volt_sec_spec *s, const char *ctr_dir, bool exec,
			  struct volt_security *sec, struct volt_err *err)
{
	memset(sec, 0, sizeof(*sec));
	sec->notify_sock[0] = sec->notify_sock[1] = -1;
	if (volt_caps_compute(s->cap_add, s->cap_drop, &sec->caps, err) < 0)
		return -1;
	if (!s->seccomp || strcmp(s->seccomp, "unconfined")) {
		cleanup_free char *cache = volt_path("%s/cache/seccomp", ctx->root);
		sec->mode = !s->seccomp_audit ? VOLT_SECCOMP_ENFORCE : exec ? VOLT_SECCOMP_LOG : VOLT_SECCOMP_NOTIFY;
		sec->seccomp_path = volt_profile_find(ctx, "seccomp", s->seccomp ? s->seccomp : "default", err);
		if (!sec->seccomp_path || volt_seccomp_load(cache, sec->seccomp_path, sec->caps, sec->mode, &sec->bpf,
							    &sec->bpf_len, sec->seccomp_key, err) < 0)
			goto fail;
		if (sec->mode == VOLT_SECCOMP_NOTIFY &&
		    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sec->notify_sock) < 0) {
			volt_err_sys(err, "socketpair for the seccomp listener");
			goto fail;
		}
	}
	if (!s->landlock || strcmp(s->landlock, "none")) {
		cleanup_free char *text = NULL;
		size_t len;
		sec->landlock_path = volt_profile_find(ctx, "landlock", s->landlock ? s->landlock : "default", err);
		if (!sec->landlock_path || volt_read_file(sec->landlock_path, 1 << 20, &text, &len, err) < 0 ||
		    volt_ll_profile_parse(&sec->ll, sec->landlock_path, text, len, err) < 0)
			goto fail;
		sec->landlock_on = true;
		volt_landlock_plan(&sec->ll, volt_landlock_abi(), exec, &sec->plan);
	}
	if (ctr_dir) {
		json_t *rec = volt_security_record(s, sec);
		cleanup_free char *text = json_dumps(rec, JSON_INDENT(2));
		cleanup_free char *path = volt_path("%s/security.json", ctr_dir);
		json_decref(rec);
		if (!text || volt_write_file_atomic(path, text, strlen(text), 0600, err) < 0)
			goto fail;
	}
	return 0;
fail:
	volt_security_free(sec);
	return -1;
}

int volt_security_bounding(const struct volt_security *sec, struct volt_err *err)
{
	return volt_caps_drop_bounding(sec->caps, err);
}

/* send_listener - pass the seccomp listener to the monitor (SCM_RIGHTS) */
static int send_listener(int sock, int fd, struct volt_err *err)
{
	if (volt_fd_send(sock, fd, 'L') < 0)
		return volt_err_sys(err, "pass the seccomp listener to the monitor");
	return 0;
}

int volt_security_apply(const struct volt_security *sec, struct volt_err *err)
{
	/* 1. capabilities: the effective, permitted, inheritable and ambient sets */
	if (volt_caps_apply(sec->caps, err) < 0)
		return -1;
	/* 2. no_new_privs: always; setuid binaries and file caps gain nothing */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return volt_err_sys(err, "prctl(PR_SET_NO_NEW_PRIVS)");
	/* 3. Landlock: rules resolve in the container's root (after pivot_root) */
	if (sec->landlock_on && volt_landlock_apply(&sec->ll, &sec->plan, err) < 0)
		return -1;
	/* 4. seccomp: last, so the filter need not allow the steps above */
	if (sec->bpf) {
		int fd = -1;
		bool listener = sec->mode == VOLT_SECCOMP_NOTIFY && sec->notify_sock[1] >= 0;
		if (volt_seccomp_install(sec->bpf, sec->bpf_len, listener, &fd, err) < 0)
			return -1;
		if (listener) {
			int r = send_listener(sec->notify_sock[1], fd, err);
			close(fd);
			if (r < 0)
				return -1;
		}
	}
	return 0;
}

void volt_security_free(struct volt_security *sec)
{
	free(sec->bpf);
	free(sec->seccomp_path);
	free(sec->landlock_path);
	volt_ll_profile_free(&sec->ll);
	for (int i = 0; i < 2; i++)
		if (sec->notify_sock[i] >= 0)
			close(sec->notify_sock[i]);
	memset(sec, 0, sizeof(*sec));
	sec->notify_sock[0] = sec->notify_sock[1] = -1;
}
