#include "util/procstat.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"

int volt_procstat_parse(const char *text, struct volt_procstat *st)
{
	const char *s = strrchr(text, ')');

	memset(st, 0, sizeof(*st));
	/* after comm: state(3) ... utime(14) stime(15) ... starttime(22)
	 * vsize(23) rss(24) */
	if (!s || sscanf(s + 1,
			 " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu %*u %lld",
			 &st->utime, &st->stime, &st->start, &st->rss) != 4)
		return -1;
	return 0;
}

int volt_procstat_read(pid_t pid, struct volt_procstat *st)
{
	char path[64], buf[1024];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return -1;
	buf[n] = '\0';
	return volt_procstat_parse(buf, st);
}
