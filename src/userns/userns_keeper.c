/* A mapped user namespace kept between runs.
 *
 * Theory of operation: with a subordinate id range, every new user namespace
 * must be mapped by the setuid helpers newuidmap and newgidmap: two execs that
 * cost ~2 ms of CPU per container start here, more than anything else volt
 * does. Rootless podman avoids the cost with a "pause" process that holds its
 * user namespace; volt does the same, on a smaller scale. The first foreground
 * `volt run` maps a namespace as before (userns/early_userns.c); once the
 * container is in it, the child that held it starts a keeper inside it
 * (`volt __userns-keeper`), which records itself in
 * $runroot/userns-<hash of the map> and sleeps. Later runs with the same map
 * open /proc/<keeper>/ns/user and join it with setns(): no helper, no exec.
 *
 * The keeper serves nothing: no socket, no requests, no state. Nothing depends
 * on it; if it is gone (killed, idle, reboot) the next run maps a namespace
 * again and starts a new one. It leaves by itself once no process has been in
 * its namespace for VOLT_USERNS_KEEPER_IDLE seconds ($VOLT_USERNS_KEEPER_IDLE),
 * and $VOLT_USERNS_KEEPER=0 turns it off. Containers with the same map share
 * the user namespace, as under rootless podman; each still has its own mount,
 * PID, IPC, UTS, cgroup and network namespaces, which are what separate them.
 *
 * It also keeps the state database of the run that started it open, idle (no
 * transaction, so it delays no checkpoint): while a connection is open, the
 * next volt process maps SQLite's WAL index as it is instead of rebuilding it
 * from the whole WAL, ~0.45 ms of every container start here. A long-running
 * server has that for free; short volt processes have it through the keeper.
 * When the database file is replaced or removed, the keeper lets go of it.
 *
 * Trust: the record lives in the user's 0700 runtime directory; it is used only
 * when it names a live process whose start time matches (a reused pid does
 * not) and whose map is the one wanted, written in full in the record. setns()
 * itself needs CAP_SYS_ADMIN over the namespace, which only its creator has. */
#include "userns/userns_keeper.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/procstat.h"
#include "state/db.h"

bool volt_userns_keeper_enabled(void)
{
	const char *e = getenv("VOLT_USERNS_KEEPER");
	return !(e && (!strcmp(e, "0") || !strcmp(e, "false") || !strcmp(e, "no")));
}

unsigned volt_userns_keeper_idle(void)
{
	const char *e = getenv("VOLT_USERNS_KEEPER_IDLE");
	char *end;
	unsigned long v;

	if (!e || !*e)
		return VOLT_USERNS_KEEPER_IDLE;
	errno = 0;
	v = strtoul(e, &end, 10);
	if (errno || *end || v == 0 || v > 86400 * 365)
		return VOLT_USERNS_KEEPER_IDLE;
	return (unsigned)v;
}

void volt_userns_keeper_key(const struct volt_idmap *m, struct volt_userns_keeper_key *k)
{
	volt_idmap_format(m->uids, m->n_uids, k->uids, sizeof(k->uids));
	volt_idmap_format(m->gids, m->n_gids, k->gids, sizeof(k->gids));
}

char *volt_userns_keeper_path(const char *runroot, const struct volt_userns_keeper_key *k)
{
	/* FNV-1a over both maps: a short, stable file name per map */
	unsigned long long h = 0xcbf29ce484222325ULL;
	for (const char *s = k->uids; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h = (h ^ '/') * 0x100000001b3ULL;
	for (const char *s = k->gids; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return volt_path("%s/userns-%016llx", runroot, h);
}

/* map_ok - a map text as volt_idmap_format writes it: digits, ':' and ',' */
static bool map_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s) && *s != ':' && *s != ',')
			return false;
	return true;
}

int volt_userns_keeper_record_parse(const char *text, pid_t *pid, unsigned long long *start,
				    struct volt_userns_keeper_key *k)
{
	char u[sizeof(k->uids)], g[sizeof(k->gids)];
	int p, n = 0;

	if (sscanf(text, "%d %llu %127s %127s%n", &p, start, u, g, &n) != 4 || p <= 1)
		return -1;
	if (strcmp(text + n, "\n") || !map_ok(u) || !map_ok(g))
		return -1;
	*pid = p;
	snprintf(k->uids, sizeof(k->uids), "%s", u);
	snprintf(k->gids, sizeof(k->gids), "%s", g);
	return 0;
}

/* start_time - when pid started (clock ticks since boot), or 0 */
static unsigned long long start_time(pid_t pid)
{
	struct volt_procstat st;
	return volt_procstat_read(pid, &st) == 0 ? st.start : 0;
}

/* read_record - the keeper file at path, parsed; -1 when absent or bad */
static int read_record(const char *path, pid_t *pid, unsigned long long *start, struct volt_userns_keeper_key *k)
{
	cleanup_free char *text = NULL;
	struct volt_err ignored;

	if (volt_read_file(path, 512, &text, NULL, &ignored) < 0)
		return -1;
	return volt_userns_keeper_record_parse(text, pid, start, k);
}

/* keeper_open - the fd of volt_userns_keeper_find for the record at path */
static int keeper_open(const char *path, const struct volt_userns_keeper_key *k, pid_t *pid_out)
{
	struct volt_userns_keeper_key rk;
	unsigned long long start;
	char ns[64];
	pid_t pid;

	if (read_record(path, &pid, &start, &rk) < 0 || strcmp(rk.uids, k->uids) || strcmp(rk.gids, k->gids))
		return -1;
	snprintf(ns, sizeof(ns), "/proc/%d/ns/user", (int)pid);
	int fd = open(ns, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* checked after the open: had the pid been reused before it, the start
	 * time differs now */
	if (start_time(pid) != start) {
		close(fd);
		return -1;
	}
	if (pid_out)
		*pid_out = pid;
	return fd;
}

int volt_userns_keeper_find(const char *runroot, const struct volt_idmap *m, pid_t *pid_out)
{
	struct volt_userns_keeper_key k;

	if (!runroot || !m->full || !volt_userns_keeper_enabled())
		return -1;
	volt_userns_keeper_key(m, &k);
	cleanup_free char *path = volt_userns_keeper_path(runroot, &k);
	return keeper_open(path, &k, pid_out);
}

/* others_inside - whether a process other than this one is in namespace ino
 * (processes of other users cannot be looked at, and are not inside) */
static bool others_inside(dev_t dev, ino_t ino)
{
	cleanup_dir DIR *d = opendir("/proc");
	struct dirent *e;
	pid_t self = getpid();

	if (!d)
		return true; /* cannot tell: stay */
	while ((e = readdir(d))) {
		char path[300];
		struct stat st;
		if (!isdigit((unsigned char)e->d_name[0]) || atoi(e->d_name) == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/user", e->d_name);
		if (stat(path, &st) == 0 && st.st_ino == ino && st.st_dev == dev)
			return true;
	}
	return false;
}

/* held_db - the state database the keeper keeps open (volt_db_open_idle) */
struct held_db {
	const char *root; /* NULL: none wanted */
	struct volt_db db;
	dev_t dev;
	ino_t ino;
};

/* held_db_refresh - (re)open the database when it is not held or its file
 * is no longer the one held */
static void held_db_refresh(struct held_db *h)
{
	struct stat st;

	if (!h->root)
		return;
	cleanup_free char *path = volt_path("%s/state.db", h->root);
	bool there = stat(path, &st) == 0;
	if (h->db.h && there && st.st_dev == h->dev && st.st_ino == h->ino)
		return;
	volt_db_close(&h->db);
	if (!there || volt_db_open_idle(&h->db, h->root) < 0)
		return;
	h->dev = st.st_dev;
	h->ino = st.st_ino;
}

/* still_named - whether path still names this process (a newer keeper may
 * have replaced the record, or someone removed it) */
static bool still_named(const char *path)
{
	struct volt_userns_keeper_key k;
	unsigned long long start;
	pid_t pid;
	return read_record(path, &pid, &start, &k) == 0 && pid == getpid();
}

int volt_userns_keeper_main(int argc, char **argv)
{
	struct volt_userns_keeper_key k;
	struct volt_err err;
	struct stat self_ns;
	const char *path;
	unsigned idle, step;
	char rec[400];

	struct held_db held = {0};

	if (argc != 5 && argc != 6)
		return 125;
	if (argc == 6 && argv[5][0] == '/')
		held.root = argv[5];
	path = argv[1];
	idle = (unsigned)strtoul(argv[2], NULL, 10);
	if (!idle || !map_ok(argv[3]) || !map_ok(argv[4]) || strlen(argv[3]) >= sizeof(k.uids) ||
	    strlen(argv[4]) >= sizeof(k.gids))
		return 125;
	/* it holds nothing of the run that started it (no terminal, pipe,
	 * session or working directory): early_userns.c's hold() saw to that
	 * before the exec */
	prctl(PR_SET_NAME, "volt-userns", 0, 0, 0);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (stat("/proc/self/ns/user", &self_ns) < 0)
		return 125;
	snprintf(rec, sizeof(rec), "%d %llu %s %s\n", (int)getpid(), start_time(getpid()), argv[3], argv[4]);
	if (volt_write_file_atomic(path, rec, strlen(rec), 0600, &err) < 0)
		return 125;
	held_db_refresh(&held);
	step = idle / 4 < 1 ? 1 : idle / 4 > 30 ? 30 : idle / 4;
	time_t busy = time(NULL);
	for (;;) {
		struct timespec ts = {.tv_sec = step};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		if (!still_named(path))
			break;
		held_db_refresh(&held);
		time_t now = time(NULL);
		if (others_inside(self_ns.st_dev, self_ns.st_ino))
			busy = now;
		else if (now - busy >= (time_t)idle) {
			if (still_named(path))
				unlink(path);
			break;
		}
	}
	volt_db_close(&held.db);
	return 0;
}
