/* libslirp, loaded when first used.
 *
 * Why: libslirp brings glib and pcre2, whose loading and relocation cost
 * every process that links them, and volt is also the monitor of foreground
 * containers (workload/monitor.c), most of which need no user-mode network
 * (--network none|host|container:) — nor does any other volt command. So volt
 * compiles against libslirp's header but does not link it; this file defines
 * the libslirp calls volt makes, and the first of them dlopen()s
 * libslirp.so.0. Without the library slirp_new() returns NULL and
 * volt_slirp_lazy_error() says why. */
#include <stddef.h>
#include <libslirp.h>

#include "net/net.h"
#include "util/lazylib.h"

static struct volt_lazylib lib = {.soname = "libslirp.so.0"};

const char *volt_slirp_lazy_error(void)
{
	return lib.error;
}

VOLT_LAZY_FN(lib, Slirp *, slirp_new, (const SlirpConfig *cfg, const SlirpCb *callbacks, void *opaque),
	     (cfg, callbacks, opaque), NULL)
VOLT_LAZY_VOID(lib, slirp_cleanup, (Slirp * slirp), (slirp))
VOLT_LAZY_VOID(lib, slirp_pollfds_fill, (Slirp * slirp, uint32_t *timeout, SlirpAddPollCb add_poll, void *opaque),
	       (slirp, timeout, add_poll, opaque))
VOLT_LAZY_VOID(lib, slirp_pollfds_poll, (Slirp * slirp, int select_error, SlirpGetREventsCb get_revents, void *opaque),
	       (slirp, select_error, get_revents, opaque))
VOLT_LAZY_VOID(lib, slirp_input, (Slirp * slirp, const uint8_t *pkt, int pkt_len), (slirp, pkt, pkt_len))
VOLT_LAZY_VOID(lib, slirp_handle_timer, (Slirp * slirp, SlirpTimerId id, void *cb_opaque), (slirp, id, cb_opaque))
VOLT_LAZY_FN(lib, int, slirp_add_hostxfwd,
	     (Slirp * slirp, const struct sockaddr *haddr, socklen_t haddrlen, const struct sockaddr *gaddr,
	      socklen_t gaddrlen, int flags),
	     (slirp, haddr, haddrlen, gaddr, gaddrlen, flags), -1)
