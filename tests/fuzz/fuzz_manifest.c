/* libFuzzer target: tree manifests and container specs (JSON parsers). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cas/tree.h"
#include "container/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_err err;
	struct volt_tree t;
	struct volt_spec s;
	char *str = malloc(size + 1);

	volt_tree_init(&t);
	volt_tree_load_buf(&t, (const char *)data, size, &err);
	volt_tree_free(&t);
	memcpy(str, data, size);
	str[size] = '\0';
	if (volt_spec_from_json(&s, str, &err) == 0) {
		char *j = volt_spec_to_json(&s);
		free(j);
		volt_spec_free(&s);
	}
	free(str);
	return 0;
}
