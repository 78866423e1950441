#include "util/trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

void volt_trace(const char *what)
{
	static int enabled = -1;
	struct timespec ts;

	if (enabled < 0) {
		const char *e = getenv("VOLT_TRACE");
		enabled = e && *e && *e != '0';
	}
	if (!enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* one write per line, so lines of parallel processes do not mix */
	char line[160];
	int n = snprintf(line, sizeof(line), "volt-trace %d %lld %s\n", (int)getpid(),
			 (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000, what);
	if (n > 0)
		(void)!write(2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}
