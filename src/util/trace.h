/* trace.h - phase timestamps for start-time work.
 *
 * VOLT_TRACE=1 in the environment makes volt, volt-shim and the container
 * child print "volt-trace PID USEC WHAT" lines (CLOCK_MONOTONIC) on stderr at
 * the phases of a container start; unset, each call is one cached test. Used
 * with scripts/bench-phases to see where a start spends its time. */
#ifndef VOLT_UTIL_TRACE_H
#define VOLT_UTIL_TRACE_H

/* volt_trace - print one timestamped line naming the phase just reached */
void volt_trace(const char *what);

#endif
