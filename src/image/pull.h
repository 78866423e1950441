/* volt pull: an image from an OCI distribution registry into the CAS. */
#ifndef VOLT_IMAGE_PULL_H
#define VOLT_IMAGE_PULL_H

#include <stdbool.h>
#include <stdint.h>

#include "userns/idmap.h"
#include "state/context.h"
#include "util/err.h"

/* What the progress callback sees: one line per layer. */
struct volt_pull_layer_info {
	const char *digest; /* "sha256:..." */
	int64_t size;	    /* compressed size from the manifest */
	int64_t done;	    /* bytes downloaded so far */
	int state;	    /* VOLT_PULL_* */
	int64_t resumed;    /* bytes an earlier, interrupted pull kept (fed first) */
	bool range_ignored; /* the registry answered the resume in full (no Range) */
};

enum {
	VOLT_PULL_WAITING = 0,
	VOLT_PULL_FETCHING,
	VOLT_PULL_DONE,
	VOLT_PULL_CACHED, /* the store already has this layer: not downloaded */
	VOLT_PULL_FAILED,
};

struct volt_pull_progress {
	const char *ref;   /* normalised reference */
	const char *phase; /* "manifest", "layers", "commit", "done" */
	const struct volt_pull_layer_info *layers;
	int n_layers;
	int64_t elapsed_ns;
	bool final; /* last call */
};

struct volt_pull_opts {
	const char *platform;	/* "os/arch[/variant]"; NULL = the host's */
	int tls_verify;		/* -1 default, 0 off, 1 on */
	int64_t max_entry_size; /* 0 = layer.c's default */
	/* called from the pulling thread about 10 times a second, and once at the
	 * end with final set; NULL for none */
	void (*progress)(void *arg, const struct volt_pull_progress *p);
	void *progress_arg;
};

/* volt_image_pull - fetch ref (docker syntax, normalised) and record it under
 * its normalised name. Layers the store already holds (cas/layers/) are not
 * downloaded. On success id_out holds the image id (64 hex digits). */
int volt_image_pull(struct volt_ctx *ctx, const struct volt_idmap *map, const char *ref,
		    const struct volt_pull_opts *opts, char id_out[65], struct volt_err *err);

/* volt_platform_parse - "os/arch[/variant]" into its parts (malloc'd; variant
 * may come back NULL). NULL spec gives the host's platform. */
int volt_platform_parse(const char *spec, char **os, char **arch, char **variant, struct volt_err *err);

#endif
