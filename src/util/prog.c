#include "util/prog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

extern char **environ;

char *volt_prog_find(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? strdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	cleanup_free char *copy = strdup(path);
	char *save = NULL;
	for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		char *p = volt_path("%s/%s", dir, name);
		struct stat st;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0)
			return p;
		free(p);
	}
	return NULL;
}

/* A bounded buffer: the head of stdout (what a caller parses), the tail of
 * stderr (where a program says why it failed). */
struct bbuf {
	char *data;
	size_t len, max;
	bool keep_tail;
};

static void bbuf_append(struct bbuf *b, const char *data, size_t n)
{
	if (!b->data && !(b->data = calloc(1, b->max + 1)))
		return;
	if (b->keep_tail && b->len + n > b->max) {
		if (n >= b->max) {
			data += n - b->max;
			n = b->max;
			b->len = 0;
		} else {
			size_t drop = b->len + n - b->max;
			memmove(b->data, b->data + drop, b->len - drop);
			b->len -= drop;
		}
	}
	if (b->len + n > b->max)
		n = b->max - b->len;
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* last_line - the last non-empty line of s, in place */
static const char *last_line(char *s)
{
	if (!s)
		return "";
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
	char *nl = strrchr(s, '\n');
	return nl ? nl + 1 : s;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* pipes - stderr always, stdout when captured, stdin when given (written
 * whole before the spawn: it fits in the pipe) */
static int pipes(const struct volt_prog *p, int po[2], int pe[2], int pi[2], struct volt_err *err)
{
	if (pipe2(pe, O_CLOEXEC) < 0 || (p->out && pipe2(po, O_CLOEXEC) < 0))
		goto fail;
	if (p->input) {
		size_t n = strlen(p->input);
		if (n > 4096) {
			errno = E2BIG;
			goto fail;
		}
		if (pipe2(pi, O_CLOEXEC) < 0 || !volt_write_all(pi[1], p->input, n))
			goto fail;
		close(pi[1]);
		pi[1] = -1;
	}
	return 0;
fail:;
	int e = errno;
	close_pair(pe);
	close_pair(po);
	close_pair(pi);
	return volt_err_set(err, e, "run %s", p->argv[0]);
}

int volt_prog_run(const struct volt_prog *p, struct volt_err *err)
{
	int po[2] = {-1, -1}, pe[2] = {-1, -1}, pi[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	pid_t pid;

	if (pipes(p, po, pe, pi, err) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	if (p->input)
		posix_spawn_file_actions_adddup2(&fa, pi[0], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (p->out)
		posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	if (p->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, p->cwd);
	int rc = posix_spawnp(&pid, p->argv[0], &fa, NULL, p->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (pi[0] >= 0)
		close(pi[0]);
	close(pe[1]);
	if (po[1] >= 0)
		close(po[1]);
	if (rc != 0) {
		close(pe[0]);
		if (po[0] >= 0)
			close(po[0]);
		return volt_err_set(err, rc, "run %s", p->argv[0]);
	}

	struct bbuf eb = {.max = 4096, .keep_tail = true}, ob = {.max = p->out_max};
	struct pollfd pf[2] = {{.fd = pe[0], .events = POLLIN}, {.fd = po[0], .events = POLLIN}};
	long long deadline = p->timeout_ms > 0 ? now_ms() + p->timeout_ms : 0;
	bool timed_out = false;
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		int wait = -1;
		if (deadline) {
			long long left = deadline - now_ms();
			if (left <= 0) {
				timed_out = true;
				kill(pid, SIGKILL);
				break;
			}
			wait = (int)left;
		}
		int r = poll(pf, 2, wait);
		if (r < 0 && errno != EINTR)
			break;
		for (int i = 0; r > 0 && i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			char chunk[4096];
			ssize_t n = read(pf[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				pf[i].fd = -1;
				continue;
			}
			bbuf_append(i == 0 ? &eb : &ob, chunk, (size_t)n);
		}
	}
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	cleanup_free char *ebuf = eb.data;
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			free(ob.data);
			return volt_err_sys(err, "wait for %s", p->argv[0]);
		}
	}
	if (p->out)
		*p->out = ob.data ? ob.data : strdup("");
	else
		free(ob.data);
	if (!timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	const char *why = last_line(ebuf);
	char what[256];
	snprintf(what, sizeof(what), "%s%s%s", p->argv[0], p->argv[1] ? " " : "", p->argv[1] ? p->argv[1] : "");
	if (timed_out)
		return volt_err_set(err, ETIMEDOUT, "%s: timed out after %d s", what, p->timeout_ms / 1000);
	if (WIFSIGNALED(status))
		return volt_err_set(err, 0, "%s: killed by signal %d%s%s", what, WTERMSIG(status), *why ? ": " : "",
				    why);
	return volt_err_set(err, 0, "%s: exited %d%s%s", what, WEXITSTATUS(status), *why ? ": " : "", why);
}
