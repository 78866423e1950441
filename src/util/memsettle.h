/* Give back the memory a long-lived process used only to set itself up. */
#ifndef VOLT_UTIL_MEMSETTLE_H
#define VOLT_UTIL_MEMSETTLE_H

/* volt_mem_settle - once setup is over (a detached container's monitor
 * before it waits for events): free malloc's unused memory and unmap the
 * page-cache pages of read-only file mappings (code, constants) that setup
 * touched; what the process runs later comes back on first touch. Best
 * effort: nothing fails. See memsettle.c. */
void volt_mem_settle(void);

/* volt_mem_settle_open - /proc/self/smaps, opened now for a
 * volt_mem_settle_fd after the process has confined itself (Landlock
 * leaves it no /proc to open then); -1 when it cannot be opened. */
int volt_mem_settle_open(void);

/* volt_mem_settle_fd - volt_mem_settle with the smaps opened before (fd < 0:
 * nothing to read, malloc is still trimmed); closes fd. */
void volt_mem_settle_fd(int fd);

#endif
