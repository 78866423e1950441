/* volt create: the image config merged with the command line into a spec. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/fuse.h"
#include "container/create.h"
#include "container/limits.h"
#include "container/log.h"
#include "container/rootfs.h"
#include "container/spare.h"
#include "container/spec.h"
#include "container/volume.h"
#include "image/image.h"
#include "image/pull_hook.h"
#include "net/net.h"

#include "security/security.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/trace.h"

static const char *adjectives[] = {"brave", "calm",  "eager", "fancy",	"gentle", "happy", "jolly",
				   "keen",  "lucid", "merry", "nimble", "proud",  "quiet", "rapid",
				   "sharp", "swift", "tidy",  "vivid",	"witty",  "zesty"};
static const char *nouns[] = {"ampere", "bohr",	 "curie",  "dirac",    "euler",	  "fermi",   "gauss",
			      "hopper", "joule", "kelvin", "lovelace", "maxwell", "noether", "ohm",
			      "pascal", "raman", "tesla",  "turing",   "volta",	  "watt"};

static char *random_name(void)
{
	char hex[9];
	unsigned v;
	volt_random_hex(hex, 4);
	v = (unsigned)strtoul(hex, NULL, 16);
	return volt_path("%s_%s_%u", adjectives[v % ARRAY_SIZE(adjectives)],
			 nouns[(v / ARRAY_SIZE(adjectives)) % ARRAY_SIZE(nouns)], (v >> 16) % 10000);
}

static char **json_strv(json_t *a)
{
	char **v = calloc(1, sizeof(char *));
	json_t *x;
	size_t i;
	json_array_foreach(a, i, x)
		if (json_is_string(x))
			volt_strv_push(&v, json_string_value(x));
	return v;
}

static json_t *strv_to_json(char **v)
{
	json_t *a = json_array();
	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* resolve_health - the image's Healthcheck under the --health-* options,
 * field by field as docker merges them; ["NONE"] or --no-healthcheck: none */
static int resolve_health(json_t *cfg, const struct volt_create_opts *o, struct volt_health *h, struct volt_err *err)
{
	json_t *ih = json_object_get(cfg, "Healthcheck");
	const struct volt_health *u = o->health;
	cleanup_strv char **itest = json_strv(json_object_get(ih, "Test"));

	memset(h, 0, sizeof(*h));
	if (o->no_healthcheck) {
		if (u && u->test)
			return volt_err_set(err, EINVAL, "--no-healthcheck conflicts with --health-cmd");
		return 0;
	}
	if (o->vm) { /* the guest's checks are not run: an image's is left out */
		if (u && u->test)
			return volt_err_set(err, EINVAL,
					    "health checks (--health-*): not supported for a microVM (--vm)");
		return 0;
	}
	if (u && u->test)
		h->test = volt_strv_dup(u->test);
	else if (itest[0] && strcmp(itest[0], "NONE"))
		h->test = volt_steal_ptr(&itest);
	if (!h->test)
		return 0;
	if (strcmp(h->test[0], "CMD") && strcmp(h->test[0], "CMD-SHELL"))
		return volt_err_set(err, EINVAL, "Healthcheck Test %s: expected CMD, CMD-SHELL or NONE", h->test[0]);
	if (!h->test[1])
		return volt_err_set(err, EINVAL, "Healthcheck Test %s has no command", h->test[0]);
#define FIELD(f, k) h->f = u && u->f ? u->f : json_integer_value(json_object_get(ih, k))
	FIELD(interval, "Interval");
	FIELD(timeout, "Timeout");
	FIELD(start_period, "StartPeriod");
	FIELD(start_interval, "StartInterval");
	h->retries = u && u->retries ? u->retries : (int)json_integer_value(json_object_get(ih, "Retries"));
#undef FIELD
	return 0;
}

static int add_env(char ***env, const char *e, struct volt_err *err)
{
	if (!strchr(e, '=')) {
		/* -e KEY takes the value from volt's own environment, if set */
		const char *v = getenv(e);
		if (!v)
			return 0;
		cleanup_free char *kv = volt_path("%s=%s", e, v);
		return volt_env_set(env, kv);
	}
	if (e[0] == '=')
		return volt_err_set(err, EINVAL, "invalid environment variable \"%s\"", e);
	return volt_env_set(env, e);
}

static int read_env_file(char ***env, const char *path, struct volt_err *err)
{
	cleanup_free char *text = NULL;
	if (volt_read_file(path, 1 << 20, &text, NULL, err) < 0)
		return volt_err_prefix(err, "--env-file");
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		while (isspace((unsigned char)*line))
			line++;
		size_t l = strlen(line);
		while (l && (line[l - 1] == '\r' || isspace((unsigned char)line[l - 1])))
			line[--l] = '\0';
		if (!*line || *line == '#')
			continue;
		if (add_env(env, line, err) < 0)
			return volt_err_prefix(err, "--env-file %s", path);
	}
	return 0;
}

static int add_mount(struct volt_ctx *ctx, struct volt_spec *s, const char *arg, bool tmpfs, struct volt_err *err)
{
	cleanup_free char *a = strdup(arg);
	struct volt_mount m = {0};
	char *parts[3] = {0};
	int n = 0;

	s->mounts = realloc(s->mounts, (s->n_mounts + 1) * sizeof(*s->mounts));
	if (tmpfs) {
		char *c = strchr(a, ':');
		if (c)
			*c++ = '\0';
		if (a[0] != '/')
			return volt_err_set(err, EINVAL, "--tmpfs %s: the path must be absolute", arg);
		m.kind = VOLT_MOUNT_TMPFS;
		m.dest = strdup(a);
		m.options = c && *c ? strdup(c) : NULL;
		s->mounts[s->n_mounts++] = m;
		return 0;
	}
	for (char *tok = strtok(a, ":"); tok; tok = strtok(NULL, ":")) {
		if (n == 3)
			return volt_err_set(err, EINVAL, "-v %s: expected SRC:DST[:ro|rw]", arg);
		parts[n++] = tok;
	}
	if (n < 2)
		return volt_err_set(err, EINVAL, "-v %s: expected SRC:DST[:ro|rw]", arg);
	if (parts[1][0] != '/')
		return volt_err_set(err, EINVAL, "-v %s: the destination must be an absolute path", arg);
	if (n == 3) {
		if (!strcmp(parts[2], "ro"))
			m.ro = true;
		else if (strcmp(parts[2], "rw") != 0)
			return volt_err_set(err, EINVAL, "-v %s: unknown option \"%s\"", arg, parts[2]);
	}
	m.dest = strdup(parts[1]);
	if (parts[0][0] == '/' || parts[0][0] == '.') {
		char real[4096];
		if (!realpath(parts[0], real))
			return volt_err_sys(err, "-v %s: source %s", arg, parts[0]);
		m.kind = VOLT_MOUNT_BIND;
		m.source = strdup(real);
	} else {
		if (!volt_name_valid(parts[0]))
			return volt_err_set(err, EINVAL, "-v %s: invalid volume name \"%s\"", arg, parts[0]);
		m.kind = VOLT_MOUNT_VOLUME;
		m.name = strdup(parts[0]);
		m.source = volt_volume_data_dir(ctx, parts[0]);
		if (volt_volume_create(ctx, parts[0], err) < 0)
			return volt_err_prefix(err, "create volume %s", parts[0]);
	}
	s->mounts[s->n_mounts++] = m;
	return 0;
}

/* vm_strategy - how a microVM's root is given (initramfs or disk) and
 * whether a disk VM's writes are kept. auto: an initramfs unless the
 * image's unpacked size is more than half the guest's memory (the
 * initramfs is unpacked into RAM, and the workload needs the rest); a file-
 * list appliance is what it was built as. */
static int vm_strategy(const struct volt_create_opts *o, const struct volt_image_row *img, struct volt_spec *s,
		       struct volt_err *err)
{
	const char *want = o->vm_strategy ? o->vm_strategy : "auto";
	unsigned mem = o->vm_mem_mib ? o->vm_mem_mib : VOLT_VM_MEM_MIB_DEFAULT;
	if (strcmp(want, "auto") && strcmp(want, "initramfs") && strcmp(want, "disk"))
		return volt_err_said(err, EINVAL, "--vm-strategy %s: initramfs, disk or auto", want);
	if (o->vm_appliance) {
		if (strcmp(want, "auto") && strcmp(want, o->vm_appliance->strategy))
			return volt_err_said(
				err, EINVAL,
				"--vm-strategy %s: appliance %s was built as %s (rebuild it: volt appliance "
				"build --from-files FLEDGE --strategy %s)",
				want, o->image, o->vm_appliance->strategy, want);
		s->vm.strategy = strdup(o->vm_appliance->strategy);
		s->vm.strategy_why = volt_path("appliance %s was built as %s", o->image, o->vm_appliance->strategy);
	} else if (strcmp(want, "auto")) {
		s->vm.strategy = strdup(want);
		s->vm.strategy_why = volt_path("--vm-strategy %s", want);
	} else {
		long long half = (long long)mem << 19; /* MiB/2 in bytes */
		bool disk = img->size > half;
		s->vm.strategy = strdup(disk ? "disk" : "initramfs");
		s->vm.strategy_why = volt_path("auto: the image's %lld MiB %s half the guest's %u MiB", img->size >> 20,
					       disk ? "exceed" : "fit in", mem);
		if (disk) /* once, at create: the record keeps the choice */
			volt_warn("microVM %s: the disk strategy (%s)", s->name, s->vm.strategy_why);
	}
	bool is_disk = !strcmp(s->vm.strategy, "disk");
	if (o->vm_ephemeral == 0 && !is_disk)
		return volt_err_said(err, EINVAL,
				     "--ephemeral=false: an initramfs microVM has no disk to keep (--vm-strategy disk "
				     "has one)");
	s->vm.keep = o->vm_ephemeral == 0;
	return 0;
}

/* limits_spec - --ulimit, --sysctl, --group-add checked and recorded */
static int limits_spec(const struct volt_create_opts *o, struct volt_spec *s, struct volt_err *err)
{
	if (o->vm && (o->ulimits || o->sysctls || o->group_add))
		return volt_err_set(err, 0,
				    "--ulimit, --sysctl and --group-add are for containers: a microVM (--vm) has "
				    "its own kernel; set them in its command");
	for (size_t i = 0; o->ulimits && o->ulimits[i]; i++) {
		struct volt_ulimit u;
		if (volt_ulimit_parse(o->ulimits[i], &u, err) < 0 || volt_ulimit_check(&u, err) < 0)
			return -1;
		cleanup_free char *v =
			volt_path("%s=%lld:%lld", u.name, u.soft == RLIM_INFINITY ? -1LL : (long long)u.soft,
				  u.hard == RLIM_INFINITY ? -1LL : (long long)u.hard);
		volt_strv_push(&s->ulimits, v);
	}
	for (size_t i = 0; o->sysctls && o->sysctls[i]; i++) {
		if (volt_sysctl_check(o->sysctls[i], s->network, err) < 0)
			return -1;
		volt_strv_push(&s->sysctls, o->sysctls[i]);
	}
	if (o->group_add && !s->idmap.full)
		return volt_err_set(err, 0,
				    "--group-add: single-uid mode maps one gid (yours, as 0) and the kernel denies "
				    "setgroups there, so a container cannot have supplementary groups; get a "
				    "subordinate range in /etc/subgid");
	for (size_t i = 0; o->group_add && o->group_add[i]; i++)
		volt_strv_push(&s->group_add, o->group_add[i]);
	return 0;
}

static int build_spec(struct volt_ctx *ctx, const struct volt_create_opts *o, const struct volt_image_row *img,
		      struct volt_spec *s, struct volt_err *err)
{
	json_error_t jerr;
	json_t *cfg_root = json_loads(img->config, 0, &jerr);
	json_t *cfg = json_object_get(cfg_root, "config");
	cleanup_strv char **entry = NULL, **cmd = NULL;
	const char *v;
	char id[65];
	int ret = -1;

	volt_random_hex(id, 32);
	s->id = strdup(id);
	s->name = o->name ? strdup(o->name) : random_name();
	if (!volt_name_valid(s->name)) {
		volt_err_set(err, EINVAL, "invalid container name \"%s\": use [a-zA-Z0-9][a-zA-Z0-9_.-]*", s->name);
		goto out;
	}
	s->image_id = strdup(img->id);
	s->image_name = o->image ? strdup(o->image) : NULL;
	if (o->vm_appliance) {
		/* no tree: the appliance is what boots (a file for lower: a
		 * user's name is looked up in no host file, vm_exec.c) */
		s->lower = strdup(o->vm_appliance->path);
		s->vm.appliance = strdup(o->vm_appliance->key);
	} else {
		s->lower = volt_image_checkout_path(ctx, img->id);
		/* a microVM's appliance is built from the checkout (vm/appliance.c) */
		if (volt_cas_lower(ctx, o->vm ? "checkout" : o->rootfs_lower, img->id, &s->lower, err) < 0)
			goto out;
	}
	if (o->vm) {
		s->vm.kernel = o->vm_kernel ? strdup(o->vm_kernel) : NULL;
		/* a file-list appliance holds the modules of the kernel it was built for */
		if (!s->vm.kernel && o->vm_appliance)
			s->vm.kernel = strdup(o->vm_appliance->kernel);
		s->vm.accel = o->vm_accel ? strdup(o->vm_accel) : NULL;
		s->vm.cpus = o->vm_cpus;
		s->vm.mem_mib = o->vm_mem_mib;
		if (vm_strategy(o, img, s, err) < 0)
			goto out;
	}

	/* command: Entrypoint + Cmd, as docker combines them */
	if (o->entrypoint_set)
		entry = o->entrypoint && *o->entrypoint ? json_strv(NULL) : calloc(1, sizeof(char *));
	if (o->entrypoint_set && o->entrypoint && *o->entrypoint)
		volt_strv_push(&entry, o->entrypoint);
	if (!entry)
		entry = json_strv(json_object_get(cfg, "Entrypoint"));
	if (o->command && o->command[0])
		cmd = volt_strv_dup(o->command);
	else if (!o->entrypoint_set)
		cmd = json_strv(json_object_get(cfg, "Cmd"));
	else
		cmd = calloc(1, sizeof(char *));
	s->args = volt_strv_dup(entry);
	for (size_t i = 0; cmd && cmd[i]; i++)
		volt_strv_push(&s->args, cmd[i]);
	if (!s->args[0]) {
		volt_err_set(err, EINVAL, "no command specified: the image has no Cmd or Entrypoint");
		goto out;
	}

	/* environment: PATH default, image Env, then -e and --env-file */
	s->env = calloc(1, sizeof(char *));
	volt_env_set(&s->env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	{
		cleanup_strv char **ienv = json_strv(json_object_get(cfg, "Env"));
		for (size_t i = 0; ienv[i]; i++)
			volt_env_set(&s->env, ienv[i]);
	}
	for (size_t i = 0; o->env_files && o->env_files[i]; i++)
		if (read_env_file(&s->env, o->env_files[i], err) < 0)
			goto out;
	for (size_t i = 0; o->env && o->env[i]; i++)
		if (add_env(&s->env, o->env[i], err) < 0)
			goto out;
	if (o->tty && !volt_env_get(s->env, "TERM"))
		volt_env_set(&s->env, "TERM=xterm");

	v = json_string_value(json_object_get(cfg, "WorkingDir"));
	s->cwd = strdup(o->workdir ? o->workdir : v && *v ? v : "/");
	if (s->cwd[0] != '/') {
		volt_err_set(err, EINVAL, "working directory \"%s\" must be absolute", s->cwd);
		goto out;
	}
	v = json_string_value(json_object_get(cfg, "User"));
	s->user = o->user ? strdup(o->user) : v && *v ? strdup(v) : NULL;
	s->hostname = strdup(o->hostname ? o->hostname : "");
	if (!s->hostname[0]) {
		free(s->hostname);
		if (o->network && !strcmp(o->network, "host")) {
			char hn[256] = "localhost";
			gethostname(hn, sizeof(hn));
			s->hostname = strdup(hn);
		} else {
			s->hostname = strndup(id, 12);
		}
	}
	s->dns = volt_strv_dup(o->dns);
	s->add_hosts = volt_strv_dup(o->add_hosts);
	for (size_t i = 0; s->add_hosts[i]; i++)
		if (!strchr(s->add_hosts[i], ':')) {
			volt_err_set(err, EINVAL, "--add-host %s: expected HOST:IP", s->add_hosts[i]);
			goto out;
		}
	s->tty = o->tty;
	s->interactive = o->interactive;
	s->rm = o->rm;
	s->init = o->init;
	s->read_only = o->read_only;
	s->userns = o->userns ? strdup(o->userns) : NULL;
	if (o->userns && strcmp(o->userns, "keep-id") && strcmp(o->userns, "")) {
		volt_err_set(err, EINVAL, "--userns %s: supported: keep-id", o->userns);
		goto out;
	}
	v = json_string_value(json_object_get(cfg, "StopSignal"));
	s->stop_signal = o->stop_signal ? volt_signal_parse(o->stop_signal) : v ? volt_signal_parse(v) : SIGTERM;
	if (s->stop_signal <= 0) {
		volt_err_set(err, EINVAL, "invalid stop signal \"%s\"", o->stop_signal ? o->stop_signal : v);
		goto out;
	}
	s->stop_timeout = o->stop_timeout >= 0 ? o->stop_timeout : 10;
	s->log_max_size = VOLT_LOG_MAX_SIZE_DEFAULT;
	s->log_max_files = VOLT_LOG_MAX_FILES_DEFAULT;
	for (size_t i = 0; o->log_opts && o->log_opts[i]; i++)
		if (volt_log_opt(o->log_opts[i], &s->log_max_size, &s->log_max_files, err) < 0)
			goto out;

	/* labels: image labels, then --label */
	s->labels = calloc(1, sizeof(char *));
	{
		json_t *labels = json_object_get(cfg, "Labels"), *lv;
		const char *k;
		json_object_foreach(labels, k, lv) {
			if (!json_is_string(lv))
				continue;
			cleanup_free char *kv = volt_path("%s=%s", k, json_string_value(lv));
			volt_env_set(&s->labels, kv);
		}
	}
	for (size_t i = 0; o->labels && o->labels[i]; i++) {
		cleanup_free char *kv =
			strchr(o->labels[i], '=') ? strdup(o->labels[i]) : volt_path("%s=", o->labels[i]);
		volt_env_set(&s->labels, kv);
	}
	s->exposed_ports = calloc(1, sizeof(char *));
	{
		json_t *ports = json_object_get(cfg, "ExposedPorts"), *pv;
		const char *k;
		json_object_foreach(ports, k, pv)
			volt_strv_push(&s->exposed_ports, k);
	}
	/* network and published ports (net/config.c); after exposed_ports, for -P */
	s->network = strdup(o->network ? o->network : VOLT_NET_DEFAULT);
	if (volt_net_spec_setup(ctx, &s->network, s->exposed_ports, &s->ports, o->publish, o->publish_all, err) < 0)
		goto out;
	for (size_t i = 0; o->volumes && o->volumes[i]; i++)
		if (add_mount(ctx, s, o->volumes[i], false, err) < 0)
			goto out;
	for (size_t i = 0; o->tmpfs && o->tmpfs[i]; i++)
		if (add_mount(ctx, s, o->tmpfs[i], true, err) < 0)
			goto out;
	/* the image's VOLUME entries that nothing is mounted on: an anonymous
	 * volume each (64 hex, as docker names them; `rm -v` removes them) */
	{
		const char *dest;
		json_t *unused;
		json_object_foreach(json_object_get(cfg, "Volumes"), dest, unused) {
			bool mounted = dest[0] != '/';
			for (size_t i = 0; i < s->n_mounts && !mounted; i++)
				mounted = !strcmp(s->mounts[i].dest, dest);
			if (mounted)
				continue;
			char anon[65];
			volt_random_hex(anon, 32);
			cleanup_free char *arg = volt_path("%s:%s", anon, dest);
			if (add_mount(ctx, s, arg, false, err) < 0)
				goto out;
		}
	}
	if (resolve_health(cfg, o, &s->health, err) < 0)
		goto out;
	struct volt_security_opts so = {o->security_opts, o->cap_add, o->cap_drop, o->landlock, o->seccomp_audit};
	struct volt_sec_spec ss = {0};
	int sr = volt_security_opts_to_spec(ctx, &so, &ss, err);
	s->seccomp = ss.seccomp; /* the spec owns them, even those of a failure */
	s->landlock = ss.landlock;
	s->cap_add = ss.cap_add;
	s->cap_drop = ss.cap_drop;
	s->seccomp_audit = ss.seccomp_audit;
	if (sr < 0)
		goto out;
	if (o->idmap)
		s->idmap = *o->idmap;
	else if (volt_idmap_detect(&s->idmap, o->userns && !strcmp(o->userns, "keep-id"), err) < 0)
		goto out;
	if (limits_spec(o, s, err) < 0)
		goto out;
	ret = 0;
out:
	json_decref(cfg_root);
	return ret;
}

int volt_ctr_create(struct volt_ctx *ctx, const struct volt_create_opts *o, char *id_out, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	struct volt_image_row img;
	struct volt_spec spec = {0};
	struct volt_ctr_row row = {0};
	cleanup_free char *json = NULL, *dir = NULL;
	int r, ret = -1;

	if (!db)
		return -1;
	volt_trace("create: database open");
	/* a missing image is pulled (image/pull_hook.c); a file-list
	 * appliance has none: its entrypoint and env stand for the config */
	if (o->vm_appliance) {
		memset(&img, 0, sizeof(img));
		json_auto_t *cfg =
			json_pack("{s:{s:o,s:o}}", "config", "Cmd", strv_to_json(o->vm_appliance->entrypoint), "Env",
				  strv_to_json(o->vm_appliance->env));
		img.config = cfg ? json_dumps(cfg, JSON_COMPACT) : NULL;
		if (!img.config) {
			volt_image_row_free(&img);
			return volt_err_set(err, ENOMEM, "create");
		}
	} else if ((r = volt_image_find_or_pull(ctx, db, o->image, &img, err)) < 0) {
		return -1;
	}
	volt_trace("create: image found");
	if (build_spec(ctx, o, &img, &spec, err) < 0)
		goto out;
	volt_trace("create: spec built");
	json = volt_spec_to_json(&spec);
	dir = volt_ctx_ctr_dir(ctx, spec.id);
	/* a --rm container gets its /etc files on a tmpfs at start (rootfs.c) */
	/* a spare directory (spare.c) saves three new inodes */
	if (!volt_spare_take(ctx->root, dir) && volt_mkdir_p(dir, 0700, err) < 0)
		goto out;
	if (!spec.rm && volt_etc_files_write(&spec, dir, err) < 0) {
		/* a full disk: no directory that neither ps nor cas gc sees */
		struct volt_err ignored;
		volt_rm_rf(dir, &ignored);
		goto out;
	}
	volt_trace("create: etc files written");
	/* the row and its supervision record in one transaction: a full disk
	 * (or any failure) between them leaves neither (a rollback needs no
	 * room) */
	if (volt_db_begin(db, err) < 0)
		goto insert_failed;
	snprintf(row.id, sizeof(row.id), "%s", spec.id);
	row.name = spec.name;
	row.image_id = img.id;
	row.image_name = (char *)o->image;
	row.spec = json;
	row.state = VOLT_CTR_CREATED;
	row.kind = o->vm ? VOLT_KIND_VM : VOLT_KIND_CONTAINER;
	row.created = volt_now_ns();
	/* a generated name may collide: draw again */
	for (int tries = 0; !o->name && tries < 8; tries++) {
		struct volt_err ierr;
		if (volt_db_ctr_insert(db, &row, &ierr) == 0)
			goto inserted;
		if (ierr.errnum != EEXIST) {
			*err = ierr;
			goto rollback;
		}
		free(spec.name);
		spec.name = random_name();
		row.name = spec.name;
		free(json);
		json = volt_spec_to_json(&spec);
		row.spec = json;
	}
	if (volt_db_ctr_insert(db, &row, err) < 0)
		goto rollback;
inserted:
	if ((o->in_txn && o->in_txn(ctx, spec.id, o->in_txn_arg, err) < 0) || volt_db_commit(db, err) < 0) {
rollback:
		volt_db_rollback(db);
insert_failed:;
		struct volt_err ignored;
		volt_rm_rf(dir, &ignored);
		goto out;
	}
	volt_trace("create: recorded");
	snprintf(id_out, 65, "%s", spec.id);
	ret = 0;
out:
	volt_spec_free(&spec);
	volt_image_row_free(&img);
	return ret;
}
