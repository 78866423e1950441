#include "util/lazylib.h"

#include <dlfcn.h>
#include <stddef.h>

void *volt_lazylib_sym(struct volt_lazylib *lib, const char *name)
{
	if (!lib->handle && !lib->error) {
		lib->handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
		if (!lib->handle)
			lib->error = dlerror();
	}
	return lib->handle ? dlsym(lib->handle, name) : NULL;
}
