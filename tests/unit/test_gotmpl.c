/* Unit tests for util/gotmpl.c: the Go template subset over JSON, printed as
 * docker prints it, and the refusals of what it does not know. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/gotmpl.h"

static const char data[] =
	"{\"Name\":\"web\",\"State\":{\"Status\":\"running\",\"Pid\":42,\"Running\":true},"
	"\"Config\":{\"Env\":[\"A=1\",\"PATH=/bin\"],\"Labels\":{\"b\":\"2\",\"a\":\"1\"},\"Cmd\":null},"
	"\"Mounts\":[{\"Source\":\"/s\",\"Destination\":\"/d\",\"RW\":true},{\"Source\":\"/t\",\"Destination\":\"/e\",\"RW\":false}],"
	"\"Empty\":[],\"Ratio\":0.5}";

/* run - the output of src over data, or "ERR: message" */
static char *run(const char *src)
{
	struct volt_tmpl *t;
	struct volt_err err = {0};
	json_t *d = json_loads(data, 0, NULL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(d);
	assert_non_null(f);
	if (volt_tmpl_parse(src, &t, &err) < 0) {
		fprintf(f, "ERR: %s", err.msg);
	} else {
		if (volt_tmpl_exec(t, d, f, &err) < 0)
			fprintf(f, "ERR: %s", err.msg);
		volt_tmpl_free(t);
	}
	fclose(f);
	json_decref(d);
	return buf;
}

#define CHECK(src, want)                         \
	do {                                     \
		char *got_ = run(src);           \
		assert_string_equal(got_, want); \
		free(got_);                      \
	} while (0)

static void test_fields(void **state)
{
	(void)state;
	CHECK("{{.Name}}", "web");
	CHECK("x {{ .State.Status }} y", "x running y");
	CHECK("{{.State.Pid}} {{.State.Running}} {{.Ratio}}", "42 true 0.5");
	CHECK("{{.Config.Env}}", "[A=1 PATH=/bin]");
	CHECK("{{.Config.Labels}}", "map[a:1 b:2]");
	CHECK("{{.Nope}}|{{.Config.Cmd}}|{{.Nope.Deeper}}", "<no value>|<nil>|<no value>");
	CHECK("{{$.Name}}", "web");
	CHECK("plain text", "plain text");
	CHECK("", "");
}

static void test_functions(void **state)
{
	(void)state;
	CHECK("{{json .Config.Env}}", "[\"A=1\",\"PATH=/bin\"]");
	CHECK("{{json .Config.Cmd}} {{json .Nope}} {{json .Name}}", "null null \"web\"");
	CHECK("{{.Config.Env | json}}", "[\"A=1\",\"PATH=/bin\"]");
	CHECK("{{index .Config.Labels \"a\"}} {{index .Config.Env 1}} {{index .Config.Env 9}}",
	      "1 PATH=/bin <no value>");
	CHECK("{{index .Mounts 0 \"Source\"}}", "/s");
	CHECK("{{join .Config.Env \",\"}}", "A=1,PATH=/bin");
	CHECK("{{lower \"AbC\"}} {{upper .Name}} {{.Name | upper | lower}}", "abc WEB web");
	CHECK("{{len .Config.Env}} {{len .Config.Labels}} {{len .Name}}", "2 2 3");
	CHECK("{{eq .State.Status \"running\"}} {{ne .Name \"web\"}} {{not .Empty}}", "true false true");
}

static void test_control(void **state)
{
	(void)state;
	CHECK("{{range .Mounts}}{{.Source}}:{{.Destination}} {{end}}", "/s:/d /t:/e ");
	CHECK("{{range $m := .Mounts}}{{$m.Source}}{{end}}", "/s/t");
	CHECK("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}", "a=1;b=2;");
	CHECK("{{range $i, $e := .Config.Env}}{{$i}}{{$e}} {{end}}", "0A=1 1PATH=/bin ");
	CHECK("{{range .Empty}}x{{else}}none{{end}}", "none");
	CHECK("{{range .Mounts}}{{$.Name}}{{end}}", "webweb");
	CHECK("{{if .State.Running}}up{{else}}down{{end}}", "up");
	CHECK("{{if eq .Name \"db\"}}db{{else}}not{{end}}", "not");
	CHECK("{{range .Mounts}}{{if .RW}}rw{{else}}ro{{end}}{{end}}", "rwro");
	CHECK("a  {{- .Name -}}  b", "awebb");
	CHECK("{{/* note */}}x", "x");
}

static void test_refusals(void **state)
{
	(void)state;
	CHECK("{{.Name", "ERR: template: at offset 7: unclosed action: missing }}");
	CHECK("{{frob .Name}}", "ERR: template: at offset 2: unknown function");
	CHECK("{{range .Mounts}}x", "ERR: template: at offset 18: missing {{end}}");
	CHECK("{{end}}", "ERR: template: at offset 7: unexpected {{end}}");
	CHECK("{{with .Name}}{{end}}", "ERR: template: at offset 6: this action is not supported");
	CHECK("{{\"abc}}", "ERR: template: at offset 8: unterminated string");
	CHECK("{{$x}}", "ERR: template: undefined variable $x");
	CHECK("{{.Name.X}}", "ERR: template: can't evaluate field X: not an object");
	CHECK("{{range .Name}}{{end}}", "ERR: template: range can't iterate over this value");
	CHECK("{{join .Name}}", "ERR: template: join: wrong number of arguments");
	CHECK("{{.Name | .State}}", "ERR: template: a pipe must end in a function");
	CHECK("{{.Name .State}}", "ERR: template: at offset 14: a value cannot take arguments");
	char *many = run("{{range .Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}"
			 "{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}"
			 "{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}"
			 "{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}"
			 "{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}"
			 "{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}{{range $.Config.Env}}x"
			 "{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}"
			 "{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}");
	assert_non_null(strstr(many, "ERR: template: more than 16777216 steps"));
	free(many);
	char deep[600] = "";
	for (int i = 0; i < 40; i++)
		strcat(deep, "{{if .Name}}");
	char *got = run(deep);
	assert_non_null(strstr(got, "nested too deep"));
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_fields), cmocka_unit_test(test_functions),
					   cmocka_unit_test(test_control), cmocka_unit_test(test_refusals)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
