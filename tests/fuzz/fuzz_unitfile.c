/* libFuzzer target: .volt unit files, restart policies, sizes (supervise/). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "supervise/supervisor.h"
#include "supervise/unitfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_err err;
	struct volt_unitfile u;
	if (volt_unitfile_parse((const char *)data, size, "fuzz", &u, &err) == 0) {
		struct volt_unit_render r = {.description = u.name,
					     .exec_start = u.exec,
					     .restart = u.restart,
					     .service = u.service,
					     .install = u.install};
		free(volt_unit_text(&r));
		volt_unitfile_free(&u);
	}
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	struct volt_restart rp;
	int64_t v;
	char **w = NULL;
	volt_restart_parse(s, &rp, &err);
	volt_size_parse(s, &v, &err);
	volt_cpus_parse(s, &v, &err);
	if (volt_split_words(s, &w, &err) == 0)
		for (char **p = w; *p; p++)
			free(*p);
	free(w);
	free(s);
	return 0;
}
