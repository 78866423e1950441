/* volt top CONTAINER [ps OPTIONS]: docker runs the host's ps with the
 * options and keeps the lines of the container's processes (by the PID
 * column); volt does the same. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/cleanup.h"

/* pid_column - the index of the PID column in ps's header, or -1 */
static int pid_column(const char *header)
{
	cleanup_free char *h = strdup(header);
	int col = 0;
	for (char *save = NULL, *w = h ? strtok_r(h, " \t\n", &save) : NULL; w; w = strtok_r(NULL, " \t\n", &save))
		if (!strcmp(w, "PID"))
			return col;
		else
			col++;
	return -1;
}

/* field - the col'th blank-separated word of line, as a number, or -1 */
static long field(const char *line, int col)
{
	const char *p = line;
	for (int i = 0;; i++) {
		p += strspn(p, " \t");
		if (!*p || *p == '\n')
			return -1;
		if (i == col) {
			char *end;
			long v = strtol(p, &end, 10);
			return end != p && (*end == ' ' || *end == '\t' || *end == '\n' || !*end) ? v : -1;
		}
		p += strcspn(p, " \t\n");
	}
}

int cli_top_ps(const pid_t *pids, size_t n, int argc, char **argv)
{
	int p[2], status;
	if (pipe2(p, O_CLOEXEC) < 0)
		return VOLT_EXIT_INTERNAL;
	char **av = calloc((size_t)argc + 2, sizeof(char *));
	if (!av)
		return VOLT_EXIT_INTERNAL;
	av[0] = "ps";
	for (int i = 0; i < argc; i++)
		av[i + 1] = argv[i];
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1); /* ps's stdout is the pipe */
		execvp("ps", av);
		fprintf(stderr, "volt: top: exec ps: %s\n", strerror(errno));
		_exit(125);
	}
	free(av);
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return VOLT_EXIT_INTERNAL;
	}
	FILE *f = fdopen(p[0], "r");
	char *line = NULL;
	size_t cap = 0;
	int col = -1;
	bool first = true;
	while (f && getline(&line, &cap, f) > 0) {
		if (first) {
			first = false;
			col = pid_column(line);
			fputs(line, stdout);
			continue;
		}
		long v = field(line, col);
		for (size_t i = 0; col >= 0 && i < n; i++)
			if (v == (long)pids[i]) {
				fputs(line, stdout);
				break;
			}
	}
	free(line);
	if (f)
		fclose(f);
	else
		close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return WIFEXITED(status) && WEXITSTATUS(status) == 125 ? VOLT_EXIT_INTERNAL : 1;
	if (col < 0) {
		fprintf(stderr, "volt: top: ps printed no PID column (give ps options that show it)\n");
		return VOLT_EXIT_INTERNAL;
	}
	return 0;
}
