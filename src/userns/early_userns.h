/* early_userns.h - the container's user namespace, made and mapped while
 * volt is still creating the container (see early_userns.c). */
#ifndef VOLT_USERNS_EARLY_USERNS_H
#define VOLT_USERNS_EARLY_USERNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "userns/idmap.h"
#include "userns/userns_keeper.h"
#include "util/err.h"

struct volt_early_userns {
	bool active; /* started and neither joined nor given up */
	struct volt_idmap map;
	pid_t holder;			   /* a child that sits in the namespace until released */
	int release_fd;			   /* closing it lets the holder exit */
	pid_t mapper;			   /* a child that runs newuidmap and newgidmap on it */
	int ns_fd;			   /* the namespace of a live keeper (userns_keeper.c), or -1 */
	char *keeper_path;		   /* its record; set when keepers are on (malloc'd) */
	char *keeper_root;		   /* the $VOLT_ROOT whose database it keeps open (malloc'd) */
	struct volt_userns_keeper_key key; /* the map as the keeper records it */
	pid_t netns_maker;		   /* a child making the container's network namespace in it */
	int netns_ready_fd;		   /* the maker's word: 0 made, 1 failed */
	int netns_release_fd;		   /* closing it lets the maker exit */
};

/* an early namespace not (yet) started: abort on it does nothing */
#define VOLT_EARLY_USERNS_INIT                                                              \
	{                                                                                   \
		.release_fd = -1, .ns_fd = -1, .netns_ready_fd = -1, .netns_release_fd = -1 \
	}

/* volt_early_userns_start - take the namespace a keeper holds for map m under
 * runroot (userns_keeper.c); when there is none, make a user namespace (held
 * by a child) and start newuidmap/newgidmap on it without waiting. The keeper
 * that holder leaves keeps root's state database open. Only for a
 * full map; a no-op (e->active stays false) otherwise, or on any failure: the
 * normal path at spawn time then does the work, so nothing is lost. With a
 * keeper's namespace and want_netns, a child also makes the container's
 * network namespace in it meanwhile (one costs ~0.5 ms of CPU here). */
void volt_early_userns_start(struct volt_early_userns *e, const struct volt_idmap *m, const char *root,
			     const char *runroot, bool want_netns);

/* volt_early_userns_kept - only the first half of start: take the namespace
 * a live keeper holds for m under runroot. true (e->active; give e to join or
 * abort) when there is one, false (nothing held) otherwise. */
bool volt_early_userns_kept(struct volt_early_userns *e, const struct volt_idmap *m, const char *runroot);

/* volt_early_userns_join - wait for the helpers, then move this (single
 * threaded) process into the namespace and let the holder go (it leaves a
 * keeper behind when keepers are on). m must be the
 * map the container wants. Return 1 when joined, 0 when there is nothing to
 * join (not started, another map, or the mapping failed: the caller maps as
 * usual, and says why if that fails again), -1 with err when setns failed. */
int volt_early_userns_join(struct volt_early_userns *e, const struct volt_idmap *m, struct volt_err *err);

/* volt_early_userns_take_netns - the network namespace made ahead (an
 * O_CLOEXEC fd for the container child to setns() into), or -1 when there is
 * none: the child then clones a new one. Call after join. */
int volt_early_userns_take_netns(struct volt_early_userns *e);

/* volt_early_userns_abort - give it up (the container was not started). */
void volt_early_userns_abort(struct volt_early_userns *e);

#endif
