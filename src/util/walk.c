#include "util/walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

int volt_walk_sorted(int dfd, const char *prefix, volt_walk_fn fn, void *arg, struct volt_err *err)
{
	struct dirent **names = NULL;
	cleanup_dir DIR *d = fdopendir(dfd);
	int n, ret = 0;

	if (!d) {
		close(dfd);
		return volt_err_sys(err, "read directory %s", prefix[0] ? prefix : "/");
	}
	n = scandirat(dirfd(d), ".", &names, NULL, alphasort);
	if (n < 0)
		return volt_err_sys(err, "read directory %s", prefix[0] ? prefix : "/");
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (ret == 0 && strcmp(nm, ".") && strcmp(nm, "..")) {
			cleanup_free char *path = prefix[0] ? volt_path("%s/%s", prefix, nm) : strdup(nm);
			ret = path ? fn(arg, dirfd(d), nm, path, err) : volt_err_set(err, ENOMEM, "walk");
		}
		free(names[i]);
	}
	free(names);
	return ret;
}
