/* Byte counts as users write them (size.c). */
#ifndef VOLT_UTIL_SIZE_H
#define VOLT_UTIL_SIZE_H

#include <stdint.h>

#include "util/err.h"

/* volt_size_parse - "512m", "1g", "1024" (bytes), "-1"/"max" (unlimited = INT64_MAX). */
int volt_size_parse(const char *s, int64_t *out, struct volt_err *err);

#endif
