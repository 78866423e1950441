/* libFuzzer target: image references, WWW-Authenticate parameters,
 * registries.conf lines and platform strings (all read from untrusted or
 * user input). Checks that a parsed reference prints back into something
 * that parses to the same reference. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/auth.h"
#include "image/pull.h"
#include "image/reference.h"
#include "image/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_err err;
	struct volt_ref r, r2;
	struct volt_registry_conf c;
	char *s = malloc(size + 1), *os, *arch, *variant;

	memcpy(s, data, size);
	s[size] = '\0';
	if (volt_ref_parse(s, &r, &err) == 0) {
		char *back = volt_ref_string(&r);
		if (volt_ref_parse(back, &r2, &err) != 0)
			abort();
		if (strcmp(r.domain, r2.domain) || strcmp(r.path, r2.path))
			abort();
		volt_ref_free(&r2);
		free(back);
		volt_ref_is_loopback(r.domain);
		volt_ref_free(&r);
	}
	free(volt_www_auth_param(s, "realm"));
	free(volt_www_auth_param(s, "scope"));
	volt_registry_conf_parse(s, "127.0.0.1:5000", &c);
	if (volt_platform_parse(s, &os, &arch, &variant, &err) == 0) {
		free(os);
		free(arch);
		free(variant);
	}
	free(s);
	return 0;
}
