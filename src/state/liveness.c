/* The liveness of a workload record: its monitor holds an exclusive flock on
 * the record's directory for its whole life, whatever the kind, so a record
 * "running" whose lock is free lost its monitor. Every layer may ask. */
#include "state/liveness.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

/* volt_ctr_lock_open - an fd on which the container's monitor holds its flock: the
 * container directory itself (workload/monitor.c), or the lock file in the
 * run directory that monitors of older volt versions took
 * ($runroot/<id>/shim.lock), so that containers started before an upgrade
 * are still seen running. Returns the fd, or -1 when there is neither. */
int volt_ctr_lock_open(struct volt_ctx *ctx, const char *id)
{
	cleanup_free char *legacy = volt_path("%s/%s/shim.lock", ctx->runroot, id);
	int fd = open(legacy, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	cleanup_free char *dir = volt_ctx_ctr_dir(ctx, id);
	return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

int volt_ctr_monitor_alive(struct volt_ctx *ctx, const char *id)
{
	cleanup_close int fd = volt_ctr_lock_open(ctx, id);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return 0; /* nobody holds it: the monitor is gone */
	return errno == EWOULDBLOCK;
}

void volt_ctr_refresh(struct volt_ctx *ctx, struct volt_ctr_row *row)
{
	struct volt_err ignored;
	if ((row->state != VOLT_CTR_RUNNING && row->state != VOLT_CTR_PAUSED) || volt_ctr_monitor_alive(ctx, row->id))
		return;
	/* the monitor died without recording an exit (SIGKILL, OOM, reboot):
	 * its container died with it (PDEATHSIG) */
	struct volt_db *db = volt_ctx_db(ctx, &ignored);
	if (!db)
		return;
	row->state = VOLT_CTR_EXITED;
	row->exit_code = 137;
	row->finished = volt_now_ns();
	volt_db_ctr_set_exited(db, row->id, 137, row->finished, "the monitor (volt-shim) died", &ignored);
}

int volt_ctr_load(struct volt_ctx *ctx, const char *ref, struct volt_ctr_row *row, struct volt_err *err)
{
	struct volt_db *db = volt_ctx_db(ctx, err);
	int r;
	if (!db)
		return -1;
	r = volt_db_ctr_find(db, ref, row, err);
	if (r != 0)
		return r;
	volt_ctr_refresh(ctx, row);
	return 0;
}
