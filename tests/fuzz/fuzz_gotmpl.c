/* libFuzzer target: the Go template subset (util/gotmpl.c), parsed and run
 * over a fixed inspect-like value: a template is user input (--format). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/gotmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static json_t *v;
	struct volt_tmpl *t;
	struct volt_err err;
	char *src = malloc(size + 1);

	if (!v)
		v = json_loads("{\"Name\":\"web\",\"State\":{\"Status\":\"running\",\"Pid\":42},"
			       "\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Labels\":{\"k\":\"v\"},\"Cmd\":null},"
			       "\"Mounts\":[{\"Source\":\"/s\",\"RW\":true}],\"Ratio\":0.5}",
			       0, NULL);
	memcpy(src, data, size);
	src[size] = '\0';
	if (volt_tmpl_parse(src, &t, &err) == 0) {
		FILE *out = fopen("/dev/null", "we");
		if (out) {
			volt_tmpl_exec(t, v, out, &err);
			fclose(out);
		}
		volt_tmpl_free(t);
	}
	free(src);
	return 0;
}
