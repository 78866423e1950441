# oci-helpers.bash - what the volt-runtime files share (oci.bats,
# oci-validation.bats, oci-vm.bats): a busybox rootfs per file, the runtime over a
# state root per test ($ST), and bundles ($B) that `volt-runtime spec
# --rootless` makes.

RT="$VOLT_TEST_DIR/bin/volt-runtime"

# oci_rootfs - one busybox rootfs for every bundle of the file (setup_file)
oci_rootfs() {
	mkdir -p "$BATS_FILE_TMPDIR/rootfs"
	# -p: the image's modes, whatever the umask (a non-root user may run there)
	tar -xpf "$BUSYBOX_TAR" -C "$BATS_FILE_TMPDIR/rootfs"
	# the tarball's "./" is 0700 (make-busybox-image's mktemp -d)
	chmod 755 "$BATS_FILE_TMPDIR/rootfs"
}

rt() {
	"$RT" --root "$ST" "$@"
}

# edit JQ: apply a jq filter to the bundle's config.json
edit() {
	jq "$@" "$B/config.json" >"$B/config.json.new"
	mv "$B/config.json.new" "$B/config.json"
}

# volt_bundle ARGS-JSON [JQ]: a bundle from `volt-runtime spec --rootless`,
# no terminal, ARGS as the process; JQ: more edits of its config.json
volt_bundle() {
	(cd "$B" && rt spec --rootless)
	edit --argjson a "$1" ".process.terminal=false | .process.args=\$a${2:+ | $2}"
}

# podman_rt ARGS: rootless podman with its own store under this file's tmpdir, driving volt-runtime
podman_rt() {
	podman --root "$BATS_FILE_TMPDIR/podman/root" --runroot "$BATS_FILE_TMPDIR/podman/run" \
		--storage-driver overlay --cgroup-manager=cgroupfs --events-backend=file \
		--runtime "$RT" "$@"
}

podman_image() {
	command -v podman >/dev/null || skip_or_fail "podman is not installed (scripts/install-deps)"
	has_subuid || not_in_this_mode "rootless podman needs an /etc/subuid range to store images"
	podman_rt images -q docker.io/volt-test/app:v1 | grep -q . ||
		podman_rt load -i "$VOLT_TEST_DIR/images/app.docker.tar" >/dev/null
}

# podman_store_rm: podman_rt's store (teardown_file)
podman_store_rm() {
	# podman's store holds files of the subordinate ids: removed from inside
	if [ -d "$BATS_FILE_TMPDIR/podman" ]; then
		# (podman's pause process keeps the store's overlay mounted in its namespace)
		podman --root "$BATS_FILE_TMPDIR/podman/root" --runroot "$BATS_FILE_TMPDIR/podman/run" \
			--storage-driver overlay unshare sh -c \
			'umount "$0/root/overlay" 2>/dev/null; rm -rf "$0"' "$BATS_FILE_TMPDIR/podman" 2>/dev/null || true
		rm -rf "$BATS_FILE_TMPDIR/podman" 2>/dev/null || true
	fi
}
