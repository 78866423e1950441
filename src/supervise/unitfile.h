/* `.volt` unit files (a quadlet-like format) and the systemd user units volt
 * writes, for `volt units apply` and `volt generate systemd`.
 *
 * A .volt file (~/.config/volt/units/NAME.volt):
 *
 *     # comments start with # or ;
 *     [Container]
 *     Name=web                 container name (default: the file name)
 *     Image=busybox            required
 *     Exec=httpd -f -p 8080    command; split on blanks, "..." and '...' quote
 *     Environment=KEY=VALUE    repeatable
 *     Volume=SRC:DST[:ro]      repeatable
 *     Network=host|none
 *     Restart=on-failure:3     as --restart
 *     Memory=64m  MemorySwap=  Cpus=0.5  CpuShares=  PidsLimit=100  IOWeight=
 *     Label=KEY=VALUE          repeatable
 *     User=  WorkingDir=  Hostname=  StopSignal=  StopTimeout=
 *     Option=--any-volt-run-option   repeatable, passed as it is
 *     [Service]                lines copied into the unit's [Service]
 *     [Install]                lines copied; default WantedBy=default.target
 */
#ifndef VOLT_SUPERVISE_UNITFILE_H
#define VOLT_SUPERVISE_UNITFILE_H

#include <stddef.h>

#include "util/err.h"

struct volt_unitfile {
	char *name, *image, *restart;
	char **run_args; /* volt run options (not name, image, command) */
	char **exec;	 /* the command */
	char **service;	 /* raw [Service] lines */
	char **install;	 /* raw [Install] lines */
};

/* volt_unitfile_parse - text (len bytes, need not be NUL-terminated) into u;
 * defname is the name when the file has none. Errors name the line. */
int volt_unitfile_parse(const char *text, size_t len, const char *defname, struct volt_unitfile *u,
			struct volt_err *err);
void volt_unitfile_free(struct volt_unitfile *u);
/* volt_split_words - a command line split on blanks with "..." and '...'. */
int volt_split_words(const char *s, char ***out, struct volt_err *err);

struct volt_unit_render {
	const char *description;
	char **exec_start_pre, **exec_start, **exec_stop, **exec_stop_post; /* argv each, may be NULL */
	const char *restart;						    /* systemd Restart= value */
	int restart_max;    /* on-failure:N: at most N restarts (the start limit); 0: no limit */
	const char *source; /* the .volt file it was made from, or NULL (volt generate) */
	int stop_timeout;   /* seconds */
	char **service, **install;
};
/* volt_unit_text - a user unit file (malloc'd), argv quoted for systemd. */
char *volt_unit_text(const struct volt_unit_render *r);

#endif
