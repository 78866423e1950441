/* libFuzzer target: the user namespace keeper's record parser on arbitrary
 * bytes. It must never crash, and what it accepts must be a pid above 1 and
 * two maps made only of digits, ':' and ','. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "userns/userns_keeper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct volt_userns_keeper_key k;
	unsigned long long start;
	pid_t pid;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (volt_userns_keeper_record_parse(text, &pid, &start, &k) == 0) {
		if (pid <= 1 || !*k.uids || !*k.gids || strspn(k.uids, "0123456789:,") != strlen(k.uids) ||
		    strspn(k.gids, "0123456789:,") != strlen(k.gids))
			abort();
	}
	free(text);
	return 0;
}
