/* libFuzzer target: the OCI runtime-spec config.json parser (oci/config.c),
 * the mount option splitter it uses on every mounts[] entry, and the
 * process object of `exec --process`. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oci/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_oci_config c;
	struct volt_err err;

	if (volt_oci_config_parse(&c, (const char *)data, size, &err) == 0) {
		for (size_t i = 0; i < c.n_mounts; i++) {
			struct volt_oci_mount_opts o;
			if (volt_oci_mount_opts(c.mounts[i].options, &o, &err) == 0)
				free(o.data);
		}
		volt_oci_config_free(&c);
	}
	/* the same bytes as an `exec --process` object */
	if (volt_oci_process_parse(&c, (const char *)data, size, &err) == 0)
		volt_oci_config_free(&c);
	return 0;
}
