#include "util/duration.h"

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int64_t ns;
} units[] = {
	{"ns", 1},	     {"us", 1000},	  {"\xc2\xb5s", 1000}, /* µs, U+00B5 */
	{"\xce\xbcs", 1000},					       /* μs, U+03BC */
	{"ms", 1000000},     {"s", 1000000000LL}, {"m", 60 * 1000000000LL}, {"h", 3600 * 1000000000LL},
};

int volt_duration_parse(const char *s, int64_t *ns, struct volt_err *err)
{
	const char *p = s;
	int64_t total = 0;

	if (!strcmp(s, "0")) {
		*ns = 0;
		return 0;
	}
	if (!*p)
		return volt_err_said(err, EINVAL, "invalid duration \"%s\"", s);
	while (*p) {
		int64_t whole = 0, frac = 0, scale = 1;
		bool digits = false;
		while (isdigit((unsigned char)*p)) {
			if (whole > (INT64_MAX - 9) / 10)
				return volt_err_said(err, ERANGE, "invalid duration \"%s\": too long", s);
			whole = whole * 10 + (*p++ - '0');
			digits = true;
		}
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p)) {
				if (scale < 1000000000000000000LL) { /* further digits are below a nanosecond's reach */
					frac = frac * 10 + (*p - '0');
					scale *= 10;
				}
				p++;
				digits = true;
			}
		}
		if (!digits)
			return volt_err_said(err, EINVAL, "invalid duration \"%s\"", s);
		size_t best = 0, u = 0;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t l = strlen(units[i].name);
			if (!strncmp(p, units[i].name, l) && l > best) {
				best = l;
				u = i;
			}
		}
		if (!best)
			return volt_err_said(err, EINVAL, "invalid duration \"%s\": %s", s,
					     *p ? "unknown unit (use ns, us, ms, s, m or h)" :
						  "missing unit (as in 30s)");
		p += best;
		int64_t unit = units[u].ns;
		if (whole > INT64_MAX / unit)
			return volt_err_said(err, ERANGE, "invalid duration \"%s\": too long", s);
		int64_t v = whole * unit + (int64_t)((double)frac * (double)unit / (double)scale);
		if (v > INT64_MAX - total)
			return volt_err_said(err, ERANGE, "invalid duration \"%s\": too long", s);
		total += v;
	}
	*ns = total;
	return 0;
}

/* fmt_frac - v / unit with its fraction, trailing zeros dropped */
static int fmt_frac(char *buf, size_t len, int64_t v, int64_t unit, int digits, const char *suffix)
{
	int64_t w = v / unit, f = v % unit;
	if (!f)
		return snprintf(buf, len, "%lld%s", (long long)w, suffix);
	char fb[32];
	snprintf(fb, sizeof(fb), "%0*lld", digits, (long long)f);
	for (size_t n = strlen(fb); n > 0 && fb[n - 1] == '0'; n--)
		fb[n - 1] = '\0';
	return snprintf(buf, len, "%lld.%s%s", (long long)w, fb, suffix);
}

void volt_duration_format(int64_t ns, char *buf, size_t len)
{
	const char *sign = ns < 0 ? "-" : "";
	uint64_t u = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	int64_t v = (int64_t)(u > INT64_MAX ? INT64_MAX : u);
	int n = snprintf(buf, len, "%s", sign);
	size_t off = n > 0 ? (size_t)n : 0;
	if (off >= len)
		return;
	if (v == 0)
		snprintf(buf + off, len - off, "0s");
	else if (v < 1000)
		snprintf(buf + off, len - off, "%lldns", (long long)v);
	else if (v < 1000000)
		fmt_frac(buf + off, len - off, v, 1000, 3, "\xc2\xb5s");
	else if (v < 1000000000LL)
		fmt_frac(buf + off, len - off, v, 1000000, 6, "ms");
	else {
		int64_t h = v / (3600 * 1000000000LL), m = v / (60 * 1000000000LL) % 60;
		int64_t s = v % (60 * 1000000000LL);
		if (h)
			n = snprintf(buf + off, len - off, "%lldh%lldm", (long long)h, (long long)m);
		else if (m)
			n = snprintf(buf + off, len - off, "%lldm", (long long)m);
		else
			n = 0;
		off += n > 0 ? (size_t)n : 0;
		if (off < len)
			fmt_frac(buf + off, len - off, s, 1000000000LL, 9, "s");
	}
}
