#!/usr/bin/env bats
# docker's command line as scripts use it: version, help COMMAND, the
# container and image groups, tag, rename, container prune, image prune.

load helpers

busybox_fixture --keep

@test "version prints the client version; --format json as docker's shape" {
	run volt version
	[ "$status" -eq 0 ]
	[[ "$output" == "Client:"* ]]
	[[ "$output" == *"Version:"*[0-9].[0-9]* ]]
	run volt version --format json
	[ "$status" -eq 0 ]
	v=$(jq -r .Client.Version <<<"$output")
	[ "$v" = "$(volt --version | awk '{ print $3 }')" ]
	run volt version --format '{{.Bogus'
	[ "$status" -eq 125 ]
}

@test "help COMMAND is COMMAND --help, through groups" {
	run volt help rm
	[ "$status" -eq 0 ]
	[ "$output" = "$(volt rm --help)" ]
	run volt help volume prune
	[ "$status" -eq 0 ]
	[ "$output" = "$(volt volume prune --help)" ]
	run volt help
	[ "$status" -eq 0 ]
	[[ "$output" == "Usage: volt "*"Commands:"* ]]
	run volt help no-such-command
	[ "$status" -eq 125 ]
	[[ "$output" == *'unknown command "no-such-command"'* ]]
}

@test "container ls/run/inspect/rm and image ls/inspect/rm run the top-level commands" {
	run volt container run --name grp-a busybox echo hi-from-group
	[ "$status" -eq 0 ]
	[[ "$output" == *hi-from-group* ]]
	run volt container ls -a
	[ "$status" -eq 0 ]
	[[ "$output" == *grp-a* ]]
	[ "$(volt container ls -aq)" = "$(volt ps -aq)" ]
	run volt container inspect grp-a
	[ "$status" -eq 0 ]
	[[ "$output" == *'"/grp-a"'* ]]
	run volt container logs grp-a
	[[ "$output" == *hi-from-group* ]]
	run volt container rm grp-a
	[ "$status" -eq 0 ]
	run volt ps -a
	[[ "$output" != *grp-a* ]]
	run volt image ls
	[ "$status" -eq 0 ]
	[[ "$output" == *busybox* ]]
	run volt image inspect busybox
	[ "$status" -eq 0 ]
	run volt container frob
	[ "$status" -eq 125 ]
	[[ "$output" == *'container: unknown command "frob"'* ]]
	run volt container stop --help
	[ "$status" -eq 0 ]
	[[ "$output" == "Usage: volt stop"* ]]
}

@test "tag gives an image another name; rmi of the name leaves the image" {
	id=$(volt images -q | head -1)
	run volt tag busybox my/box:v1
	[ "$status" -eq 0 ]
	run volt images
	[[ "$output" == *"my/box"*"v1"* ]]
	run volt images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
	[ "$status" -eq 0 ]
	grep -qx "my/box:v1 ${id:0:12}" <<<"$output"
	grep -qx "busybox:latest ${id:0:12}" <<<"$output"
	[[ "$output" != *REPOSITORY* ]]
	run volt images --format '{{.Nope'
	[ "$status" -eq 125 ]
	run volt image inspect my/box:v1
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"Id\": \"$id"* ]]
	run volt image tag my/box:v1 other
	[ "$status" -eq 0 ]
	run volt image inspect other:latest
	[ "$status" -eq 0 ]
	run volt rmi my/box:v1 other
	[ "$status" -eq 0 ]
	[[ "$output" == *"Untagged: my/box:v1"* ]]
	run volt image inspect busybox
	[ "$status" -eq 0 ]
	run volt tag no-such-image x
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such image: no-such-image"* ]]
	run volt tag busybox 'Bad Name'
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid image name"* ]]
	run volt tag busybox
	[ "$status" -eq 125 ]
}

@test "rename: the new name finds the container, the old one does not; taken names are refused" {
	volt create --name ren-a busybox true >/dev/null
	volt create --name ren-b busybox true >/dev/null
	run volt rename ren-a ren-c
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run volt inspect ren-c
	[ "$status" -eq 0 ]
	run volt inspect ren-a
	[ "$status" -ne 0 ]
	run volt ps -a
	[[ "$output" == *ren-c* ]]
	run volt rename ren-c ren-b
	[ "$status" -eq 125 ]
	[[ "$output" == *'"ren-b" is already in use'* ]]
	run volt rename ren-c 'bad/name'
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid container name"* ]]
	run volt rename no-such x
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such container: no-such"* ]]
	run volt container rename ren-c ren-d
	[ "$status" -eq 0 ]
	run volt start -a ren-d
	[ "$status" -eq 0 ]
	volt rm -f ren-d ren-b >/dev/null
}

@test "container prune asks [y/N]: n keeps; y removes the stopped ones only and reports them" {
	volt create --name pr-created busybox true >/dev/null
	volt run --name pr-exited busybox sh -c 'head -c 300000 /dev/urandom >/big' >/dev/null
	volt run -d --name pr-running busybox sleep 60 >/dev/null
	run --separate-stderr volt container prune <<<n
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WARNING! This will remove all stopped containers."*"[y/N]"* ]]
	[ -z "$output" ]
	volt inspect pr-created >/dev/null
	exited=$(volt inspect pr-exited | jq -r '.[0].Id')
	created=$(volt inspect pr-created | jq -r '.[0].Id')
	run --separate-stderr volt container prune <<<y
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "$output" == "Deleted Containers:"* ]]
	grep -qx "$exited" <<<"$output"
	grep -qx "$created" <<<"$output"
	# the 300 kB the exited one wrote are in the figure
	line=$(grep '^Total reclaimed space: ' <<<"$output")
	[[ "$line" =~ ([0-9.]+)kB$ ]] || [[ "$line" =~ ([0-9.]+)MB$ ]]
	[[ "$line" != *" 0B" ]]
	run volt ps -a --format json
	[[ "$output" == *pr-running* ]]
	[[ "$output" != *pr-exited* ]]
	[[ "$output" != *pr-created* ]]
	# nothing stopped: no list, 0B, and -f does not ask
	run --separate-stderr volt container prune -f </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "Total reclaimed space: 0B" ]
	[[ "$stderr" != *"[y/N]"* ]]
	volt rm -f pr-running >/dev/null
}

@test "image prune removes dangling images; -a every unused one; images in use stay" {
	# two small images of their own content (their objects are theirs alone)
	for n in d u; do
		mkdir -p "$BATS_TEST_TMPDIR/$n"
		head -c 300000 /dev/urandom >"$BATS_TEST_TMPDIR/$n/blob"
		tar -C "$BATS_TEST_TMPDIR/$n" -cf "$BATS_TEST_TMPDIR/$n.tar" .
	done
	volt image import "$BATS_TEST_TMPDIR/d.tar" dang:1 >/dev/null
	dang=$(volt image inspect dang:1 | jq -r '.[0].Id')
	volt image import "$BATS_TEST_TMPDIR/u.tar" unused:1 >/dev/null
	unused=$(volt image inspect unused:1 | jq -r '.[0].Id')
	# nothing dangling yet: 0B, and -f does not ask
	run --separate-stderr volt image prune -f </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "Total reclaimed space: 0B" ]
	[[ "$stderr" != *"[y/N]"* ]]
	# its name moves to busybox: dang's image has none left
	volt tag busybox dang:1
	run --separate-stderr volt image prune <<<n
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WARNING! This will remove all dangling images."*"[y/N]"* ]]
	[ -z "$output" ]
	volt image inspect "$dang" >/dev/null
	run --separate-stderr volt image prune <<<y
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "$output" == "Deleted Images:"* ]]
	grep -qx "deleted: sha256:$dang" <<<"$output"
	[[ "$output" != *"$unused"* ]]
	[[ "$output" =~ Total\ reclaimed\ space:\ [0-9.]+kB ]]
	run volt image inspect "$dang"
	[ "$status" -ne 0 ]
	# -a: every image no container uses; busybox's (used) stays with its names
	volt create --name user-of-busybox busybox true >/dev/null
	run --separate-stderr volt image prune -a <<<n
	[[ "$stderr" == *"WARNING! This will remove all images without at least one container associated to them."* ]]
	volt image inspect unused:1 >/dev/null
	run --separate-stderr volt image prune -a -f
	[ "$status" -eq 0 ]
	echo "$output"
	grep -qx "untagged: unused:1" <<<"$output"
	grep -qx "deleted: sha256:$unused" <<<"$output"
	[[ "$output" =~ Total\ reclaimed\ space:\ [0-9.]+kB ]]
	volt image inspect busybox >/dev/null
	volt image inspect dang:1 >/dev/null
	run volt image inspect unused:1
	[ "$status" -ne 0 ]
	volt rm user-of-busybox >/dev/null
	volt rmi dang:1 >/dev/null
}

@test "inspect -f/--format: Go templates as scripts write them" {
	volt create --name fmt-a -e FOO=bar busybox echo hi there >/dev/null
	run volt inspect -f '{{.State.Status}}' fmt-a
	[ "$status" -eq 0 ]
	[ "$output" = created ]
	run volt inspect --format '{{.Name}} {{json .Command}} {{join .Command ","}} {{upper .State.Status}}' fmt-a
	[ "$output" = '/fmt-a ["echo","hi","there"] echo,hi,there CREATED' ]
	run volt container inspect -f '{{range .Config.Env}}{{if eq . "FOO=bar"}}found {{end}}{{end}}{{index .Command 1}}' fmt-a
	[ "$output" = "found hi" ]
	# one line per object, as docker prints them
	volt create --name fmt-b busybox true >/dev/null
	run volt inspect -f '{{.Name}}:{{.State.Running}}' fmt-a fmt-b
	[ "${lines[0]}" = "/fmt-a:false" ]
	[ "${lines[1]}" = "/fmt-b:false" ]
	[ "${#lines[@]}" -eq 2 ]
	# images too
	id=$(volt image inspect busybox | jq -r '.[0].Id')
	run volt inspect -f '{{.Id}}' busybox
	[ "$output" = "$id" ]
	run volt image inspect --format '{{len .Layers}}' busybox
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9]+$ ]]
	# version: the template scripts use
	run volt version --format '{{.Client.Version}}'
	[ "$output" = "$(volt --version | awk '{ print $3 }')" ]
	# a bad template is one clear line and exit 125, before anything runs
	run --separate-stderr volt inspect -f '{{.Name' fmt-a
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	[ "$stderr" = "volt: inspect: --format: template: at offset 7: unclosed action: missing }}" ]
	run --separate-stderr volt inspect -f '{{frob .Name}}' fmt-a
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"unknown function"* ]]
	run --separate-stderr volt inspect -f '{{.Name.X}}' fmt-a
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"can't evaluate field X"* ]]
	volt rm fmt-a fmt-b >/dev/null
}

@test "ps --filter (name, id, status, label, ancestor, exited), -n, -l, --no-trunc, --format TEMPLATE" {
	volt tag busybox other-img
	volt run --name flt-ok --label tier=web --label solo busybox true >/dev/null
	volt run --name flt-bad other-img sh -c 'exit 3' >/dev/null || true
	volt create --name flt-new busybox echo a long command line here >/dev/null
	ok_id=$(volt inspect -f '{{.Id}}' flt-ok)
	names() { volt ps "$@" --format '{{.Names}}' | sort | tr '\n' ' '; }
	[ "$(names -a --filter name=flt-)" = "flt-bad flt-new flt-ok " ]
	# status and exited look at stopped containers without -a, as docker's
	[ "$(names --filter status=exited)" = "flt-bad flt-ok " ]
	[ "$(names -f status=created)" = "flt-new " ]
	[ "$(names -f status=created -f status=exited)" = "flt-bad flt-new flt-ok " ]
	[ "$(names -f exited=3)" = "flt-bad " ]
	[ "$(names -f exited=0)" = "flt-ok " ]
	[ "$(names -a -f label=tier)" = "flt-ok " ]
	[ "$(names -a -f label=tier=web)" = "flt-ok " ]
	[ "$(names -a -f label=tier=db)" = "" ]
	[ "$(names -a -f label=solo)" = "flt-ok " ]
	[ "$(names -a -f ancestor=other-img)" = "flt-bad " ]
	[ "$(names -a -f ancestor=busybox:latest -f name=flt)" = "flt-new flt-ok " ]
	[ "$(names -a -f id=${ok_id:0:8})" = "flt-ok " ]
	# keys all apply
	[ "$(names -f status=exited -f name=flt-ok)" = "flt-ok " ]
	# -l and -n: the newest, in any state
	[ "$(names -l)" = "flt-new " ]
	[ "$(names -n 2)" = "flt-bad flt-new " ]
	run volt ps -a -q --no-trunc -f name=flt-ok
	[ "$output" = "$ok_id" ]
	run volt ps -a --no-trunc -f name=flt-new
	[[ "$output" == *"echo a long command line here"* ]]
	run volt ps -a -f name=flt-new
	[[ "$output" != *"echo a long command line here"* ]]
	run volt ps -a -f name=flt-ok --format '{{.ID}} {{.Image}} {{.Command}} {{.State}} {{.Labels}}'
	[ "$output" = "${ok_id:0:12} busybox \"true\" exited tier=web,solo=" ]
	run volt ps -a -f bogus=1
	[ "$status" -eq 125 ]
	[[ "$output" == *'invalid filter "bogus=1"'* ]]
	run volt ps -f status=sleeping
	[ "$status" -eq 125 ]
	[[ "$output" == *'invalid filter value "sleeping" for status'* ]]
	run volt ps -n x
	[ "$status" -eq 125 ]
	run volt ps --format '{{.Names'
	[ "$status" -eq 125 ]
	volt rm flt-ok flt-bad flt-new >/dev/null
	volt rmi other-img >/dev/null
}

@test "a missing container is the same one line for every command that takes one" {
	local c
	for c in "attach" "exec no-such true" "port" "healthcheck run" "logs" "diff" "export -o $BATS_TEST_TMPDIR/x.tar" \
		"commit" "start" "stop" "rm" "rename no-such x" "generate systemd" "update --memory 10m" "top" \
		"security inspect"; do
		set -- $c
		[ "$1" = "exec" ] || [ "$1" = "rename" ] || set -- "$@" no-such
		run --separate-stderr volt "$@"
		[ "$status" -eq 125 ] || { echo "$c: $status" >&2; false; }
		[ "$stderr" = "volt: no such container: no-such" ] || { echo "$c: $stderr" >&2; false; }
	done
	run --separate-stderr volt cp no-such:/etc/passwd "$BATS_TEST_TMPDIR/p"
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: no such container: no-such" ]
}
