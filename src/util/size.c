/* Byte counts as users write them: --memory, --log-opt max-size. */
#include "util/size.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* volt_size_parse - a byte count with an optional b/k/m/g/t suffix (powers of
 * 1024, as docker reads --memory); "max" or "-1" mean unlimited (INT64_MAX). */
int volt_size_parse(const char *s, int64_t *out, struct volt_err *err)
{
	char *end;
	double v;
	int64_t mult = 1;

	if (!strcmp(s, "max") || !strcmp(s, "-1")) {
		*out = INT64_MAX;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || s[0] == '-' || s[0] == ' ')
		return volt_err_set(err, EINVAL, "size \"%s\": expected a number with b, k, m, g or t", s);
	switch (*end) {
	case '\0': break;
	case 'b':
	case 'B': end++; break;
	case 'k':
	case 'K':
		mult = 1LL << 10;
		end++;
		break;
	case 'm':
	case 'M':
		mult = 1LL << 20;
		end++;
		break;
	case 'g':
	case 'G':
		mult = 1LL << 30;
		end++;
		break;
	case 't':
	case 'T':
		mult = 1LL << 40;
		end++;
		break;
	default: break;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || v * (double)mult >= 9.2e18)
		return volt_err_set(err, EINVAL, "size \"%s\": expected a number with b, k, m, g or t", s);
	*out = (int64_t)(v * (double)mult);
	return 0;
}
