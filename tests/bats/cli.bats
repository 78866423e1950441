#!/usr/bin/env bats
# --help, info, paths.

load helpers

setup() {
	volt_env
}

@test "volt --help lists the commands" {
	run volt --help
	[ "$status" -eq 0 ]
	for c in run create start stop restart kill rm ps logs exec inspect wait images rmi info; do
		[[ "$output" == *"  $c "* ]]
	done
}

@test "every command has --help" {
	for c in run create start stop restart kill rm ps logs exec inspect wait images rmi info image; do
		run volt $c --help
		[ "$status" -eq 0 ]
		[[ "$output" == Usage:* ]]
	done
}

@test "an unknown command is an error" {
	run volt frobnicate
	[ "$status" -eq 125 ]
	[[ "$output" == *'unknown command "frobnicate"'* ]]
}

@test "info reports id mapping, overlay, paths and the supervisor" {
	run volt info
	[ "$status" -eq 0 ]
	[[ "$output" == *"id mapping:"* ]]
	if has_subuid; then [[ "$output" == *"mode: full"* ]]; else [[ "$output" == *"mode: single"* ]]; fi
	[[ "$output" == *"root: $VOLT_ROOT"* ]]
	[[ "$output" == *"supervisor:"* ]]
	# the network lines, printed by the CLI from the library's JSON
	[[ "$output" == *"default: slirp (libslirp "*" in volt-shim, MTU 65520)"* ]]
	[[ "$output" =~ "/dev/net/tun usable: "(yes|no) ]]
	run volt info --format json
	[[ "$output" == *'"landlock_abi"'* ]]
}

@test "--root and --runroot override the environment" {
	run volt --root "$BATS_TEST_TMPDIR/r2" --runroot "$BATS_TEST_TMPDIR/rr2" info
	[ "$status" -eq 0 ]
	[[ "$output" == *"root: $BATS_TEST_TMPDIR/r2"* ]]
	[[ "$output" == *"runroot: $BATS_TEST_TMPDIR/rr2"* ]]
	# the directories given are the ones made
	[ -d "$BATS_TEST_TMPDIR/r2" ] && [ -d "$BATS_TEST_TMPDIR/rr2" ]
}
