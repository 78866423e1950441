/* Volant's appliance recipes, as volt reads them for `volt appliance build
 * --from-files`: fledge.toml (version, strategy, [mappings] "source" =
 * "/dest") and the runtime manifest.toml beside it (name, [workload]
 * entrypoint, [env]). Both may be one file. What volt does itself is
 * refused or ignored: the agent is always volt-init ([agent] is ignored,
 * [init] refused), nothing is downloaded ([source] busybox_url is ignored,
 * an image or Dockerfile source refused: build those from an image). */
#ifndef VOLT_VM_FLEDGE_H
#define VOLT_VM_FLEDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct volt_fledge_map {
	char *source; /* as written: relative to the recipe's directory, or absolute */
	char *dest;   /* absolute, no "..", not "/" */
};

struct volt_fledge {
	char *name;	/* the appliance's name (manifest: name) */
	char *strategy; /* "initramfs" or "disk" (fledge: oci_rootfs), NULL: not said */
	struct volt_fledge_map *maps;
	size_t n_maps;
	char **entrypoint; /* [workload] entrypoint, or NULL */
	char **env;	   /* [env] as KEY=VALUE, or NULL */
};

void volt_fledge_free(struct volt_fledge *f);

/* volt_fledge_parse - read one file's text (what it is named in errors)
 * into f, adding to what earlier files gave; a field two files give is an
 * error. */
int volt_fledge_parse(const char *text, size_t len, const char *what, struct volt_fledge *f, struct volt_err *err);

/* volt_fledge_check - what must be there once every file was read: a name
 * (letters, digits, '.', '_', '-'; at most 128) and a mapping at least. */
int volt_fledge_check(const struct volt_fledge *f, struct volt_err *err);

/* volt_fledge_mode - the mode fledge gives a file mapped to dest whose own
 * mode is mode: executable bits follow the read bits of a file that has
 * one; files under bin/sbin directories, and shared libraries under lib
 * directories, 0755; else 0644. Directories 0755. */
unsigned volt_fledge_mode(const char *dest, unsigned mode, bool is_dir);

/* volt_fledge_name_ok - a name an appliance may have */
bool volt_fledge_name_ok(const char *name);

#endif
