#include "vm/probe.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/prog.h"
#include "vm/qemu_argv.h"

static int add_entry(struct archive *a, const char *path, mode_t mode, dev_t rdev, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	if (!e)
		return -1;
	archive_entry_set_pathname(e, path);
	archive_entry_set_mode(e, mode);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_nlink(e, S_ISDIR(mode) ? 2 : 1);
	archive_entry_set_mtime(e, 0, 0);
	if (rdev)
		archive_entry_set_rdev(e, rdev);
	archive_entry_set_size(e, S_ISREG(mode) ? (la_int64_t)len : 0);
	int r = archive_write_header(a, e);
	if (r == ARCHIVE_OK && S_ISREG(mode) && archive_write_data(a, data, len) != (la_ssize_t)len)
		r = ARCHIVE_FATAL;
	archive_entry_free(e);
	return r == ARCHIVE_OK ? 0 : -1;
}

int volt_vm_probe_initrd(const char *init, const char *out, struct volt_err *err)
{
	cleanup_free char *prog = NULL;
	size_t len;
	if (volt_read_file(init, 64u << 20, &prog, &len, err) < 0)
		return -1;
	struct archive *a = archive_write_new();
	if (!a)
		return volt_err_set(err, ENOMEM, "initramfs %s", out);
	int r = -1;
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK || archive_write_open_filename(a, out) != ARCHIVE_OK)
		goto done;
	if (add_entry(a, "dev", S_IFDIR | 0755, 0, NULL, 0) < 0 ||
	    add_entry(a, "dev/console", S_IFCHR | 0600, makedev(5, 1), NULL, 0) < 0 ||
	    add_entry(a, "proc", S_IFDIR | 0555, 0, NULL, 0) < 0 ||
	    add_entry(a, "sys", S_IFDIR | 0555, 0, NULL, 0) < 0 ||
	    add_entry(a, "init", S_IFREG | 0755, 0, prog, len) < 0)
		goto done;
	if (archive_write_close(a) != ARCHIVE_OK)
		goto done;
	r = 0;
done:
	if (r < 0)
		volt_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : 0, "write initramfs %s: %s", out,
			     archive_error_string(a) ? archive_error_string(a) : "failed");
	archive_write_free(a);
	return r;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* last_console_line - the last non-empty line the guest printed */
static const char *last_console_line(char *s)
{
	size_t n = s ? strlen(s) : 0;
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
	if (!n)
		return "(nothing on the console)";
	char *nl = strrchr(s, '\n');
	return nl ? nl + 1 : s;
}

int volt_vm_probe_boot(const struct volt_vm_probe *p, long *ms, struct volt_err *err)
{
	const struct volt_qemu_config c = {
		.qemu = p->qemu,
		.accel = p->accel,
		.kernel = p->kernel,
		.initrd = p->initrd,
		.append = "volt_probe=1",
		.tsc_khz = volt_tsc_khz(),
		.console_fd = -1,
		.agent_fd = -1,
	};
	cleanup_strv char **argv = volt_qemu_argv(&c);
	cleanup_free char *console = NULL;
	struct volt_err qerr = {0};
	long long t0 = now_ms();
	int r = volt_prog_run(&(struct volt_prog){.argv = argv, .out = &console, .out_max = 1u << 20,
						   .timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : 60000},
			      &qerr);
	*ms = (long)(now_ms() - t0);
	if (r < 0) {
		char why[VOLT_ERR_MSG_MAX];
		volt_err_format(&qerr, why, sizeof(why));
		return volt_err_set(err, qerr.errnum, "boot %s under %s: %s; last console line: %s", p->kernel,
				    volt_accel_name(p->accel), why, last_console_line(console));
	}
	if (!console || !strstr(console, VOLT_PROBE_MARK))
		return volt_err_set(err, 0, "boot %s under %s: the guest's init did not come up; last console line: %s",
				    p->kernel, volt_accel_name(p->accel), last_console_line(console));
	return 0;
}
