/* Unit tests for vm/shares.c: -v for a microVM, and virtiofs or 9p chosen
 * by what the kernel has. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/shares.h"

static void test_parse(void **state)
{
	(void)state;
	struct volt_err err = {0};
	const char *src, *dst;
	bool ro, named;
	char *buf = NULL;
	assert_int_equal(volt_vm_volume_parse("/srv/x:/data:ro", &buf, &src, &dst, &ro, &named, &err), 0);
	assert_string_equal(src, "/srv/x");
	assert_string_equal(dst, "/data");
	assert_true(ro);
	assert_false(named);
	free(buf);
	assert_int_equal(volt_vm_volume_parse("cache:/var/cache", &buf, &src, &dst, &ro, &named, &err), 0);
	assert_true(named);
	assert_false(ro);
	free(buf);
	assert_true(volt_vm_volume_parse("/srv/x", &buf, &src, &dst, &ro, &named, &err) < 0);
	free(buf);
	assert_true(volt_vm_volume_parse("/srv/x:data", &buf, &src, &dst, &ro, &named, &err) < 0);
	assert_non_null(strstr(err.msg, "absolute"));
	free(buf);
	assert_true(volt_vm_volume_parse("/srv/x:/data:rx", &buf, &src, &dst, &ro, &named, &err) < 0);
	assert_non_null(strstr(err.msg, "rx"));
	free(buf);
}

/* a store kernel whose modules.load holds text */
static void kind_of(const char *text, int want, const char *why_has)
{
	char dir[] = "/tmp/volt-unit-shares-XXXXXX";
	struct volt_err err = {0};
	assert_non_null(mkdtemp(dir));
	cleanup_free char *mods = volt_path("%s/modules", dir);
	cleanup_free char *load = volt_path("%s/modules.load", dir);
	FILE *f = fopen(load, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	struct volt_kernel k = {.version = "6.1", .modules = mods, .origin = VOLT_KERNEL_STORE};
	enum volt_share_kind kind;
	char why[256];
	int r = volt_vm_share_kind(&k, &kind, why, sizeof(why), &err);
	if (want < 0) {
		assert_true(r < 0);
		assert_non_null(strstr(err.msg, why_has));
	} else {
		assert_int_equal(r, 0);
		assert_int_equal(kind, want);
		assert_non_null(strstr(why, why_has));
	}
	volt_rm_rf(dir, &err);
}

static void test_kind(void **state)
{
	(void)state;
	static const char both[] = "kernel/fs/fuse/virtiofs.ko\nkernel/net/9p/9pnet_virtio.ko\nkernel/fs/9p/9p.ko\n";
	setenv("VOLT_VIRTIOFSD", "/bin/true", 1); /* a virtiofsd there, whatever the host has */
	kind_of("kernel/fs/fuse/fuse.ko\nkernel/fs/fuse/virtiofs.ko\n", VOLT_SHARE_VIRTIOFS,
		"the kernel's modules: virtiofs yes, 9p no; /bin/true");
	kind_of(both, VOLT_SHARE_VIRTIOFS, "virtiofs yes, 9p yes");
	kind_of("kernel/net/9p/9pnet.ko\nkernel/net/9p/9pnet_virtio.ko\nkernel/fs/9p/9p.ko\n", VOLT_SHARE_9P,
		"virtiofs no, 9p yes");
	/* a name that only ends like one is not it */
	kind_of("kernel/fs/notvirtiofs.ko\nkernel/drivers/virtio/virtio_mmio.ko\n", -1, "neither");
	/* no virtiofsd: 9p where the kernel has it, else an error that says so */
	setenv("VOLT_VIRTIOFSD", "/nonexistent/virtiofsd", 1);
	kind_of(both, VOLT_SHARE_9P, "no virtiofsd");
	kind_of("kernel/fs/fuse/virtiofs.ko\n", -1, "needs virtiofsd");
	setenv("VOLT_VIRTIOFSD", "/bin/true", 1);
	/* a kernel given by path: virtiofs built in is assumed, and said */
	struct volt_kernel k = {.version = "bzImage", .image = "/x/bzImage", .origin = VOLT_KERNEL_PATH};
	enum volt_share_kind kind;
	char why[256];
	struct volt_err err = {0};
	assert_int_equal(volt_vm_share_kind(&k, &kind, why, sizeof(why), &err), 0);
	assert_int_equal(kind, VOLT_SHARE_VIRTIOFS);
	assert_non_null(strstr(why, "assumed built in: virtiofs yes"));
	unsetenv("VOLT_VIRTIOFSD");
	assert_string_equal(volt_share_kind_name(VOLT_SHARE_9P), "9p");
}

static void test_start_refuses(void **state)
{
	(void)state;
	struct volt_err err = {0};
	struct volt_vm_shares s;
	struct volt_idmap m = {0};
	const struct volt_vm_volume file = {.source = "/etc/hostname", .dest = "/x"};
	assert_true(volt_vm_shares_start(&file, 1, VOLT_SHARE_9P, &m, "/tmp", 1000, &s, &err) < 0);
	assert_non_null(strstr(err.msg, "directories only"));
	assert_null(s.q);
	const struct volt_vm_volume ok = {.source = "/tmp", .dest = "/t", .ro = true};
	assert_int_equal(volt_vm_shares_start(&ok, 1, VOLT_SHARE_9P, &m, "/tmp", 1000, &s, &err), 0);
	assert_string_equal(s.param, "volt_vol=9p:volt0:/t:ro");
	assert_string_equal(s.q[0].path, "/tmp");
	assert_true(s.q[0].ro);
	volt_vm_shares_stop(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_start_refuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
