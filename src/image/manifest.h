/* Image manifests: the OCI image index and image manifest, and their Docker
 * counterparts (manifest list, schema 2 manifest). One parser for the registry
 * client and the local sources (OCI layouts, oci-archive); it reads untrusted
 * bytes, so it validates strictly: digests are "sha256:<64 lowercase hex>",
 * sizes are integers >= 0, required fields are there and of the right type,
 * duplicate JSON keys are refused. Docker schema 1 manifests are refused. */
#ifndef VOLT_IMAGE_MANIFEST_H
#define VOLT_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define VOLT_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define VOLT_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define VOLT_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define VOLT_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define VOLT_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define VOLT_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* Bounds on what one manifest may hold (registries cap manifests at 4 MiB). */
#define VOLT_MANIFEST_MAX_BYTES (4u << 20)
#define VOLT_MANIFEST_MAX_LAYERS 1024
#define VOLT_MANIFEST_MAX_ENTRIES 4096

struct volt_descriptor {
	char *media_type;
	char digest[80]; /* "sha256:<64 hex>" */
	int64_t size;
	char *os, *arch, *variant; /* platform, NULL if absent */
	char *ref_name;		   /* annotation org.opencontainers.image.ref.name */
};

struct volt_manifest {
	bool is_index;
	char *media_type;	       /* the effective media type (one of VOLT_MT_*) */
	struct volt_descriptor config; /* image manifests */
	struct volt_descriptor *layers;
	size_t n_layers;
	struct volt_descriptor *manifests; /* indexes */
	size_t n_manifests;
};

/* volt_manifest_parse - parse an index or image manifest.
 * @json, @len: the bytes (need not be NUL-terminated)
 * @media_type_hint: Content-Type from a registry or NULL; parameters after ";"
 *   and generic types (application/json, application/octet-stream, text/plain)
 *   are ignored. Otherwise the "mediaType" field decides, and without one the
 *   shape ("manifests" vs "config"+"layers"). A hint and a field that disagree
 *   are refused.
 * @out: filled on success; release with volt_manifest_free (also safe after a
 *   failure).
 * Return: 0, or -1 with err naming the field at fault. */
int volt_manifest_parse(const char *json, size_t len, const char *media_type_hint, struct volt_manifest *out,
			struct volt_err *err);

/* volt_manifest_select - the entry of index idx for os/arch[/variant]
 * ("linux", "amd64", NULL). Architecture aliases x86_64/aarch64 are accepted.
 * With variant NULL an entry without a variant is preferred, else the first
 * match. Entries without a platform never match.
 * Return: a pointer into idx, or NULL with err listing the platforms found. */
const struct volt_descriptor *volt_manifest_select(const struct volt_manifest *idx, const char *os, const char *arch,
						   const char *variant, struct volt_err *err);

/* volt_manifest_free - release what volt_manifest_parse allocated. */
void volt_manifest_free(struct volt_manifest *m);

/* volt_digest_valid - 1 for "sha256:<64 lowercase hex>", 0 for anything else. */
int volt_digest_valid(const char *digest);

/* volt_descriptor_free - release one descriptor's strings. */
void volt_descriptor_free(struct volt_descriptor *d);

#endif
