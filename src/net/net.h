/* Container networking modes (--network) and the monitor's part of them.
 *
 *   slirp[:mtu=N,allow_host_loopback=true,port_handler=builtin|slirp]
 *                         own netns, tap eth0 served by libslirp inside
 *                         volt-shim (the default); published TCP ports are
 *                         relayed by the shim with splice (builtin, the
 *                         default) or by slirp's host forwarding
 *   none                  own netns, loopback only
 *   host                  the host's network namespace
 *   container:NAME        the network namespace of another running container
 */
#ifndef VOLT_NET_NET_H
#define VOLT_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net/ports.h"
#include "util/err.h"
#include "util/pollv.h"

#define VOLT_NET_DEFAULT "slirp"

/* the slirp network, as slirp4netns sets it up */
#define VOLT_SLIRP_GUEST "10.0.2.100"
#define VOLT_SLIRP_GATEWAY "10.0.2.2"
#define VOLT_SLIRP_DNS "10.0.2.3"
#define VOLT_SLIRP_NETMASK "255.255.255.0"
#define VOLT_SLIRP_PREFIX6 "fd00::"
#define VOLT_SLIRP_GATEWAY6 "fd00::2"
#define VOLT_SLIRP_DNS6 "fd00::3"
#define VOLT_SLIRP_IFNAME "eth0"
#define VOLT_SLIRP_MTU_DEFAULT 65520
#define VOLT_SLIRP_MTU_MIN 1280 /* IPv6 needs it */
#define VOLT_SLIRP_MTU_MAX 65521
/* a microVM's: see net/vmnet.c for why not a container's */
#define VOLT_VM_MTU_DEFAULT 1500

enum volt_net_mode { VOLT_NET_SLIRP, VOLT_NET_NONE, VOLT_NET_HOST, VOLT_NET_CONTAINER };

struct volt_net_opts {
	enum volt_net_mode mode;
	unsigned mtu;		  /* slirp */
	bool mtu_given;		  /* slirp: mtu= was there (a VM's default differs) */
	bool allow_host_loopback; /* slirp */
	bool port_slirp;	  /* slirp: port_handler=slirp (TCP ports through libslirp) */
	char container[130];	  /* container:NAME */
};

/* volt_net_parse - parse a --network value (NULL: the default).
 * Return: 0, or -1 with err. */
int volt_net_parse(const char *s, struct volt_net_opts *o, struct volt_err *err);

/* volt_net_mode_of - the mode of a stored (valid) --network value. */
enum volt_net_mode volt_net_mode_of(const char *s);

/* ---- the child (net/tap.c) ---- */

/* volt_net_loopback_up - bring lo up in this (new) network namespace. */
int volt_net_loopback_up(struct volt_err *err);

/* volt_tap_child_setup - in the container's new network namespace, before
 * pivot_root: create tap eth0, give it 10.0.2.100/24, MTU and the default
 * route via 10.0.2.2, bring it up, and pass its fd to the monitor over sock.
 * Return: 0, or -1 with err. */
int volt_tap_child_setup(unsigned mtu, int sock, struct volt_err *err);

/* ---- the monitor (net/monitor.c, net/slirp.c) ---- */

struct volt_slirp;
struct volt_portproxy;
struct volt_ctx;

struct volt_net {
	struct volt_net_opts opts;
	struct volt_slirp *slirp;
	struct volt_portproxy *proxy;	/* published TCP ports (port_handler=builtin) */
	struct volt_poll_source source; /* valid when slirp is set: slirp + proxy */
};

/* volt_net_prepare - in volt-shim, before the container is spawned, for the
 * workload's network (NULL: none) and stored ports (volt_spec_ports): for
 * slirp, check and bind every published port and set up libslirp (the child
 * then makes a tap of net->opts.mtu). For container:NAME, net->opts.container
 * names the container whose namespaces the caller joins (workload/monitor.c).
 * Return: 0, or -1 with err (the container does not start). */
int volt_net_prepare(struct volt_ctx *ctx, const char *network, char **ports, struct volt_net *net,
		     struct volt_err *err);

/* volt_net_attach - after the spawn: give slirp the container's tap fd and
 * the port relay the container (pid) whose network namespace it connects in.
 * Return: 0, or -1 with err. */
int volt_net_attach(struct volt_net *net, pid_t pid, int tap_fd, struct volt_err *err);

/* volt_net_source - the poll source to add to the monitor's loop, or NULL. */
struct volt_poll_source *volt_net_source(struct volt_net *net);

/* volt_net_stop_ports - close the relay's listeners and connections now:
 * before the monitor forks anything at exit, so that no child holds a
 * published port after the container is gone. */
void volt_net_stop_ports(struct volt_net *net);

void volt_net_free(struct volt_net *net);

/* ---- microVMs (net/vmnet.c) ---- */

/* the guest's MAC address: each VM has a slirp of its own, so one will do */
#define VOLT_VM_MAC "52:54:00:12:34:56"

/* volt_net_vm_prepare - for a microVM, before QEMU starts: network (NULL:
 * the default, slirp; slirp[:options] or none) and stored ports (the spec's
 * "IP:HOST:GUEST/proto"). For slirp, every published port is bound now and
 * becomes a slirp host forward to the guest's 10.0.2.100 (the splice relay
 * needs a network namespace to connect in, and a VM has none), and
 * *qemu_fd is QEMU's end of a SOCK_DGRAM socket pair (close-on-exec; the
 * caller hands it to QEMU, see vm/qemu_argv.h, then closes its copy) whose
 * other end slirp serves: add volt_net_source(net) to the monitor's loop,
 * and volt_net_free(net) at the end (before forking anything: the ports
 * are slirp's listeners, which volt_net_stop_ports leaves). For none,
 * *qemu_fd is -1: no NIC.
 * host and container:NAME are containers' modes only.
 * Return: 0, or -1 with err. */
int volt_net_vm_prepare(const char *network, char **stored_ports, struct volt_net *net, int *qemu_fd,
			struct volt_err *err);

/* ---- slirp (net/slirp.c) ---- */

/* volt_slirp_lazy_error - why libslirp could not be loaded (net/slirp_lazy.c),
 * or NULL when it was, or was not tried yet. */
const char *volt_slirp_lazy_error(void);

/* volt_slirp_new - a libslirp instance for the 10.0.2.0/24 + fd00::/64
 * network, with ports forwarded from the host (all of them with
 * port_handler=slirp, else only the UDP ones). Return: NULL with err. */
struct volt_slirp *volt_slirp_new(const struct volt_net_opts *o, const struct volt_port *ports, size_t n_ports,
				  struct volt_err *err);
/* volt_slirp_set_frame_fd - the fd slirp exchanges Ethernet frames over, one
 * a read or write, non-blocking: a container's tap, or a microVM's datagram
 * socket to QEMU. slirp closes it when freed. */
void volt_slirp_set_frame_fd(struct volt_slirp *sl, int fd);
/* volt_slirp_tap_fd - the frame fd (a container's tap device), or -1 */
int volt_slirp_tap_fd(const struct volt_slirp *sl);
void volt_slirp_prepare(void *opaque, struct volt_pollv *pv, int *timeout_ms);
void volt_slirp_dispatch(void *opaque, struct volt_pollv *pv);
void volt_slirp_free(struct volt_slirp *sl);

/* ---- at create time (net/config.c) ---- */

/* volt_net_spec_setup - validate *network (NULL: the default) and store it
 * normalised (container:NAME becomes container:ID); parse -p arguments and,
 * with publish_all, the image's exposed_ports; choose free host ports and
 * check the others can be bound; store them in *ports (a spec's fields).
 * Return: 0, or -1 with err. */
int volt_net_spec_setup(struct volt_ctx *ctx, char **network, char **exposed_ports, char ***ports, char **publish,
			bool publish_all, struct volt_err *err);

/* volt_net_resolver - the nameserver a workload's resolv.conf names when
 * the user gave no --dns, for its network: slirp's 10.0.2.3, or NULL to copy
 * the host's. */
const char *volt_net_resolver(const char *network);

/* ---- volt info (net/config.c) ---- */
struct json_t;
/* volt_net_info_json - {"default": ..., "libslirp": version, "tun": yes|no,
 * "default_mtu": N} (printed by cli/info.c) */
struct json_t *volt_net_info_json(void);

/* ---- ports in the spec (net/monitor.c) ---- */

/* volt_spec_ports - the spec's stored ports ("IP:HOST:CTR/proto") parsed.
 * Return: 0, or -1 with err. */
int volt_spec_ports(char **stored, struct volt_port **v, size_t *n, struct volt_err *err);

#endif
