#!/usr/bin/env bats
# volt system reset, volt unshare, and volt rm of what an interrupted
# `rm -rf` of the store leaves. Every test has a store of its own.

load helpers

setup() {
	require_userns
	export VOLT_ROOT="$BATS_TEST_TMPDIR/root"
	export VOLT_RUNROOT="$BATS_TEST_TMPDIR/run"
}

teardown() {
	volt system reset -f >/dev/null 2>&1 || true
}

# store_procs: processes (not zombies) whose arguments name this test's store
store_procs() {
	local line
	ps -u "$(id -un)" -o stat=,args= | while read -r line; do
		[[ "$line" != Z* && "$line" == *"$BATS_TEST_TMPDIR/"* ]] && echo "$line"
	done || true
}

# fill_store: an image, a volume, an exited container and a running one, with
# files owned by a subordinate id (full mode) in read-only directories (both
# modes) in the upper layer and the volume: a plain rm -rf of the store fails
fill_store() {
	import_busybox
	volt volume create vol >/dev/null
	volt run --name done -v vol:/data busybox sh -c \
		'mkdir -p /x/y /data/d; touch /x/y/f /data/d/f; chown -R 5:5 /x /data/d 2>/dev/null; chmod 0500 /x/y /data/d' >/dev/null
	volt run -d --name bg busybox sleep 300 >/dev/null
}

@test "system reset -f: containers, images, volumes, the store and the runtime directory go; no process is left" {
	fill_store
	[ -n "$(store_procs)" ]
	run ! rm -rf "$VOLT_ROOT"   # what a user would try first
	run volt system reset -f
	[ "$status" -eq 0 ]
	[ ! -e "$VOLT_ROOT" ]
	[ ! -e "$VOLT_RUNROOT" ]
	run store_procs
	[ -z "$output" ]
	# and volt starts from nothing again
	import_busybox
	run volt run --rm busybox echo again
	[ "$output" = "again" ]
	run volt ps -a -q
	[ -z "$output" ]
}

@test "system reset unmounts the store's FUSE views and stops their servers" {
	[ -w /dev/fuse ] && command -v fusermount3 >/dev/null || skip_or_fail "FUSE (/dev/fuse, fusermount3) is not usable"
	import_busybox
	volt run -d --rootfs-lower fuse --name f busybox sleep 300 >/dev/null
	grep -q " $VOLT_RUNROOT/fuse/" /proc/self/mountinfo
	run volt system reset -f
	[ "$status" -eq 0 ]
	run grep " $VOLT_RUNROOT/" /proc/self/mountinfo
	[ -z "$output" ]
	[ ! -e "$VOLT_ROOT" ]
	[ ! -e "$VOLT_RUNROOT" ]
	run store_procs
	[ -z "$output" ]
}

@test "system reset without -f and without a terminal refuses and removes nothing" {
	import_busybox
	run volt system reset </dev/null
	[ "$status" -eq 125 ]
	[[ "$output" == *"no terminal to ask on: use -f"* ]]
	[ -e "$VOLT_ROOT/state.db" ]
	run volt images -q
	[ -n "$output" ]
}

@test "system reset on a terminal asks [y/N]: no keeps the store, y removes it" {
	import_busybox
	run bash -c "echo n | script -qec '$VOLT_BIN system reset' /dev/null"
	[ "$status" -eq 0 ]
	[[ "$output" == *"[y/N]"* ]]
	[ -e "$VOLT_ROOT/state.db" ]
	run bash -c "echo y | script -qec '$VOLT_BIN system reset' /dev/null"
	[ "$status" -eq 0 ]
	[ ! -e "$VOLT_ROOT" ]
	[ ! -e "$VOLT_RUNROOT" ]
}

@test "system reset after a half-run rm -rf (state database gone, a container still running)" {
	fill_store
	rm -rf "$VOLT_ROOT" 2>/dev/null || true
	[ ! -e "$VOLT_ROOT/state.db" ]
	[ -n "$(store_procs)" ]
	run volt system reset -f
	[ "$status" -eq 0 ]
	[ ! -e "$VOLT_ROOT" ]
	[ ! -e "$VOLT_RUNROOT" ]
	run store_procs
	[ -z "$output" ]
}

@test "system reset refuses a root that is not a store" {
	mkdir -p "$BATS_TEST_TMPDIR/notastore"
	echo keep >"$BATS_TEST_TMPDIR/notastore/mine"
	run volt --root "$BATS_TEST_TMPDIR/notastore" system reset -f
	[ "$status" -eq 125 ]
	[[ "$output" == *"does not look like a volt store"* ]]
	[ -e "$BATS_TEST_TMPDIR/notastore/mine" ]
}

@test "system reset refuses a runtime directory another store's running container uses" {
	import_busybox
	other="$BATS_TEST_TMPDIR/other"
	volt --root "$other" image import "$BUSYBOX_TAR" busybox >/dev/null
	volt --root "$other" run -d --name keep busybox sleep 300 >/dev/null
	run volt system reset -f
	[ "$status" -eq 125 ]
	[[ "$output" == *"in use by another store"* ]]
	run volt --root "$other" ps -q
	[ -n "$output" ]
	[ -e "$VOLT_ROOT/state.db" ]
	# once the other store is gone, it goes
	volt --root "$other" system reset -f
	run volt system reset -f
	[ "$status" -eq 0 ]
	[ ! -e "$VOLT_ROOT" ]
}

@test "rm removes a container directory whose record is gone, by its id" {
	fill_store
	id=$(volt inspect done | jq -r '.[0].Id')
	[ -d "$VOLT_ROOT/containers/$id" ]
	bgid=$(volt inspect bg | jq -r '.[0].Id')
	rm -f "$VOLT_ROOT"/state.db*   # the records go, the directories stay
	run volt rm "${id:0:12}"
	[ "$status" -eq 0 ]
	[ ! -e "$VOLT_ROOT/containers/$id" ]
	# a running one: its monitor goes with it
	run volt rm "$bgid"
	[ "$status" -eq 0 ]
	[ ! -e "$VOLT_ROOT/containers/$bgid" ]
	[ -z "$(store_procs | grep "$bgid")" ]
	run volt rm 0123456789ab
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such container"* ]]
}

@test "rm of a half-removed container (record kept, upper layer partly gone)" {
	fill_store
	id=$(volt inspect done | jq -r '.[0].Id')
	rm -rf "$VOLT_ROOT/containers/$id" 2>/dev/null || true
	run volt rm done
	[ "$status" -eq 0 ]
	[ ! -e "$VOLT_ROOT/containers/$id" ]
	run volt inspect done
	[ "$status" -ne 0 ]
}

@test "unshare: root in the store's user namespace, with its map" {
	run volt unshare id -u
	[ "$status" -eq 0 ]
	[ "$output" = "0" ]
	run volt unshare cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	map=$(echo "$output" | awk '{print $1 ":" $2 ":" $3}' | paste -sd,)
	if has_subuid; then
		[[ "$map" == "0:$(id -u):1,1:"*":65536" ]]
	else
		[ "$map" = "0:$(id -u):1" ]
	fi
	run volt unshare sh -c 'echo "$VOLT_ROOT"; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = "$VOLT_ROOT" ]
}

@test "unshare removes files a plain rm cannot (mapped owners, read-only directories)" {
	fill_store
	volt rm -f bg >/dev/null
	up=$(ls -d "$VOLT_ROOT"/containers/*/upper/x)
	run ! rm -rf "$up"
	[ -e "$up/y" ]
	if has_subuid; then
		run stat -c %u "$up/y"
		[ "$output" -ne "$(id -u)" ]
	fi
	run volt unshare rm -rf "$up"
	[ "$status" -eq 0 ]
	[ ! -e "$up" ]
}
