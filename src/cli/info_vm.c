/* volt info: the microVM engine, the accelerator a VM would get and why,
 * and the kernel it would boot. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "util/cleanup.h"
#include "vm/engine.h"
#include "vm/kernel.h"

json_t *cli_info_vm(struct volt_ctx *ctx)
{
	struct volt_engine eng = {0};
	struct volt_kernel k = {0};
	struct volt_err err = {0};
	enum volt_accel accel;
	char why[512], buf[VOLT_ERR_MSG_MAX + 64];
	json_t *o = json_object();

	if (volt_engine_find(&eng, NULL, &err) < 0) {
		volt_err_format(&err, buf, sizeof(buf));
		json_object_set_new(o, "engine", json_string(buf));
	} else {
		json_object_set_new(o, "engine", json_string(eng.qemu));
		json_object_set_new(o, "engine_version", json_string(eng.version));
		if (volt_accel_choose(&eng, VOLT_ACCEL_AUTO, ctx->runroot, &accel, why, sizeof(why), &err) == 0) {
			json_object_set_new(o, "accelerator", json_string(volt_accel_name(accel)));
			json_object_set_new(o, "accelerator_why", json_string(why));
		}
	}
	if (volt_kernel_find(ctx->root, volt_kernel_host_boot(), NULL, &k, &err) < 0) {
		json_object_set_new(o, "kernel", json_null());
		json_object_set_new(o, "kernel_why", json_string(err.msg));
	} else {
		snprintf(buf, sizeof(buf), "%s (%s: %s)", k.version, volt_kernel_origin_name(k.origin), k.image);
		json_object_set_new(o, "kernel", json_string(buf));
	}
	volt_engine_free(&eng);
	volt_kernel_free(&k);
	return o;
}

void cli_info_vm_print(json_t *o)
{
	const char *engine = json_string_value(json_object_get(o, "engine"));
	const char *version = json_string_value(json_object_get(o, "engine_version"));
	const char *accel = json_string_value(json_object_get(o, "accelerator"));
	const char *kernel = json_string_value(json_object_get(o, "kernel"));
	printf("microVMs:\n  engine: %s%s%s\n", engine ? engine : "?", version ? " " : "", version ? version : "");
	if (accel)
		printf("  accelerator (--accel auto): %s (%s)\n", accel,
		       json_string_value(json_object_get(o, "accelerator_why")));
	if (kernel)
		printf("  kernel: %s\n", kernel);
	else
		printf("  kernel: none (%s)\n", json_string_value(json_object_get(o, "kernel_why")));
}
