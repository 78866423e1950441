/* seccomp through libseccomp.
 *
 * Theory of operation: a profile (security/seccomp_profile.c) becomes a
 * libseccomp filter here, which is exported as classic BPF into
 * $VOLT_ROOT/cache/seccomp/<sha256>.bpf. The key hashes the profile text with
 * everything else that shapes the program (capabilities, audit mode, native
 * architecture, kernel release for minKernel, libseccomp and volt versions
 * and VOLT_SCMP_SEMANTICS, the parser's reading), so the second start of a
 * container with the same profile reads ~4-8 KiB and does no JSON and no
 * libseccomp work at all; an index file keyed by a cheap hash of the
 * profile's path, inode, size and times names that sha256, so a warm start
 * neither reads the profile nor pays for OpenSSL's first SHA-256 (~1 ms).
 * The container child installs the program with
 * seccomp(2) as its very last step before exec, so the filter never has to
 * allow volt's own setup; only the few calls between the install and the exec
 * (execve, close_range, prctl and, for --seccomp-audit, sendmsg) are always
 * let through.
 *
 * x32: Docker's profile lists x86_64, x86 and x32, and every listed
 * architecture adds to the program (1207 instructions for all three, 842
 * without x32) and to the kernel's work at each install (~0.3 vs ~0.2 ms
 * here: it checks, converts and compiles the whole program). Most kernels
 * run no x32 system call at all (not built in, or syscall.x32=n): one made
 * by a child at compile time fails with ENOSYS. Then the x32 section is left
 * out and system calls of architectures not in the program get ENOSYS (what
 * the kernel itself answers) instead of libseccomp's kill. Since that depends
 * on the running kernel, the cache key names the boot. */
#include "security/seccomp.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cas/sha256.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/syscalls.h"

const char *const volt_seccomp_always_blocked[] = {
	"kexec_load",
	"kexec_file_load",
	"reboot",
	"init_module",
	"finit_module",
	"delete_module",
	"create_module",
	"swapon",
	"swapoff",
	"open_by_handle_at",
	"name_to_handle_at",
	"iopl",
	"ioperm",
	"acct",
	"lookup_dcookie",
	"nfsservctl",
	"uselib",
	"vm86",
	"vm86old",
	"_sysctl",
	"get_kernel_syms",
	"query_module",
	"quotactl",
	"quotactl_fd",
	"syslog",
	"settimeofday",
	"stime",
	"clock_settime",
	"clock_adjtime",
	"adjtimex",
	"bpf",
	"perf_event_open",
	"userfaultfd",
	"pciconfig_read",
	"pciconfig_write",
	"pciconfig_iobase",
	NULL,
};

/* between seccomp(2) and execve(2) the child still calls these */
static const char *const runtime_calls[] = {"execve", "close_range", "prctl", NULL};

/* to_scmp - a profile action as libseccomp's; in audit modes every
 * blocking action becomes NOTIFY (or LOG) */
static uint32_t to_scmp(enum volt_scmp_action a, int errno_ret, enum volt_seccomp_mode mode)
{
	if (a != VOLT_SCMP_ALLOW && a != VOLT_SCMP_LOG && mode != VOLT_SECCOMP_ENFORCE)
		return mode == VOLT_SECCOMP_NOTIFY ? SCMP_ACT_NOTIFY : SCMP_ACT_LOG;
	switch (a) {
	case VOLT_SCMP_ALLOW: return SCMP_ACT_ALLOW;
	case VOLT_SCMP_ERRNO: return SCMP_ACT_ERRNO((uint16_t)errno_ret);
	case VOLT_SCMP_KILL_THREAD: return SCMP_ACT_KILL;
	case VOLT_SCMP_KILL_PROCESS: return SCMP_ACT_KILL_PROCESS;
	case VOLT_SCMP_TRAP: return SCMP_ACT_TRAP;
	case VOLT_SCMP_TRACE: return SCMP_ACT_TRACE((uint16_t)errno_ret);
	case VOLT_SCMP_LOG: return SCMP_ACT_LOG;
	case VOLT_SCMP_NOTIFY: return SCMP_ACT_NOTIFY;
	}
	return SCMP_ACT_KILL_PROCESS;
}

/* blocks - whether an action stops the call */
static bool blocks(uint32_t act)
{
	return act != SCMP_ACT_ALLOW && act != SCMP_ACT_LOG;
}

/* arch_token - "SCMP_ARCH_X86_64" -> libseccomp's token, 0 if unknown */
static uint32_t arch_token(const char *name)
{
	char low[32];
	size_t i;
	if (!strncmp(name, "SCMP_ARCH_", 10))
		name += 10;
	for (i = 0; name[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	return seccomp_arch_resolve_name(low);
}

/* same_family - only architectures the native kernel can run are worth adding */
static bool same_family(uint32_t native, uint32_t a)
{
	if (native == SCMP_ARCH_X86_64)
		return a == SCMP_ARCH_X86 || a == SCMP_ARCH_X32;
	if (native == SCMP_ARCH_AARCH64)
		return a == SCMP_ARCH_ARM;
	return false;
}

/* kernel_x32 - whether this kernel runs x32 system calls: 1 yes, 0 no (an
 * x32 getpid fails with ENOSYS), -1 cannot tell (the child died: a filter of
 * our caller's may kill it). In a child, so that nothing here depends on it. */
static int kernel_x32(void)
{
#if defined(__x86_64__)
	int st;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		long r = volt_x32_getpid();
		_exit(r < 0 && errno == ENOSYS ? 0 : 1);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st) == 0 ? 0 : 1;
#else
	return -1;
#endif
}

static const char *native_arch_name(void)
{
	switch (seccomp_arch_native()) {
	case SCMP_ARCH_X86_64: return "SCMP_ARCH_X86_64";
	case SCMP_ARCH_AARCH64: return "SCMP_ARCH_AARCH64";
	case SCMP_ARCH_X86: return "SCMP_ARCH_X86";
	case SCMP_ARCH_ARM: return "SCMP_ARCH_ARM";
	case SCMP_ARCH_PPC64LE: return "SCMP_ARCH_PPC64LE";
	case SCMP_ARCH_S390X: return "SCMP_ARCH_S390X";
	case SCMP_ARCH_RISCV64: return "SCMP_ARCH_RISCV64";
	default: return "SCMP_ARCH_NATIVE";
	}
}

/* kernel_release - the running kernel's release ("6.1.0-18-amd64"), for
 * includes/excludes.minKernel and the cache key */
static void kernel_release(char *buf, size_t size)
{
	struct utsname u;
	snprintf(buf, size, "%s", uname(&u) == 0 ? u.release : "");
}

/* rule_env - what includes/excludes are checked against */
static struct volt_scmp_env rule_env(uint64_t caps)
{
	char rel[65];
	kernel_release(rel, sizeof(rel));
	return (struct volt_scmp_env){.caps = caps, .arch = native_arch_name(), .kernel = volt_scmp_kernel_parse(rel)};
}

/* named - whether an active rule of p names sys (always-blocked calls are
 * then the profile's to decide) */
static bool named(const struct volt_scmp_profile *p, const struct volt_scmp_env *env, const char *sys)
{
	for (size_t i = 0; i < p->n_rules; i++) {
		if (!volt_scmp_rule_active(&p->rules[i], env))
			continue;
		for (size_t k = 0; p->rules[i].names[k]; k++)
			if (!strcmp(p->rules[i].names[k], sys))
				return true;
	}
	return false;
}

/* add_rule - one syscall of a rule, with its argument comparisons */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct volt_scmp_rule *r)
{
	static const enum scmp_compare cmp[] = {
		[VOLT_CMP_NE] = SCMP_CMP_NE,
		[VOLT_CMP_LT] = SCMP_CMP_LT,
		[VOLT_CMP_LE] = SCMP_CMP_LE,
		[VOLT_CMP_EQ] = SCMP_CMP_EQ,
		[VOLT_CMP_GE] = SCMP_CMP_GE,
		[VOLT_CMP_GT] = SCMP_CMP_GT,
		[VOLT_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
	};
	struct scmp_arg_cmp a[6];
	bool dup = false;
	unsigned seen = 0;

	if (!r || !r->n_args)
		return seccomp_rule_add_array(ctx, act, nr, 0, NULL);
	if (r->n_args > 6)
		dup = true;
	for (size_t i = 0; i < r->n_args && !dup; i++) {
		if (seen & (1u << r->args[i].index))
			dup = true;
		seen |= 1u << r->args[i].index;
	}
	for (size_t i = 0; i < r->n_args; i++) {
		const struct volt_scmp_arg *x = &r->args[i];
		struct scmp_arg_cmp c = {
			.arg = x->index, .op = cmp[x->op], .datum_a = x->value, .datum_b = x->value_two};
		if (dup) {
			/* the same argument twice: one rule each (OR), as runc does */
			int ret = seccomp_rule_add_array(ctx, act, nr, 1, &c);
			if (ret < 0)
				return ret;
		} else {
			a[i] = c;
		}
	}
	return dup ? 0 : seccomp_rule_add_array(ctx, act, nr, (unsigned)r->n_args, a);
}

int volt_seccomp_compile(const struct volt_scmp_profile *p, uint64_t caps, enum volt_seccomp_mode mode, int fd,
			 struct volt_err *err)
{
	uint32_t def = to_scmp(p->default_action, p->default_errno, mode);
	uint32_t native = seccomp_arch_native();
	const struct volt_scmp_env env = rule_env(caps);
	scmp_filter_ctx ctx = seccomp_init(def);
	int ret = -1, r;

	if (!ctx)
		return volt_err_set(err, EINVAL, "seccomp_init");
	/* a binary tree of syscall numbers instead of a linear list (libseccomp >= 2.5) */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	/* x32 only where the kernel runs it (see the top) */
	int x32 = native == SCMP_ARCH_X86_64 ? kernel_x32() : -1;
	bool dropped_x32 = false, has_x86 = false;
	for (size_t i = 0; p->arches && p->arches[i]; i++) {
		uint32_t a = arch_token(p->arches[i]);
		if (!a || !same_family(native, a))
			continue;
		if (a == SCMP_ARCH_X32 && x32 == 0) {
			dropped_x32 = true;
			continue;
		}
		has_x86 |= a == SCMP_ARCH_X86;
		if ((r = seccomp_arch_add(ctx, a)) < 0 && r != -EEXIST) {
			volt_err_set(err, -r, "seccomp: add architecture %s", p->arches[i]);
			goto out;
		}
	}
	/* the only foreign architecture left is x32: answer as the kernel would */
	if (dropped_x32 && has_x86 &&
	    (r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS))) < 0) {
		volt_err_set(err, -r, "seccomp: bad-architecture action");
		goto out;
	}
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct volt_scmp_rule *rule = &p->rules[i];
		if (!volt_scmp_rule_active(rule, &env))
			continue;
		uint32_t act = to_scmp(rule->action, rule->errno_ret >= 0 ? rule->errno_ret : p->default_errno, mode);
		if (act == def)
			continue;
		for (size_t k = 0; rule->names[k]; k++) {
			int nr = seccomp_syscall_resolve_name(rule->names[k]);
			if (nr == __NR_SCMP_ERROR)
				continue; /* unknown to this architecture: Docker skips them too */
			if ((r = add_rule(ctx, act, nr, rule)) < 0) {
				volt_err_set(err, -r, "seccomp: rule for %s (syscalls[%zu])", rule->names[k], i);
				goto out;
			}
		}
	}
	for (size_t i = 0; volt_seccomp_always_blocked[i]; i++) {
		const char *s = volt_seccomp_always_blocked[i];
		uint32_t act =
			mode == VOLT_SECCOMP_ENFORCE ? SCMP_ACT_ERRNO(EPERM) : to_scmp(VOLT_SCMP_ERRNO, EPERM, mode);
		int nr = seccomp_syscall_resolve_name(s);
		if (nr == __NR_SCMP_ERROR || named(p, &env, s) || blocks(def) || act == def)
			continue;
		if ((r = seccomp_rule_add(ctx, act, nr, 0)) < 0) {
			volt_err_set(err, -r, "seccomp: block %s", s);
			goto out;
		}
	}
	for (size_t i = 0; blocks(def) && i < ARRAY_SIZE(runtime_calls); i++) {
		/* the NULL slot stands for sendmsg, which passes the listener on */
		const char *s = runtime_calls[i] ? runtime_calls[i] : mode == VOLT_SECCOMP_NOTIFY ? "sendmsg" : NULL;
		int nr = s ? seccomp_syscall_resolve_name(s) : __NR_SCMP_ERROR;
		if (nr == __NR_SCMP_ERROR || named(p, &env, s))
			continue;
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)) < 0 && r != -EEXIST) {
			volt_err_set(err, -r, "seccomp: allow %s", s);
			goto out;
		}
	}
	if ((r = seccomp_export_bpf(ctx, fd)) < 0) {
		volt_err_set(err, -r, "seccomp: export the filter");
		goto out;
	}
	ret = 0;
out:
	seccomp_release(ctx);
	return ret;
}

/* fnv1a - 64-bit FNV-1a, for the cheap index key */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* index_path - cache_dir/idx-<fnv of path, inode, size, mtime and salt>: the
 * file names the sha256 key, so a warm start needs neither the profile's text
 * nor a SHA-256 (whose first use in a process costs ~1 ms of OpenSSL
 * initialisation) */
static char *index_path(const char *cache_dir, const char *path, const struct stat *st, const char *salt)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	h = fnv1a(h, path, strlen(path) + 1);
	h = fnv1a(h, &st->st_dev, sizeof(st->st_dev));
	h = fnv1a(h, &st->st_ino, sizeof(st->st_ino));
	h = fnv1a(h, &st->st_size, sizeof(st->st_size));
	h = fnv1a(h, &st->st_mtim, sizeof(st->st_mtim));
	h = fnv1a(h, &st->st_ctim, sizeof(st->st_ctim));
	h = fnv1a(h, salt, strlen(salt));
	return volt_path("%s/idx-%016llx", cache_dir, (unsigned long long)h);
}

/* prune_old_boots - remove programs and index files written before this boot:
 * on x86_64 their key names an older boot (see the top), so none is read
 * again. An hour's margin for a clock set at boot. Done when compiling only. */
static void prune_old_boots(const char *cache_dir)
{
#if defined(__x86_64__)
	cleanup_fclose FILE *f = fopen("/proc/stat", "re");
	char line[256];
	long long btime = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %lld", &btime) == 1)
			break;
	cleanup_dir DIR *d = btime > 0 ? opendir(cache_dir) : NULL;
	struct dirent *e;
	while (d && (e = readdir(d))) {
		struct stat st;
		size_t n = strlen(e->d_name);
		bool ours = !strncmp(e->d_name, "idx-", 4) || (n > 4 && !strcmp(e->d_name + n - 4, ".bpf"));
		if (ours && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtime < btime - 3600)
			unlinkat(dirfd(d), e->d_name, 0);
	}
#else
	(void)cache_dir;
#endif
}

/* load_indexed - the warm path: index -> key -> program. 0 on a hit. */
static int load_indexed(const char *cache_dir, const char *idx, char *key, char **bpf, size_t *blen)
{
	cleanup_free char *k = NULL, *file = NULL;
	struct volt_err miss;
	size_t kl = 0;
	if (volt_read_file(idx, 128, &k, &kl, &miss) < 0 || kl != VOLT_SHA256_HEX - 1)
		return -1;
	memcpy(key, k, VOLT_SHA256_HEX - 1);
	key[VOLT_SHA256_HEX - 1] = '\0';
	if (!volt_sha256_is_hex(key))
		return -1;
	file = volt_path("%s/%s.bpf", cache_dir, key);
	if (volt_read_file(file, 1 << 20, bpf, blen, &miss) < 0 || !*blen || *blen % sizeof(struct sock_filter)) {
		free(*bpf);
		*bpf = NULL;
		return -1;
	}
	return 0;
}

/* read_fd - the whole of a memfd written from its start. */
static int read_fd(int fd, char **buf, size_t *len, struct volt_err *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return volt_err_sys(err, "seccomp: stat the compiled filter");
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	if (!*buf)
		return volt_err_set(err, ENOMEM, "seccomp: the compiled filter");
	for (size_t off = 0; off < *len;) {
		ssize_t r = pread(fd, *buf + off, *len - off, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return volt_err_sys(err, "seccomp: read the compiled filter");
		off += (size_t)r;
	}
	return 0;
}

/* finish - hand the program over. */
static int finish(struct sock_filter **prog, size_t *n, char **bpf, size_t blen)
{
	*n = blen / sizeof(struct sock_filter);
	*prog = (struct sock_filter *)*bpf;
	*bpf = NULL;
	return 0;
}

int volt_seccomp_load(const char *cache_dir, const char *path, uint64_t caps, enum volt_seccomp_mode mode,
		      struct sock_filter **prog, size_t *n, char *key_out, struct volt_err *err)
{
	cleanup_free char *text = NULL, *bpf = NULL, *file = NULL, *idx = NULL;
	const struct scmp_version *lv = seccomp_version();
	size_t len = 0, blen = 0;
	char salt[320], key[VOLT_SHA256_HEX];
	struct volt_sha256 h;
	struct stat st;

	char boot[40] = "";
#if defined(__x86_64__)
	/* the program depends on the running kernel's x32 (see the top) */
	{
		cleanup_free char *b = NULL;
		struct volt_err ignored;
		if (volt_read_file("/proc/sys/kernel/random/boot_id", 64, &b, NULL, &ignored) == 0)
			snprintf(boot, sizeof(boot), "%.36s", b);
	}
#endif
	/* the kernel's release for minKernel conditions; the parser's
	 * semantics so that a volt that reads a profile differently (say, a
	 * new architecture spelling) compiles anew */
	char rel[65];
	kernel_release(rel, sizeof(rel));
	snprintf(salt, sizeof(salt),
		 "\n--volt %s semantics %d libseccomp %u.%u.%u arch %s kernel %s caps %016llx mode %d boot %s",
		 VOLT_VERSION, VOLT_SCMP_SEMANTICS, lv->major, lv->minor, lv->micro, native_arch_name(), rel,
		 (unsigned long long)caps, (int)mode, boot);
	if (stat(path, &st) < 0)
		return volt_err_sys(err, "seccomp profile %s", path);
	idx = index_path(cache_dir, path, &st, salt);
	if (load_indexed(cache_dir, idx, key, &bpf, &blen) == 0) {
		if (key_out)
			memcpy(key_out, key, VOLT_SHA256_HEX);
		*n = blen / sizeof(struct sock_filter);
		*prog = (struct sock_filter *)steal_ptr(bpf);
		return 0;
	}
	if (volt_read_file(path, 4 << 20, &text, &len, err) < 0)
		return volt_err_prefix(err, "seccomp profile");
	if (volt_sha256_init(&h) < 0)
		return volt_err_set(err, ENOMEM, "sha256");
	volt_sha256_update(&h, text, len);
	volt_sha256_update(&h, salt, strlen(salt));
	volt_sha256_final(&h, key);
	if (key_out)
		memcpy(key_out, key, VOLT_SHA256_HEX);
	file = volt_path("%s/%s.bpf", cache_dir, key);
	struct volt_err miss;
	if (volt_read_file(file, 1 << 20, &bpf, &blen, &miss) < 0 || !blen || blen % sizeof(struct sock_filter)) {
		struct volt_scmp_profile p;
		free(bpf);
		bpf = NULL;
		if (volt_scmp_profile_parse(&p, path, text, len, err) < 0)
			return -1;
		if (volt_mkdir_p(cache_dir, 0700, err) < 0) {
			volt_scmp_profile_free(&p);
			return -1;
		}
		/* compiled into memory, then cached with every write checked:
		 * libseccomp's export does not check for a short write, and a
		 * full disk left a cut program that no later start could install.
		 * The cache is best effort: the program is used either way. */
		cleanup_close int fd = memfd_create("volt-seccomp", MFD_CLOEXEC);
		if (fd < 0) {
			volt_scmp_profile_free(&p);
			return volt_err_sys(err, "memfd_create");
		}
		int r = volt_seccomp_compile(&p, caps, mode, fd, err);
		volt_scmp_profile_free(&p);
		if (r < 0 || read_fd(fd, &bpf, &blen, err) < 0)
			return -1;
		if (!blen || blen % sizeof(struct sock_filter))
			return volt_err_set(err, EINVAL, "seccomp: the compiled filter is not a BPF program");
		struct volt_err cache_err;
		if (volt_write_file_atomic(file, bpf, blen, 0600, &cache_err) < 0)
			return finish(prog, n, &bpf, blen);
		prune_old_boots(cache_dir);
	}
	/* remember which program this file is, for the next start */
	struct volt_err ignored;
	volt_write_file_atomic(idx, key, VOLT_SHA256_HEX - 1, 0600, &ignored);
	return finish(prog, n, &bpf, blen);
}

int volt_seccomp_install(const struct sock_filter *prog, size_t n, bool listener, int *fd, struct volt_err *err)
{
	struct sock_fprog fp = {.len = (unsigned short)n, .filter = (struct sock_filter *)prog};
	long r;

	if (n == 0 || n > BPF_MAXINSNS)
		return volt_err_set(err, EINVAL, "seccomp: a program of %zu instructions", n);
	r = volt_seccomp(SECCOMP_SET_MODE_FILTER, listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &fp);
	if (r < 0)
		return volt_err_sys(err, "install the seccomp filter");
	if (fd)
		*fd = listener ? (int)r : -1;
	return 0;
}

char *volt_seccomp_syscall_name(uint32_t arch, int nr)
{
	char *n = seccomp_syscall_resolve_num_arch(arch, nr);
	if (!n) {
		char buf[32];
		snprintf(buf, sizeof(buf), "syscall_%d", nr);
		return strdup(buf);
	}
	return n;
}
