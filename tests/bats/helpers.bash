# Shared set-up for volt's end-to-end tests. Run as an unprivileged user.
bats_require_minimum_version 1.5.0
# VOLT_TEST_DIR holds bin/ (volt, volt-shim, volt-init) and images/busybox.tar.

VOLT_BIN="$VOLT_TEST_DIR/bin/volt"
BUSYBOX_TAR="$VOLT_TEST_DIR/images/busybox.tar"

# Every test file gets its own store and runtime directory.
volt_env() {
	export VOLT_ROOT="$BATS_FILE_TMPDIR/root"
	export VOLT_RUNROOT="$BATS_FILE_TMPDIR/run"
}

volt() {
	"$VOLT_BIN" "$@"
}

# The two ways a test may skip (scripts/check-tests refuses a bare `skip`):
# skip_or_fail REASON: the host lacks something the test needs; in CI
# (VOLT_MUST_WORK=1) that is a failure, so no missing package or device hides
# a test there.
skip_or_fail() {
	if [ -n "${VOLT_MUST_WORK:-}" ]; then
		echo "required feature missing: $1" >&2
		return 1
	fi
	skip "$1"
}

# not_in_this_mode REASON: the case cannot exist in this pass (single-uid mode
# has no second uid, the pass without a systemd user manager, another
# architecture); the other pass runs it. Never a failure.
not_in_this_mode() {
	skip "not in this mode: $1"
}

# one_pass_only: tests of the command tables alone (every command's --help,
# its options, completion, man pages) read no id map and no store: the same
# in both id-mapping modes, so only the pass without a subuid range runs them
# (run-bats runs the two passes side by side; the other pass is longer)
one_pass_only() {
	if has_subuid && [ -z "${VOLT_TEST_ALL_PASSES:-}" ]; then
		not_in_this_mode "the command tables are the same in both modes: the single-uid pass runs this"
	fi
}

require_userns() {
	unshare -Ur true 2>/dev/null || skip_or_fail "unprivileged user namespaces are not available"
}

has_subuid() {
	grep -q "^$(id -un):" /etc/subuid 2>/dev/null
}

import_busybox() {
	volt image import "$BUSYBOX_TAR" busybox >/dev/null
}

# rm_all_containers: every container of the file's store, gone
rm_all_containers() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

# busybox_fixture [--keep]: the set-up most docker-cli-*.bats files share,
# called at the top of the file: the store with busybox once per file, the
# file's environment in each test, and every container removed after each
# (not with --keep: the file's tests remove their own). A file that cleans
# up more defines its own teardown after the call, calling rm_all_containers.
busybox_fixture() {
	setup_file() {
		volt_env
		require_userns
		import_busybox
	}
	setup() {
		volt_env
	}
	if [ "${1:-}" != --keep ]; then
		teardown() {
			rm_all_containers
		}
	fi
}

# vm_env: what a test that runs microVMs sees: not the host's /boot, and a
# boot timeout for a loaded 2-core CI host (the cloud kernel boots under TCG
# in 2-15 s there)
vm_env() {
	export VOLT_HOST_BOOT="$BATS_FILE_TMPDIR/no-boot"
	mkdir -p "$VOLT_HOST_BOOT"
	export VOLT_VM_BOOT_TIMEOUT_MS=180000
}

# need_vm: QEMU, and Debian's cloud kernel (fetched by scripts/test-setup)
# installed in this file's store, and the busybox image
need_vm() {
	local deb="$VOLT_TEST_DIR/images/kernel.deb"
	command -v qemu-system-x86_64 >/dev/null || skip_or_fail "qemu-system-x86_64 is not installed (scripts/install-deps)"
	if [ ! -r "$deb" ]; then
		local why="no kernel package was fetched"
		[ -r "$deb.unavailable" ] && why=$(cat "$deb.unavailable")
		skip_or_fail "$why"
	fi
	volt vm kernel ls -q | grep -q . || volt vm kernel fetch --deb "$deb" >/dev/null
	volt images -q | grep -q . || import_busybox
}

# wait_for CMD...: retry up to 5 s
wait_for() {
	local i
	for i in $(seq 1 100); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.05
	done
	return 1
}
