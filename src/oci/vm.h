/* The annotation run.oci.volt.vm of a bundle (src/oci/vm.c). */
#ifndef VOLT_OCI_VM_H
#define VOLT_OCI_VM_H

#include "oci/config.h"
#include "util/err.h"

/* volt_oci_vm_check - "true"/"false" (absent: false). Running the bundle
 * as a microVM is not implemented: "true" is refused with the reason, any
 * other value as invalid. Return: 0 for a container, -1 with err. */
int volt_oci_vm_check(const struct volt_oci_config *c, struct volt_err *err);

#endif
