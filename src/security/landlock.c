/* Landlock through the raw syscalls (there is no library in Debian 12).
 *
 * Theory of operation: the profile says read/write/exec beneath paths, TCP
 * ports for bind/connect and IPC scopes. The kernel's ABI decides what can be
 * handled: filesystem rights grow with ABI 2 (refer), 3 (truncate) and 5
 * (ioctl on devices), TCP ports come with ABI 4, scoping of abstract unix
 * sockets and signals with ABI 6. volt_landlock_plan() computes, in the
 * parent, exactly what will be handled and what is left out (for `volt
 * security inspect`); the child then applies the same plan after pivot_root,
 * so the paths are those of the container. Constants are defined here since
 * the build host's headers may predate the running kernel. */
#include "security/landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/syscalls.h"

#define VOLT_LL_NET_BIND_TCP (1ULL << 0)
#define VOLT_LL_NET_CONNECT_TCP (1ULL << 1)
#define VOLT_LL_SCOPE_ABSTRACT (1ULL << 0)
#define VOLT_LL_SCOPE_SIGNAL (1ULL << 1)
#define VOLT_LL_RULE_PATH 1
#define VOLT_LL_RULE_NET_PORT 2

/* the kernel's structures, at their newest size */
struct volt_ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;	     /* ABI 6 */
};
struct volt_ll_path_beneath {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));
struct volt_ll_net_port {
	uint64_t allowed_access;
	uint64_t port;
};

#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_EXEC LANDLOCK_ACCESS_FS_EXECUTE
#define FS_WRITE                                                                                          \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |       \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |    \
	 LANDLOCK_ACCESS_FS_MAKE_SYM | LANDLOCK_ACCESS_FS_REFER | LANDLOCK_ACCESS_FS_TRUNCATE |           \
	 LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define FS_FILE_ONLY                                                                                 \
	(LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE | \
	 LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

int volt_landlock_abi(void)
{
	long r = volt_landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return r < 0 ? 0 : (int)r;
}

/* volt_landlock_fs_all - the filesystem rights ABI abi knows */
uint64_t volt_landlock_fs_all(int abi)
{
	uint64_t m = 0;
	if (abi >= 1)
		m = (1ULL << 13) - 1;
	if (abi >= 2)
		m |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		m |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		m |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return m;
}

/* append - add ", what" to a left-out list */
static void append(char *buf, size_t len, const char *what)
{
	size_t n = strlen(buf);
	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", what);
}

void volt_landlock_plan(const struct volt_ll_profile *p, int abi, bool exec, struct volt_ll_plan *out)
{
	memset(out, 0, sizeof(*out));
	out->abi = abi;
	if (abi <= 0) {
		snprintf(out->left_out, sizeof(out->left_out), "everything (Landlock is not available)");
		return;
	}
	if (p->n_paths)
		out->fs_handled = volt_landlock_fs_all(abi);
	if (p->n_paths && abi < 2)
		append(out->left_out, sizeof(out->left_out), "refer (ABI 2)");
	if (p->n_paths && abi < 3)
		append(out->left_out, sizeof(out->left_out), "truncate (ABI 3)");
	if (p->n_paths && abi < 5)
		append(out->left_out, sizeof(out->left_out), "ioctl on devices (ABI 5)");
	if (p->bind_set || p->connect_set) {
		if (abi >= 4)
			out->net_handled = (p->bind_set ? VOLT_LL_NET_BIND_TCP : 0) |
					   (p->connect_set ? VOLT_LL_NET_CONNECT_TCP : 0);
		else
			append(out->left_out, sizeof(out->left_out), "TCP bind/connect (ABI 4)");
	}
	if (p->scope_abstract || p->scope_signal) {
		if (abi >= 6)
			out->scoped = (p->scope_abstract ? VOLT_LL_SCOPE_ABSTRACT : 0) |
				      (p->scope_signal && !exec ? VOLT_LL_SCOPE_SIGNAL : 0);
		else
			append(out->left_out, sizeof(out->left_out), "abstract unix socket and signal scoping (ABI 6)");
		if (abi >= 6 && p->scope_signal && exec)
			append(out->left_out, sizeof(out->left_out), "signal scoping (not for volt exec)");
	}
	if (!out->left_out[0])
		snprintf(out->left_out, sizeof(out->left_out), "nothing");
}

/* attr_size - the ruleset_attr size ABI abi accepts (older kernels refuse larger) */
static size_t attr_size(int abi)
{
	return abi >= 6 ? sizeof(struct volt_ll_ruleset_attr) : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
}

/* rights_of - VOLT_LL_* to LANDLOCK_ACCESS_FS_* (before masking by the ABI) */
static uint64_t rights_of(unsigned r)
{
	return ((r & VOLT_LL_READ) ? FS_READ : 0) | ((r & VOLT_LL_WRITE) ? FS_WRITE : 0) |
	       ((r & VOLT_LL_EXEC) ? FS_EXEC : 0);
}

int volt_landlock_apply(const struct volt_ll_profile *p, const struct volt_ll_plan *plan, struct volt_err *err)
{
	struct volt_ll_ruleset_attr attr = {
		.handled_access_fs = plan->fs_handled,
		.handled_access_net = plan->net_handled,
		.scoped = plan->scoped,
	};
	cleanup_close int rs = -1;

	if (plan->abi <= 0 || (!attr.handled_access_fs && !attr.handled_access_net && !attr.scoped))
		return 0; /* nothing this kernel can enforce */
	rs = volt_landlock_create_ruleset(&attr, attr_size(plan->abi), 0);
	if (rs < 0)
		return volt_err_sys(err, "landlock: create the ruleset (ABI %d)", plan->abi);
	for (size_t i = 0; attr.handled_access_fs && i < p->n_paths; i++) {
		struct volt_ll_path_beneath pb;
		struct stat st;
		cleanup_close int fd = open(p->paths[i].path, O_PATH | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0)
			continue; /* not in this image: nothing to allow there */
		pb.allowed_access = rights_of(p->paths[i].rights) & plan->fs_handled;
		if (!S_ISDIR(st.st_mode))
			pb.allowed_access &= FS_FILE_ONLY;
		pb.parent_fd = fd;
		if (!pb.allowed_access)
			continue;
		if (volt_landlock_add_rule(rs, VOLT_LL_RULE_PATH, &pb, 0) < 0)
			return volt_err_sys(err, "landlock: allow %s", p->paths[i].path);
	}
	for (int b = 1; b >= 0; b--) {
		uint64_t right = b ? VOLT_LL_NET_BIND_TCP : VOLT_LL_NET_CONNECT_TCP;
		size_t n = b ? p->n_bind : p->n_connect;
		const uint16_t *v = b ? p->bind : p->connect;
		if (!(plan->net_handled & right))
			continue;
		for (size_t i = 0; i < n; i++) {
			struct volt_ll_net_port np = {.allowed_access = right, .port = v[i]};
			if (volt_landlock_add_rule(rs, VOLT_LL_RULE_NET_PORT, &np, 0) < 0)
				return volt_err_sys(err, "landlock: allow TCP %s on port %u", b ? "bind" : "connect",
						    (unsigned)v[i]);
		}
	}
	if (volt_landlock_restrict_self(rs, 0) < 0)
		return volt_err_sys(err, "landlock: restrict the container");
	return 0;
}

int volt_landlock_restrict(int abi, const struct volt_ll_rule *rules, size_t n, struct volt_err *err)
{
	struct volt_ll_ruleset_attr attr = {.handled_access_fs = volt_landlock_fs_all(abi)};
	cleanup_close int rs = -1;

	if (abi <= 0)
		return volt_err_set(err, ENOSYS, "landlock: not available");
	rs = volt_landlock_create_ruleset(&attr, attr_size(abi), 0);
	if (rs < 0)
		return volt_err_sys(err, "landlock: create the ruleset (ABI %d)", abi);
	for (size_t i = 0; i < n; i++) {
		struct volt_ll_path_beneath pb;
		struct stat st;
		cleanup_close int fd = open(rules[i].path, O_PATH | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0)
			continue;
		pb.allowed_access = rules[i].access & attr.handled_access_fs;
		if (!S_ISDIR(st.st_mode))
			pb.allowed_access &= FS_FILE_ONLY;
		pb.parent_fd = fd;
		if (pb.allowed_access && volt_landlock_add_rule(rs, VOLT_LL_RULE_PATH, &pb, 0) < 0)
			return volt_err_sys(err, "landlock: allow %s", rules[i].path);
	}
	if (volt_landlock_restrict_self(rs, 0) < 0)
		return volt_err_sys(err, "landlock: restrict self");
	return 0;
}
