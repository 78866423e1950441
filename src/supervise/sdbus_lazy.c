/* sd-bus, loaded when first used.
 *
 * Why: libsystemd brings libgcrypt, liblzma, libzstd, liblz4 and libcap, and
 * their relocation cost ~0.8 ms at every start of volt and of volt-shim —
 * most of which never talk to a user manager (volt ps, a foreground run, a
 * builtin-supervised container). So volt compiles against libsystemd's
 * headers (pkg-config) but does not link it; this file defines the sd-bus
 * calls volt uses, and the first of them dlopen()s libsystemd.so.0. When the
 * library is missing every call fails with -ENOSYS and the systemd supervisor
 * is simply not reachable (volt info says so), as on a host without a
 * manager. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

#include "util/lazylib.h"

static struct volt_lazylib lib = {.soname = "libsystemd.so.0"};

VOLT_LAZY_FN(lib, int, sd_bus_new, (sd_bus * *ret), (ret), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_set_address, (sd_bus * bus, const char *address), (bus, address), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_set_bus_client, (sd_bus * bus, int b), (bus, b), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_set_method_call_timeout, (sd_bus * bus, uint64_t usec), (bus, usec), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_start, (sd_bus * bus), (bus), -ENOSYS)
VOLT_LAZY_FN(lib, sd_bus *, sd_bus_flush_close_unref, (sd_bus * bus), (bus), NULL)
VOLT_LAZY_FN(lib, int, sd_bus_call,
	     (sd_bus * bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error, sd_bus_message **reply),
	     (bus, m, usec, ret_error, reply), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_get_property_string,
	     (sd_bus * bus, const char *destination, const char *path, const char *interface, const char *member,
	      sd_bus_error *ret_error, char **ret),
	     (bus, destination, path, interface, member, ret_error, ret), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_message_new_method_call,
	     (sd_bus * bus, sd_bus_message **m, const char *destination, const char *path, const char *interface,
	      const char *member),
	     (bus, m, destination, path, interface, member), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_message_append_array, (sd_bus_message * m, char type, const void *ptr, size_t size),
	     (m, type, ptr, size), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_message_append_strv, (sd_bus_message * m, char **l), (m, l), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_message_open_container, (sd_bus_message * m, char type, const char *contents),
	     (m, type, contents), -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_message_close_container, (sd_bus_message * m), (m), -ENOSYS)
VOLT_LAZY_FN(lib, sd_bus_message *, sd_bus_message_unref, (sd_bus_message * m), (m), NULL)
VOLT_LAZY_FN(lib, int, sd_bus_error_has_name, (const sd_bus_error *e, const char *name), (e, name), 0)
VOLT_LAZY_FN(lib, int, sd_bus_error_is_set, (const sd_bus_error *e), (e), 0)
VOLT_LAZY_FN(lib, int, sd_bus_message_appendv, (sd_bus_message * m, const char *types, va_list ap), (m, types, ap),
	     -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_message_readv, (sd_bus_message * m, const char *types, va_list ap), (m, types, ap),
	     -ENOSYS)
VOLT_LAZY_FN(lib, int, sd_bus_call_methodv,
	     (sd_bus * bus, const char *destination, const char *path, const char *interface, const char *member,
	      sd_bus_error *ret_error, sd_bus_message **reply, const char *types, va_list ap),
	     (bus, destination, path, interface, member, ret_error, reply, types, ap), -ENOSYS)

void sd_bus_error_free(sd_bus_error *e)
{
	static void (*real)(sd_bus_error *);
	if (!real)
		real = (void (*)(sd_bus_error *))volt_lazylib_sym(&lib, "sd_bus_error_free");
	if (real)
		real(e);
}

/* the variadic calls go through their va_list forms */
int sd_bus_message_append(sd_bus_message *m, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int r = sd_bus_message_appendv(m, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_message_read(sd_bus_message *m, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int r = sd_bus_message_readv(m, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_call_method(sd_bus *bus, const char *destination, const char *path, const char *interface,
		       const char *member, sd_bus_error *ret_error, sd_bus_message **reply, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int r = sd_bus_call_methodv(bus, destination, path, interface, member, ret_error, reply, types, ap);
	va_end(ap);
	return r;
}
