#include "vm/qemu_argv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "util/cleanup.h"
#include "util/fs.h"

struct argv_builder {
	char **v;
	size_t n;
};

static void add(struct argv_builder *b, const char *s)
{
	char **nv = realloc(b->v, (b->n + 2) * sizeof(char *));
	if (!nv)
		abort(); /* OOM building a command line: as volt_path */
	b->v = nv;
	b->v[b->n++] = strdup(s);
	b->v[b->n] = NULL;
}

static void addf(struct argv_builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct argv_builder *b, const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	add(b, s);
	free(s);
}

bool volt_qemu_shared_memory(const struct volt_qemu_config *c)
{
	for (size_t i = 0; i < c->n_shares; i++)
		if (c->shares[i].kind == VOLT_SHARE_VIRTIOFS)
			return true;
	return false;
}

/* volt_qemu_opt_escape - a value inside QEMU's a=b,c=d options: commas
 * doubled (volt_path: out of memory is its abort) */
static char *volt_qemu_opt_escape(const char *s)
{
	char *o = volt_path("%s", "");
	for (;;) {
		size_t n = strcspn(s, ",");
		char *next = volt_path("%s%.*s%s", o, (int)n, s, s[n] ? ",," : "");
		free(o);
		o = next;
		if (!s[n])
			return o;
		s += n + 1;
	}
}

/* add_shares - virtiofs: guest RAM in a shared memfd that virtiofsd maps, a
 * vhost-user-fs device on its socket, and modern virtio-mmio (microvm's
 * default is the legacy interface, which vhost-user-fs refuses); 9p: QEMU
 * serves the directory itself, as the user (security_model=none: files get
 * the user's ownership, as a volume in a container does) */
static void add_shares(struct argv_builder *b, const struct volt_qemu_config *c, unsigned mem)
{
	if (volt_qemu_shared_memory(c)) {
		add(b, "-object");
		addf(b, "memory-backend-memfd,id=mem,size=%uM,share=on", mem);
		add(b, "-global");
		add(b, "virtio-mmio.force-legacy=false");
	}
	for (size_t i = 0; i < c->n_shares; i++) {
		const struct volt_qemu_share *s = &c->shares[i];
		cleanup_free char *where = volt_qemu_opt_escape(s->kind == VOLT_SHARE_VIRTIOFS ? s->socket : s->path);
		if (s->kind == VOLT_SHARE_VIRTIOFS) {
			add(b, "-chardev");
			addf(b, "socket,id=fs%zu,path=%s", i, where);
			add(b, "-device");
			addf(b, "vhost-user-fs-device,chardev=fs%zu,tag=%s", i, s->tag);
		} else {
			add(b, "-fsdev");
			addf(b, "local,id=fs%zu,path=%s,security_model=none%s", i, where, s->ro ? ",readonly=on" : "");
			add(b, "-device");
			addf(b, "virtio-9p-device,fsdev=fs%zu,mount_tag=%s", i, s->tag);
		}
	}
}

char **volt_qemu_argv(const struct volt_qemu_config *c)
{
	struct argv_builder b = {0};
	unsigned mem = c->mem_mib ? c->mem_mib : 256;
	add(&b, c->qemu);
	/* microvm keeps its ACPI tables on: Debian's kernels find the
	 * virtio-mmio devices through them (no virtio_mmio.device= needed) */
	add(&b, "-M");
	if (volt_qemu_shared_memory(c))
		add(&b, "microvm,memory-backend=mem");
	else
		add(&b, "microvm");
	add(&b, "-accel");
	/* TCG's translated code goes to one buffer, 1 GiB by default, that
	 * fills as the guest runs new code: an idle VM held 43 MB of it.
	 * VOLT_QEMU_TB_MIB caps it; a full buffer is flushed and the code
	 * translated again (docs/benchmarks.md: boot time against size) */
	if (c->accel == VOLT_ACCEL_KVM)
		add(&b, "kvm");
	else
		addf(&b, "tcg,tb-size=%u", VOLT_QEMU_TB_MIB);
	if (c->accel == VOLT_ACCEL_KVM) {
		add(&b, "-cpu");
		add(&b, "host");
	}
	add(&b, "-smp");
	addf(&b, "%u", c->cpus ? c->cpus : 1);
	add(&b, "-m");
	addf(&b, "%uM", mem);
	add(&b, "-nodefaults");
	add(&b, "-no-user-config");
	add(&b, "-display");
	add(&b, "none");
	/* a guest that reboots or panics ends the VM */
	add(&b, "-no-reboot");

	add(&b, "-chardev");
	if (c->console_fd >= 0)
		addf(&b, "socket,id=con,fd=%d", c->console_fd);
	else
		add(&b, "stdio,id=con,signal=off");
	add(&b, "-serial");
	add(&b, "chardev:con");

	if (c->agent_fd >= 0) {
		add(&b, "-device");
		add(&b, "virtio-serial-device");
		add(&b, "-chardev");
		addf(&b, "socket,id=agent,fd=%d", c->agent_fd);
		add(&b, "-device");
		add(&b, "virtserialport,chardev=agent,name=" VOLT_AGENT_PORT);
	}
	if (c->net_fd > 0) {
		/* dgram over an fd: one datagram a frame (QEMU 7.2 or later) */
		add(&b, "-netdev");
		addf(&b, "dgram,id=net0,local.type=fd,local.str=%d", c->net_fd);
		char mtu[32] = "";
		if (c->net_mtu) /* the guest's driver takes its MTU from the device */
			snprintf(mtu, sizeof(mtu), ",host_mtu=%u", c->net_mtu);
		add(&b, "-device");
		addf(&b, "virtio-net-device,netdev=net0,mac=%s%s", c->net_mac ? c->net_mac : VOLT_VM_MAC, mtu);
	}
	add_shares(&b, c, mem);
	/* free page reporting: the guest's balloon driver hands back the
	 * free pages its boot touched (the kernel's decompression, the
	 * initramfs unpacked then freed), QEMU drops them from its RSS */
	add(&b, "-device");
	add(&b, "virtio-balloon-device,free-page-reporting=on");
	if (c->qmp_path) {
		add(&b, "-qmp");
		addf(&b, "unix:%s,server=on,wait=off", c->qmp_path);
	}

	if (c->disk) {
		/* snapshot=on: the guest's writes go to a scratch file, the
		 * appliance stays as built; volt-init mounts it (volt_root=) */
		cleanup_free char *file = volt_qemu_opt_escape(c->disk);
		add(&b, "-drive");
		if (c->disk_keep) /* the overlay takes the writes; its base stays as built */
			addf(&b, "file=%s,format=qcow2,if=none,id=root", file);
		else
			addf(&b, "file=%s,format=raw,if=none,id=root,snapshot=on", file);
		add(&b, "-device");
		add(&b, "virtio-blk-device,drive=root");
	}
	add(&b, "-kernel");
	add(&b, c->kernel);
	if (c->initrd) {
		add(&b, "-initrd");
		add(&b, c->initrd);
	}
	/* panic=-1: a guest panic reboots at once, which -no-reboot turns into
	 * QEMU's exit; tsc_early_khz: under TCG microvm has no timer to
	 * calibrate the TSC against and a third of boots hang without it */
	cleanup_free char *tsc =
		c->accel == VOLT_ACCEL_TCG && c->tsc_khz > 0 ? volt_path(" tsc_early_khz=%ld", c->tsc_khz) : strdup("");
	add(&b, "-append");
	addf(&b, "console=ttyS0 panic=-1 quiet%s%s%s%s%s", tsc, c->net_fd > 0 ? " volt_net=1" : "",
	     c->disk ? " volt_root=/dev/vda" : "", c->append ? " " : "", c->append ? c->append : "");
	return b.v;
}
