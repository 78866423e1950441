/* Starting a microVM's QEMU, for its monitor (vm_monitor.c): the engine
 * and accelerator (vm/engine.c), the kernel, the appliance (found by its
 * key, or built by volt-image, which has the archive library), the network
 * (volt's slirp, net/vmnet.c) and the volumes (vm/shares.c), and QEMU as the
 * monitor's child with the agent's socket as its fd 3 and the NIC's as 4. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fds.h"
#include "util/fs.h"
#include "util/prog.h"
#include "vm/appliance_key.h"
#include "vm/engine.h"
#include "vm/kernel.h"
#include "vm/qemu_argv.h"
#include "workload/vm_monitor_int.h"

/* the spec's strategy: disk, or (specs from before it) initramfs */
static bool spec_disk(const struct vmmon *m)
{
	return m->spec.vm.strategy && !strcmp(m->spec.vm.strategy, "disk");
}

/* disk_path - a disk appliance's root beside its initramfs (<key>.ext4) */
static char *disk_path(const char *initrd)
{
	size_t n = strlen(initrd), sfx = strlen(".cpio.zst");
	return n > sfx ? volt_path("%.*s.ext4", (int)(n - sfx), initrd) : NULL;
}

/* ensure_appliance - the appliance's path (and a disk appliance's root in
 * *disk): a file-list appliance's by its key from the spec, an image's
 * found by its key, or built by volt-image (which has the archive library) */
static int ensure_appliance(struct vmmon *m, const struct volt_kernel *k, const char *init, char **path, char **disk,
			    struct volt_err *err)
{
	char key[65];
	struct stat st;
	bool want_disk = spec_disk(m);
	if (m->spec.vm.appliance) {
		*path = volt_appliance_path(m->ctx->root, m->spec.vm.appliance);
		*disk = want_disk ? disk_path(*path) : NULL;
		if (stat(*path, &st) < 0 || (want_disk && (!*disk || stat(*disk, &st) < 0)))
			return volt_err_said(err, ENOENT,
					     "appliance %s (%.12s) is gone: build it again (volt appliance build "
					     "--from-files) and create the microVM again",
					     m->spec.image_name ? m->spec.image_name : "", m->spec.vm.appliance);
		return 0;
	}
	if (volt_appliance_key_cached(m->ctx->runroot, m->spec.image_id, k, init, want_disk, key, err) < 0)
		return -1;
	*path = volt_appliance_path(m->ctx->root, key);
	*disk = want_disk ? disk_path(*path) : NULL;
	if (stat(*path, &st) == 0 && (!want_disk || stat(*disk, &st) == 0))
		return 0;
	cleanup_free char *helper = volt_ctx_helper(m->ctx, "volt-image");
	if (!helper)
		return volt_err_said(err, ENOENT, "volt-image not found");
	char *const argv[] = {helper,
			      "--root",
			      m->ctx->root,
			      "--runroot",
			      m->ctx->runroot,
			      "appliance",
			      "build",
			      "--kernel",
			      k->origin == VOLT_KERNEL_PATH ? k->image : k->version,
			      "--strategy",
			      want_disk ? "disk" : "initramfs",
			      m->spec.image_id,
			      NULL};
	cleanup_free char *out = NULL;
	struct volt_prog p = {.argv = argv, .out = &out, .out_max = 4096, .timeout_ms = 600000};
	if (volt_prog_run(&p, err) < 0)
		return volt_err_prefix(err, "build the microVM's appliance");
	if (stat(*path, &st) < 0 || (want_disk && stat(*disk, &st) < 0))
		return volt_err_sys(err, "the appliance %s", *path);
	return 0;
}

/* keep_overlay - --ephemeral=false: the VM's own writable layer over the
 * appliance's root (a qcow2 whose backing file is the raw ext4), made once
 * in the workload's directory and kept across stop and start until rm;
 * *disk becomes it */
static int keep_overlay(struct vmmon *m, char **disk, struct volt_err *err)
{
	cleanup_free char *ov = volt_path("%s/disk.qcow2", m->dir);
	if (access(ov, F_OK) == 0) {
		free(*disk);
		*disk = volt_steal_ptr(&ov);
		return 0;
	}
	cleanup_free char *qemu_img = volt_prog_find("qemu-img");
	if (!qemu_img)
		return volt_err_said(err, ENOENT, "--ephemeral=false needs qemu-img (Debian/Ubuntu: qemu-utils)");
	cleanup_free char *tmp = volt_path("%s/.disk.qcow2.tmp", m->dir);
	unlink(tmp);
	char *const argv[] = {qemu_img, "create", "-q", "-f", "qcow2", "-F", "raw", "-b", *disk, tmp, NULL};
	struct volt_prog p = {.argv = argv, .timeout_ms = 60000};
	if (volt_prog_run(&p, err) < 0)
		return volt_err_prefix(err, "the microVM's disk");
	if (rename(tmp, ov) < 0)
		return volt_err_sys(err, "keep %s", ov);
	free(*disk);
	*disk = volt_steal_ptr(&ov);
	return 0;
}

static pid_t spawn_qemu(struct vmmon *m, char **argv, int agent_fd, int console_fd, struct volt_err *err)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		return volt_err_sys(err, "fork");
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		setsid(); /* the terminal's ^C is the monitor's to forward, not QEMU's */
		/* in the run directory, QMP's socket has a short relative path
		 * (sun_path holds 108 bytes; a run directory may be longer) */
		if (chdir(m->run) < 0)
			_exit(125);
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int ok = null >= 0;
		/* QEMU's stdio and the agent's socket as its fd 3: each copy
		 * must cross exec */
		ok = ok && dup2(null, 0) == 0;
		ok = ok && dup2(console_fd, 1) == 1; /* the console: as above */
		ok = ok && dup2(console_fd, 2) == 2; /* as above */
		ok = ok && dup2(agent_fd, 3) == 3;   /* the agent's socket: as above */
		/* the NIC's socket as fd 4: as above */
		ok = ok && (m->qemu_net < 0 || dup2(m->qemu_net, 4) == 4);
		if (!ok)
			_exit(125);
		int keep[] = {3, 4};
		volt_fds_keep_only(0, keep, m->qemu_net < 0 ? 1 : 2);
		execv(argv[0], argv);
		_exit(127); /* the monitor reports QEMU's exit code */
	}
	return pid;
}

/* start_shares - the spec's volumes (binds and named volumes) shared with
 * the guest, by virtiofs or 9p as kernel k allows (vm/shares.c); what was
 * chosen and why goes into m->info */
static int start_shares(struct vmmon *m, const struct volt_kernel *k, struct volt_err *err)
{
	enum volt_share_kind kind;
	char why[512];
	size_t n = 0;
	if (!m->spec.n_mounts)
		return 0;
	cleanup_free struct volt_vm_volume *v = calloc(m->spec.n_mounts, sizeof(*v));
	if (!v)
		return volt_err_set(err, ENOMEM, "volumes");
	for (size_t i = 0; i < m->spec.n_mounts; i++) {
		const struct volt_mount *mt = &m->spec.mounts[i];
		if (mt->kind == VOLT_MOUNT_TMPFS)
			return volt_err_set(err, EINVAL, "--tmpfs %s: a microVM's /tmp is its own memory already",
					    mt->dest);
		v[n++] = (struct volt_vm_volume){.source = mt->source, .dest = mt->dest, .ro = mt->ro};
	}
	if (volt_vm_share_kind(k, &kind, why, sizeof(why), err) < 0 ||
	    volt_vm_shares_start(v, n, kind, &m->spec.idmap, m->run, 10000, &m->shares, err) < 0)
		return -1;
	json_object_set_new(m->info, "Volumes", json_string(volt_share_kind_name(kind)));
	json_object_set_new(m->info, "VolumesWhy", json_string(why));
	return 0;
}

/* write_info - what the monitor chose, in vm.json beside the log: `volt
 * inspect` shows it as "VM" */
static void write_info(struct vmmon *m)
{
	cleanup_free char *path = volt_path("%s/vm.json", m->dir);
	char *text = json_dumps(m->info, JSON_COMPACT);
	struct volt_err ignored;
	if (text)
		volt_write_file_atomic(path, text, strlen(text), 0600, &ignored);
	free(text);
}

int vm_start_qemu(struct vmmon *m, struct volt_err *err)
{
	struct volt_engine eng = {0};
	struct volt_kernel k = {0};
	enum volt_accel want = VOLT_ACCEL_AUTO, accel;
	char why[512];
	cleanup_free char *init = volt_ctx_helper(m->ctx, "volt-init");
	cleanup_free char *initrd = NULL, *disk = NULL, *conp = NULL, *append = NULL, *choice = NULL;
	cleanup_strv char **argv = NULL;
	int ap[2] = {-1, -1}, cp[2] = {-1, -1};
	int r = -1;

	if (!init) {
		volt_err_said(err, ENOENT, "volt-init not found beside volt");
		goto out;
	}
	/* a fall back to TCG is said once per run directory (a boot of the
	 * host, as a rule), by the first attached run that meets it */
	choice = volt_path("%s/vm-tcg-said", m->ctx->runroot);
	if ((m->spec.vm.accel && volt_accel_parse(m->spec.vm.accel, &want, err) < 0) ||
	    volt_engine_find(&eng, m->ctx->runroot, err) < 0 ||
	    volt_accel_choose(&eng, want, m->ctx->runroot, &accel, why, sizeof(why), err) < 0 ||
	    volt_kernel_find(m->ctx->root, volt_kernel_host_boot(), m->spec.vm.kernel, &k, err) < 0 ||
	    ensure_appliance(m, &k, init, &initrd, &disk, err) < 0 ||
	    (disk && m->spec.vm.keep && keep_overlay(m, &disk, err) < 0))
		goto out;
	if (want == VOLT_ACCEL_AUTO && accel == VOLT_ACCEL_TCG && m->attach && access(choice, F_OK) != 0) {
		struct volt_err ignored;
		volt_warn("microVMs run under TCG here, slowly: %s (volt info says it too)", why);
		volt_write_file_atomic(choice, why, strlen(why), 0600, &ignored);
	}
	/* the network: volt's slirp in this process, the guest's NIC on a
	 * datagram socket pair (net/vmnet.c); ports are bound now */
	if (volt_net_vm_prepare(m->spec.network, m->spec.ports, &m->net, &m->qemu_net, err) < 0 ||
	    start_shares(m, &k, err) < 0)
		goto out;
	conp = volt_path("%s/console.log", m->dir);
	m->console_log = open(conp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	/* what the engine picked and why, first in the console's record */
	if (m->console_log >= 0)
		dprintf(m->console_log, "volt: %s %s, %s (%s), kernel %s\n", eng.qemu, eng.version,
			volt_accel_name(accel), why, k.version);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ap) < 0 || pipe2(cp, O_CLOEXEC) < 0) {
		volt_err_sys(err, "socketpair");
		goto out;
	}
	const char *extra = getenv("VOLT_VM_APPEND"); /* tests: the agent's test hooks */
	/* the volumes' parameter first: the kernel keeps the last of a name */
	append = volt_path("%s%svolt_agent=1%s%s", m->shares.param ? m->shares.param : "", m->shares.param ? " " : "",
			   extra && *extra ? " " : "", extra ? extra : "");
	const struct volt_qemu_config c = {
		.qemu = eng.qemu,
		.accel = accel,
		.cpus = m->spec.vm.cpus,
		.mem_mib = m->spec.vm.mem_mib,
		.kernel = k.image,
		.initrd = initrd,
		.disk = disk,
		.disk_keep = disk && m->spec.vm.keep,
		.append = append,
		.tsc_khz = volt_tsc_khz(),
		.console_fd = -1,
		.agent_fd = 3,
		.qmp_path = "qmp.sock", /* in QEMU's working directory, m->run */
		.net_fd = m->qemu_net >= 0 ? 4 : 0,
		.net_mtu = m->net.opts.mtu,
		.shares = m->shares.q,
		.n_shares = m->shares.n,
	};
	argv = volt_qemu_argv(&c);
	m->qemu = spawn_qemu(m, argv, ap[1], cp[1], err);
	if (m->qemu < 0)
		goto out;
	json_object_set_new(m->info, "Engine", json_sprintf("%s %s", eng.qemu, eng.version));
	json_object_set_new(m->info, "Accelerator", json_string(volt_accel_name(accel)));
	json_object_set_new(m->info, "AcceleratorWhy", json_string(why));
	json_object_set_new(m->info, "Kernel", json_string(k.version));
	json_object_set_new(m->info, "Network", json_string(m->qemu_net >= 0 ? "slirp" : "none"));
	json_object_set_new(m->info, "Strategy", json_string(disk ? "disk" : "initramfs"));
	if (m->spec.vm.strategy_why)
		json_object_set_new(m->info, "StrategyWhy", json_string(m->spec.vm.strategy_why));
	json_object_set_new(m->info, "Ephemeral", json_boolean(!(disk && m->spec.vm.keep)));
	json_object_set_new(m->info, "Appliance", json_string(initrd));
	if (disk)
		json_object_set_new(m->info, "Disk", json_string(disk));
	write_info(m);
	if (m->qemu_net >= 0) { /* QEMU has it */
		close(m->qemu_net);
		m->qemu_net = -1;
	}
	volt_agent_chan_init(&m->agent, ap[0]);
	ap[0] = -1;
	m->console = cp[0];
	cp[0] = -1;
	m->deadline = vm_now_ms() + m->boot_timeout_ms;
	r = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (ap[i] >= 0)
			close(ap[i]);
		if (cp[i] >= 0)
			close(cp[i]);
	}
	volt_engine_free(&eng);
	volt_kernel_free(&k);
	return r;
}
