/* userns_keeper.h - a mapped user namespace kept between runs (see
 * userns_keeper.c). */
#ifndef VOLT_USERNS_USERNS_KEEPER_H
#define VOLT_USERNS_USERNS_KEEPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "userns/idmap.h"

/* the hidden command that runs the keeper (argv[1] of volt) */
#define VOLT_USERNS_KEEPER_CMD "__userns-keeper"
/* seconds a keeper waits with no process in its namespace before it leaves */
#define VOLT_USERNS_KEEPER_IDLE 600

/* a map as the keeper records it: "0:1000:1,1:100000:65536" for uids and gids */
struct volt_userns_keeper_key {
	char uids[128], gids[128];
};

/* volt_userns_keeper_enabled - false when $VOLT_USERNS_KEEPER is 0/false/no. */
bool volt_userns_keeper_enabled(void);

/* volt_userns_keeper_idle - the idle time, $VOLT_USERNS_KEEPER_IDLE seconds or
 * VOLT_USERNS_KEEPER_IDLE. */
unsigned volt_userns_keeper_idle(void);

/* volt_userns_keeper_key - the key of map m; volt_userns_keeper_path - the
 * file under runroot that names the keeper of that key (malloc'd). */
void volt_userns_keeper_key(const struct volt_idmap *m, struct volt_userns_keeper_key *k);
char *volt_userns_keeper_path(const char *runroot, const struct volt_userns_keeper_key *k);

/* volt_userns_keeper_record_parse - parse a keeper file's text: "PID START
 * UIDMAP GIDMAP\n". 0 on success, -1 when malformed. Pure, for unit tests. */
int volt_userns_keeper_record_parse(const char *text, pid_t *pid, unsigned long long *start,
				    struct volt_userns_keeper_key *k);

/* volt_userns_keeper_find - an O_CLOEXEC fd on the user namespace of the live
 * keeper of map m under runroot; -1 otherwise (keepers off, a single map,
 * which needs no helpers, no keeper, it left, its pid was reused). Never fails
 * loudly: the caller then makes a namespace itself. *pid_out (may be NULL)
 * gets the keeper's pid. */
int volt_userns_keeper_find(const char *runroot, const struct volt_idmap *m, pid_t *pid_out);

/* volt_userns_keeper_main - `volt __userns-keeper PATH IDLE UIDMAP GIDMAP
 * [VOLT_ROOT]`, run inside the mapped namespace by the process that held it:
 * records itself in PATH, keeps VOLT_ROOT's state database open (idle), and
 * sleeps until idle. Returns the exit code. */
int volt_userns_keeper_main(int argc, char **argv);

#endif
