#!/usr/bin/env bats
# Options not covered elsewhere: --stop-signal, --label, exec -u, restart of
# exited containers, image config defaults, paths.

load helpers

busybox_fixture

@test "--stop-signal is what stop sends" {
	volt run -d --name sig --stop-signal USR2 busybox sh -c 'trap "exit 12" USR2; trap "exit 15" TERM; while true; do sleep 0.1; done'
	run volt stop sig
	[ "$status" -eq 0 ]
	run volt wait sig
	[ "$output" = 12 ]
	run volt inspect sig
	[[ "$output" == *'"stop_signal": 12'* ]]
}

@test "an invalid --stop-signal is refused before anything is created" {
	run volt run --rm --stop-signal NOPE busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *'invalid stop signal "NOPE"'* ]]
	run volt ps -a -q
	[ -z "$output" ]
}

@test "--label is recorded and shown by inspect and ps --format json" {
	volt create --name lab --label tier=db --label flag busybox true
	run volt inspect lab
	[[ "$output" == *'"tier=db"'* ]]
	[[ "$output" == *'"flag="'* ]]
	run volt ps -a --format json
	[ "$(jq -r 'select(.Names == "lab") | .Labels' <<<"$output" | tr , '\n' | sort | tr '\n' ' ')" = "flag= tier=db " ]
}

@test "exec -u runs as another user of the image" {
	has_subuid || not_in_this_mode "another user needs a subordinate range"
	volt run -d --name eu busybox sleep 100
	run volt exec -u web eu id -u
	[ "$status" -eq 0 ]
	[ "$output" = 101 ]
}

@test "start runs an exited container again and keeps its layer" {
	volt run --name again busybox sh -c 'echo $((`cat /count 2>/dev/null || echo 0` + 1)) >/count; cat /count'
	run volt start -a again
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
}

@test "start of a running container is an error" {
	volt run -d --name twice busybox sleep 100
	run volt start twice
	[ "$status" -eq 125 ]
	[[ "$output" == *"already running"* ]]
}

@test "operations on unknown containers fail clearly" {
	for verb in start stop kill rm wait logs inspect; do
		run volt $verb no-such-ctr
		[ "$status" -eq 125 ]
		[[ "$output" == *"no such container"* ]]
	done
}

@test "containers are found by unique id prefix" {
	id=$(volt create --name pre busybox true)
	run volt inspect "${id:0:8}"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"Name\": \"/pre\""* ]]
}

@test "the working directory of a bind mount target exists inside" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	run volt run --rm -v "$BATS_TEST_TMPDIR/src:/deep/new/dir" -w /deep/new/dir busybox pwd
	[ "$status" -eq 0 ]
	[ "$output" = /deep/new/dir ]
}

@test "a missing bind source is a clear error" {
	run volt run --rm -v /no/such/dir:/x busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"/no/such/dir"* ]]
}

@test "the host's processes and files are not visible" {
	run volt run --rm busybox sh -c 'ls /proc | grep -c "^[0-9]"; test -e /home/$(id -un) && echo leak || echo clean'
	[ "${lines[0]}" -le 3 ]
	[ "${lines[1]}" = clean ]
}

@test "VOLT_ROOT on another directory keeps stores apart" {
	run env VOLT_ROOT="$BATS_TEST_TMPDIR/other" "$VOLT_BIN" images -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
