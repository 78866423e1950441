/* Cleanup-by-attribute helpers: a variable declared with one of these is
 * released when it goes out of scope; steal_ptr / steal_fd hand ownership out. */
#ifndef VOLT_UTIL_CLEANUP_H
#define VOLT_UTIL_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void volt_freep(void *p)
{
	free(*(void **)p);
}
static inline void volt_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void volt_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
static inline void volt_closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
static inline void volt_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}
static inline void volt_strvp(char ***v)
{
	volt_strv_free(*v);
}

#define cleanup_free __attribute__((cleanup(volt_freep)))
#define cleanup_close __attribute__((cleanup(volt_closep)))
#define cleanup_fclose __attribute__((cleanup(volt_fclosep)))
#define cleanup_dir __attribute__((cleanup(volt_closedirp)))
#define cleanup_strv __attribute__((cleanup(volt_strvp)))

static inline void *volt_steal_ptr(void *pp)
{
	void **p = pp;
	void *v = *p;
	*p = NULL;
	return v;
}
static inline int volt_steal_fd(int *fd)
{
	int v = *fd;
	*fd = -1;
	return v;
}
#define steal_ptr(p) volt_steal_ptr(&(p))
#define steal_fd(fd) volt_steal_fd(&(fd))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
