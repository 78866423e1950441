#!/usr/bin/env bats
# docker's verbs over a container's files and the store as a whole: cp,
# diff, export, commit, history, system df, system prune (docs/docker-cli.md).

load helpers

busybox_fixture --keep

# subuid_start: the first subordinate uid of the user (full mode)
subuid_start() {
	grep "^$(id -un):" /etc/subuid | head -1 | cut -d: -f2
}

@test "cp into a created container and out of it, with docker's path rules" {
	volt create --name cp-created busybox sh -c 'cat /tmp/in.txt /tmp/d/sub/f /tmp/c/sub/f; ls /tmp/c' >/dev/null
	echo hello >"$BATS_TEST_TMPDIR/in.txt"
	mkdir -p "$BATS_TEST_TMPDIR/d/sub"
	echo deep >"$BATS_TEST_TMPDIR/d/sub/f"
	# a file into a directory keeps its name
	run volt cp "$BATS_TEST_TMPDIR/in.txt" cp-created:/tmp/
	[ "$status" -eq 0 ]
	# a directory into a directory goes inside; SRC/. copies its contents
	run volt cp "$BATS_TEST_TMPDIR/d" cp-created:/tmp
	[ "$status" -eq 0 ]
	run volt cp "$BATS_TEST_TMPDIR/d/." cp-created:/tmp/c
	[ "$status" -eq 0 ]
	run volt start -a cp-created
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = hello ]
	[ "${lines[1]}" = deep ]
	[ "${lines[2]}" = deep ]
	[ "${lines[3]}" = sub ]
	# out of the (now exited) container: onto a new name, and into a directory
	run volt cp cp-created:/tmp/in.txt "$BATS_TEST_TMPDIR/back.txt"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/back.txt")" = hello ]
	mkdir "$BATS_TEST_TMPDIR/outdir"
	run volt cp cp-created:/tmp/d "$BATS_TEST_TMPDIR/outdir"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/outdir/d/sub/f")" = deep ]
	# a missing directory named with a trailing slash is refused, one line
	run volt cp "$BATS_TEST_TMPDIR/in.txt" cp-created:/no/such/
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == "volt: cp: "* ]]
	run volt cp cp-created:/tmp/d "$BATS_TEST_TMPDIR/back.txt"
	[ "$status" -eq 125 ]
	[[ "$output" == *"cannot copy a directory to a file"* ]]
	volt rm cp-created >/dev/null
}

@test "cp with a running container: copies in belong to its root, copies out to the user" {
	volt run -d --name cp-run busybox sleep 300 >/dev/null
	echo x >"$BATS_TEST_TMPDIR/f"
	run volt cp "$BATS_TEST_TMPDIR/f" cp-run:/tmp/f
	[ "$status" -eq 0 ]
	run volt exec cp-run stat -c '%u:%g %s' /tmp/f
	[ "$output" = "0:0 2" ]
	run volt exec cp-run sh -c 'echo made-inside > /tmp/g'
	run volt cp cp-run:/tmp/g "$BATS_TEST_TMPDIR/g"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/g")" = made-inside ]
	[ "$(stat -c %u "$BATS_TEST_TMPDIR/g")" = "$(id -u)" ]
	volt rm -f cp-run >/dev/null
}

@test "cp: symlinks and .. in the container never reach the host" {
	mkdir "$BATS_TEST_TMPDIR/outside"
	echo secret >"$BATS_TEST_TMPDIR/secret"
	echo x >"$BATS_TEST_TMPDIR/f"
	volt run -d --name cp-esc busybox sh -c "ln -s $BATS_TEST_TMPDIR/outside /tmp/esc; ln -s ../../../../../../$BATS_TEST_TMPDIR/secret /tmp/rel; sleep 300" >/dev/null
	wait_for volt exec cp-esc test -L /tmp/rel
	# writing through an absolute symlink: resolved in the container, where
	# that directory does not exist
	run volt cp "$BATS_TEST_TMPDIR/f" cp-esc:/tmp/esc/f
	[ "$status" -eq 125 ]
	[ ! -e "$BATS_TEST_TMPDIR/outside/f" ]
	# reading through a relative symlink full of ..
	run volt cp -L cp-esc:/tmp/rel "$BATS_TEST_TMPDIR/got"
	[ "$status" -eq 125 ]
	[ ! -e "$BATS_TEST_TMPDIR/got" ]
	run volt cp "cp-esc:/../../../../$BATS_TEST_TMPDIR/secret" "$BATS_TEST_TMPDIR/got"
	[ "$status" -eq 125 ]
	[ ! -e "$BATS_TEST_TMPDIR/got" ]
	# without -L a symlink is copied as a symlink
	run volt cp cp-esc:/tmp/rel "$BATS_TEST_TMPDIR/link"
	[ "$status" -eq 0 ]
	[ -L "$BATS_TEST_TMPDIR/link" ]
	# the same with the container stopped (its layers mounted, not its namespaces)
	volt rm -f cp-esc >/dev/null
	volt run --name cp-esc2 busybox ln -s "$BATS_TEST_TMPDIR/outside" /tmp/esc
	run volt cp "$BATS_TEST_TMPDIR/f" cp-esc2:/tmp/esc/f
	[ "$status" -eq 125 ]
	[ ! -e "$BATS_TEST_TMPDIR/outside/f" ]
	volt rm cp-esc2 >/dev/null
}

@test "cp - streams a tar out of a container and into it" {
	volt run --name cp-tar busybox sh -c 'mkdir -p /srv/a; echo one > /srv/a/1' >/dev/null
	run bash -c "'$VOLT_BIN' cp cp-tar:/srv/a - | tar -tf -"
	[ "$status" -eq 0 ]
	[[ "$output" == *"a/1"* ]]
	mkdir -p "$BATS_TEST_TMPDIR/t/x"
	echo two >"$BATS_TEST_TMPDIR/t/x/2"
	run bash -c "tar -C '$BATS_TEST_TMPDIR/t' -cf - x | '$VOLT_BIN' cp - cp-tar:/srv"
	[ "$status" -eq 0 ]
	run bash -c "'$VOLT_BIN' cp cp-tar:/srv/x/2 - | tar -xOf -"
	[ "$output" = two ]
	# into a path that is not a directory: refused
	run bash -c "tar -C '$BATS_TEST_TMPDIR/t' -cf - x | '$VOLT_BIN' cp - cp-tar:/srv/a/1"
	[ "$status" -eq 125 ]
	[[ "$output" == *"must be a directory"* ]]
	# a tar entry with .. is refused
	run bash -c "tar -C '$BATS_TEST_TMPDIR/t' -cf - --transform 's,^x,../../x,' x | '$VOLT_BIN' cp - cp-tar:/srv"
	[ "$status" -eq 125 ]
	volt rm cp-tar >/dev/null
}

# on_tty CMD: CMD with stdout (and stderr) on a terminal, carriage returns dropped
on_tty() {
	script -qec "$1" /dev/null | tr -d '\r'
}

@test "cp: docker's \"Successfully copied SIZE to DEST\" on stderr when stdout is a terminal; not with -q, -, or a pipe" {
	command -v script >/dev/null || skip_or_fail "script(1) is not installed"
	volt create --name cp-sum busybox true >/dev/null
	cd "$BATS_TEST_TMPDIR"
	head -c 1500 /dev/zero >f
	mkdir -p d
	head -c 1000 /dev/zero >d/a
	head -c 24 /dev/zero >d/b
	run on_tty "$VOLT_BIN cp f cp-sum:/tmp/"
	[ "$output" = "Successfully copied 1.5kB to cp-sum:/tmp/" ]
	# a directory: its files' bytes
	run on_tty "$VOLT_BIN cp d cp-sum:/tmp"
	[ "$output" = "Successfully copied 1.02kB to cp-sum:/tmp" ]
	# out of it: the destination made absolute and clean, as docker's filepath.Abs
	run on_tty "$VOLT_BIN cp cp-sum:/tmp/f ./nosuch/../g"
	[ "$output" = "Successfully copied 1.5kB to $BATS_TEST_TMPDIR/g" ]
	cmp f g
	run on_tty "$VOLT_BIN cp cp-sum:/tmp/d/b ./"
	[ "$output" = "Successfully copied 24B to $BATS_TEST_TMPDIR/" ]
	# -q, --quiet: nothing
	run on_tty "$VOLT_BIN cp -q f cp-sum:/tmp/"
	[ -z "$output" ]
	run on_tty "$VOLT_BIN cp --quiet cp-sum:/tmp/f g"
	[ -z "$output" ]
	# stdout not a terminal (a script's): nothing, as docker's
	run --separate-stderr volt cp f cp-sum:/tmp/
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	# a tar stream on stdout: nothing but the stream
	run --separate-stderr bash -c "'$VOLT_BIN' cp cp-sum:/tmp/f - | tar -tf -"
	[ "$output" = f ]
	[ -z "$stderr" ]
	volt rm cp-sum >/dev/null
}

@test "cp -a keeps a non-root owner within the map; without it the copy is the user's" {
	if ! has_subuid; then
		# single-uid mode: the container has no second id; root's files are the user's
		volt run --name cp-own busybox sh -c 'echo r > /tmp/r' >/dev/null
		run volt cp -a cp-own:/tmp/r "$BATS_TEST_TMPDIR/r"
		[ "$status" -eq 0 ]
		[ "$(stat -c %u "$BATS_TEST_TMPDIR/r")" = "$(id -u)" ]
		volt rm cp-own >/dev/null
		not_in_this_mode "a file owned by uid 1000 needs a subordinate range"
	fi
	volt run --name cp-own busybox sh -c 'echo u > /tmp/u; chown 1000:1000 /tmp/u' >/dev/null
	run volt cp cp-own:/tmp/u "$BATS_TEST_TMPDIR/plain"
	[ "$status" -eq 0 ]
	[ "$(stat -c %u "$BATS_TEST_TMPDIR/plain")" = "$(id -u)" ]
	run volt cp -a cp-own:/tmp/u "$BATS_TEST_TMPDIR/kept"
	[ "$status" -eq 0 ]
	start=$(subuid_start)
	[ "$(stat -c %u "$BATS_TEST_TMPDIR/kept")" = "$((start + 999))" ]
	# the tar stream carries the container's ids
	run bash -c "'$VOLT_BIN' cp cp-own:/tmp/u - | tar -tvf - --numeric-owner"
	[[ "$output" == *"1000/1000"* ]]
	# and back in with -a: the mapped owner is the container's uid 1000 again
	run volt cp -a "$BATS_TEST_TMPDIR/kept" cp-own:/tmp/back
	[ "$status" -eq 0 ]
	run bash -c "'$VOLT_BIN' cp cp-own:/tmp/back - | tar -tvf - --numeric-owner"
	[[ "$output" == *"1000/1000"* ]]
	volt rm cp-own >/dev/null
}

@test "diff lists A, C and D against the image, whiteouts and opaque directories understood" {
	volt create --name diff-c busybox sh -c 'echo n > /newfile; rm /bin/ls; mkdir /etc/newdir; rm -rf /home; mkdir /home; echo h > /home/h' >/dev/null
	run volt diff diff-c
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	volt start -a diff-c
	run volt diff diff-c
	[ "$status" -eq 0 ]
	[[ "$output" == *"A /newfile"* ]]
	[[ "$output" == *"C /bin"* ]]
	[[ "$output" == *"D /bin/ls"* ]]
	[[ "$output" == *"C /etc"* ]]
	[[ "$output" == *"A /etc/newdir"* ]]
	[[ "$output" == *"A /home/h"* ]]
	run volt diff no-such-container
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	volt rm diff-c >/dev/null
}

@test "diff and commit of a container on fuse-overlayfs read its whiteouts and opaque directories" {
	[ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null || skip_or_fail "fuse-overlayfs or /dev/fuse missing"
	# rm -rf /var, then /var again: fuse-overlayfs' opaque directory (its own
	# xattr and a .wh..wh..opq file), and a whiteout for /bin/ls
	VOLT_OVERLAY=fuse-overlayfs run volt run --name fz busybox sh -c \
		'rm -rf /var; mkdir /var; echo x >/var/new; rm /bin/ls; echo a >/added'
	[ "$status" -eq 0 ]
	[[ "$output" == *"using fuse-overlayfs"* ]]
	run volt diff fz
	[ "$status" -eq 0 ]
	[ "$output" = "A /added
C /bin
D /bin/ls
C /var
D /var/www
A /var/new" ] || {
		echo "$output"
		false
	}
	run volt commit fz fz:1
	[ "$status" -eq 0 ]
	run volt run --rm fz:1 sh -c 'find /var | sort; test -e /bin/ls || echo no-ls; cat /added'
	[ "$output" = "/var
/var/new
no-ls
a" ]
	volt rm fz >/dev/null
	volt rmi fz:1 >/dev/null
}

@test "export writes the container's file system as a tar, with its changes" {
	volt run --name exp-c busybox sh -c 'echo e > /exported; rm /bin/ls' >/dev/null
	run bash -c "'$VOLT_BIN' export exp-c | tar -tf -"
	[ "$status" -eq 0 ]
	[[ "$output" == *"bin/busybox"* ]]
	[[ "$output" == *"exported"* ]]
	! grep -qx 'bin/ls' <<<"$output"
	run volt export -o "$BATS_TEST_TMPDIR/e.tar" exp-c
	[ "$status" -eq 0 ]
	[ "$(tar -xOf "$BATS_TEST_TMPDIR/e.tar" exported)" = e ]
	run volt export -o "$BATS_TEST_TMPDIR/n.tar" no-such-container
	[ "$status" -eq 125 ]
	[ ! -e "$BATS_TEST_TMPDIR/n.tar" ]
	volt rm exp-c >/dev/null
}

@test "commit makes an image of a container's changes, with -c, -m and -a" {
	volt run --name com-c -e FOO=bar busybox sh -c 'echo committed > /data.txt; rm /bin/ls' >/dev/null
	run volt commit -m "the message" -a "Me <me@example.org>" -c 'CMD ["cat","/data.txt"]' -c 'ENV BAZ=1' com-c mine:v1
	[ "$status" -eq 0 ]
	[[ "$output" == sha256:* ]]
	run volt run --rm mine:v1
	[ "$output" = committed ]
	run volt run --rm mine:v1 sh -c 'echo $FOO $BAZ; test -e /bin/ls || echo no-ls'
	[ "${lines[0]}" = "bar 1" ]
	[ "${lines[1]}" = no-ls ]
	run volt image inspect -f '{{.Config.Cmd}}' mine:v1
	[ "$output" = "[cat /data.txt]" ]
	# a second commit on top removes a file (a whiteout in its layer)
	volt run --name com-d mine:v1 rm /data.txt
	run volt commit com-d mine:v2
	[ "$status" -eq 0 ]
	run volt run --rm mine:v2 sh -c 'test -e /data.txt || echo gone'
	[ "$output" = gone ]
	run volt history mine:v2
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[2]}" == *"the message"* ]]
	# each committed layer is a layer of its own when saved
	run volt image save mine:v2 -o "$BATS_TEST_TMPDIR/v2.tar"
	[ "$status" -eq 0 ]
	run volt commit -c 'BOGUS x' com-d
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	# docker's other --change instructions: VOLUME (words or JSON), EXPOSE
	# with several ports, STOPSIGNAL, ONBUILD
	volt commit -c 'VOLUME /v1 /v2' -c 'VOLUME ["/v3"]' -c 'EXPOSE 80 53/udp' -c 'STOPSIGNAL SIGINT' \
		-c 'ONBUILD RUN true' com-d mine:v3 >/dev/null
	[ "$(volt image inspect -f '{{json .Config.Volumes}}' mine:v3)" = '{"/v1":{},"/v2":{},"/v3":{}}' ]
	[ "$(volt image inspect -f '{{json .Config.ExposedPorts}}' mine:v3)" = '{"53/udp":{},"80/tcp":{}}' ]
	[ "$(volt image inspect -f '{{.Config.StopSignal}} {{json .Config.OnBuild}}' mine:v3)" = 'SIGINT ["RUN true"]' ]
	volt rmi mine:v3 >/dev/null
	volt rm com-c com-d >/dev/null
	volt rmi mine:v2 mine:v1 >/dev/null
}

@test "commit --pause (docker's default): a running container is frozen while committed, then runs on; --pause=false, a paused one stays paused" {
	volt run -d --name com-p busybox sh -c 'echo live > /live; sleep 100' >/dev/null
	wait_for volt exec com-p test -e /live
	volt pause com-p >/dev/null 2>&1 || skip_or_fail "volt pause does not work here"
	volt unpause com-p >/dev/null
	t0=$(date +%s.%N)
	run volt commit -m msg com-p com-p:1
	[ "$status" -eq 0 ]
	id=$output
	[ "$(volt inspect -f '{{.State.Status}}' com-p)" = running ]
	# docker's order: pause, commit (its event with the image), unpause
	run volt events --since "$t0" --until 0s -f container=com-p --format '{{.Action}}'
	[ "$output" = "pause
commit
unpause" ]
	run volt events --since "$t0" --until 0s -f event=commit --format '{{.Actor.Attributes.imageID}} {{.Actor.Attributes.imageRef}} {{.Actor.Attributes.comment}}'
	[ "$output" = "$id com-p:1 msg" ]
	[ "$(volt run --rm com-p:1 cat /live)" = live ]
	t1=$(date +%s.%N)
	volt commit --pause=false com-p >/dev/null
	volt commit -p=0 com-p >/dev/null
	run volt events --since "$t1" --until 0s -f container=com-p --format '{{.Action}}'
	[ "$output" = "commit
commit" ]
	# one already paused stays paused
	volt pause com-p >/dev/null
	volt commit com-p >/dev/null
	[ "$(volt inspect -f '{{.State.Status}}' com-p)" = paused ]
	run volt commit --pause=maybe com-p
	[ "$status" -eq 125 ]
	volt rm -f com-p >/dev/null
	volt rmi com-p:1 >/dev/null
}

@test "history shows an image's layers; -q, --no-trunc, bad names" {
	run volt history busybox
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "IMAGE"*"CREATED"*"CREATED BY"*"SIZE"*"COMMENT" ]]
	[ "${#lines[@]}" -ge 2 ]
	id=$(volt image inspect -f '{{.Id}}' busybox)
	run volt history -q busybox
	[ "$output" = "${id:0:12}" ]
	run volt history -q --no-trunc busybox
	[[ "$output" == sha256:${id:0:12}* ]]
	run volt image history busybox
	[ "$status" -eq 0 ]
	run volt history no-such-image
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "system df: docker's four rows, -v tables, --format json" {
	volt volume create df-vol >/dev/null
	volt run --name df-c -v df-vol:/data busybox sh -c 'head -c 100000 /dev/zero > /data/z; head -c 50000 /dev/zero > /big' >/dev/null
	run volt system df
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "TYPE"*"TOTAL"*"ACTIVE"*"SIZE"*"RECLAIMABLE" ]]
	[[ "${lines[1]}" == Images* ]]
	[[ "${lines[2]}" == Containers* ]]
	[[ "${lines[3]}" == "Local Volumes"* ]]
	[[ "${lines[4]}" == "Build Cache"* ]]
	run volt system df --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r 'select(.Type=="Local Volumes") | .TotalCount' <<<"$output")" -ge 1 ]
	# the container's 50 kB and the volume's 100 kB are measured
	csize=$(jq -r 'select(.Type=="Containers") | .Size' <<<"$output")
	vsize=$(jq -r 'select(.Type=="Local Volumes") | .Size' <<<"$output")
	[[ "$csize" == *kB || "$csize" == *MB ]]
	[[ "$vsize" == *kB || "$vsize" == *MB ]]
	run volt system df -v
	[ "$status" -eq 0 ]
	[[ "$output" == *"Images space usage:"* ]]
	[[ "$output" == *"Containers space usage:"* ]]
	[[ "$output" == *"df-c"* ]]
	[[ "$output" == *"df-vol"* ]]
	volt rm df-c >/dev/null
	volt volume rm df-vol >/dev/null
}

@test "system prune asks, then removes stopped containers, unused volumes and images" {
	volt run -d --name pr-live busybox sleep 300 >/dev/null
	volt run --name pr-dead busybox true
	volt volume create pr-vol >/dev/null
	volt tag busybox pr-extra
	# no: nothing goes
	run bash -c "echo n | '$VOLT_BIN' system prune"
	[ "$status" -eq 0 ]
	[[ "$output" == *"WARNING! This will remove:"* ]]
	[[ "$output" == *"all stopped containers"* ]]
	volt inspect pr-dead >/dev/null
	run bash -c "echo y | '$VOLT_BIN' system prune --volumes"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Deleted Containers:"* ]]
	[[ "$output" == *"Deleted Volumes:"* ]]
	[[ "$output" == *"pr-vol"* ]]
	[[ "$output" == *"Total reclaimed space: "* ]]
	[ "$(grep -c 'Total reclaimed space' <<<"$output")" -eq 1 ]
	run volt inspect pr-dead
	[ "$status" -ne 0 ]
	volt inspect pr-live >/dev/null
	# -a: images no container uses; busybox stays (pr-live runs it)
	volt commit pr-live pr-unused:1 >/dev/null
	run volt system prune -a -f
	[ "$status" -eq 0 ]
	[[ "$output" == *"deleted: sha256:"* ]]
	run volt image inspect pr-unused:1
	[ "$status" -ne 0 ]
	volt inspect busybox >/dev/null
	volt rm -f pr-live >/dev/null
}

@test "events: what the commands did, from the event log; --since/--until, --filter, --format" {
	t0=$(date +%s.%N)
	volt run --name ev-a busybox sh -c 'exit 3' || true
	volt rename ev-a ev-b
	volt rm ev-b >/dev/null
	volt tag busybox ev-img:1
	volt rmi ev-img:1 >/dev/null
	run volt events --since "$t0" --until 0s
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" container create "*"(image=busybox, name=ev-a)" ]]
	[[ "$output" == *" container start "* ]]
	[[ "$output" == *" container die "*"exitCode=3"* ]]
	[[ "$output" == *" container rename "*"name=ev-b"* ]]
	# a removed container's events keep the name it had
	[[ "$output" == *" container destroy "*"name=ev-b"* ]]
	[[ "$output" == *" image tag "*"name=ev-img:1"* ]]
	[[ "$output" == *" image untag "* ]]
	run volt events --since "$t0" --until 0s -f event=die -f container=ev-a --format json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(jq -r '.Actor.Attributes.exitCode' <<<"$output")" = 3 ]
	[ "$(jq -r .status <<<"$output")" = die ]
	run volt events --since "$t0" --until 0s -f type=image --format '{{.Action}}'
	[ "${lines[0]}" = tag ]
	# without --since only new events: none before --until
	run volt events --until 1s
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run volt events --since yesterday
	[ "$status" -eq 125 ]
	run volt events -f bogus=1 --until 0s
	[ "$status" -eq 125 ]
}

@test "events: run --rm dies before its destroy; kill (signal), stop, exec_create/start/die, pause, unpause in docker's order" {
	t0=$(date +%s.%N)
	run volt run --rm --name ev-rm busybox sh -c 'exit 4'
	[ "$status" -eq 4 ]
	run volt events --since "$t0" --until 0s -f container=ev-rm --format '{{.Action}}'
	[ "$status" -eq 0 ]
	[ "$output" = "create
start
die
destroy" ]
	[ "$(volt events --since "$t0" --until 0s -f container=ev-rm -f event=die --format json | jq -r .Actor.Attributes.exitCode)" = 4 ]
	volt run -d --name ev-k busybox sleep 30 >/dev/null
	run volt exec ev-k sh -c 'exit 2'
	[ "$status" -eq 2 ]
	volt pause ev-k >/dev/null
	volt unpause ev-k >/dev/null
	volt kill -s USR1 ev-k >/dev/null
	volt stop -t 1 ev-k >/dev/null
	volt rm ev-k >/dev/null
	run bash -c "set -o pipefail; '$VOLT_BIN' events --since '$t0' --until 0s -f container=ev-k --format json |
		jq -r '[.Action, .Actor.Attributes.signal // \"\", .Actor.Attributes.exitCode // \"\"] | join(\"|\")'"
	[ "$status" -eq 0 ]
	# sleep is PID 1: USR1 and TERM have no handler there and do nothing,
	# so stop sends KILL after its timeout, each a kill event, then die
	[ "$output" = "create||
start||
exec_create: sh -c exit 2||
exec_start: sh -c exit 2||
exec_die||2
pause||
unpause||
kill|10|
kill|15|
kill|9|
die||137
stop||
destroy||" ] || {
		echo "$output"
		false
	}
	run volt events --since "$t0" --until 0s -f event=exec_start --format '{{.Action}}'
	[ "$output" = "exec_start: sh -c exit 2" ]
	run volt events --since "$t0" --until 0s -f event=exec_die --format '{{.Actor.Attributes.execID}}'
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
}

@test "images: --filter label=, before=, since= and --digests (an imported image has none)" {
	cid=$(volt create busybox true)
	volt commit -c 'LABEL stage=one' "$cid" flt:one >/dev/null
	sleep 1.1 # created times one second apart at least
	volt commit -c 'LABEL stage=two' -c 'LABEL extra=x' "$cid" flt:two >/dev/null
	run volt images -f label=stage --format '{{.Repository}}:{{.Tag}}'
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "flt:one
flt:two" ]
	[ "$(volt images -f label=stage=two --format '{{.Tag}}')" = two ]
	[ "$(volt images -f label=stage -f label=extra --format '{{.Tag}}')" = two ]
	[ -z "$(volt images -f label=stage=three --format '{{.Tag}}')" ]
	[ "$(volt images -f since=flt:one -f reference='flt*' --format '{{.Tag}}')" = two ]
	[ "$(volt images -f before=flt:two -f reference='flt*' --format '{{.Tag}}')" = one ]
	# busybox was made long before either
	run volt images -f before=flt:one --format '{{.Repository}}'
	[[ "$output" == *busybox* ]]
	[[ "$output" != *flt* ]]
	[[ "$(volt images -f since=busybox --format '{{.Repository}}')" != *busybox* ]]
	run --separate-stderr volt images -f before=nosuch:1
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: no such image: nosuch:1"* ]]
	run --separate-stderr volt images -f colour=red
	[ "$status" -eq 125 ]
	run volt images --digests -f reference=flt:one
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "REPOSITORY "*" TAG "*" DIGEST "*" IMAGE ID "*" CREATED "*" SIZE" ]]
	[[ "${lines[1]}" == "flt "*" one "*" <none> "* ]]
	volt rm "$cid" >/dev/null
	volt rmi flt:one flt:two >/dev/null
}
