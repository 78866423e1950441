/* libFuzzer target: the OCI/Docker manifest and index parser and platform
 * selection on arbitrary bytes, with and without a Content-Type hint. Every
 * descriptor accepted must carry a valid digest and a size >= 0. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct volt_descriptor *d)
{
	if (!volt_digest_valid(d->digest) || d->size < 0 || !d->media_type)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hints[] = {NULL, VOLT_MT_OCI_INDEX, VOLT_MT_DOCKER_MANIFEST,
					    "application/json; charset=utf-8"};
	struct volt_err err;
	struct volt_manifest m;

	for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++) {
		if (volt_manifest_parse((const char *)data, size, hints[h], &m, &err) == 0) {
			if (m.is_index) {
				for (size_t i = 0; i < m.n_manifests; i++)
					check(&m.manifests[i]);
				const struct volt_descriptor *d =
					volt_manifest_select(&m, "linux", "amd64", NULL, &err);
				if (d && (d < m.manifests || d >= m.manifests + m.n_manifests))
					abort();
				volt_manifest_select(&m, "linux", "arm64", "v8", &err);
			} else {
				check(&m.config);
				for (size_t i = 0; i < m.n_layers; i++)
					check(&m.layers[i]);
			}
		}
		volt_manifest_free(&m);
	}
	return 0;
}
