#include "vm/engine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/prog.h"

void volt_engine_free(struct volt_engine *e)
{
	free(e->qemu);
	free(e->version);
	e->qemu = e->version = NULL;
}

int volt_engine_find(struct volt_engine *e, const char *cache_dir, struct volt_err *err)
{
	struct utsname u;
	const char *name = getenv("VOLT_QEMU");
	memset(e, 0, sizeof(*e));
	if (!name || !*name)
		name = uname(&u) == 0 && !strcmp(u.machine, "aarch64") ? "qemu-system-aarch64" : "qemu-system-x86_64";
	e->qemu = volt_prog_find(name);
	if (!e->qemu)
		return volt_err_set(err, ENOENT,
				    "%s not found: install QEMU (Debian/Ubuntu: apt install qemu-system-x86)", name);
	/* the version QEMU printed for this very binary before (cache_dir/vm-engine,
	 * keyed by its inode, size and time): `-version` costs a start tens of ms */
	struct stat st;
	cleanup_free char *file = cache_dir ? volt_path("%s/vm-engine", cache_dir) : NULL;
	cleanup_free char *key =
		stat(e->qemu, &st) == 0 ?
			volt_path("%s %llu %lld %lld.%09ld", e->qemu, (unsigned long long)st.st_ino,
				  (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec) :
			NULL;
	cleanup_free char *cached = NULL;
	struct volt_err ignore;
	size_t klen = key ? strlen(key) : 0;
	if (file && key && volt_read_file(file, 4096, &cached, NULL, &ignore) == 0 && !strncmp(cached, key, klen) &&
	    cached[klen] == '\n' && cached[klen + 1]) {
		e->version = strndup(cached + klen + 1, strcspn(cached + klen + 1, "\n"));
		return 0;
	}
	char *argv[] = {e->qemu, "-version", NULL};
	cleanup_free char *out = NULL;
	if (volt_prog_run(&(struct volt_prog){.argv = argv, .out = &out, .out_max = 4096, .timeout_ms = 10000}, err) <
	    0)
		return volt_err_prefix(err, "QEMU");
	/* "QEMU emulator version 7.2.22 (Debian ...)" */
	const char *v = strstr(out, "version ");
	if (!v)
		return volt_err_set(err, EINVAL, "%s -version: no version in \"%.60s\"", e->qemu, out);
	v += strlen("version ");
	e->version = strndup(v, strcspn(v, " \n"));
	if (file && key && e->version) {
		cleanup_free char *line = volt_path("%s\n%s\n", key, e->version);
		volt_write_file_atomic(file, line, strlen(line), 0600, &ignore);
	}
	return 0;
}

int volt_accel_parse(const char *s, enum volt_accel *out, struct volt_err *err)
{
	static const char *const names[] = {"auto", "kvm", "tcg"};
	for (int i = 0; i < 3; i++) {
		if (!strcmp(s, names[i])) {
			*out = (enum volt_accel)i;
			return 0;
		}
	}
	return volt_err_set(err, EINVAL, "invalid --accel \"%s\": auto, kvm or tcg", s);
}

const char *volt_accel_name(enum volt_accel a)
{
	return a == VOLT_ACCEL_KVM ? "kvm" : a == VOLT_ACCEL_TCG ? "tcg" : "auto";
}

bool volt_kvm_check(char *why, size_t len)
{
	const char *dev = getenv("VOLT_KVM_DEVICE"); /* tests: a KVM that is not there */
	if (!dev || !*dev)
		dev = "/dev/kvm";
	cleanup_close int fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "%s: %s", dev, strerror(errno));
		return false;
	}
	int api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		snprintf(why, len, "%s: KVM API %d, not %d", dev, api, KVM_API_VERSION);
		return false;
	}
	cleanup_close int vm = ioctl(fd, KVM_CREATE_VM, 0);
	if (vm < 0) {
		snprintf(why, len, "%s: cannot create a VM: %s", dev, strerror(errno));
		return false;
	}
	snprintf(why, len, "%s creates VMs", dev);
	return true;
}

/* qemu_kvm_starts - does QEMU bring up a microvm machine under KVM with the
 * host's CPU? Started paused (-S) and told to quit over QMP on stdin: on a
 * KVM that cannot run Linux guests it fails at once (seen: "failed to set
 * MSR 0x10a" on nested PVM hosts). */
static bool qemu_kvm_starts(const struct volt_engine *e, char *why, size_t len)
{
	char *argv[] = {e->qemu,	   "-M",       "microvm", "-accel", "kvm",  "-cpu",  "host", "-nodefaults",
			"-no-user-config", "-display", "none",	  "-S",	    "-qmp", "stdio", NULL};
	struct volt_err err = {0};
	const struct volt_prog p = {
		.argv = argv,
		.input = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n",
		.timeout_ms = 10000,
	};
	if (volt_prog_run(&p, &err) < 0) {
		char buf[300];
		volt_err_format(&err, buf, sizeof(buf));
		snprintf(why, len, "QEMU cannot start a KVM guest here (%s)", buf);
		return false;
	}
	return true;
}

/* cache_key - this boot and this QEMU: a reboot or an upgrade asks again */
static char *cache_key(const struct volt_engine *e)
{
	cleanup_free char *boot = NULL;
	struct volt_err ignore;
	if (volt_read_file("/proc/sys/kernel/random/boot_id", 128, &boot, NULL, &ignore) < 0)
		return NULL;
	boot[strcspn(boot, "\n")] = '\0';
	return volt_path("%s %s", boot, e->version ? e->version : "?");
}

static bool cache_read(const char *file, const char *key, enum volt_accel *out, char *why, size_t len)
{
	cleanup_free char *text = NULL;
	struct volt_err ignore;
	size_t klen = strlen(key);
	if (volt_read_file(file, 4096, &text, NULL, &ignore) < 0 || strncmp(text, key, klen) || text[klen] != '\n')
		return false;
	char *acc = text + klen + 1, *reason = strchr(acc, '\n');
	if (!reason)
		return false;
	*reason++ = '\0';
	reason[strcspn(reason, "\n")] = '\0';
	if (strcmp(acc, "kvm") && strcmp(acc, "tcg"))
		return false;
	*out = !strcmp(acc, "kvm") ? VOLT_ACCEL_KVM : VOLT_ACCEL_TCG;
	snprintf(why, len, "%s", reason);
	return true;
}

int volt_accel_choose(const struct volt_engine *e, enum volt_accel want, const char *cache_dir, enum volt_accel *out,
		      char *why, size_t len, struct volt_err *err)
{
	char kvm_why[256];
	if (want == VOLT_ACCEL_TCG) {
		*out = VOLT_ACCEL_TCG;
		snprintf(why, len, "asked for (--accel tcg)");
		return 0;
	}
	if (want == VOLT_ACCEL_KVM) {
		if (!volt_kvm_check(kvm_why, sizeof(kvm_why)))
			return volt_err_set(err, 0, "--accel kvm: %s", kvm_why);
		*out = VOLT_ACCEL_KVM;
		snprintf(why, len, "asked for (--accel kvm)");
		return 0;
	}

	/* auto: the quick check first, which needs no cache */
	if (!volt_kvm_check(kvm_why, sizeof(kvm_why))) {
		*out = VOLT_ACCEL_TCG;
		snprintf(why, len, "no usable KVM (%s)", kvm_why);
		return 0;
	}
	cleanup_free char *key = cache_key(e);
	cleanup_free char *file = cache_dir ? volt_path("%s/vm-accel", cache_dir) : NULL;
	if (key && file && cache_read(file, key, out, why, len))
		return 0;
	if (qemu_kvm_starts(e, why, len)) {
		*out = VOLT_ACCEL_KVM;
		snprintf(why, len, "%s and QEMU starts a KVM guest", kvm_why);
	} else {
		*out = VOLT_ACCEL_TCG;
	}
	if (key && file) {
		cleanup_free char *line = volt_path("%s\n%s\n%s\n", key, volt_accel_name(*out), why);
		struct volt_err ignore;
		volt_write_file_atomic(file, line, strlen(line), 0600, &ignore);
	}
	return 0;
}

long volt_tsc_khz(void)
{
	cleanup_free char *s = NULL;
	struct volt_err ignore;
	if (volt_read_file("/sys/devices/system/cpu/cpu0/tsc_freq_khz", 64, &s, NULL, &ignore) == 0)
		return strtol(s, NULL, 10);
	/* the boot CPU's nominal rate; good enough for tsc_early_khz, which
	 * only needs to be near the truth */
	free(s);
	s = NULL;
	if (volt_read_file("/proc/cpuinfo", 1u << 20, &s, NULL, &ignore) < 0)
		return 0;
	const char *m = strstr(s, "cpu MHz");
	if (!m || !(m = strchr(m, ':')))
		return 0;
	return (long)(strtod(m + 1, NULL) * 1000.0 + 0.5);
}
