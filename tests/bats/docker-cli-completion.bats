#!/usr/bin/env bats
# Completion and manual pages (issue 17 item 6): written from the command
# tables, so every command and option --help shows is in each.

load helpers

setup_file() {
	volt_env
	require_userns
	import_busybox
	export OUT="$BATS_FILE_TMPDIR/gen"
	mkdir -p "$OUT"
	volt completion bash >"$OUT/volt.bash"
	volt completion zsh >"$OUT/_volt"
	volt __man "$OUT/man"
	# every command path as --help lists them, groups walked
	paths() { # PREFIX...
		local c
		for c in $("$VOLT_BIN" "$@" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p'); do
			echo "$* $c" | sed 's/^ //'
			if "$VOLT_BIN" "$@" "$c" --help 2>/dev/null | grep -q '^Commands:'; then
				paths "$@" "$c"
			fi
		done
	}
	paths >"$OUT/paths"
}

setup() {
	volt_env
	# the scripts ask `volt` for names, as a user's shell would find it
	export PATH="$VOLT_TEST_DIR/bin:$PATH"
}

# complete WORDS...: what the bash completion offers for the last word
complete_bash() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _volt; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$OUT/volt.bash" "$@"
}

# complete_zsh WORDS...: the same through the zsh function, compadd stubbed
complete_zsh() {
	zsh -c 'compdef() { :; }; compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }; _files() { print FILES; }
		source "$1"; shift; words=("$@"); CURRENT=$#; _volt' _ "$OUT/_volt" "$@"
}

# options CMD...: the long options CMD's --help shows at the start of a line
options() {
	"$VOLT_BIN" "$@" --help | sed -n 's/^ \{1,\}\(-[a-zA-Z], \)\{0,1\}--\([a-z][a-z0-9-]*\).*/\2/p' | sort -u
}

@test "the list of commands is not empty (the walk works)" {
	[ "$(wc -l <"$OUT/paths")" -gt 50 ]
	grep -qx 'volume ls' "$OUT/paths"
	grep -qx 'vm kernel ls' "$OUT/paths"
}

@test "every command volt --help lists has a man page and completes in bash and zsh" {
	one_pass_only
	[ -f "$OUT/man/volt.1" ]
	while read -r p; do
		page="$OUT/man/volt-${p// /-}.1"
		[ -f "$page" ] || { echo "no man page for $p"; false; }
		grep -q '^\.SH SYNOPSIS' "$page"
		read -r -a w <<<"$p"
		last=${w[-1]}
		prefix=("${w[@]:0:${#w[@]}-1}")
		got=$(complete_bash volt "${prefix[@]}" "${last:0:2}")
		grep -qx "$last" <<<"$got" || { echo "bash does not complete $p"; false; }
		got=$(complete_zsh volt "${prefix[@]}" "${last:0:2}")
		grep -qx "$last" <<<"$got" || { echo "zsh does not complete $p"; false; }
	done <"$OUT/paths"
}

@test "every option a command's --help shows is in its completion and its man page" {
	one_pass_only
	n=0
	while read -r p; do
		"$VOLT_BIN" $p --help | grep -q '^Commands:' && continue
		page="$OUT/man/volt-${p// /-}.1"
		opts=$(options $p | sed 's/^/--/')
		[ -n "$opts" ] || continue
		# what each lacks: the options no line of its list matches whole
		lacks=$(grep -vxF -f <(complete_bash volt $p -) <<<"$opts") && { echo "bash: volt $p lacks $lacks"; false; }
		lacks=$(grep -vxF -f <(complete_zsh volt $p -) <<<"$opts") && { echo "zsh: volt $p lacks $lacks"; false; }
		lacks=$(grep -vxF -f <(grep -o '\\-\\-[a-z][a-z0-9-]*' "$page" | sed 's/\\//g') <<<"$opts") &&
			{ echo "man: volt $p lacks $lacks"; false; }
		n=$((n + $(wc -l <<<"$opts")))
	done <"$OUT/paths"
	[ "$n" -gt 150 ]
}

@test "completion offers container, image and volume names; then files" {
	volt create --name comp-ctr busybox true >/dev/null
	volt volume create comp-vol >/dev/null
	run complete_bash volt rm comp-
	[ "$output" = comp-ctr ]
	run complete_bash volt --root "$VOLT_ROOT" inspect comp-
	[ "$output" = comp-ctr ]
	run complete_bash volt run busy
	[ "$output" = busybox:latest ]
	run complete_bash volt volume rm comp-
	[ "$output" = comp-vol ]
	run complete_zsh volt stop comp
	[ "$output" = comp-ctr ]
	# after the image: the command's words are files
	run complete_zsh volt run busybox x
	[ "$output" = FILES ]
	# an option's value is not a command
	run complete_bash volt run --name ru
	[[ "$output" != *run* ]]
	volt rm comp-ctr >/dev/null
	volt volume rm comp-vol >/dev/null
}

@test "volt completion: a shell it does not know is one line" {
	run --separate-stderr volt completion fish
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: completion: fish: bash or zsh"* ]]
}
