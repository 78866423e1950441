#include "vm/fledge.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/strv.h"
#include "util/toml.h"

void volt_fledge_free(struct volt_fledge *f)
{
	free(f->name);
	free(f->strategy);
	for (size_t i = 0; i < f->n_maps; i++) {
		free(f->maps[i].source);
		free(f->maps[i].dest);
	}
	free(f->maps);
	volt_strv_free(f->entrypoint);
	volt_strv_free(f->env);
	memset(f, 0, sizeof(*f));
}

bool volt_fledge_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 128 || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* dest_ok - absolute, no "." or ".." part, not the root, not volt's /init */
static bool dest_ok(const char *d, const char **why)
{
	*why = "a destination must be an absolute path without . or .. parts";
	if (d[0] != '/' || !d[1])
		return false;
	for (const char *s = d; *s;) {
		s += strspn(s, "/");
		size_t n = strcspn(s, "/");
		if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
	}
	if (!strcmp(d, "/init")) {
		*why = "/init is volt's guest agent (volt-init)";
		return false;
	}
	return true;
}

static const char *str_of(const struct volt_toml *t)
{
	return t && t->type == VOLT_TOML_STRING ? t->str : NULL;
}

/* set_once - a field at most one file gives */
static int set_once(char **field, const char *v, const char *what, const char *key, struct volt_err *err)
{
	if (*field)
		return volt_err_set(err, 0, "%s: %s is given twice", what, key);
	*field = strdup(v);
	return *field ? 0 : volt_err_set(err, ENOMEM, "%s", what);
}

static int read_mappings(const struct volt_toml *m, const char *what, struct volt_fledge *f, struct volt_err *err)
{
	if (m->type != VOLT_TOML_TABLE)
		return volt_err_set(err, 0, "%s: mappings must be a table of \"source\" = \"/dest\"", what);
	for (size_t i = 0; i < m->n; i++) {
		const struct volt_toml *e = m->kids[i];
		const char *why;
		if (e->type != VOLT_TOML_STRING)
			return volt_err_set(err, 0, "%s: mapping %s: the destination must be a string", what, e->key);
		if (!*e->key)
			return volt_err_set(err, 0, "%s: a mapping with an empty source", what);
		if (!dest_ok(e->str, &why))
			return volt_err_set(err, 0, "%s: mapping %s = %s: %s", what, e->key, e->str, why);
		struct volt_fledge_map *nm = realloc(f->maps, (f->n_maps + 1) * sizeof(*nm));
		if (!nm)
			return volt_err_set(err, ENOMEM, "%s", what);
		f->maps = nm;
		nm[f->n_maps].source = strdup(e->key);
		nm[f->n_maps].dest = strdup(e->str);
		f->n_maps++;
		if (!nm[f->n_maps - 1].source || !nm[f->n_maps - 1].dest)
			return volt_err_set(err, ENOMEM, "%s", what);
	}
	return 0;
}

static int read_workload(const struct volt_toml *w, const char *what, struct volt_fledge *f, struct volt_err *err)
{
	const struct volt_toml *ep = volt_toml_get(w, "entrypoint");
	if (!ep)
		return 0;
	if (f->entrypoint)
		return volt_err_set(err, 0, "%s: workload.entrypoint is given twice", what);
	if (ep->type != VOLT_TOML_ARRAY || ep->n == 0)
		return volt_err_set(err, 0, "%s: workload.entrypoint must be a list of strings, the program first",
				    what);
	for (size_t i = 0; i < ep->n; i++) {
		const char *s = str_of(ep->kids[i]);
		if (!s)
			return volt_err_set(err, 0, "%s: workload.entrypoint must be a list of strings", what);
		if (volt_strv_push(&f->entrypoint, s) < 0)
			return volt_err_set(err, ENOMEM, "%s", what);
	}
	if (!f->entrypoint[0][0])
		return volt_err_set(err, 0, "%s: workload.entrypoint: an empty program", what);
	return 0;
}

static int read_env(const struct volt_toml *e, const char *what, struct volt_fledge *f, struct volt_err *err)
{
	if (e->type != VOLT_TOML_TABLE)
		return volt_err_set(err, 0, "%s: env must be a table of NAME = \"value\"", what);
	for (size_t i = 0; i < e->n; i++) {
		const char *k = e->kids[i]->key, *v = str_of(e->kids[i]);
		if (!v || !*k || strchr(k, '='))
			return volt_err_set(err, 0, "%s: env.%s: a NAME = \"value\" (a string) is expected", what, k);
		if (volt_env_get(f->env, k))
			return volt_err_set(err, 0, "%s: env.%s is given twice", what, k);
		cleanup_free char *kv = malloc(strlen(k) + strlen(v) + 2);
		if (!kv)
			return volt_err_set(err, ENOMEM, "%s", what);
		strcpy(kv, k);
		strcat(kv, "=");
		strcat(kv, v);
		if (volt_strv_push(&f->env, kv) < 0)
			return volt_err_set(err, ENOMEM, "%s", what);
	}
	return 0;
}

static int read_fledge_keys(const struct volt_toml *root, const char *what, struct volt_fledge *f, struct volt_err *err)
{
	const struct volt_toml *t;
	const char *s;
	/* version is fledge's format when the file is a fledge.toml (it has a
	 * strategy); in a manifest.toml it is the application's */
	if (volt_toml_get(root, "strategy") && (t = volt_toml_get(root, "version")) &&
	    (!(s = str_of(t)) || strcmp(s, "1")))
		return volt_err_set(err, 0, "%s: version must be \"1\"", what);
	if ((t = volt_toml_get(root, "strategy"))) {
		s = str_of(t);
		const char *strategy = !s			? NULL :
				       !strcmp(s, "initramfs")	? "initramfs" :
				       !strcmp(s, "oci_rootfs") ? "disk" :
								  NULL;
		if (!strategy)
			return volt_err_set(err, 0, "%s: strategy must be \"initramfs\" or \"oci_rootfs\"", what);
		if (set_once(&f->strategy, strategy, what, "strategy", err) < 0)
			return -1;
	}
	if ((t = volt_toml_get(root, "init")) &&
	    (volt_toml_get(t, "path") || ((t = volt_toml_get(t, "none")) && t->type == VOLT_TOML_BOOL && t->num)))
		return volt_err_set(err, 0, "%s: [init] path/none: volt's guest agent (volt-init) is always PID 1",
				    what);
	if (volt_toml_get(root, "source.image") || volt_toml_get(root, "source.dockerfile"))
		return volt_err_set(
			err, EINVAL,
			"%s: [source] image/dockerfile: pull or build the image, then `volt appliance build IMAGE`",
			what);
	if ((t = volt_toml_get(root, "mappings")) && read_mappings(t, what, f, err) < 0)
		return -1;
	return 0;
}

int volt_fledge_parse(const char *text, size_t len, const char *what, struct volt_fledge *f, struct volt_err *err)
{
	struct volt_toml *root;
	const struct volt_toml *t;
	if (volt_toml_parse(text, len, &root, err) < 0)
		return volt_err_prefix(err, "%s", what);
	int r = read_fledge_keys(root, what, f, err);
	if (r == 0 && (t = volt_toml_get(root, "name"))) {
		if (!str_of(t))
			r = volt_err_set(err, 0, "%s: name must be a string", what);
		else
			r = set_once(&f->name, t->str, what, "name", err);
	}
	if (r == 0 && (t = volt_toml_get(root, "workload"))) {
		if (t->type != VOLT_TOML_TABLE)
			r = volt_err_set(err, 0, "%s: workload must be a table", what);
		else
			r = read_workload(t, what, f, err);
	}
	if (r == 0 && (t = volt_toml_get(root, "env")))
		r = read_env(t, what, f, err);
	volt_toml_free(root);
	return r;
}

int volt_fledge_check(const struct volt_fledge *f, struct volt_err *err)
{
	if (!f->name)
		return volt_err_set(err, 0, "the appliance has no name (name = \"...\" in manifest.toml)");
	if (!volt_fledge_name_ok(f->name))
		return volt_err_set(err, 0, "appliance name %s: letters, digits, '.', '_' and '-', at most 128",
				    f->name);
	if (!f->n_maps)
		return volt_err_set(err, 0, "no files: [mappings] \"source\" = \"/dest\" lists them");
	return 0;
}

/* under - path is below one of the directories (each ending in '/') */
static bool under(const char *path, const char *const *dirs)
{
	for (; *dirs; dirs++)
		if (!strncmp(path, *dirs, strlen(*dirs)))
			return true;
	return false;
}

unsigned volt_fledge_mode(const char *dest, unsigned mode, bool is_dir)
{
	static const char *const bins[] = {"/bin/",	 "/sbin/",	    "/usr/bin/",
					   "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/",
					   "/opt/bin/",	 "/opt/sbin/",	    NULL};
	static const char *const libs[] = {"/lib/",	      "/lib64/",	   "/usr/lib/", "/usr/lib64/",
					   "/usr/local/lib/", "/usr/local/lib64/", NULL};
	if (is_dir)
		return 0755;
	if (mode & 0111) {
		/* executable: each class that may read may run it */
		unsigned m = mode & 0666;
		m |= (mode & 0400 ? 0100 : 0) | (mode & 0040 ? 0010 : 0) | (mode & 0004 ? 0001 : 0);
		return m;
	}
	if (under(dest, bins))
		return 0755;
	const char *ext = strrchr(dest, '.');
	if (under(dest, libs) && ((ext && !strcmp(ext, ".so")) || strstr(dest, ".so.")))
		return 0755;
	return 0644;
}
