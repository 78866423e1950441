/* libFuzzer target: the TOML reader (util/toml.c) and Volant's fledge.toml /
 * manifest.toml on top of it (vm/fledge.c), over untrusted text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/toml.h"
#include "vm/fledge.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* walk - touch every value, as a consumer would */
static size_t walk(const struct volt_toml *t)
{
	size_t n = 1 + (t->key ? strlen(t->key) : 0) + (t->str ? strlen(t->str) : 0);
	for (size_t i = 0; i < t->n; i++)
		n += walk(t->kids[i]);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_err err;
	struct volt_toml *root;
	if (volt_toml_parse((const char *)data, size, &root, &err) == 0) {
		(void)walk(root);
		(void)volt_toml_get(root, "workload.entrypoint");
		volt_toml_free(root);
	}
	struct volt_fledge f = {0};
	if (volt_fledge_parse((const char *)data, size, "fuzz", &f, &err) == 0 && volt_fledge_check(&f, &err) == 0)
		for (size_t i = 0; i < f.n_maps; i++)
			(void)volt_fledge_mode(f.maps[i].dest, 0644, false);
	volt_fledge_free(&f);
	return 0;
}
