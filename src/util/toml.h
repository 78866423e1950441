/* A small TOML reader: the subset configuration files such as Volant's
 * fledge.toml and manifest.toml use (Debian packages no C TOML library).
 *
 * Read: comments, [tables] and [[arrays of tables]] with dotted and quoted
 * keys, key = value with dotted keys, basic strings with escapes, literal
 * strings, integers, booleans, arrays (over several lines, trailing comma)
 * and inline tables. Refused with an error that says so: multi-line strings,
 * floats, dates and times. A key defined twice is an error, as TOML says.
 * The input is untrusted: sizes and nesting are bounded, and every error
 * names the line. */
#ifndef VOLT_UTIL_TOML_H
#define VOLT_UTIL_TOML_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

enum volt_toml_type { VOLT_TOML_TABLE, VOLT_TOML_ARRAY, VOLT_TOML_STRING, VOLT_TOML_INT, VOLT_TOML_BOOL };

struct volt_toml {
	enum volt_toml_type type;
	char *key;		 /* within its table; NULL for array items */
	char *str;		 /* STRING */
	long long num;		 /* INT; BOOL: 0 or 1 */
	struct volt_toml **kids; /* TABLE: its keys in order; ARRAY: its items */
	size_t n;
	int line;     /* where it was defined */
	bool defined; /* TABLE: had a [header] or was an inline table */
};

/* volt_toml_parse - text (len bytes, need not end in NUL) into a root table
 * (*root, free with volt_toml_free). */
int volt_toml_parse(const char *text, size_t len, struct volt_toml **root, struct volt_err *err);
void volt_toml_free(struct volt_toml *t);

/* volt_toml_get - the value at a dotted path of bare keys ("workload.entrypoint")
 * below table t, or NULL. */
const struct volt_toml *volt_toml_get(const struct volt_toml *t, const char *path);

const char *volt_toml_type_name(enum volt_toml_type t);

#endif
