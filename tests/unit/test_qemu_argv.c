/* Unit tests for vm/qemu_argv.c: the microVM's QEMU command line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/cleanup.h"
#include "vm/qemu_argv.h"

/* value_of - the argument after opt (the first occurrence), or NULL */
static const char *value_of(char **v, const char *opt)
{
	for (int i = 0; v[i]; i++)
		if (!strcmp(v[i], opt))
			return v[i + 1];
	return NULL;
}

static int count(char **v, const char *s)
{
	int n = 0;
	for (int i = 0; v[i]; i++)
		n += !strcmp(v[i], s);
	return n;
}

static void test_tcg(void **state)
{
	(void)state;
	struct volt_qemu_config c = {.qemu = "/usr/bin/qemu-system-x86_64",
				     .accel = VOLT_ACCEL_TCG,
				     .kernel = "/k/vmlinuz",
				     .initrd = "/k/initrd",
				     .tsc_khz = 2096001,
				     .console_fd = -1,
				     .agent_fd = -1,
				     .append = "volt_probe=1"};
	cleanup_strv char **v = volt_qemu_argv(&c);
	assert_string_equal(v[0], c.qemu);
	assert_string_equal(value_of(v, "-M"), "microvm");
	/* TCG's translation buffer capped (QEMU's default is 1 GiB) */
	assert_string_equal(value_of(v, "-accel"), "tcg,tb-size=16");
	assert_null(value_of(v, "-cpu"));
	assert_string_equal(value_of(v, "-m"), "256M");
	assert_string_equal(value_of(v, "-smp"), "1");
	assert_int_equal(count(v, "-nodefaults"), 1);
	assert_int_equal(count(v, "-no-user-config"), 1);
	assert_int_equal(count(v, "-no-reboot"), 1);
	assert_string_equal(value_of(v, "-kernel"), "/k/vmlinuz");
	assert_string_equal(value_of(v, "-initrd"), "/k/initrd");
	assert_string_equal(value_of(v, "-append"), "console=ttyS0 panic=-1 quiet tsc_early_khz=2096001 volt_probe=1");
	assert_string_equal(value_of(v, "-chardev"), "stdio,id=con,signal=off");
	assert_string_equal(value_of(v, "-serial"), "chardev:con");
	/* no firmware, no PCI devices, no default NIC; the balloon alone, for
	 * the free pages the guest reports */
	assert_null(value_of(v, "-bios"));
	assert_string_equal(value_of(v, "-device"), "virtio-balloon-device,free-page-reporting=on");
	assert_int_equal(count(v, "-device"), 1);
	assert_null(value_of(v, "-qmp"));
}

static void test_kvm_agent(void **state)
{
	(void)state;
	struct volt_qemu_config c = {.qemu = "q",
				     .accel = VOLT_ACCEL_KVM,
				     .cpus = 2,
				     .mem_mib = 512,
				     .kernel = "k",
				     .tsc_khz = 2096001,
				     .console_fd = 5,
				     .agent_fd = 6,
				     .qmp_path = "/run/x/qmp.sock"};
	cleanup_strv char **v = volt_qemu_argv(&c);
	assert_string_equal(value_of(v, "-accel"), "kvm");
	assert_string_equal(value_of(v, "-cpu"), "host");
	assert_string_equal(value_of(v, "-smp"), "2");
	assert_string_equal(value_of(v, "-m"), "512M");
	assert_null(value_of(v, "-initrd"));
	/* KVM has a real TSC calibration: no tsc_early_khz */
	assert_string_equal(value_of(v, "-append"), "console=ttyS0 panic=-1 quiet");
	assert_string_equal(value_of(v, "-chardev"), "socket,id=con,fd=5");
	int agent = 0;
	for (int i = 0; v[i]; i++) {
		agent += !strcmp(v[i], "socket,id=agent,fd=6");
		agent += !strcmp(v[i], "virtserialport,chardev=agent,name=" VOLT_AGENT_PORT);
		agent += !strcmp(v[i], "virtio-serial-device");
	}
	assert_int_equal(agent, 3);
	assert_string_equal(value_of(v, "-qmp"), "unix:/run/x/qmp.sock,server=on,wait=off");
}

static void test_net(void **state)
{
	(void)state;
	struct volt_qemu_config c = {.qemu = "q",
				     .accel = VOLT_ACCEL_KVM,
				     .kernel = "k",
				     .console_fd = -1,
				     .agent_fd = -1,
				     .net_fd = 4,
				     .net_mtu = 65520,
				     .append = "volt_agent=1"};
	cleanup_strv char **v = volt_qemu_argv(&c);
	/* the monitor's slirp over a datagram socket, not QEMU's own -netdev user */
	assert_string_equal(value_of(v, "-netdev"), "dgram,id=net0,local.type=fd,local.str=4");
	assert_string_equal(value_of(v, "-device"),
			    "virtio-net-device,netdev=net0,mac=52:54:00:12:34:56,host_mtu=65520");
	assert_string_equal(value_of(v, "-append"), "console=ttyS0 panic=-1 quiet volt_net=1 volt_agent=1");

	/* no socket: no NIC, and the guest is not told to look for one */
	c.net_fd = 0;
	cleanup_strv char **w = volt_qemu_argv(&c);
	assert_null(value_of(w, "-netdev"));
	assert_int_equal(count(w, "-device"), 1); /* the balloon alone */
	assert_string_equal(value_of(w, "-append"), "console=ttyS0 panic=-1 quiet volt_agent=1");

	c.net_fd = 7;
	c.net_mtu = 0;
	c.net_mac = "52:54:00:aa:bb:cc";
	cleanup_strv char **x = volt_qemu_argv(&c);
	assert_string_equal(value_of(x, "-device"), "virtio-net-device,netdev=net0,mac=52:54:00:aa:bb:cc");
}

static int has(char **v, const char *s)
{
	return count(v, s) > 0;
}

static void test_shares(void **state)
{
	(void)state;
	const struct volt_qemu_share fs[] = {
		{.kind = VOLT_SHARE_VIRTIOFS, .tag = "volt0", .socket = "/run/a,b/fs0.sock"},
		{.kind = VOLT_SHARE_9P, .tag = "volt1", .path = "/home/u/ro dir", .ro = true},
	};
	struct volt_qemu_config c = {.qemu = "qemu",
				     .accel = VOLT_ACCEL_TCG,
				     .kernel = "/k",
				     .mem_mib = 512,
				     .console_fd = -1,
				     .agent_fd = -1,
				     .shares = fs,
				     .n_shares = 2};
	cleanup_strv char **v = volt_qemu_argv(&c);
	assert_true(volt_qemu_shared_memory(&c));
	/* guest RAM that virtiofsd can map, the size -m says */
	assert_string_equal(value_of(v, "-M"), "microvm,memory-backend=mem");
	assert_string_equal(value_of(v, "-object"), "memory-backend-memfd,id=mem,size=512M,share=on");
	assert_string_equal(value_of(v, "-global"), "virtio-mmio.force-legacy=false");
	/* a comma in a path is doubled, as QEMU's option syntax wants */
	assert_true(has(v, "socket,id=fs0,path=/run/a,,b/fs0.sock"));
	assert_true(has(v, "vhost-user-fs-device,chardev=fs0,tag=volt0"));
	assert_true(has(v, "local,id=fs1,path=/home/u/ro dir,security_model=none,readonly=on"));
	assert_true(has(v, "virtio-9p-device,fsdev=fs1,mount_tag=volt1"));

	/* 9p alone needs no shared memory */
	c.shares = fs + 1;
	c.n_shares = 1;
	cleanup_strv char **w = volt_qemu_argv(&c);
	assert_false(volt_qemu_shared_memory(&c));
	assert_string_equal(value_of(w, "-M"), "microvm");
	assert_null(value_of(w, "-object"));
	assert_null(value_of(w, "-global"));
}

/* a disk appliance: its root as the first virtio disk, writes discarded,
 * named for volt-init; a comma in the path does not split QEMU's options */
static void test_disk(void **state)
{
	(void)state;
	struct volt_qemu_config c = {.qemu = "q",
				     .accel = VOLT_ACCEL_TCG,
				     .kernel = "k",
				     .initrd = "i",
				     .disk = "/a,b/root.ext4",
				     .console_fd = -1,
				     .agent_fd = -1,
				     .append = "volt_agent=1"};
	cleanup_strv char **v = volt_qemu_argv(&c);
	assert_string_equal(value_of(v, "-drive"), "file=/a,,b/root.ext4,format=raw,if=none,id=root,snapshot=on");
	assert_true(has(v, "virtio-blk-device,drive=root"));
	assert_string_equal(value_of(v, "-append"), "console=ttyS0 panic=-1 quiet volt_root=/dev/vda volt_agent=1");
	c.disk = NULL;
	cleanup_strv char **w = volt_qemu_argv(&c);
	assert_null(value_of(w, "-drive"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcg),    cmocka_unit_test(test_kvm_agent), cmocka_unit_test(test_net),
		cmocka_unit_test(test_shares), cmocka_unit_test(test_disk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
