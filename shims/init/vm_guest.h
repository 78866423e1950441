/* volt-init's guest agent (vm_guest.c): PID 1 of a microVM. */
#ifndef VOLT_INIT_VM_GUEST_H
#define VOLT_INIT_VM_GUEST_H

#define VOLT_INIT_AGENT_VERSION "1 volt-init"

/* vm_guest_main - set the guest up and serve the agent protocol until the
 * host says SHUTDOWN or goes away; never returns. */
int vm_guest_main(void);

#endif
