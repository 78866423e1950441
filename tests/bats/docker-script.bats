#!/usr/bin/env bats
# A docker CI script, unchanged (tools/docker-ci.sh), run with a `docker` on
# PATH that execs volt, and once more through `alias docker=volt` (issue 17
# item 5). Both id-mapping passes run it.

load helpers

setup_file() {
	volt_env
	require_userns
	import_busybox
	mkdir -p "$BATS_FILE_TMPDIR/bin"
	printf '#!/bin/sh\nexec "%s" "$@"\n' "$VOLT_BIN" >"$BATS_FILE_TMPDIR/bin/docker"
	chmod +x "$BATS_FILE_TMPDIR/bin/docker"
	# for the alias pass: a docker on PATH that fails, so that only the
	# alias can make the script pass (a host may have docker's client)
	mkdir -p "$BATS_FILE_TMPDIR/nodocker"
	printf '#!/bin/sh\necho "the docker on PATH ran, not the alias" >&2\nexit 99\n' >"$BATS_FILE_TMPDIR/nodocker/docker"
	chmod +x "$BATS_FILE_TMPDIR/nodocker/docker"
}

setup() {
	volt_env
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

@test "a docker CI script passes unchanged with a docker wrapper on PATH" {
	run env PATH="$BATS_FILE_TMPDIR/bin:$PATH" bash "$BATS_TEST_DIRNAME/tools/docker-ci.sh"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "CI OK" ]
	[ -z "$(volt ps -aq)" ]
}

@test "the same script passes with alias docker=volt" {
	# aliases need an interactive-like shell: expand them, then source it
	run env PATH="$BATS_FILE_TMPDIR/nodocker:$PATH" bash -c \
		"shopt -s expand_aliases; alias docker='$VOLT_BIN'; source '$BATS_TEST_DIRNAME/tools/docker-ci.sh'"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "CI OK" ]
}
