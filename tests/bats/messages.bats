#!/usr/bin/env bats
# Error messages: one line per failure, no errno text where the message says
# it already, single-uid mode's limits with the way out.

load helpers

setup() {
	volt_env
}

@test "a name in use, a volume in use, no such volume: no stray errno text" {
	require_userns
	import_busybox
	volt create --name dup -v used-v:/data busybox true >/dev/null
	run volt create --name dup busybox true
	[ "$status" -eq 125 ]
	[ "$output" = 'volt: the container name "dup" is already in use' ]
	run volt volume rm used-v
	[ "$status" -eq 125 ]
	[ "$output" = "volt: volume used-v is in use by container dup: remove it first, or use -f" ]
	run volt volume inspect nosuch-v
	[ "$status" -eq 125 ]
	[[ "$output" == *"volt: no such volume: nosuch-v"* ]]
	[[ "$output" != *"No such file"* ]]
	run volt rmi nosuch-image
	[ "$status" -eq 125 ]
	[[ "$output" != *"No such file"* ]]
	volt rm dup >/dev/null
}

@test "an image that cannot be pulled: one error line for volt run" {
	require_userns
	# a loopback registry that is not there: the pull fails at once
	run --separate-stderr volt run --rm 127.0.0.1:9/no-such-image true
	[ "$status" -eq 125 ]
	[ "$(grep -c '^volt:' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == *"volt: image 127.0.0.1:9/no-such-image: not in the store, and pulling it failed: registry 127.0.0.1:9: "* ]]
}

@test "info: single mode's parenthesis is closed, its limits come with the way out" {
	run volt info
	[ "$status" -eq 0 ]
	mode=$(grep '^  mode:' <<<"$output")
	[ "$(tr -cd '(' <<<"$mode" | wc -c)" -eq "$(tr -cd ')' <<<"$mode" | wc -c)" ]
	if has_subuid; then
		[ "$mode" = "  mode: full" ]
	else
		[[ "$mode" == "  mode: single ("*")" ]]
		[[ "$output" == *"APT::Sandbox::User=root"*"'user root;'"*"/etc/subuid"* ]]
	fi
}

@test "single-uid mode: another user is refused with the way out, not EINVAL" {
	require_userns
	import_busybox
	run volt run --rm -u 1000:0 busybox id -u
	if has_subuid; then
		[ "$status" -eq 0 ]
		[ "$output" = 1000 ]
		return 0
	fi
	[ "$status" -eq 125 ]
	[[ "$output" == *"user 1000 is not mapped: single-uid mode maps only root (0); run as root (-u 0), or get a subordinate range in /etc/subuid" ]]
	[[ "$output" != *"Invalid argument"* ]]
}
