/* volt inspect CONTAINER in docker's shape: Id, Created, Path, Args,
 * State{...}, Image (sha256:ID), Name (/NAME), RestartCount, HostConfig,
 * GraphDriver, Mounts, Config{...}, NetworkSettings, so that a script's
 * `{{.State.Running}}`, `{{json .Config.Env}}` or `{{range .Mounts}}` works
 * as with docker. volt's own fields stay beside them where docker has none:
 * ImageID, Command, Labels (KEY=VALUE list), State.MonitorPid, IDMappings,
 * LogPath, Supervisor and Spec (the stored spec as volt runs it). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "container/volume.h"
#include "net/net.h"
#include "supervise/supervisor.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "workload/lifecycle.h"

/* kv_map - ["K=V", ...] as docker's {"K":"V"} (a KEY alone maps to "") */
static json_t *kv_map(json_t *list)
{
	json_t *m = json_object(), *v;
	size_t i;
	json_array_foreach(list, i, v) {
		const char *s = json_string_value(v), *eq;
		if (!s)
			continue;
		eq = strchr(s, '=');
		cleanup_free char *k = strndup(s, eq ? (size_t)(eq - s) : strlen(s));
		if (k)
			json_object_set_new(m, k, json_string(eq ? eq + 1 : ""));
	}
	return m;
}

/* set_map - ["80/tcp", ...] as docker's {"80/tcp":{}} */
static json_t *set_map(json_t *list)
{
	json_t *m = json_object(), *v;
	size_t i;
	json_array_foreach(list, i, v)
		if (json_is_string(v))
			json_object_set_new(m, json_string_value(v), json_object());
	return m;
}

/* split_args - the spec keeps Entrypoint + Cmd as one list: the image's
 * Entrypoint, when the list starts with it, is the Entrypoint again */
static void split_args(struct volt_ctx *ctx, json_t *spec, json_t **entry, json_t **cmd)
{
	json_t *args = json_object_get(spec, "args"), *ie = NULL;
	struct volt_image_row img;
	struct volt_err err = {0};
	struct volt_db *db = volt_ctx_db(ctx, &err);
	json_t *cfg = NULL;
	json_error_t jerr;
	size_t n = 0;
	const char *iid = json_string_value(json_object_get(spec, "image_id"));
	if (db && iid && volt_db_image_find(db, iid, &img, &err) == 0) {
		cfg = json_loads(img.config, 0, &jerr);
		volt_image_row_free(&img);
		ie = json_object_get(json_object_get(cfg, "config"), "Entrypoint");
	}
	n = json_array_size(ie);
	for (size_t i = 0; i < n; i++)
		if (!json_equal(json_array_get(ie, i), json_array_get(args, i)))
			n = 0;
	*entry = n ? json_array() : json_null();
	*cmd = json_array();
	for (size_t i = 0; i < json_array_size(args); i++)
		json_array_append(i < n ? *entry : *cmd, json_array_get(args, i));
	json_decref(cfg);
}

/* mounts - docker's Mounts and HostConfig's Binds and Tmpfs */
static void mounts(struct volt_ctx *ctx, json_t *spec, json_t *o, json_t *hc)
{
	json_t *out = json_array(), *binds = json_array(), *tmpfs = json_object(), *m;
	size_t i;
	json_array_foreach(json_object_get(spec, "mounts"), i, m) {
		const char *type = json_string_value(json_object_get(m, "type"));
		const char *dst = json_string_value(json_object_get(m, "destination"));
		const char *src = json_string_value(json_object_get(m, "source"));
		const char *name = json_string_value(json_object_get(m, "name"));
		bool ro = json_is_true(json_object_get(m, "readonly"));
		if (!type || !dst)
			continue;
		if (!strcmp(type, "tmpfs")) {
			const char *opts = json_string_value(json_object_get(m, "options"));
			json_object_set_new(tmpfs, dst, json_string(opts ? opts : ""));
			json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "Type", "tmpfs", "Source", "",
							     "Destination", dst, "Mode", opts ? opts : "", "RW", !ro,
							     "Propagation", ""));
			continue;
		}
		cleanup_free char *data = name ? volt_volume_data_dir(ctx, name) : NULL;
		const char *host = !strcmp(type, "volume") && data ? data : src ? src : "";
		cleanup_free char *bind = volt_path("%s:%s%s", name ? name : host, dst, ro ? ":ro" : "");
		json_array_append_new(binds, json_string(bind));
		json_t *d =
			json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "Type", type, "Source", host, "Destination", dst, "Mode",
				  ro ? "ro" : "", "RW", !ro, "Propagation", strcmp(type, "bind") ? "" : "rprivate");
		if (name)
			json_object_update_new(d, json_pack("{s:s,s:s}", "Name", name, "Driver", "local"));
		json_array_append_new(out, d);
	}
	json_object_set_new(o, "Mounts", out);
	json_object_set_new(hc, "Binds", binds);
	json_object_set_new(hc, "Tmpfs", tmpfs);
}

/* port_bindings - NetworkSettings.Ports without the running check: what
 * was asked for, as docker's HostConfig.PortBindings */
static json_t *port_bindings(json_t *ns)
{
	return json_deep_copy(json_object_get(ns, "Ports"));
}

/* host_config - docker's HostConfig from the spec and the supervisor's record */
static json_t *host_config(json_t *spec, json_t *sup, json_t *ns)
{
	json_t *sec = json_object_get(spec, "security"), *lim = json_object_get(sup, "Limits");
	const char *rp = json_string_value(json_object_get(sup, "RestartPolicy"));
	const char *colon = rp ? strchr(rp, ':') : NULL;
	cleanup_free char *rname = rp ? strndup(rp, colon ? (size_t)(colon - rp) : strlen(rp)) : NULL;
	const char *net = json_string_value(json_object_get(spec, "network"));
#define LIMIT(k) (json_integer_value(json_object_get(lim, k)) > 0 ? json_integer_value(json_object_get(lim, k)) : 0)
	json_t *hc = json_pack("{s:s,s:o,s:{s:s,s:i},s:b,s:b,s:b,s:O,s:O,s:O,s:O,s:I,s:I,s:I,s:I,s:I}", "NetworkMode",
			       net ? net : "none", "PortBindings", port_bindings(ns), "RestartPolicy", "Name",
			       rname && strcmp(rname, "no") ? rname : "no", "MaximumRetryCount",
			       colon ? atoi(colon + 1) : 0, "AutoRemove", json_is_true(json_object_get(spec, "rm")),
			       "ReadonlyRootfs", json_is_true(json_object_get(spec, "read_only")), "Privileged", false,
			       "CapAdd", json_object_get(sec, "cap_add"), "CapDrop", json_object_get(sec, "cap_drop"),
			       "Dns", json_object_get(spec, "dns"), "ExtraHosts", json_object_get(spec, "add_hosts"),
			       "Memory", LIMIT("memory"), "MemorySwap", LIMIT("memory_swap"), "NanoCpus",
			       LIMIT("cpu_quota") * 1000, "CpuWeight", LIMIT("cpu_weight"), "PidsLimit", LIMIT("pids"));
#undef LIMIT
	/* --privileged as volt gives it (cli/run_opts.c) */
	json_t *ca;
	size_t i;
	bool all = false;
	json_array_foreach(json_object_get(sec, "cap_add"), i, ca)
		all |= json_string_value(ca) && !strcmp(json_string_value(ca), "ALL");
	const char *sc = json_string_value(json_object_get(sec, "seccomp"));
	const char *ll = json_string_value(json_object_get(sec, "landlock"));
	json_object_set_new(hc, "Privileged",
			    json_boolean(all && sc && !strcmp(sc, "unconfined") && ll && !strcmp(ll, "none")));
	json_object_set_new(hc, "Init", json_boolean(json_is_true(json_object_get(spec, "init"))));
	json_object_set_new(hc, "UsernsMode", json_incref(json_object_get(spec, "userns")));
	/* docker's Ulimits [{Name,Soft,Hard}], Sysctls {K:V}, GroupAdd [..] */
	json_t *ul = json_array(), *sy = json_object(), *v;
	json_array_foreach(json_object_get(spec, "ulimits"), i, v) {
		const char *u = json_string_value(v), *eq = u ? strchr(u, '=') : NULL;
		long long soft = 0, hard = 0;
		if (eq && sscanf(eq + 1, "%lld:%lld", &soft, &hard) == 2)
			json_array_append_new(ul, json_pack("{s:s%,s:I,s:I}", "Name", u, (size_t)(eq - u), "Soft",
							    (json_int_t)soft, "Hard", (json_int_t)hard));
	}
	json_array_foreach(json_object_get(spec, "sysctls"), i, v) {
		const char *kv = json_string_value(v), *eq = kv ? strchr(kv, '=') : NULL;
		if (eq) {
			cleanup_free char *k = strndup(kv, (size_t)(eq - kv));
			json_object_set_new(sy, k, json_string(eq + 1));
		}
	}
	json_object_set_new(hc, "Ulimits", ul);
	json_object_set_new(hc, "Sysctls", sy);
	json_t *ga = json_object_get(spec, "group_add");
	json_object_set_new(hc, "GroupAdd", ga ? json_incref(ga) : json_array());
	return hc;
}

/* config - docker's Config */
static json_t *config(struct volt_ctx *ctx, const struct volt_ctr_row *c, json_t *spec)
{
	json_t *entry, *cmd;
	int sig = (int)json_integer_value(json_object_get(spec, "stop_signal"));
	const char *signame = sig > 0 ? volt_signal_name(sig) : NULL;
	cleanup_free char *stopsig = signame ? volt_path("SIG%s", signame) : NULL;
	split_args(ctx, spec, &entry, &cmd);
	bool tty = json_is_true(json_object_get(spec, "tty")), in = json_is_true(json_object_get(spec, "interactive"));
	return json_pack("{s:O,s:s,s:s,s:b,s:b,s:b,s:b,s:b,s:O,s:o,s:o,s:s,s:O,s:s,s:o,s:o,s:s?,s:O}", "Hostname",
			 json_object_get(spec, "hostname"), "Domainname", "", "User",
			 json_string_value(json_object_get(spec, "user")) ?: "", "AttachStdin", in, "AttachStdout",
			 true, "AttachStderr", true, "Tty", tty, "OpenStdin", in, "Env", json_object_get(spec, "env"),
			 "Cmd", cmd, "Entrypoint", entry, "Image", c->image_name ? c->image_name : c->image_id,
			 "WorkingDir", json_object_get(spec, "cwd"), "OnBuild", "", "Labels",
			 kv_map(json_object_get(spec, "labels")), "ExposedPorts",
			 set_map(json_object_get(spec, "exposed_ports")), "StopSignal", stopsig, "StopTimeout",
			 json_object_get(spec, "stop_timeout"));
}

/* health - docker's State.Health (the health file, whose Log entries lose
 * volt's StartNs/EndNs) and Config.Healthcheck, for a container with a check */
static void health(struct volt_ctx *ctx, const struct volt_ctr_row *c, json_t *spec, json_t *st, json_t *cfg)
{
	json_t *h = json_object_get(spec, "health"), *e;
	size_t i;
	if (!h)
		return;
	json_object_set_new(cfg, "Healthcheck",
			    json_pack("{s:O,s:O,s:O,s:O,s:O,s:O}", "Test", json_object_get(h, "test"), "Interval",
				      json_object_get(h, "interval"), "Timeout", json_object_get(h, "timeout"),
				      "StartPeriod", json_object_get(h, "start_period"), "StartInterval",
				      json_object_get(h, "start_interval"), "Retries", json_object_get(h, "retries")));
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, c->id), *p = volt_path("%s/health.json", dir), *text = NULL;
	size_t len;
	struct volt_err err;
	json_t *hs = volt_read_file(p, 1 << 20, &text, &len, &err) == 0 ? json_loads(text, 0, NULL) : NULL;
	if (!hs) /* never started */
		hs = json_pack("{s:s,s:i,s:[]}", "Status", "starting", "FailingStreak", 0, "Log");
	json_array_foreach(json_object_get(hs, "Log"), i, e) {
		json_object_del(e, "StartNs");
		json_object_del(e, "EndNs");
	}
	json_object_set_new(st, "Health", hs);
}

json_t *cli_ctr_inspect_json(struct volt_ctx *ctx, const struct volt_ctr_row *c, json_t *base, json_t *spec);
json_t *cli_ctr_inspect_json(struct volt_ctx *ctx, const struct volt_ctr_row *c, json_t *base, json_t *spec)
{
	json_t *o = base, *args = json_object_get(spec, "args");
	json_t *sup = json_object_get(o, "Supervisor"), *ns = json_object_get(o, "NetworkSettings");
	json_t *st = json_object_get(o, "State");
	cleanup_free char *img = volt_path("sha256:%s", c->image_id);
	cleanup_free char *name = volt_path("/%s", c->name);

	json_object_set_new(o, "Image", json_string(img));
	json_object_set_new(o, "Name", json_string(name));
	json_object_set_new(o, "Path", json_incref(json_array_get(args, 0)));
	json_t *rest = json_array();
	for (size_t i = 1; i < json_array_size(args); i++)
		json_array_append(rest, json_array_get(args, i));
	json_object_set_new(o, "Args", rest);
	json_object_update_new(st, json_pack("{s:b,s:b,s:b,s:b}", "Paused", c->state == VOLT_CTR_PAUSED, "Restarting",
					     false, "OOMKilled", false, "Dead", false));
	if (!json_string_value(json_object_get(st, "Error")))
		json_object_set_new(st, "Error", json_string(""));
	json_object_set_new(o, "RestartCount", json_integer(json_integer_value(json_object_get(sup, "RestartCount"))));
	json_object_set_new(o, "Driver", json_string("overlay"));
	json_object_set_new(o, "Platform", json_string("linux"));
	json_t *hc = host_config(spec, sup, ns);
	mounts(ctx, spec, o, hc);
	json_object_set_new(o, "HostConfig", hc);
	json_object_set_new(o, "Config", config(ctx, c, spec));
	health(ctx, c, spec, st, json_object_get(o, "Config"));
	if (c->state != VOLT_CTR_RUNNING && c->state != VOLT_CTR_PAUSED) /* docker: no ports when stopped */
		json_object_set_new(ns, "Ports", json_object());
	json_t *spec_copy = json_deep_copy(spec);
	json_object_del(spec_copy, "idmap");
	json_object_set_new(o, "Spec", spec_copy);
	return o;
}
