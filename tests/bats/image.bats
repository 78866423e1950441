#!/usr/bin/env bats
# volt image import, images, rmi, image inspect; the CAS underneath.

load helpers

setup() {
	volt_env
	require_userns
}

@test "import a plain rootfs tarball; images lists it" {
	run volt image import "$BUSYBOX_TAR" myimg:1.0
	[ "$status" -eq 0 ]
	[[ "$output" == sha256:* ]]
	run volt images
	[[ "$output" == *"myimg"*"1.0"* ]]
	run volt images --format json
	[[ "$output" == *'"Repository":"myimg"'* ]]
}

@test "files are stored once by content in the CAS" {
	volt image import "$BUSYBOX_TAR" a:1
	n1=$(find "$VOLT_ROOT/cas/objects" -type f | wc -l)
	volt image import "$BUSYBOX_TAR" b:1
	n2=$(find "$VOLT_ROOT/cas/objects" -type f | wc -l)
	[ "$n1" -gt 0 ]
	[ "$n1" -eq "$n2" ]
	[ -n "$(ls "$VOLT_ROOT/cas/refs/")" ]
}

@test "image inspect shows the config and layer digests" {
	volt image import "$BUSYBOX_TAR" insp
	run volt image inspect insp
	[ "$status" -eq 0 ]
	[[ "$output" == *'"Layers": ['* ]]
	[[ "$output" == *'"sha256:'* ]]
}

@test "rmi removes the image and its checkout" {
	id=$(volt image import "$BUSYBOX_TAR" gone | cut -d: -f2)
	[ -d "$VOLT_ROOT/cas/checkouts/$id" ]
	run volt rmi gone
	[ "$status" -eq 0 ]
	[ ! -d "$VOLT_ROOT/cas/checkouts/$id" ]
	run volt images
	[[ "$output" != *"gone"* ]]
}

@test "rmi refuses an image a container uses and changes nothing; -f untags it" {
	id=$(volt image import "$BUSYBOX_TAR" used | cut -d: -f2)
	volt create --name user1 used true
	run volt rmi used
	[ "$status" -eq 125 ]
	[[ "$output" == *"used by 1 container"* ]]
	[[ "$output" != *Untagged* ]]
	# the name is still there
	volt images | grep -qE "^used +latest +${id:0:12} "
	run volt rmi "${id:0:12}"
	[ "$status" -eq 125 ]
	volt images | grep -qE "^used +latest +${id:0:12} "
	run volt rmi -f used
	[ "$status" -eq 0 ]
	[ "$output" = "Untagged: used" ]
	run volt images
	[[ "$output" != *"used "* ]]
	[[ "$output" == *"<none>"*"${id:0:12}"* ]]
	# the image stays for its container, which still runs
	[ -d "$VOLT_ROOT/cas/checkouts/$id" ]
	run volt start -a user1
	[ "$status" -eq 0 ]
	volt rm user1
	run volt rmi "${id:0:12}"
	[ "$status" -eq 0 ]
	[ ! -d "$VOLT_ROOT/cas/checkouts/$id" ]
}

@test "a layer with .. is refused and nothing is written outside the store" {
	tmp=$BATS_TEST_TMPDIR
	mkdir -p "$tmp/evil"
	echo pwned >"$tmp/evil/x"
	tar -C "$tmp/evil" -cf "$tmp/evil.tar" --transform 's|x|../../escaped|' x
	run volt image import "$tmp/evil.tar" evil
	[ "$status" -eq 125 ]
	[[ "$output" == *'contains ".."'* ]]
	[ ! -e "$VOLT_ROOT/../escaped" ]
}

@test "a bad image name is refused" {
	run volt image import "$BUSYBOX_TAR" 'Bad Name'
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid image name"* ]]
}
