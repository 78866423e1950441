/* Disk use as `du` counts it (allocated blocks, one file system, links not
 * followed), read as root of a user namespace with the containers' map:
 * their files belong to ids of that map and some are not readable from
 * outside. One helper for ps -s, container prune, system df and system
 * prune. */
#include <ftw.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "userns/idmap.h"

/* the sizes cross from the child volt_userns_run forks: shared memory */
static int64_t *du_cur;

static int du_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path, (void)flag, (void)ftw;
	*du_cur += (int64_t)st->st_blocks * 512;
	return 0;
}

struct du_job {
	char **paths;
	int64_t *sizes;
};

static int du_in_userns(void *arg, struct volt_err *err)
{
	struct du_job *j = arg;
	(void)err;
	for (size_t i = 0; j->paths[i]; i++) {
		du_cur = &j->sizes[i];
		nftw(j->paths[i], du_one, 16, FTW_PHYS | FTW_MOUNT);
	}
	return 0;
}

int cli_disk_use_map(const struct volt_idmap *map, char **paths, int64_t *sizes)
{
	struct volt_err err = {0};
	struct volt_idmap store;
	size_t n = 0;

	while (paths && paths[n])
		n++;
	memset(sizes, 0, n * sizeof(*sizes));
	if (!n)
		return 0;
	/* cppcheck 2.10 takes MAP_ANONYMOUS's fd -1 for a wrong argument */
	// cppcheck-suppress invalidFunctionArg
	int64_t *shared = mmap(NULL, n * sizeof(*sizes), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	struct du_job j = {paths, shared};
	int r = !map && volt_idmap_detect(&store, false, &err) < 0 ?
			-1 :
			volt_userns_run(map ? map : &store, du_in_userns, &j, &err);
	if (r == 0)
		memcpy(sizes, shared, n * sizeof(*sizes));
	munmap(shared, n * sizeof(*sizes));
	return r;
}

int cli_disk_use(char **paths, int64_t *sizes)
{
	return cli_disk_use_map(NULL, paths, sizes);
}
