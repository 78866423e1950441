/* libslirp, loaded when first used.
 *
 * Why: libslirp brings glib and pcre2, whose loading and relocation cost
 * every process that links them, and volt is also the monitor of foreground
 * containers (container/monitor.c), most of which need no user-mode network
 * (--network none|host|container:) — nor does any other volt command. So volt
 * compiles against libslirp's header but does not link it; this file defines
 * the libslirp calls volt makes, and the first of them dlopen()s
 * libslirp.so.0. Without the library slirp_new() returns NULL and
 * volt_slirp_lazy_error() says why. */
#include <dlfcn.h>
#include <stddef.h>
#include <libslirp.h>

#include "net/net.h"

static void *lib;
static const char *lib_error;

/* sym - the real function, or NULL when libslirp cannot be loaded */
static void *sym(const char *name)
{
	if (!lib && !lib_error) {
		lib = dlopen("libslirp.so.0", RTLD_NOW | RTLD_LOCAL);
		if (!lib)
			lib_error = dlerror();
	}
	return lib ? dlsym(lib, name) : NULL;
}

const char *volt_slirp_lazy_error(void)
{
	return lib_error;
}

#define LAZY(ret, name, params, args, fail)               \
	ret name params                                   \
	{                                                 \
		static ret(*real) params;                 \
		if (!real)                                \
			real = (ret(*) params)sym(#name); \
		if (!real)                                \
			return fail;                      \
		return real args;                         \
	}
#define LAZY_VOID(name, params, args)                      \
	void name params                                   \
	{                                                  \
		static void(*real) params;                 \
		if (!real)                                 \
			real = (void(*) params)sym(#name); \
		if (real)                                  \
			real args;                         \
	}

LAZY(Slirp *, slirp_new, (const SlirpConfig *cfg, const SlirpCb *callbacks, void *opaque),
     (cfg, callbacks, opaque), NULL)
LAZY_VOID(slirp_cleanup, (Slirp *slirp), (slirp))
LAZY_VOID(slirp_pollfds_fill, (Slirp *slirp, uint32_t *timeout, SlirpAddPollCb add_poll, void *opaque),
	  (slirp, timeout, add_poll, opaque))
LAZY_VOID(slirp_pollfds_poll, (Slirp *slirp, int select_error, SlirpGetREventsCb get_revents, void *opaque),
	  (slirp, select_error, get_revents, opaque))
LAZY_VOID(slirp_input, (Slirp *slirp, const uint8_t *pkt, int pkt_len), (slirp, pkt, pkt_len))
LAZY_VOID(slirp_handle_timer, (Slirp *slirp, SlirpTimerId id, void *cb_opaque), (slirp, id, cb_opaque))
LAZY(int, slirp_add_hostxfwd,
     (Slirp *slirp, const struct sockaddr *haddr, socklen_t haddrlen, const struct sockaddr *gaddr,
      socklen_t gaddrlen, int flags),
     (slirp, haddr, haddrlen, gaddr, gaddrlen, flags), -1)
