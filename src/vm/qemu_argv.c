#include "vm/qemu_argv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

char **volt_qemu_argv(const struct volt_qemu_config *c)
{
	struct argv_builder b = {0};
	add(&b, c->qemu);
	/* microvm keeps its ACPI tables on: Debian's kernels find the
	 * virtio-mmio devices through them (no virtio_mmio.device= needed) */
	add(&b, "-M");
	add(&b, "microvm");
	add(&b, "-accel");
	add(&b, c->accel == VOLT_ACCEL_KVM ? "kvm" : "tcg");
	if (c->accel == VOLT_ACCEL_KVM) {
		add(&b, "-cpu");
		add(&b, "host");
	}
	add(&b, "-smp");
	addf(&b, "%u", c->cpus ? c->cpus : 1);
	add(&b, "-m");
	addf(&b, "%uM", c->mem_mib ? c->mem_mib : 256);
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
	if (c->qmp_path) {
		add(&b, "-qmp");
		addf(&b, "unix:%s,server=on,wait=off", c->qmp_path);
	}

	if (c->disk) {
		/* snapshot=on: the guest's writes go to a scratch file, the
		 * appliance stays as built; volt-init mounts it (volt_root=) */
		cleanup_free char *file = volt_qemu_opt_escape(c->disk);
		add(&b, "-drive");
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
	addf(&b, "console=ttyS0 panic=-1 quiet%s%s%s%s", tsc, c->disk ? " volt_root=/dev/vda" : "",
	     c->append ? " " : "", c->append ? c->append : "");
	return b.v;
}
