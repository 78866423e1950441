/* volt-runtime's microVM mode: a bundle with the annotation
 * run.oci.volt.vm = "true" runs its process in a microVM whose root is the
 * bundle's root.path (src/oci/vm.c, docs/oci-runtime.md). */
#ifndef VOLT_OCI_VM_H
#define VOLT_OCI_VM_H

#include <stdbool.h>
#include <sys/types.h>

#include "oci/config.h"
#include "util/err.h"

struct volt_oci_create_opts;

/* What the annotations ask for. */
struct volt_oci_vm {
	bool on;	  /* run.oci.volt.vm: "true" (absent or "false": a container) */
	unsigned cpus;	  /* run.oci.volt.vm.cpus; 0: the default */
	unsigned mem_mib; /* run.oci.volt.vm.memory (MiB, or with a k/m/g suffix); 0: the default */
	char *kernel;	  /* run.oci.volt.vm.kernel: a path or an installed version; NULL: the default */
};

/* volt_oci_vm_parse - the annotations (JSON object text, NULL: none) into
 * vm. An invalid value is an error naming the annotation. */
int volt_oci_vm_parse(const char *annotations_json, struct volt_oci_vm *vm, struct volt_err *err);
void volt_oci_vm_free(struct volt_oci_vm *vm);

/* volt_oci_vm_refuse - the fields of c that make no sense in a microVM are
 * refused, naming the first (terminal, namespaces by path, a seccomp
 * listener, idmapped mounts, devices, binds of anything but a directory,
 * which is shared with the guest); those
 * without effect there are pushed to *notes (for --debug). */
int volt_oci_vm_refuse(const struct volt_oci_config *c, char ***notes, struct volt_err *err);

/* volt_oci_vm_create - create's microVM path: the appliance of rootfs
 * (built by volt-image, cached by its key), then the container's process,
 * a fork that waits on dir/exec.fifo for start and then runs
 * o->vm_monitor. Fills *pid; the caller writes the state. */
int volt_oci_vm_create(const struct volt_oci_create_opts *o, const struct volt_oci_config *c,
		       const struct volt_oci_vm *vm, const char *rootfs, const char *dir, pid_t *pid,
		       struct volt_err *err);

/* volt_oci_vm_cleanup - what a microVM's monitor leaves when it is
 * killed: its sockets' directory (ROOT/ID/vm-run points to it), and the
 * appliance create made with copies of bound files (ROOT/ID/vm-appliance
 * keeps its key). delete, and a failed create, call it before they
 * remove dir. */
void volt_oci_vm_cleanup(const char *dir);

/* volt_oci_vm_of - whether a container's annotations (state.json's) say
 * microVM */
bool volt_oci_vm_of(const char *annotations_json);

#endif
