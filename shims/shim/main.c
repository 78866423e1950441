/* volt-shim: the monitor of a detached container (volt run -d, volt start),
 * and of a restart under the builtin policy. The monitor itself is
 * src/workload/monitor.c; foreground runs use it inside volt. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "workload/monitor.h"
#include "state/context.h"
#include "util/err.h"
#include "util/fds.h"

/* detach - leave the caller's session: fork twice, setsid, stdio on
 * /dev/null, and no fd of the caller's but the n in keep */
static int detach(const int *keep, size_t n)
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	volt_fds_keep_only(VOLT_STDIO_NULL_ALL, keep, n);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: volt-shim --root DIR --runroot DIR --id ID [--attach] [--detach] [--ready-fd N]\n");
	return VOLT_EXIT_INTERNAL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"root", required_argument, NULL, 'r'},	   {"runroot", required_argument, NULL, 'R'},
		{"id", required_argument, NULL, 'i'},	   {"attach", no_argument, NULL, 'a'},
		{"detach", no_argument, NULL, 'd'},	   {"ready-fd", required_argument, NULL, 'f'},
		{"lock-fd", required_argument, NULL, 'l'}, {NULL, 0, NULL, 0},
	};
	struct volt_monitor_opts o = {.ready_fd = -1, .lock_fd = -1};
	struct volt_ctx ctx = {0};
	struct volt_err err = {0};
	const char *root = NULL, *runroot = NULL, *id = NULL;
	bool do_detach = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r': root = optarg; break;
		case 'R': runroot = optarg; break;
		case 'i': id = optarg; break;
		case 'a': o.attach = true; break;
		case 'd': do_detach = true; break;
		case 'f': o.ready_fd = atoi(optarg); break;
		case 'l': o.lock_fd = atoi(optarg); break; /* a restart (supervise/shim.c) */
		default: return usage();
		}
	}
	if (!id || !root)
		return usage();
	if (o.ready_fd >= 0)
		fcntl(o.ready_fd, F_SETFD, FD_CLOEXEC);
	if (do_detach && detach((int[]){o.ready_fd, o.lock_fd}, 2) < 0)
		r = volt_err_sys(&err, "detach");
	else
		r = volt_ctx_init(&ctx, root, runroot, &err);
	if (r < 0) {
		char msg[VOLT_ERR_MSG_MAX + 32];
		volt_err_format(&err, msg, sizeof(msg));
		if (o.ready_fd >= 0)
			dprintf(o.ready_fd, "%d %s", VOLT_EXIT_INTERNAL, msg);
		else
			fprintf(stderr, "volt: %s\n", msg);
		return VOLT_EXIT_INTERNAL;
	}
	return volt_monitor_run(&ctx, id, &o);
}
