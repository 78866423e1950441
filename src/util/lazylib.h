/* lazylib.h - a shared library loaded with dlopen on first use.
 *
 * Why: volt compiles against some libraries' headers without linking them
 * (libsystemd: supervise/sdbus_lazy.c, libslirp: net/slirp_lazy.c), so that
 * the processes that never call them do not pay for loading them. Each of
 * those files defines the functions volt uses with VOLT_LAZY_FN, whose
 * first call loads the library. */
#ifndef VOLT_UTIL_LAZYLIB_H
#define VOLT_UTIL_LAZYLIB_H

struct volt_lazylib {
	const char *soname; /* "libslirp.so.0" */
	void *handle;
	const char *error; /* dlerror() of a failed load: not tried again */
};

/* volt_lazylib_sym - name in the library (loading it the first time), or NULL */
void *volt_lazylib_sym(struct volt_lazylib *lib, const char *name);

/* the arguments are a type, a parameter list and an argument list: they
 * cannot take parentheses */
// NOLINTBEGIN(bugprone-macro-parentheses)
/* VOLT_LAZY_FN - define `ret name params` as a call of the library's own
 * function; without the library it returns fail. */
#define VOLT_LAZY_FN(lib, ret, name, params, args, fail)                     \
	ret name params                                                      \
	{                                                                    \
		static ret(*real) params;                                    \
		if (!real)                                                   \
			real = (ret(*) params)volt_lazylib_sym(&lib, #name); \
		if (!real)                                                   \
			return fail;                                         \
		return real args;                                            \
	}
/* VOLT_LAZY_VOID - the same for a function that returns nothing */
#define VOLT_LAZY_VOID(lib, name, params, args)                               \
	void name params                                                      \
	{                                                                     \
		static void(*real) params;                                    \
		if (!real)                                                    \
			real = (void(*) params)volt_lazylib_sym(&lib, #name); \
		if (real)                                                     \
			real args;                                            \
	}
// NOLINTEND(bugprone-macro-parentheses)

#endif
