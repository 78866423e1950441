/* Unit tests for vm/kernel.c: the guest's module set from modules.dep
 * (dependencies first), which kernel a VM boots, and removal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "vm/kernel.h"

static const char dep[] =
	"kernel/drivers/virtio/virtio_mmio.ko: kernel/drivers/virtio/virtio.ko "
	"kernel/drivers/virtio/virtio_ring.ko\n"
	"kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
	"kernel/drivers/virtio/virtio_ring.ko:\n"
	"kernel/net/9p/9pnet-virtio.ko.xz: kernel/net/9p/9pnet.ko.xz kernel/drivers/virtio/virtio.ko\n"
	"kernel/net/9p/9pnet.ko.xz:\n"
	"kernel/fs/a.ko: kernel/fs/b.ko\n"
	"kernel/fs/b.ko: kernel/fs/a.ko\n"
	"kernel/sound/unrelated.ko:\n";

static int index_of(char **v, const char *s)
{
	for (int i = 0; v[i]; i++)
		if (!strcmp(v[i], s))
			return i;
	return -1;
}

static void test_closure(void **state)
{
	struct volt_err err = {0};
	char **v = NULL;
	(void)state;
	const char *want[] = {"virtio_mmio", "9pnet_virtio", "not_in_this_kernel", NULL};
	assert_int_equal(volt_kernel_modules_closure(dep, want, &v, &err), 0);
	int ring = index_of(v, "kernel/drivers/virtio/virtio_ring.ko");
	int core = index_of(v, "kernel/drivers/virtio/virtio.ko");
	int mmio = index_of(v, "kernel/drivers/virtio/virtio_mmio.ko");
	int net9p = index_of(v, "kernel/net/9p/9pnet.ko.xz");
	int nv = index_of(v, "kernel/net/9p/9pnet-virtio.ko.xz");
	/* everything once, dependencies before what needs them */
	assert_true(ring >= 0 && core > ring && mmio > core);
	assert_true(net9p >= 0 && nv > net9p && nv > core);
	assert_int_equal(index_of(v, "kernel/sound/unrelated.ko"), -1);
	int n = 0;
	while (v[n])
		n++;
	assert_int_equal(n, 5);
	volt_strv_free(v);

	/* a cycle (a broken modules.dep) ends */
	const char *cyc[] = {"a", NULL};
	assert_int_equal(volt_kernel_modules_closure(dep, cyc, &v, &err), 0);
	assert_int_equal(index_of(v, "kernel/fs/a.ko") >= 0 && index_of(v, "kernel/fs/b.ko") >= 0, 1);
	volt_strv_free(v);

	/* nothing wanted, or an empty file */
	const char *none[] = {NULL};
	assert_int_equal(volt_kernel_modules_closure("", want, &v, &err), 0);
	assert_null(v[0]);
	volt_strv_free(v);
	assert_int_equal(volt_kernel_modules_closure(dep, none, &v, &err), 0);
	assert_null(v[0]);
	volt_strv_free(v);
}

static void touch(const char *path)
{
	struct volt_err err;
	cleanup_free char *dir = strdup(path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(volt_mkdir_p(dir, 0755, &err), 0);
	assert_int_equal(volt_write_file_atomic(path, "k", 1, 0644, &err), 0);
}

static void test_find(void **state)
{
	char tmpl[] = "/tmp/volt-test-kernel-XXXXXX";
	struct volt_err err = {0};
	struct volt_kernel k;
	(void)state;
	assert_non_null(mkdtemp(tmpl));
	cleanup_free char *root = volt_path("%s/root", tmpl);
	cleanup_free char *boot = volt_path("%s/boot", tmpl);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(boot, 0755), 0);

	/* nothing at all: one error that says how to get a kernel */
	assert_int_equal(volt_kernel_find(root, boot, NULL, &k, &err), -1);
	assert_non_null(strstr(err.msg, "volt vm kernel fetch"));

	/* the host's readable kernels, newest first; an unreadable one is not offered */
	cleanup_free char *h1 = volt_path("%s/vmlinuz-6.1.0-9-amd64", boot);
	cleanup_free char *h2 = volt_path("%s/vmlinuz-6.1.0-10-amd64", boot);
	cleanup_free char *h3 = volt_path("%s/vmlinuz-6.9.0-1-amd64", boot);
	touch(h1);
	touch(h2);
	touch(h3);
	if (geteuid() != 0) {
		assert_int_equal(chmod(h3, 0), 0);
	} else {
		assert_int_equal(unlink(h3), 0);
	}
	assert_int_equal(volt_kernel_find(root, boot, NULL, &k, &err), 0);
	assert_string_equal(k.version, "6.1.0-10-amd64");
	assert_int_equal(k.origin, VOLT_KERNEL_HOST);
	volt_kernel_free(&k);

	/* a store kernel wins over the host's, whatever the versions */
	cleanup_free char *s1 = volt_path("%s/kernels/6.1.0-2-cloud-amd64/vmlinuz", root);
	cleanup_free char *s2 = volt_path("%s/kernels/6.1.0-11-cloud-amd64/vmlinuz", root);
	touch(s1);
	touch(s2);
	/* a half-made directory (no vmlinuz) is not a kernel */
	cleanup_free char *half = volt_path("%s/kernels/7.0.0/modules", root);
	struct volt_err e2;
	assert_int_equal(volt_mkdir_p(half, 0755, &e2), 0);
	assert_int_equal(volt_kernel_find(root, boot, NULL, &k, &err), 0);
	assert_string_equal(k.version, "6.1.0-11-cloud-amd64");
	assert_int_equal(k.origin, VOLT_KERNEL_STORE);
	assert_string_equal(k.image, s2);
	volt_kernel_free(&k);
	/* its ELF (PVH), where the fetch kept one, is what QEMU loads */
	cleanup_free char *s2elf = volt_path("%s/kernels/6.1.0-11-cloud-amd64/vmlinux", root);
	touch(s2elf);
	assert_int_equal(volt_kernel_find(root, boot, NULL, &k, &err), 0);
	assert_string_equal(k.image, s2elf);
	volt_kernel_free(&k);

	/* by version, from either place; by path */
	assert_int_equal(volt_kernel_find(root, boot, "6.1.0-9-amd64", &k, &err), 0);
	assert_int_equal(k.origin, VOLT_KERNEL_HOST);
	volt_kernel_free(&k);
	assert_int_equal(volt_kernel_find(root, boot, h1, &k, &err), 0);
	assert_int_equal(k.origin, VOLT_KERNEL_PATH);
	assert_string_equal(k.version, "6.1.0-9-amd64");
	volt_kernel_free(&k);
	assert_int_equal(volt_kernel_find(root, boot, "5.10.0-1", &k, &err), -1);
	assert_non_null(strstr(err.msg, "5.10.0-1"));
	assert_int_equal(volt_kernel_find(root, boot, "/nonexistent/vmlinuz", &k, &err), -1);

	struct volt_kernel *v;
	size_t n;
	assert_int_equal(volt_kernel_list(root, boot, &v, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].version, "6.1.0-11-cloud-amd64");
	assert_string_equal(v[1].version, "6.1.0-2-cloud-amd64");
	assert_string_equal(v[2].version, "6.1.0-10-amd64");
	volt_kernels_free(v, n);

	/* removal: only store kernels, only plain version names */
	assert_int_equal(volt_kernel_remove(root, "../kernels", &err), -1);
	assert_int_equal(volt_kernel_remove(root, "6.1.0-9-amd64", &err), -1);
	assert_int_equal(volt_kernel_remove(root, "6.1.0-11-cloud-amd64", &err), 0);
	assert_int_equal(volt_kernel_find(root, boot, NULL, &k, &err), 0);
	assert_string_equal(k.version, "6.1.0-2-cloud-amd64");
	volt_kernel_free(&k);
	chmod(h3, 0644);
	assert_int_equal(volt_rm_rf(tmpl, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closure),
		cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
