/* libFuzzer target: the seccomp profile parser (OCI/Docker JSON). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "security/caps.h"
#include "security/seccomp_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_scmp_profile p;
	struct volt_err err;

	if (volt_scmp_profile_parse(&p, "fuzz.json", (const char *)data, size, &err) == 0) {
		struct volt_scmp_env env = {volt_caps_default(), "SCMP_ARCH_X86_64", VOLT_SCMP_KERNEL(6, 1)};
		for (size_t i = 0; i < p.n_rules; i++)
			(void)volt_scmp_rule_active(&p.rules[i], &env);
		volt_scmp_profile_free(&p);
	}
	return 0;
}
