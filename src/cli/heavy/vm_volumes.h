/* `volt vm check -v SRC:DST[:ro]`: volumes shared into the check's microVM
 * (vm/shares.c), for the CLI (vm_volumes.c). */
#ifndef VOLT_CLI_HEAVY_VM_VOLUMES_H
#define VOLT_CLI_HEAVY_VM_VOLUMES_H

#include <stddef.h>

#include "state/context.h"
#include "util/err.h"
#include "vm/kernel.h"
#include "vm/shares.h"

struct cli_vm_volumes {
	struct volt_vm_shares s;
	char *dir;    /* the daemons' sockets and logs (removed by stop) */
	char *append; /* the kernel command line: volt_vol=, then what was asked */
};

/* cli_vm_volumes_start - parse args[0..n) (-v values), resolve named
 * volumes (made if missing, as for a container), choose virtiofs or 9p for
 * kernel k and say which and why on stdout, start the shares. */
int cli_vm_volumes_start(struct volt_ctx *ctx, const struct volt_kernel *k, char *const *args, size_t n,
			 const char *append, struct cli_vm_volumes *v, struct volt_err *err);
void cli_vm_volumes_stop(struct cli_vm_volumes *v);

#endif
