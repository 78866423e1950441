# oci-helpers.bash - what the volt-runtime files share (oci.bats,
# oci-validation.bats): a busybox rootfs per file, the runtime over a
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
