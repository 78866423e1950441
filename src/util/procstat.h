/* procstat.h - the fields of /proc/PID/stat that volt reads. */
#ifndef VOLT_UTIL_PROCSTAT_H
#define VOLT_UTIL_PROCSTAT_H

#include <sys/types.h>

struct volt_procstat {
	unsigned long long utime, stime; /* clock ticks */
	unsigned long long start;	 /* clock ticks since boot */
	long long rss;			 /* pages */
};

/* volt_procstat_parse - parse the text of a /proc/PID/stat. The command name
 * may hold anything, spaces and ')' too: fields are counted after its last
 * ')'. 0 or -1 when malformed. Pure, for unit tests. */
int volt_procstat_parse(const char *text, struct volt_procstat *st);

/* volt_procstat_read - read and parse /proc/PID/stat; 0 or -1 (gone, or not
 * ours to read). */
int volt_procstat_read(pid_t pid, struct volt_procstat *st);

#endif
