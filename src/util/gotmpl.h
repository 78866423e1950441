/* The subset of Go's text/template that scripts pass to docker's --format
 * and inspect -f, over a JSON value: {{.Field.Sub}}, {{.}}, {{$}},
 * {{json X}}, {{index X K...}}, {{join X SEP}}, {{lower X}}, {{upper X}},
 * {{len X}}, {{eq A B}}, {{ne A B}}, {{not X}}, pipes (X | f), {{range PIPE}}
 * (with $v := or $k, $v :=), {{if PIPE}}, {{else}}, {{end}}, {{- -}} and
 * comment actions. Values print as Go prints them (a list as [a b],
 * a missing key as <no value>). A template is user input: parse refuses
 * what it does not know, with the position, and nests at most 32 deep. */
#ifndef VOLT_UTIL_GOTMPL_H
#define VOLT_UTIL_GOTMPL_H

#include <jansson.h>
#include <stdio.h>

#include "util/err.h"

struct volt_tmpl;

/* volt_tmpl_parse - parse src; *out is freed with volt_tmpl_free. */
int volt_tmpl_parse(const char *src, struct volt_tmpl **out, struct volt_err *err);
/* volt_tmpl_exec - write the template over data to out */
int volt_tmpl_exec(const struct volt_tmpl *t, json_t *data, FILE *out, struct volt_err *err);
void volt_tmpl_free(struct volt_tmpl *t);

#endif
