/* run.oci.volt.vm: a bundle run as a microVM (see vm.h).
 *
 * runc's model stays: `create` leaves the container's process behind as the
 * caller's child (conmon, the shim, Slurm), waiting on exec.fifo, and
 * exits; `start` releases it. Here that process is a fork of volt-runtime
 * which, once released, becomes volt's VM monitor for a workload without a
 * record (workload/vm_monitor.c's volt_vm_monitor_bare, handed in by the
 * CLI: oci/ and workload/ are one layer and do not include each other):
 * QEMU as its child, the guest agent (volt-init) running process.args. Its
 * stdout and stderr are the caller's, its exit status the workload's, and
 * a signal to it reaches the workload through the agent (SIGKILL ends it,
 * and QEMU with it: PR_SET_PDEATHSIG). The VM boots at `start`, not at
 * `create`: what can fail early (the kernel, the appliance) is done by
 * `create`. The appliance is an initramfs of the rootfs directory built by
 * volt-image (the archive library stays out of volt), kept by the digest
 * of the tree, the kernel and the agent. */
#include "oci/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cas/sha256.h"
#include "container/spec.h"
#include "oci/runtime.h"
#include "state/context.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/prog.h"
#include "util/strv.h"
#include "vm/kernel.h"

#define ANN "run.oci.volt.vm"

static const char *ann_str(json_t *ann, const char *key, struct volt_err *err, int *bad)
{
	json_t *v = json_object_get(ann, key);
	if (v && !json_is_string(v)) {
		*bad = volt_err_set(err, 0, "annotation %s: must be a string", key);
		return NULL;
	}
	return v ? json_string_value(v) : NULL;
}

/* parse_count - a decimal count in 1..max, with an optional k/m/g suffix
 * when unit (the result in MiB) */
static int parse_count(const char *s, unsigned max, bool unit, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(s, &end, 10);
	if (end == s || errno || *s == '-')
		return -1;
	if (unit && *end) {
		int c = *end == 'k' || *end == 'K' ? 'k' :
			*end == 'm' || *end == 'M' ? 'm' :
			*end == 'g' || *end == 'G' ? 'g' :
						     0;
		if (!c || (end[1] && strcmp(end + 1, "i") && strcmp(end + 1, "iB") && strcmp(end + 1, "B")))
			return -1;
		n = c == 'k' ? n / 1024 : c == 'g' ? (n > (1ull << 40) ? ~0ull : n * 1024) : n;
	} else if (*end) {
		return -1;
	}
	if (n < 1 || n > max)
		return -1;
	*out = (unsigned)n;
	return 0;
}

int volt_oci_vm_parse(const char *annotations_json, struct volt_oci_vm *vm, struct volt_err *err)
{
	memset(vm, 0, sizeof(*vm));
	json_auto_t *ann = json_loads(annotations_json ? annotations_json : "{}", 0, NULL);
	int bad = 0;
	const char *on = ann_str(ann, ANN, err, &bad);
	const char *mem = ann_str(ann, ANN ".memory", err, &bad);
	const char *cpus = ann_str(ann, ANN ".cpus", err, &bad);
	const char *kernel = ann_str(ann, ANN ".kernel", err, &bad);
	if (bad)
		return -1;
	if (on && strcmp(on, "true") && strcmp(on, "false"))
		return volt_err_set(err, 0, "annotation " ANN ": must be \"true\" or \"false\", not \"%s\"", on);
	vm->on = on && !strcmp(on, "true");
	if (mem && parse_count(mem, 1u << 20, true, &vm->mem_mib) < 0)
		return volt_err_set(err, 0, "annotation " ANN ".memory: \"%s\" is not a size (MiB, or 512m, 2g)", mem);
	if (cpus && parse_count(cpus, 255, false, &vm->cpus) < 0)
		return volt_err_set(err, 0, "annotation " ANN ".cpus: \"%s\" is not a count from 1 to 255", cpus);
	if (kernel && !*kernel)
		return volt_err_set(err, 0, "annotation " ANN ".kernel: empty");
	if (kernel && !(vm->kernel = strdup(kernel)))
		return volt_err_set(err, ENOMEM, "annotations");
	return 0;
}

void volt_oci_vm_free(struct volt_oci_vm *vm)
{
	free(vm->kernel);
	vm->kernel = NULL;
}

bool volt_oci_vm_of(const char *annotations_json)
{
	struct volt_oci_vm vm;
	struct volt_err ignored;
	bool on = volt_oci_vm_parse(annotations_json, &vm, &ignored) == 0 && vm.on;
	volt_oci_vm_free(&vm);
	return on;
}

static bool has_opt(char *const *o, const char *want)
{
	for (size_t i = 0; o && o[i]; i++)
		if (!strcmp(o[i], want))
			return true;
	return false;
}

/* A mount as the VM sees it. */
enum vm_mount {
	VM_MOUNT_NONE,	/* not a bind: the guest mounts its own */
	VM_MOUNT_GUEST, /* a bind under /sys, /proc or /dev (runc's rootless /sys,
			 * podman's /dev/shm and device nodes): the guest's own */
	VM_MOUNT_DIR,	/* shared as `volt run --vm -v` shares one */
	VM_MOUNT_FILE,	/* copied into the appliance at create */
	VM_MOUNT_OTHER, /* refused */
};

static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

static enum vm_mount vm_mount_kind(const struct volt_oci_mount *m)
{
	bool bind =
		(m->type && !strcmp(m->type, "bind")) || has_opt(m->options, "bind") || has_opt(m->options, "rbind");
	struct stat st;
	if (!bind)
		return VM_MOUNT_NONE;
	if (under(m->dest, "/sys") || under(m->dest, "/proc") || under(m->dest, "/dev"))
		return VM_MOUNT_GUEST;
	if (!m->source || m->source[0] != '/' || stat(m->source, &st) < 0)
		return VM_MOUNT_OTHER;
	return S_ISDIR(st.st_mode) ? VM_MOUNT_DIR : S_ISREG(st.st_mode) ? VM_MOUNT_FILE : VM_MOUNT_OTHER;
}

#define REFUSE(...) volt_err_set(err, 0, __VA_ARGS__) /* one line, said whole */
#define WHY "makes no sense in a microVM (" ANN ")"

int volt_oci_vm_refuse(const struct volt_oci_config *c, char ***notes, struct volt_err *err)
{
	if (c->terminal)
		return REFUSE("process.terminal: not supported for a microVM (" ANN ") yet: set it false");
	for (int i = 0; i < c->n_ns; i++) {
		if (!c->ns[i].path)
			continue;
		if (c->ns[i].flag != CLONE_NEWNET)
			return REFUSE("linux.namespaces[%d]: a namespace joined by path %s", i, WHY);
		/* podman's default network: its namespace, made with slirp4netns
		 * or pasta, cannot reach into a guest */
		cleanup_free char *n =
			volt_path(ANN ": ignored: linux.namespaces[%d]: the network namespace %s is "
				      "not joined: the guest has volt's slirp (outbound; ports an engine "
				      "forwards into that namespace do not reach it)",
				  i, c->ns[i].path);
		volt_strv_push(notes, n);
	}
	if (c->seccomp_listener)
		return REFUSE("linux.seccomp.listenerPath: %s", WHY);
	if (c->n_devices)
		return REFUSE("linux.devices: host devices %s", WHY);
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct volt_oci_mount *m = &c->mounts[i];
		if (m->idmap)
			return REFUSE("mounts[%zu]: an idmapped mount %s", i, WHY);
		enum vm_mount kind = vm_mount_kind(m);
		if (kind == VM_MOUNT_NONE || kind == VM_MOUNT_GUEST)
			continue;
		if (kind == VM_MOUNT_OTHER)
			return REFUSE("mounts[%zu]: %s is neither a directory nor a regular file: a microVM (" ANN
				      ") shares directories and copies files",
				      i, m->source ? m->source : "");
		if (m->dest[0] != '/' || !strcmp(m->dest, "/"))
			return REFUSE("mounts[%zu]: the destination must be an absolute path other than /", i);
		/* volt-image's --add-file SRC:DEST splits at the last ":/" */
		if (kind == VM_MOUNT_FILE && strstr(m->dest, ":/"))
			return REFUSE("mounts[%zu]: a file's destination with \":/\" in it %s", i, WHY);
	}
	static const char *const ignored[] = {
		"mounts other than binds of directories and files, binds under /sys, /proc and /dev (the guest "
		"mounts its own /proc, /sys, /dev, /dev/pts, /dev/shm, /tmp)",
		"later changes to bound files (copied into the appliance at create)",
		"linux.namespaces (the microVM is the isolation)",
		"process.capabilities, rlimits, noNewPrivileges, seccomp, landlock (the guest's process runs "
		"as the agent starts it)",
		"linux.maskedPaths, readonlyPaths, sysctl, hostname, root.readonly",
		"hooks (not run for a microVM)",
		NULL};
	for (size_t i = 0; ignored[i]; i++) {
		cleanup_free char *n = volt_path(ANN ": ignored: %s", ignored[i]);
		volt_strv_push(notes, n);
	}
	return 0;
}

/* appliance - the key of rootfs's appliance for kernel k, built by
 * volt-image or found */
static int appliance(struct volt_ctx *ctx, const struct volt_oci_config *c, const char *rootfs,
		     const struct volt_kernel *k, char key[65], bool *files, struct volt_err *err)
{
	cleanup_free char *helper = volt_ctx_helper(ctx, "volt-image");
	if (!helper)
		return volt_err_set(err, ENOENT, "volt-image not found beside volt");
	const char *const head[] = {helper,	  "--root",	ctx->root,
				    "--runroot",  ctx->runroot, "appliance",
				    "build",	  "--kernel",	k->origin == VOLT_KERNEL_PATH ? k->image : k->version,
				    "--from-dir", rootfs,	NULL};
	cleanup_strv char **argv = NULL;
	*files = false;
	for (size_t i = 0; head[i]; i++)
		if (volt_strv_push(&argv, head[i]) < 0)
			return volt_err_set(err, ENOMEM, "microVM");
	/* binds of files: copies in the appliance (a later change on the
	 * host is not seen; they are podman's /etc/hosts, resolv.conf...) */
	for (size_t i = 0; i < c->n_mounts; i++) {
		if (vm_mount_kind(&c->mounts[i]) != VM_MOUNT_FILE)
			continue;
		cleanup_free char *arg = volt_path("%s:%s", c->mounts[i].source, c->mounts[i].dest);
		if (!arg || volt_strv_push(&argv, "--add-file") < 0 || volt_strv_push(&argv, arg) < 0)
			return volt_err_set(err, ENOMEM, "microVM");
		*files = true;
	}
	cleanup_free char *out = NULL;
	struct volt_prog p = {.argv = argv, .out = &out, .out_max = 4096, .timeout_ms = 600000};
	if (volt_prog_run(&p, err) < 0)
		return volt_err_prefix(err, "the microVM's appliance of %s", rootfs);
	if (!out || strspn(out, "0123456789abcdef") != 64)
		return volt_err_set(err, EIO, "the microVM's appliance: volt-image said \"%.80s\"", out ? out : "");
	memcpy(key, out, 64);
	key[64] = '\0';
	return 0;
}

/* guest_spec - what the monitor runs (every string its own: it frees) */
static int guest_spec(const struct volt_oci_config *c, const struct volt_oci_vm *vm, const char *rootfs,
		      const char *key, struct volt_spec *s, struct volt_err *err)
{
	const struct volt_oci_ns *ns = volt_oci_find_ns(c, CLONE_NEWNET);
	bool netns = ns && !ns->path; /* one joined by path: slirp (volt_oci_vm_refuse) */
	s->args = volt_strv_dup(c->args);
	s->env = volt_strv_dup(c->env);
	s->cwd = strdup(c->cwd ? c->cwd : "/");
	s->user = volt_path("%u:%u", c->uid, c->gid);
	s->lower = strdup(rootfs); /* the guest's /etc/passwd, for HOME */
	/* a network namespace of its own: loopback only, as the container
	 * would have; none asked: volt's slirp, the host's network as a
	 * container without one would reach it */
	s->network = strdup(netns ? "none" : "slirp");
	s->vm.kernel = vm->kernel ? strdup(vm->kernel) : NULL;
	s->vm.cpus = vm->cpus;
	s->vm.mem_mib = vm->mem_mib;
	s->vm.appliance = strdup(key);
	s->vm.strategy = strdup("initramfs");
	if (!s->args || !s->cwd || !s->user || !s->lower || !s->network || !s->vm.appliance || !s->vm.strategy)
		return volt_err_set(err, ENOMEM, "microVM");
	/* the binds volt_oci_vm_refuse let through: directories, as volumes
	 * (virtiofsd, or 9p, in a user namespace mapped as volt's containers) */
	s->mounts = calloc(c->n_mounts ? c->n_mounts : 1, sizeof(*s->mounts));
	if (!s->mounts)
		return volt_err_set(err, ENOMEM, "microVM");
	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct volt_oci_mount *m = &c->mounts[i];
		if (vm_mount_kind(m) != VM_MOUNT_DIR)
			continue;
		struct volt_mount *v = &s->mounts[s->n_mounts++];
		v->kind = VOLT_MOUNT_BIND;
		v->source = strdup(m->source);
		v->dest = strdup(m->dest);
		v->ro = has_opt(m->options, "ro");
		if (!v->source || !v->dest)
			return volt_err_set(err, ENOMEM, "microVM");
	}
	return s->n_mounts ? volt_idmap_detect(&s->idmap, false, err) : 0;
}

/* run_dir - where the monitor's sockets go: short (a socket's path holds
 * 108 bytes, and an engine's state root with a 64-hex id is long), under
 * volt's runroot, named by a digest of the state directory */
static char *run_dir(const char *runroot, const char *dir)
{
	char hex[VOLT_SHA256_HEX];
	volt_sha256_buf(dir, strlen(dir), hex);
	return volt_path("%s/ovm-%.16s", runroot, hex);
}

/* drop_appliance - the appliance create recorded as the container's own */
static void drop_appliance(const char *dir)
{
	cleanup_free char *own = volt_path("%s/vm-appliance", dir), *key = NULL, *helper = NULL;
	struct volt_err ignored;
	struct volt_ctx ctx = {0};
	if (volt_read_file(own, 65, &key, NULL, &ignored) < 0 || strlen(key) != 64 ||
	    strspn(key, "0123456789abcdef") != 64 || volt_ctx_init(&ctx, NULL, NULL, &ignored) < 0)
		return;
	if ((helper = volt_ctx_helper(&ctx, "volt-image"))) {
		char *const argv[] = {helper,	   "--root", ctx.root, "--runroot", ctx.runroot,
				      "appliance", "rm",     key,      NULL};
		struct volt_prog p = {.argv = argv, .timeout_ms = 60000};
		volt_prog_run(&p, &ignored);
	}
	volt_ctx_free(&ctx);
}

void volt_oci_vm_cleanup(const char *dir)
{
	drop_appliance(dir);
	cleanup_free char *link = volt_path("%s/vm-run", dir);
	char target[4096];
	ssize_t n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	struct volt_err ignored;
	if (base && !strncmp(base + 1, "ovm-", 4)) /* only what create named */
		volt_rm_rf(target, &ignored);
}

int volt_oci_vm_create(const struct volt_oci_create_opts *o, const struct volt_oci_config *c,
		       const struct volt_oci_vm *vm, const char *rootfs, const char *dir, pid_t *pid,
		       struct volt_err *err)
{
	struct volt_ctx ctx = {0};
	struct volt_kernel k = {0};
	struct volt_spec spec = {0};
	char key[65];
	bool files = false;
	int r = -1;
	cleanup_free char *fifo = volt_path("%s/exec.fifo", dir);
	cleanup_free char *run = NULL, *link = NULL;

	if (!o->vm_monitor)
		return volt_err_set(err, 0, "annotation " ANN ": no microVM monitor in this program");
	if (volt_ctx_init(&ctx, NULL, NULL, err) < 0)
		return -1;
	if (volt_kernel_find(ctx.root, volt_kernel_host_boot(), vm->kernel, &k, err) < 0 ||
	    appliance(&ctx, c, rootfs, &k, key, &files, err) < 0)
		goto out;
	/* an appliance with copies of bound files is this container's (they
	 * name it: podman's /etc/hostname): delete removes it */
	if (files) {
		cleanup_free char *own = volt_path("%s/vm-appliance", dir);
		if (volt_write_file_atomic(own, key, 64, 0600, err) < 0)
			goto out;
	}
	if (guest_spec(c, vm, rootfs, key, &spec, err) < 0)
		goto out;
	run = run_dir(ctx.runroot, dir);
	link = volt_path("%s/vm-run", dir);
	if (mkfifo(fifo, 0600) < 0) {
		volt_err_sys(err, "create %s", fifo);
		goto out;
	}
	if (symlink(run, link) < 0) {
		volt_err_sys(err, "create %s", link);
		goto out;
	}
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		volt_err_sys(err, "fork");
		goto out;
	}
	if (*pid == 0) {
		/* created: wait for start, which opens the fifo to read */
		int fd = open(fifo, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(125);
		close(fd);
		_exit(o->vm_monitor(&ctx, &spec, dir, run));
	}
	r = 0;
out:
	volt_spec_free(&spec);
	volt_kernel_free(&k);
	volt_ctx_free(&ctx);
	return r;
}
