/* libFuzzer target: the Landlock profile parser, its formatter and planner. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "security/landlock.h"
#include "security/landlock_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_ll_profile p, q;
	struct volt_ll_plan plan;
	struct volt_err err;

	if (volt_ll_profile_parse(&p, "fuzz", (const char *)data, size, &err) < 0)
		return 0;
	for (int abi = 0; abi <= 7; abi++)
		volt_landlock_plan(&p, abi, abi & 1, &plan);
	/* what we format must parse back to the same text */
	char *text = volt_ll_profile_format(&p);
	if (text) {
		if (volt_ll_profile_parse(&q, "again", text, strlen(text), &err) < 0)
			abort();
		char *again = volt_ll_profile_format(&q);
		if (!again || strcmp(text, again))
			abort();
		free(again);
		volt_ll_profile_free(&q);
		free(text);
	}
	volt_ll_profile_free(&p);
	return 0;
}
