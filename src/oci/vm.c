/* run.oci.volt.vm: a bundle asking to run as a microVM (see vm.h).
 *
 * volt-runtime's model is runc's: `create` leaves the container's process
 * behind as the caller's child (conmon, the shim) and exits. A microVM's
 * process is QEMU under volt's VM monitor (src/workload/vm_*.c), whose
 * appliance is built from an image, not from a bundle's root directory,
 * and whose exit status and signals reach the caller through the monitor.
 * Until that bridge exists the annotation is read and refused by name,
 * so that a bundle meant for a VM never runs as a plain container. */
#include "oci/vm.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

int volt_oci_vm_check(const struct volt_oci_config *c, struct volt_err *err)
{
	json_t *ann = json_loads(c->annotations_json ? c->annotations_json : "{}", 0, NULL);
	json_t *v = json_object_get(ann, "run.oci.volt.vm");
	int r = 0;
	if (!v || (json_is_string(v) && !strcmp(json_string_value(v), "false")))
		r = 0;
	else if (json_is_string(v) && !strcmp(json_string_value(v), "true"))
		r = volt_err_set(err, 0,
				 "annotation run.oci.volt.vm: running a bundle as a microVM is not supported yet "
				 "(use `volt run --vm`; docs/oci-runtime.md)");
	else
		r = volt_err_set(err, 0, "annotation run.oci.volt.vm: must be \"true\" or \"false\"");
	json_decref(ann);
	return r;
}
