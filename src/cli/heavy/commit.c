/* volt commit: a new image from a container's upper layer (image/ctr_commit.c),
 * with the container's configuration (its command, environment, working
 * directory, user, labels) as docker's, and -c changes over it. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "container/spec.h"
#include "image/ctr_commit.h"
#include "state/events.h"
#include "state/liveness.h"
#include "userns/idmap.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "workload/lifecycle.h"

static const struct option commit_opts[] = {{"author", required_argument, NULL, 'a'},
					    {"change", required_argument, NULL, 'c'},
					    {"message", required_argument, NULL, 'm'},
					    {"pause", optional_argument, NULL, 'p'},
					    {NULL, 0, NULL, 0}};
const struct volt_cmd_spec cli_commit_spec = {
	.usage = "Usage: volt commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]\n\n"
		 "Make a new image of the container's changes: its image with one more layer\n"
		 "(the container's upper layer), and the container's command, environment,\n"
		 "working directory, user and labels as its config. Prints the image id.\n\n"
		 "  -a, --author TEXT     the author (\"Name <mail>\")\n"
		 "  -c, --change TEXT     a Dockerfile instruction over the config: CMD,\n"
		 "                        ENTRYPOINT, ENV, LABEL, WORKDIR, USER, EXPOSE, VOLUME,\n"
		 "                        STOPSIGNAL, ONBUILD (repeatable)\n"
		 "  -m, --message TEXT    the commit message (the layer's history comment)\n"
		 "  -p, --pause[=BOOL]    freeze a running container while its layer is read\n"
		 "                        (default true; --pause=false reads it as it changes)\n",
	.opts = "a:c:m:p::",
	.longopts = commit_opts,
};

/* command_value - CMD/ENTRYPOINT's argument: a JSON array, or a shell form */
static json_t *command_value(const char *v)
{
	json_t *a = json_loads(v, JSON_DECODE_ANY, NULL);
	if (json_is_array(a)) {
		size_t i;
		json_t *x;
		json_array_foreach(a, i, x)
			if (!json_is_string(x))
				break;
		if (i == json_array_size(a))
			return a;
	}
	json_decref(a);
	return json_pack("[s,s,s]", "/bin/sh", "-c", v);
}

/* set_env - KEY=VALUE into the Env list, replacing KEY */
static void set_env(json_t *cfg, const char *kv)
{
	json_t *env = json_object_get(cfg, "Env");
	size_t klen = strcspn(kv, "="), i;
	json_t *x;

	if (!json_is_array(env)) {
		json_object_set_new(cfg, "Env", json_array());
		env = json_object_get(cfg, "Env");
	}
	json_array_foreach(env, i, x) {
		const char *s = json_string_value(x);
		if (s && !strncmp(s, kv, klen) && s[klen] == '=') {
			json_array_set_new(env, i, json_string(kv));
			return;
		}
	}
	json_array_append_new(env, json_string(kv));
}

/* apply_change - one -c instruction; -1 after printing */
static int apply_change(json_t *cfg, const char *change)
{
	char word[16];
	size_t n = strcspn(change, " \t");
	const char *v = change + n;

	while (*v == ' ' || *v == '\t')
		v++;
	if (n >= sizeof(word) || !*v) {
		fprintf(stderr, "volt: commit: --change \"%s\": expected INSTRUCTION VALUE\n", change);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		word[i] = (char)toupper((unsigned char)change[i]);
	word[n] = '\0';
	if (!strcmp(word, "CMD") || !strcmp(word, "ENTRYPOINT")) {
		json_object_set_new(cfg, word[0] == 'C' ? "Cmd" : "Entrypoint", command_value(v));
	} else if (!strcmp(word, "ENV") || !strcmp(word, "LABEL")) {
		/* KEY=VALUE, or KEY VALUE (the old form) */
		size_t k = strcspn(v, "= \t");
		const char *val = v[k] ? v + k + 1 : "";
		while (v[k] && v[k] != '=' && (*val == ' ' || *val == '\t'))
			val++;
		cleanup_free char *key = strndup(v, k);
		cleanup_free char *unq = NULL;
		size_t vl = strlen(val);
		if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"')
			val = unq = strndup(val + 1, vl - 2);
		if (word[0] == 'E') {
			cleanup_free char *kv = volt_path("%s=%s", key, val);
			set_env(cfg, kv);
		} else {
			if (!json_is_object(json_object_get(cfg, "Labels")))
				json_object_set_new(cfg, "Labels", json_object());
			json_object_set_new(json_object_get(cfg, "Labels"), key, json_string(val));
		}
	} else if (!strcmp(word, "WORKDIR")) {
		json_object_set_new(cfg, "WorkingDir", json_string(v));
	} else if (!strcmp(word, "USER")) {
		json_object_set_new(cfg, "User", json_string(v));
	} else if (!strcmp(word, "EXPOSE") || !strcmp(word, "VOLUME")) {
		/* words (EXPOSE 80 443/udp, VOLUME /a /b) or VOLUME's JSON array */
		bool ex = word[0] == 'E';
		const char *key = ex ? "ExposedPorts" : "Volumes";
		json_t *arr = ex ? NULL : json_loads(v, JSON_DECODE_ANY, NULL), *x;
		size_t i;
		if (!json_is_object(json_object_get(cfg, key)))
			json_object_set_new(cfg, key, json_object());
		if (json_is_array(arr)) {
			json_array_foreach(arr, i, x)
				if (json_is_string(x))
					json_object_set_new(json_object_get(cfg, key), json_string_value(x),
							    json_object());
		} else {
			cleanup_free char *all = strdup(v);
			for (char *sv = NULL, *w = strtok_r(all, " \t", &sv); w; w = strtok_r(NULL, " \t", &sv)) {
				cleanup_free char *p = !ex || strchr(w, '/') ? strdup(w) : volt_path("%s/tcp", w);
				json_object_set_new(json_object_get(cfg, key), p, json_object());
			}
		}
		json_decref(arr);
	} else if (!strcmp(word, "STOPSIGNAL")) {
		json_object_set_new(cfg, "StopSignal", json_string(v));
	} else if (!strcmp(word, "ONBUILD")) {
		if (!json_is_array(json_object_get(cfg, "OnBuild")))
			json_object_set_new(cfg, "OnBuild", json_array());
		json_array_append_new(json_object_get(cfg, "OnBuild"), json_string(v));
	} else {
		fprintf(stderr,
			"volt: commit: --change \"%s\": %s is not supported (CMD, ENTRYPOINT, ENV, LABEL, WORKDIR, "
			"USER, EXPOSE, VOLUME, STOPSIGNAL, ONBUILD)\n",
			change, word);
		return -1;
	}
	return 0;
}

/* container_config - the container's settings over the image's config:
 * Cmd is what it runs after the image's Entrypoint */
static void container_config(json_t *cfg, const struct volt_spec *s)
{
	json_t *ep = json_object_get(cfg, "Entrypoint");
	size_t skip = 0, n = 0;

	while (s->args && s->args[n])
		n++;
	if (json_is_array(ep) && json_array_size(ep) <= n) {
		size_t i;
		json_t *x;
		json_array_foreach(ep, i, x)
			if (!json_is_string(x) || strcmp(json_string_value(x), s->args[i]))
				break;
		if (i == json_array_size(ep))
			skip = i;
	}
	json_t *cmd = json_array();
	for (size_t i = skip; i < n; i++)
		json_array_append_new(cmd, json_string(s->args[i]));
	json_object_set_new(cfg, "Cmd", cmd);
	json_t *env = json_array();
	for (size_t i = 0; s->env && s->env[i]; i++)
		json_array_append_new(env, json_string(s->env[i]));
	json_object_set_new(cfg, "Env", env);
	if (s->cwd && s->cwd[0])
		json_object_set_new(cfg, "WorkingDir", json_string(s->cwd));
	if (s->user && s->user[0])
		json_object_set_new(cfg, "User", json_string(s->user));
	for (size_t i = 0; s->labels && s->labels[i]; i++) {
		const char *eq = strchr(s->labels[i], '=');
		cleanup_free char *k = eq ? strndup(s->labels[i], (size_t)(eq - s->labels[i])) : strdup(s->labels[i]);
		if (!json_is_object(json_object_get(cfg, "Labels")))
			json_object_set_new(cfg, "Labels", json_object());
		json_object_set_new(json_object_get(cfg, "Labels"), k, json_string(eq ? eq + 1 : ""));
	}
}

/* join_args - the command as one line, docker's created_by */
static char *join_args(char **args)
{
	size_t len = 1;
	for (size_t i = 0; args && args[i]; i++)
		len += strlen(args[i]) + 1;
	char *s = calloc(1, len);
	for (size_t i = 0; s && args && args[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, args[i]);
	}
	return s;
}

static int commit_in_userns(void *arg, char id_out[65], struct volt_err *err)
{
	void **a = arg;
	return volt_image_commit_upper(a[0], a[1], id_out, err);
}

int cmd_commit(struct volt_cli *cli, int argc, char **argv)
{
	struct volt_err err = {0};
	struct volt_ctr_row row;
	struct volt_image_row img;
	struct volt_spec spec;
	struct volt_idmap map;
	struct volt_ctx *ctx;
	struct volt_db *db;
	cleanup_strv char **changes = NULL;
	const char *author = NULL, *message = NULL;
	bool pause = true, paused = false;
	char id[65];
	int c, r;

	while ((c = cli_getopt(argc, argv, &cli_commit_spec)) != -1) {
		switch (c) {
		case 'a': author = optarg; break;
		case 'm': message = optarg; break;
		case 'c': cli_strv_add(&changes, optarg); break;
		case 'p':
			if (!cli_parse_bool(optarg, &pause))
				return cli_usage_error("commit", "--pause takes true or false, not %s", optarg);
			break;
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage_error("commit", "requires CONTAINER and at most one REPOSITORY[:TAG]");
	if (!(ctx = cli_ctx(cli)) || !(db = volt_ctx_db(ctx, &err)))
		return ctx ? cli_fail(&err) : VOLT_EXIT_INTERNAL;
	r = cli_ctr_load(ctx, argv[optind], &row);
	if (r != 0)
		return r;
	if (row.kind != VOLT_KIND_CONTAINER) {
		fprintf(stderr, "volt: commit: %s is a microVM: only containers can be committed\n", argv[optind]);
		return VOLT_EXIT_INTERNAL;
	}
	r = volt_db_image_find(db, row.image_id, &img, &err);
	if (r > 0)
		volt_err_said(&err, ENOENT, "commit: the image of %s is gone", argv[optind]);
	if (r != 0 || volt_spec_from_json(&spec, row.spec, &err) < 0)
		return cli_fail(&err);
	json_t *cfg_root = json_loads(img.config, 0, NULL);
	if (!json_is_object(cfg_root))
		cfg_root = json_object();
	if (!json_is_object(json_object_get(cfg_root, "config")))
		json_object_set_new(cfg_root, "config", json_object());
	json_t *cfg = json_object_get(cfg_root, "config");
	container_config(cfg, &spec);
	for (size_t i = 0; changes && changes[i]; i++)
		if (apply_change(cfg, changes[i]) < 0)
			return VOLT_EXIT_INTERNAL;
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, row.id);
	cleanup_free char *upper = volt_path("%s/upper", dir);
	cleanup_free char *by = join_args(spec.args);
	cleanup_free char *source = volt_path("commit %s", row.name);
	struct volt_ctr_commit cc = {
		.image_id = img.id,
		.layers = img.layers,
		.upper = upper,
		.config = cfg_root,
		.created_by = by,
		.comment = message,
		.author = author,
		.name = optind + 1 < argc ? argv[optind + 1] : NULL,
		.source = source,
	};
	void *job[2] = {ctx, &cc};
	/* docker's --pause: a running container is frozen while its upper
	 * layer is read (a consistent layer), then thawed; one already paused
	 * stays so. Refused, as docker's, when it cannot be frozen. */
	r = 0;
	if (pause && row.state == VOLT_CTR_RUNNING) {
		r = volt_workload_pause(ctx, &row, true, &err);
		if (r < 0)
			volt_err_prefix(&err, "commit: pause %s (--pause=false commits without)", row.name);
		paused = r == 0;
	}
	if (r == 0)
		r = volt_idmap_detect(&map, false, &err) < 0 ?
			    -1 :
			    volt_userns_run_id(&map, commit_in_userns, job, id, &err);
	if (r == 0) { /* docker's event, before the unpause as docker's defer orders it */
		cleanup_free char *img_id = volt_path("sha256:%s", id);
		volt_event("container", "commit", row.id, "comment", message ? message : "", "imageID", img_id,
			   "imageRef", cc.name, (char *)NULL);
	}
	if (paused) {
		struct volt_err e2 = {0};
		if (volt_workload_pause(ctx, &row, false, &e2) < 0 && r == 0)
			cli_fail(&e2); /* the image is made: say it, go on */
	}
	json_decref(cfg_root);
	volt_spec_free(&spec);
	volt_image_row_free(&img);
	volt_ctr_row_free(&row);
	if (r < 0)
		return cli_fail_writer(&err, "commit");
	printf("sha256:%s\n", id);
	return 0;
}
