/* Layer unpacking: a tar stream (plain, gzip, zstd, ...) read by libarchive,
 * its raw bytes hashed on the way, each regular file streamed into the object
 * store and each entry applied to the image's tree with OCI whiteouts. The
 * file contents are hashed and written by a second thread (filepipe.c), so
 * one layer uses two cores. */
#ifndef VOLT_IMAGE_LAYER_H
#define VOLT_IMAGE_LAYER_H

#include <stdint.h>
#include <sys/types.h>

#include "cas/store.h"
#include "cas/tree.h"

struct volt_layer_stats {
	int64_t compressed;   /* bytes read from the blob */
	int64_t files, bytes; /* regular files and their content bytes */
	int64_t skipped_devices;
	char digest[VOLT_SHA256_HEX];  /* sha256 of the blob as read */
	char diff_id[VOLT_SHA256_HEX]; /* sha256 of the uncompressed tar */
};

struct volt_layer_opts {
	int64_t max_entry_size;	   /* refuse larger regular files; 0 = default (16 GiB) */
	const char *expect_digest; /* "sha256:..." of the blob, or NULL */
	/* When set, whiteouts are reported here instead of being applied to the
	 * tree (the registry pull unpacks each layer into a tree of its own and
	 * applies whiteouts when it stacks the layers). Return 0 or -1. */
	int (*on_whiteout)(void *arg, const char *path, int opaque);
	void *whiteout_arg;
};

/* volt_layer_apply - read the layer from fd into cas and tree as layer number
 * `index`; name is used in errors ("layer NAME: entry X: ..."). */
int volt_layer_apply(struct volt_cas *cas, struct volt_tree *tree, int fd, int index, const char *name,
		     const struct volt_layer_opts *opts, struct volt_layer_stats *stats, struct volt_err *err);

/* volt_layer_next_fn - a source of blob bytes: *out gets the next bytes,
 * valid until the next call. Return their count, 0 at the end, -1 on error. */
typedef ssize_t (*volt_layer_next_fn)(void *arg, const void **out);

/* volt_layer_apply_source - the same with the bytes from next(next_arg):
 * the registry pull hands over its download buffers without a pipe. */
int volt_layer_apply_source(struct volt_cas *cas, struct volt_tree *tree, volt_layer_next_fn next, void *next_arg,
			    int index, const char *name, const struct volt_layer_opts *opts,
			    struct volt_layer_stats *stats, struct volt_err *err);

/* volt_layer_apply_mem - the same over a buffer (fuzzing, tests). */
int volt_layer_apply_mem(struct volt_cas *cas, struct volt_tree *tree, const void *buf, size_t len, int index,
			 const char *name, const struct volt_layer_opts *opts, struct volt_layer_stats *stats,
			 struct volt_err *err);

#endif
