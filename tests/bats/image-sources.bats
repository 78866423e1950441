#!/usr/bin/env bats
# volt image import from every local source kind: oci: layouts (written by
# scripts/make-test-images and by skopeo), oci-archive:, docker-archive: and
# plain rootfs tarballs; layers with whiteouts; the image config honoured by
# run/stop/inspect; corrupted blobs refused. Images: $VOLT_TEST_DIR/images.

load helpers

# every form of the "app" image carries the same config bytes, so every
# source must give the same image id
IMG="$VOLT_TEST_DIR/images"

setup_file() {
	volt_env
	require_userns
	[ -d "$IMG/oci" ] || skip_or_fail "test images missing: run scripts/test-setup"
	volt image import "oci:$IMG/oci:app" app >/dev/null
}

setup() {
	volt_env
	[ -d "$IMG/oci" ] || skip_or_fail "test images missing: run scripts/test-setup"
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

app_id() {
	volt image inspect app | jq -r '.[0].Id'
}

@test "oci: layout (tag by ref.name) imports; Entrypoint and Cmd combine as docker does" {
	run volt image import "oci:$IMG/oci:app" app-oci
	[ "$status" -eq 0 ]
	[ "$output" = "sha256:$(app_id)" ]
	run volt run --rm app-oci
	[ "$status" -eq 0 ]
	[ "$output" = "ep cmd1 cmd2" ]
	# arguments replace Cmd and keep Entrypoint
	run volt run --rm app-oci x y
	[ "$output" = "ep x y" ]
	# --entrypoint replaces Entrypoint and drops Cmd
	run volt run --rm --entrypoint /bin/echo app-oci only
	[ "$output" = "only" ]
}

@test "skopeo's oci: layout (single image, no tag given) imports to the same image" {
	run volt image import "oci:$IMG/skopeo-oci" app-skopeo
	[ "$status" -eq 0 ]
	[ "$output" = "sha256:$(app_id)" ]
	run volt run --rm app-skopeo
	[ "$output" = "ep cmd1 cmd2" ]
}

@test "oci-archive: imports, runs, and leaves no unpacked copy behind" {
	run volt image import "oci-archive:$IMG/app.oci.tar:app" app-ociar
	[ "$status" -eq 0 ]
	[ "$output" = "sha256:$(app_id)" ]
	run volt run --rm app-ociar
	[ "$output" = "ep cmd1 cmd2" ]
	[ -z "$(ls -A "$VOLT_ROOT/cas/tmp")" ]
}

@test "docker-archive: imports, named after its first RepoTag when no name is given" {
	run volt image import "docker-archive:$IMG/app.docker.tar"
	[ "$status" -eq 0 ]
	[ "$output" = "sha256:$(app_id)" ]
	run volt images --format json
	[[ "$output" == *'"Repository":"docker.io/volt-test/app"'* ]]
	[[ "$output" == *'"Tag":"v1"'* ]]
	run volt run --rm docker.io/volt-test/app:v1 hello
	[ "$output" = "ep hello" ]
	[ -z "$(ls -A "$VOLT_ROOT/cas/tmp")" ]
	# an explicit name wins
	run volt image import "docker-archive:$IMG/app.docker.tar" mine:2
	[ "$status" -eq 0 ]
	run volt run --rm mine:2 x
	[ "$output" = "ep x" ]
}

@test "plain rootfs tarballs: .tar, .tar.gz and .tar.zst" {
	for ext in tar tar.gz tar.zst; do
		run volt image import "$IMG/busybox.$ext" "plain-${ext//./-}"
		[ "$status" -eq 0 ]
		run volt run --rm "plain-${ext//./-}" cat /etc/motd
		[ "$status" -eq 0 ]
		[ "$output" = "volt busybox image" ]
	done
}

@test "a nested multi-platform index picks linux/amd64" {
	[ "$(uname -m)" = x86_64 ] || not_in_this_mode "the test index has amd64 and arm64 only"
	run volt image import "oci:$IMG/oci:multi" multi
	[ "$status" -eq 0 ]
	run volt run --rm multi
	[ "$output" = "amd64" ]
}

@test "layers apply in order: whiteout, opaque directory, replaced file, owners, setuid" {
	run volt run --rm --entrypoint /bin/sh app -c '
		[ ! -e /data/a ] && echo no-a
		cat /data/b
		ls /gone
		readlink /data/link
		stat -c "%a %u:%g" /data/tool /data/owned'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "no-a" ]
	[ "${lines[1]}" = "b from layer 2" ]
	# the opaque whiteout hid old1 and sub/ from layer 1; new is layer 2's
	[ "${lines[2]}" = "new" ]
	[ "${lines[3]}" = "b" ]
	[ "${lines[4]}" = "4755 0:0" ]
	if has_subuid; then
		[ "${lines[5]}" = "640 101:101" ]
	else
		# single-uid mode: every owner is root inside, the mode stays
		[ "${lines[5]}" = "640 0:0" ]
	fi
}

@test "config Env and WorkingDir are honoured; -e and -w override them" {
	run volt run --rm --entrypoint env app
	[[ "$output" == *"FOO=bar from image"* ]]
	[[ "$output" == *$'\nEMPTY=\n'* || "$output" == *$'\nEMPTY='* ]]
	run volt run --rm --entrypoint /bin/sh -e FOO=mine app -c 'echo "$FOO"'
	[ "$output" = "mine" ]
	run volt run --rm --entrypoint pwd app
	[ "$output" = "/data" ]
	run volt run --rm --entrypoint pwd -w /tmp app
	[ "$output" = "/tmp" ]
}

@test "config User is honoured (full map) or refused clearly (single map)" {
	volt image import "oci:$IMG/oci:user" userimg >/dev/null
	run volt run --rm userimg
	if has_subuid; then
		[ "$status" -eq 0 ]
		[[ "$output" == "uid=101(web) gid=101(web)"* ]]
	else
		[ "$status" -eq 125 ]
		[[ "$output" == *"is not mapped: single-uid mode maps only root (0); run as root (-u 0)"* ]]
	fi
	# -u overrides it
	run volt run --rm -u 0 userimg
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=0(root)"* ]]
}

@test "image inspect shows the config (Labels, ExposedPorts) and the layer digests" {
	run volt image inspect app
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].Config.Labels["org.example.flavour"]' <<<"$output")" = vanilla ]
	[ "$(jq -r '.[0].Config.ExposedPorts | keys | join(",")' <<<"$output")" = "53/udp,80/tcp" ]
	[ "$(jq -r '.[0].Config.Entrypoint | join(" ")' <<<"$output")" = "/bin/echo ep" ]
	[ "$(jq -r '.[0].Source' <<<"$output")" = "oci:$IMG/oci:app" ]
	# Layers are the manifest's layer digests, in order
	got=$(jq -r '.[0].Layers | join(" ")' <<<"$output")
	mdigest=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="app") | .digest' "$IMG/oci/index.json")
	want=$(jq -r '[.layers[].digest] | join(" ")' "$IMG/oci/blobs/sha256/${mdigest#sha256:}")
	[ "$got" = "$want" ]
	[ "$(jq -r '.[0].RootFS.diff_ids | length' <<<"$output")" -eq 3 ]
}

@test "Labels and ExposedPorts reach the container's inspect" {
	volt create --name lab --label extra=1 app >/dev/null
	run volt inspect lab
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].Labels | join(",")' <<<"$output" | tr ',' '\n' | sort | tr '\n' ' ')" = \
	  "extra=1 maintainer=volt tests org.example.flavour=vanilla " ]
	[ "$(jq -r '.[0].Config.ExposedPorts | keys | join(",")' <<<"$output")" = "53/udp,80/tcp" ]
}

@test "config StopSignal is what volt stop sends" {
	volt image import "oci:$IMG/oci:stopsig" stopsig >/dev/null
	volt run -d --name sig stopsig sh -c 'trap "echo got-usr1; exit 7" USR1; echo ready; while :; do sleep 0.1; done' >/dev/null
	wait_for sh -c "'$VOLT_BIN' logs sig | grep -q ready"
	run volt stop -t 5 sig
	[ "$status" -eq 0 ]
	# USR1 ran the trap; TERM would have been ignored by PID 1, then KILL (137)
	run volt inspect sig
	[ "$(jq -r '.[0].State.ExitCode' <<<"$output")" -eq 7 ]
	run volt logs sig
	[[ "$output" == *"got-usr1"* ]]
}

# corrupt_copy NAME: a copy of the layout with a byte of one blob changed
corrupt_copy() {
	local dir=$BATS_TEST_TMPDIR/bad
	cp -r "$IMG/oci" "$dir"
	chmod -R u+w "$dir"
	echo "$dir"
}

@test "a corrupted layer is refused with the digest named, and no image is left" {
	dir=$(corrupt_copy)
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="app") | .digest' "$dir/index.json")
	layer=$(jq -r '.layers[2].digest' "$dir/blobs/sha256/${m#sha256:}")
	# same size, one byte different, still a valid tar
	sed -i 's/b from layer 2/c from layer 2/' "$dir/blobs/sha256/${layer#sha256:}"
	refs=$(ls "$VOLT_ROOT/cas/refs" | wc -l)
	run volt image import "oci:$dir:app" corrupt
	[ "$status" -eq 125 ]
	[[ "$output" == *"oci:$dir:app"* ]]
	[[ "$output" == *"layer ${layer:0:19}"*"digest mismatch"* ]]
	run volt images
	[[ "$output" != *corrupt* ]]
	[ "$(ls "$VOLT_ROOT/cas/refs" | wc -l)" -eq "$refs" ]
}

@test "a corrupted config or manifest is refused" {
	dir=$(corrupt_copy)
	m=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"]=="app") | .digest' "$dir/index.json")
	cfg=$(jq -r '.config.digest' "$dir/blobs/sha256/${m#sha256:}")
	sed -i 's/vanilla/chocola/' "$dir/blobs/sha256/${cfg#sha256:}"
	run volt image import "oci:$dir:app" corrupt
	[ "$status" -eq 125 ]
	[[ "$output" == *"config blob $cfg: digest mismatch"* ]]
	sed -i 's/"schemaVersion": 2/"schemaVersion": 3/' "$dir/blobs/sha256/${m#sha256:}"
	run volt image import "oci:$dir:app" corrupt
	[ "$status" -eq 125 ]
	[[ "$output" == *"manifest blob $m: digest mismatch"* ]]
	run volt images
	[[ "$output" != *corrupt* ]]
}

@test "oci: selection errors name the tags; a directory without oci-layout is refused" {
	run volt image import "oci:$IMG/oci" x
	[ "$status" -eq 125 ]
	[[ "$output" == *"name one as oci:DIR:TAG"* ]]
	[[ "$output" == *"app, appgz, stopsig"* ]]
	run volt image import "oci:$IMG/oci:nosuch" x
	[ "$status" -eq 125 ]
	[[ "$output" == *'no image tagged "nosuch"'* ]]
	mkdir -p "$BATS_TEST_TMPDIR/empty"
	run volt image import "oci:$BATS_TEST_TMPDIR/empty" x
	[ "$status" -eq 125 ]
	[[ "$output" == *"not an OCI image layout"* ]]
}

@test "an archive entry that climbs out with .. is refused, nothing lands outside" {
	python3 - "$BATS_TEST_TMPDIR/evil.tar" <<'EOF'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    ti = tarfile.TarInfo("../../escaped-by-archive")
    ti.size = 5
    t.addfile(ti, io.BytesIO(b"pwned"))
EOF
	run volt image import "oci-archive:$BATS_TEST_TMPDIR/evil.tar" evil
	[ "$status" -eq 125 ]
	[[ "$output" == *'contains ".."'* ]]
	[ ! -e "$VOLT_ROOT/cas/escaped-by-archive" ]
	[ ! -e "$VOLT_ROOT/escaped-by-archive" ]
	[ -z "$(ls -A "$VOLT_ROOT/cas/tmp")" ]
}
