/* volt-runtime's verbs over a bundle (runtime-spec 1.2's operations), for
 * the CLI in src/cli/oci.c. State lives under root (--root). */
#ifndef VOLT_OCI_RUNTIME_H
#define VOLT_OCI_RUNTIME_H

#include <stdbool.h>
#include <sys/types.h>

#include "util/err.h"

struct volt_ctx;
struct volt_spec;

struct volt_oci_create_opts {
	const char *root, *id, *bundle;
	const char *console_socket; /* process.terminal: the pty master goes there */
	const char *pid_file;
	unsigned preserve_fds;
	bool keep_pty; /* `run` in the foreground: the master comes back in *pty_fd */
	char **notes;  /* out: config fields accepted without effect (malloc'd strv) */
	/* run.oci.volt.vm's monitor (workload/vm_monitor.c, handed in by the
	 * CLI): runs spec (taken over) in a microVM, prints its own error,
	 * returns the workload's exit code; NULL: microVMs are refused. dir:
	 * its files; run: its sockets (short: volt_oci_vm_run_dir) */
	int (*vm_monitor)(struct volt_ctx *ctx, struct volt_spec *spec, const char *dir, const char *run);
};

/* volt_oci_create - set up container id from the bundle and leave its
 * process waiting for start. Return: 0 with *pid (and *pty_fd, or -1), or
 * -1 with err (exit_code 127 for a command that is not there). */
int volt_oci_create(struct volt_oci_create_opts *o, pid_t *pid, int *pty_fd, struct volt_err *err);
/* volt_oci_start - release a created container's process (startContainer
 * hooks before, poststart after: their failures go to *warnings) */
int volt_oci_start(const char *root, const char *id, char ***warnings, struct volt_err *err);
/* volt_oci_kill - send sig to the container's process (created or running) */
int volt_oci_kill(const char *root, const char *id, int sig, struct volt_err *err);
/* volt_oci_delete - remove a stopped (or created) container's state and
 * cgroup; force: kill a running one first, and a missing one is no error.
 * poststop hooks after; their failures go to *warnings. */
int volt_oci_delete(const char *root, const char *id, bool force, char ***warnings, struct volt_err *err);
/* volt_oci_pause - pause (or resume) a running container: its cgroup's
 * freezer, or SIGSTOP/SIGCONT to its processes when it has no cgroup */
int volt_oci_pause(const char *root, const char *id, bool pause, struct volt_err *err);
/* volt_oci_update - a linux.resources object (JSON) written to the
 * container's cgroup; an error when it has none or lacks a controller */
int volt_oci_update(const char *root, const char *id, const char *resources_json, struct volt_err *err);
/* volt_oci_pids - the pids (host view) of the processes in the container's
 * PID namespace; none when it has stopped. malloc'd in *pids. */
int volt_oci_pids(const char *root, const char *id, pid_t **pids, size_t *n, struct volt_err *err);
/* volt_oci_state_text - the state JSON of id (malloc'd) */
char *volt_oci_state_text(const char *root, const char *id, struct volt_err *err);

struct volt_oci_exec_opts {
	const char *root, *id;
	const char *process_file; /* --process: a process object; else: */
	char **args;		  /* the command (argv form) */
	char **env;		  /* -e KEY=VALUE, added to the container's */
	const char *cwd, *user;	  /* --cwd, --user UID[:GID] */
	bool tty, detach;
	const char *console_socket, *pid_file;
	unsigned preserve_fds;
};

/* volt_oci_exec - run another process in a running container: its
 * namespaces joined, the bundle's seccomp profile and process settings (or
 * --process's). Return: 0 with *status (the process's exit status, 128+N
 * for signal N; 0 with detach), or -1 with err. */
int volt_oci_exec(const struct volt_oci_exec_opts *o, int *status, struct volt_err *err);

/* helpers shared by runtime.c and exec.c */
struct volt_oci_config;
struct sock_filter;
int volt_oci_read_config(const char *bundle, struct volt_oci_config *c, struct volt_err *err);
int volt_oci_seccomp_compile(const struct volt_oci_config *c, struct sock_filter **prog, size_t *n,
			     struct volt_err *err);
/* volt_oci_landlock_prepare - the annotation run.oci.volt.landlock (a
 * profile name or path; "none" or absent: nothing) parsed and planned
 * into ch (ll, plan, landlock) */
struct volt_oci_child;
int volt_oci_landlock_prepare(const struct volt_oci_config *c, bool exec, struct volt_oci_child *ch,
			      struct volt_err *err);
/* volt_oci_console_connect - connect to a --console-socket; the fd, or -1 */
int volt_oci_console_connect(const char *path, struct volt_err *err);
/* volt_oci_console_send - the pty master over it, in runc's format */
int volt_oci_console_send(int sock, int master, struct volt_err *err);

/* volt_oci_spec_template - a config.json as `runc spec` writes it (with
 * rootless: a user namespace mapping the caller to 0, /sys bound, no
 * network namespace). malloc'd JSON text. */
char *volt_oci_spec_template(bool rootless);
/* volt_oci_features - the `features` JSON (runtime-spec features.md) */
char *volt_oci_features(void);

/* volt_oci_default_root - $XDG_RUNTIME_DIR/volt-runtime for a user (or
 * /tmp/volt-runtime-UID without it), /run/volt-runtime for root. malloc'd. */
char *volt_oci_default_root(void);

#endif
