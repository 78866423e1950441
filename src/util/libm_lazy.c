/* libm, loaded when first used.
 *
 * Why: the only callers of libm in volt are SQLite's SQL math functions
 * (sqrt(), pow(), acos()... which Debian's libsqlite3.a is built with) and
 * fmod() for a REAL `%`; volt's own SQL uses none of them. Linking libm.so
 * would make every volt, volt-shim and volt-image process map and relocate it
 * at start (~70 us of a 0.7 ms `volt --version` on the test host, see
 * docs/benchmarks.md), and glibc's libm.a cannot be linked into a PIE (its
 * ifunc resolvers need ld.so internals). So this file defines the math
 * functions the static SQLite refers to; the first call dlopen()s libm.so.6
 * and forwards. The Makefile links it (as build/libvolt-lazym.a) after the
 * static libraries and before -lm, so that --as-needed drops libm when every
 * math symbol is defined here, and a SQLite that needs one more function
 * still links (then with libm). Without libm a call returns NaN. */
#include <math.h>

#include "util/lazylib.h"

static struct volt_lazylib lib = {.soname = "libm.so.6"};

#define VOLT_LAZY_M1(name) VOLT_LAZY_FN(lib, double, name, (double x), (x), __builtin_nan(""))
#define VOLT_LAZY_M2(name) VOLT_LAZY_FN(lib, double, name, (double x, double y), (x, y), __builtin_nan(""))

VOLT_LAZY_M1(acos)
VOLT_LAZY_M1(acosh)
VOLT_LAZY_M1(asin)
VOLT_LAZY_M1(asinh)
VOLT_LAZY_M1(atan)
VOLT_LAZY_M1(atanh)
VOLT_LAZY_M1(cos)
VOLT_LAZY_M1(cosh)
VOLT_LAZY_M1(exp)
VOLT_LAZY_M1(log)
VOLT_LAZY_M1(sin)
VOLT_LAZY_M1(sinh)
VOLT_LAZY_M1(sqrt)
VOLT_LAZY_M1(tan)
VOLT_LAZY_M1(tanh)
VOLT_LAZY_M1(trunc)
VOLT_LAZY_M2(atan2)
VOLT_LAZY_M2(fmod)
VOLT_LAZY_M2(pow)
