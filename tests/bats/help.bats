#!/usr/bin/env bats
# -h/--help on every command and subcommand, unknown options, [y/N] prompts.
# The command list comes from `volt --help` and each group's own --help, so a
# command added to a table is walked here without editing this file.

load helpers

setup() {
	volt_env
}

# subcommands CMD...: the names under "Commands:" in `volt CMD... --help`
subcommands() {
	"$VOLT_BIN" "$@" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ { print $1 }'
}

# walk CMD...: every command below CMD..., one path a line; groups too
walk() {
	local c
	for c in $(subcommands "$@"); do
		echo "${*:+$* }$c"
		walk "$@" "$c"
	done
}

# leaves: the paths that have no subcommands
leaves() {
	local p
	while read -r p; do
		[ -z "$(subcommands $p)" ] && echo "$p"
	done < <(walk)
}

# state: what a command could have changed (names only: a read may touch times)
state() {
	find "$VOLT_ROOT" 2>/dev/null | sort
	"$VOLT_BIN" volume ls -q
	"$VOLT_BIN" ps -aq
}

# keep: a volume, and a container that uses another one when one can be made
make_things() {
	volt volume create keep-v >/dev/null
	volt inspect keep-c >/dev/null 2>&1 && return 0
	if unshare -Ur true 2>/dev/null && import_busybox 2>/dev/null; then
		volt create --name keep-c -v keep-used:/data busybox true >/dev/null
	fi
}

@test "the walk finds every command and subcommand of the tables" {
	one_pass_only
	run walk
	[ "$status" -eq 0 ]
	echo "$output"
	# a few known ones, from volt, from volt-image and two levels down
	for p in "rm" "volume" "volume prune" "volume create" "image inspect" "image save" "cas gc" \
		"bundle create" "security profile create" "pull"; do
		grep -qx "$p" <<<"$output"
	done
	[ "$(wc -l <<<"$output")" -ge 50 ]
}

@test "every command and subcommand answers -h and --help with its usage and changes nothing" {
	one_pass_only
	make_things
	before=$(state)
	n=0
	while read -r p; do
		for h in -h --help; do
			run --separate-stderr "$VOLT_BIN" $p $h
			if [ "$status" -ne 0 ] || [[ "$output" != "Usage: volt "* ]] || [ -n "$stderr" ]; then
				echo "volt $p $h: status $status, stdout: $output, stderr: $stderr"
				return 1
			fi
			n=$((n + 1))
		done
	done < <(walk)
	[ "$n" -ge 100 ]
	[ "$(state)" = "$before" ]
}

@test "volume prune --help, rm --help, volume rm --help after a name: nothing removed" {
	make_things
	before=$(state)
	for args in "volume prune --help" "volume prune -h" "volume prune -f --help" "volume rm keep-v --help" \
		"rm --help" "rm -f keep-c --help" "rmi busybox --help" "volume create --help" "image inspect --help" \
		"security profile create x --help" "cas gc --help"; do
		run "$VOLT_BIN" $args
		[ "$status" -eq 0 ]
		[[ "$output" == Usage:* ]]
	done
	[ "$(state)" = "$before" ]
	run volt volume ls -q
	[[ "$output" == *keep-v* ]]
	[ ! -e "$VOLT_ROOT/volumes/--help" ]
}

@test "an unknown option is an error (125) before anything runs, on every command" {
	one_pass_only
	make_things
	before=$(state)
	while read -r p; do
		# volt oci is runc's command line: its errors exit 1, as runc's do
		# (oci.bats checks them); everything else is volt's own, 125
		if [ "$p" = oci ]; then
			run "$VOLT_BIN" oci --no-such-option
			[ "$status" -eq 1 ]
			continue
		fi
		run "$VOLT_BIN" $p --no-such-option keep-v
		if [ "$status" -ne 125 ] || [[ "$output" != *"unknown option --no-such-option"* ]]; then
			echo "volt $p --no-such-option: status $status: $output"
			return 1
		fi
		run "$VOLT_BIN" $p -Z
		[ "$status" -eq 125 ]
		[[ "$output" == *"unknown option -Z"* ]]
	done < <(leaves)
	[ "$(state)" = "$before" ]
	run volt rm --force=yes x
	[ "$status" -eq 125 ]
	[[ "$output" == *"option --force takes no value"* ]]
	run volt logs --tail
	[ "$status" -eq 125 ]
	[[ "$output" == *"option --tail needs a value"* ]]
}

@test "an argument that starts with '-' is never a name" {
	run volt volume create -x
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown option -x"* ]]
	run volt volume ls -q
	[[ "$output" != *"-x"* ]]
	run volt image inspect --bogus
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown option --bogus"* ]]
	# after --, a name is a name (and this one is refused as one)
	run volt volume create -- -x
	[ "$status" -eq 125 ]
	[[ "$output" == *'invalid volume name "-x"'* ]]
	run volt wait --
	[ "$status" -eq 125 ]
	[[ "$output" == *"requires at least 1 argument"* ]]
}

@test "a group without its command prints its usage to stderr and fails" {
	run --separate-stderr volt volume
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	[[ "$stderr" == "Usage: volt volume COMMAND"* ]]
	run volt volume frob
	[ "$status" -eq 125 ]
	[[ "$output" == *'volume: unknown command "frob"'* ]]
}

@test "volume prune asks [y/N] on a terminal: n keeps, y removes; -f does not ask" {
	volt volume create pr-a >/dev/null
	run script -qec "$VOLT_BIN volume prune" /dev/null <<<n
	[ "$status" -eq 0 ]
	[[ "$output" == *"Are you sure you want to continue? [y/N]"* ]]
	[ -d "$VOLT_ROOT/volumes/pr-a" ]
	run script -qec "$VOLT_BIN volume prune" /dev/null <<<""
	[ -d "$VOLT_ROOT/volumes/pr-a" ]
	run script -qec "$VOLT_BIN volume prune" /dev/null <<<y
	[ "$status" -eq 0 ]
	[[ "$output" == *"[y/N]"*"pr-a"* ]]
	[ ! -e "$VOLT_ROOT/volumes/pr-a" ]
	volt volume create pr-b >/dev/null
	run script -qec "$VOLT_BIN volume prune -f" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[[ "$output" != *"[y/N]"* ]]
	[[ "$output" == *"pr-b"* ]]
	[ ! -e "$VOLT_ROOT/volumes/pr-b" ]
}

@test "volume prune without a terminal reads the answer from stdin, as docker does" {
	volt volume create pr-c >/dev/null
	run --separate-stderr volt volume prune </dev/null
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"[y/N]"* ]]
	[ -z "$output" ]
	[ -d "$VOLT_ROOT/volumes/pr-c" ]
	run volt volume prune <<<no
	[ -d "$VOLT_ROOT/volumes/pr-c" ]
	run --separate-stderr volt volume prune <<<y
	[ "$status" -eq 0 ]
	[ "$output" = pr-c ]
	[ ! -e "$VOLT_ROOT/volumes/pr-c" ]
}
