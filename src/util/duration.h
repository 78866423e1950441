/* Durations as Go writes them (duration.c): docker's --health-interval and
 * the like take time.ParseDuration's syntax, and print Duration.String's. */
#ifndef VOLT_UTIL_DURATION_H
#define VOLT_UTIL_DURATION_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* volt_duration_parse - "30s", "1m30s", "1.5s", "500ms", "2h", "0": one or
 * more DECIMAL[.FRACTION]UNIT (ns, us, µs, ms, s, m, h); no sign. Return: 0,
 * or -1 with err (a missing unit, an unknown unit, an overflow). */
int volt_duration_parse(const char *s, int64_t *ns, struct volt_err *err);

/* volt_duration_format - Go's Duration.String: "0s", "1.5s", "1m30s",
 * "500ms", "1h0m0s" */
void volt_duration_format(int64_t ns, char *buf, size_t len);

#endif
