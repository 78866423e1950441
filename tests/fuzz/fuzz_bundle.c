/* libFuzzer target: the .vbundle reader (libarchive zip + meta/config/tree
 * parsing + object hashing) on arbitrary bytes. It must never crash, and
 * whatever it accepts without problems must be self-consistent: the config
 * hashes to the id. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cas/bundle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_bundle_info info;
	struct volt_err err;
	size_t problems = 0;

	if (volt_bundle_verify_mem(data, size, NULL, NULL, &info, &problems, &err) == 0 && problems == 0) {
		char id[VOLT_SHA256_HEX];
		if (!info.config)
			abort();
		volt_sha256_buf(info.config, strlen(info.config), id);
		if (strcmp(id, info.id))
			abort();
	}
	volt_bundle_info_free(&info);
	return 0;
}
