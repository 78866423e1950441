/* vm_monitor_int.h - what the VM monitor's two files share: its state
 * (vm_monitor.c runs the relay and the record, vm_start.c starts QEMU). Not
 * an interface of workload/. */
#ifndef VOLT_WORKLOAD_VM_MONITOR_INT_H
#define VOLT_WORKLOAD_VM_MONITOR_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <termios.h>
#include <time.h>

#include "container/log.h"
#include "container/spec.h"
#include "net/net.h"
#include "state/context.h"
#include "state/db.h"
#include "util/err.h"
#include "vm/agent_chan.h"
#include "vm/shares.h"

#define WORKLOAD 1   /* the agent's id of the workload's process */
#define MAX_EXECS 16 /* `volt exec` sessions at once */
#define STDIN_QUEUE_MAX (1u << 20)

struct exec_client {
	struct volt_agent_chan ch; /* ch.fd < 0: a free slot */
	uint32_t id;		   /* the guest's process for it; 0 before its RUN */
	bool done;		   /* EXIT or ERROR sent: close once flushed */
};

struct vmmon {
	struct volt_ctx *ctx;
	struct volt_ctr_row row;
	struct volt_spec spec;
	char *dir, *run;
	bool attach;
	int ready_fd;
	struct volt_log log;
	pid_t qemu;
	int qemu_status;
	bool qemu_gone;
	struct volt_agent_chan agent;
	int console, console_log, listen;
	struct exec_client cl[MAX_EXECS];
	uint32_t next_id;
	bool ready, started, exited, stdin_open;
	int code;
	long long deadline; /* ms (monotonic): for the agent's READY, or for the power-off */
	int boot_timeout_ms;
	struct termios saved_tio;
	bool tio_saved;
	char tail[1024]; /* the console's last bytes */
	size_t tail_len;
	struct volt_err err; /* what ended the VM, when volt did */
	bool failed;
	struct volt_net net;	      /* slirp for the guest's NIC (net/vmnet.c) */
	int qemu_net;		      /* QEMU's end of the NIC's socket pair, until QEMU has it */
	struct volt_vm_shares shares; /* the volumes (vm/shares.c) */
	json_t *info;		      /* what was chosen: vm.json */
};

static inline long long vm_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int vm_env_ms(const char *name, int def)
{
	const char *v = getenv(name);
	long n = v && *v ? strtol(v, NULL, 10) : 0;
	return n > 0 && n < 3600000 ? (int)n : def;
}

/* vm_start_qemu - engine, accelerator, kernel, appliance, network and
 * volumes, then QEMU as m's child (vm_start.c) */
int vm_start_qemu(struct vmmon *m, struct volt_err *err);

#endif
