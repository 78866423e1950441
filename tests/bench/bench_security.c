/* bench_security: what the security step costs, measured in-process without
 * the noise of a whole container start. Run as an ordinary user:
 *   make && cc -O2 -std=gnu17 -D_GNU_SOURCE -DVOLT_VERSION='"bench"' -Isrc \
 *      tests/bench/bench_security.c build/libvolt.a \
 *      $(pkg-config --libs sqlite3 jansson libarchive libcrypto libseccomp libcap) -o /tmp/bench_security
 *   VOLT_ROOT=/tmp/bench-root VOLT_PROFILE_DIR=$PWD/profiles /tmp/bench_security [N]
 * Prints the median over N rounds (default 200), each measured in a fresh
 * process as a new monitor pays it, of: volt_security_prepare with a warm
 * cache (what the monitor does per start), the same with a cold cache (first
 * start with a profile), and volt_security_apply in a fresh
 * child (capabilities, no_new_privs, Landlock, seccomp), each in microseconds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "security/security.h"
#include "util/cleanup.h"
#include "util/fs.h"

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	struct volt_ctx ctx;
	struct volt_err err = {0};
	struct volt_spec spec = {0};
	struct volt_security sec;
	double *warm = calloc((size_t)n, sizeof(double)), *cold = calloc((size_t)n, sizeof(double));
	double *apply = calloc((size_t)n, sizeof(double));
	int p[2];

	if (volt_ctx_init(&ctx, NULL, NULL, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		/* each measurement in a fresh child: what a new monitor pays */
		double t[3] = {-1, -1, -1};
		if (pipe(p) < 0)
			return 1;
		pid_t pid = fork();
		if (pid == 0) {
			cleanup_free char *cache = volt_path("%s/cache/seccomp", ctx.root);
			volt_rm_rf(cache, &err);
			double t0 = now_us();
			if (volt_security_prepare(&ctx, &spec, NULL, false, &sec, &err) < 0) {
				fprintf(stderr, "prepare: %s\n", err.msg);
				_exit(1);
			}
			t[0] = now_us() - t0;
			_exit(write(p[1], t, sizeof(t)) < 0);
		}
		waitpid(pid, NULL, 0);
		if (read(p[0], t, sizeof(t)) != sizeof(t))
			return 1;
		cold[i] = t[0];
		pid = fork();
		if (pid == 0) {
			double t0 = now_us();
			volt_security_prepare(&ctx, &spec, NULL, false, &sec, &err);
			t[1] = now_us() - t0;
			/* a user namespace of our own, so capabilities can be set */
			if (unshare(CLONE_NEWUSER) < 0)
				_exit(2);
			t0 = now_us();
			if (volt_security_bounding(&sec, &err) < 0 || volt_security_apply(&sec, &err) < 0)
				_exit(3);
			t[2] = now_us() - t0;
			_exit(write(p[1], t, sizeof(t)) < 0);
		}
		waitpid(pid, NULL, 0);
		if (read(p[0], t, sizeof(t)) != sizeof(t))
			return 1;
		warm[i] = t[1];
		apply[i] = t[2];
		close(p[0]);
		close(p[1]);
	}
	printf("security prepare, warm cache: %8.1f us (median of %d)\n", median(warm, n), n);
	printf("security prepare, cold cache: %8.1f us\n", median(cold, n));
	printf("security apply in the child:  %8.1f us\n", median(apply, n));
	printf("seccomp program: %s\n", "default profile, Docker's capability set");
	return 0;
}
