#!/usr/bin/env bats
# docker's run options (issue 17 item 3): --mount, anonymous volumes and
# rm -v, --cidfile, --shm-size, --pull, --platform, --log-driver,
# --privileged, --device, and the ones refused with one line (--ulimit,
# --sysctl, --group-add: docker-cli-limits.bats).

load helpers

busybox_fixture

@test "--mount bind, volume and tmpfs" {
	mkdir -p "$BATS_TEST_TMPDIR/src"
	echo from-host >"$BATS_TEST_TMPDIR/src/f"
	run volt run --rm --mount "type=bind,source=$BATS_TEST_TMPDIR/src,target=/b,readonly" \
		--mount type=volume,source=mv1,target=/v --mount type=tmpfs,target=/t,tmpfs-size=1m \
		busybox sh -c 'cat /b/f; echo in-vol >/v/g; touch /b/x 2>/dev/null || echo ro; grep " /t " /proc/mounts'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-host ]
	[ "${lines[1]}" = ro ]
	[[ "${lines[2]}" == "tmpfs /t tmpfs "*size=1024k* ]]
	run volt run --rm -v mv1:/v busybox cat /v/g
	[ "$output" = in-vol ]
	volt volume rm mv1 >/dev/null
}

@test "--mount: bad input is one line, nothing is created" {
	run --separate-stderr volt run --rm --mount type=bind,source=/nonexistent-x,target=/b busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: run: --mount type=bind,source=/nonexistent-x,target=/b: bind source path does not exist"* ]]
	run --separate-stderr volt run --rm --mount type=volume,source=v busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"target=ABSOLUTE-PATH is required"* ]]
	run --separate-stderr volt create --mount type=npipe,target=/x busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"type npipe: volt has bind, volume and tmpfs"* ]]
	run --separate-stderr volt create --mount type=tmpfs,target=/x,colour=red busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"colour=red: not an option volt knows"* ]]
	[ -z "$(volt ps -aq)" ]
}

@test "-v /path is an anonymous volume; rm -v removes it, rm alone keeps it" {
	volt run --name an1 -v /data busybox sh -c 'echo kept >/data/f'
	name=$(volt inspect -f '{{range .Mounts}}{{.Name}}{{end}}' an1)
	[[ "$name" =~ ^[0-9a-f]{64}$ ]]
	run volt volume ls -q
	[[ "$output" == *"$name"* ]]
	volt run --name an2 --mount type=volume,target=/data busybox true
	name2=$(volt inspect -f '{{range .Mounts}}{{.Name}}{{end}}' an2)
	[[ "$name2" =~ ^[0-9a-f]{64}$ ]]
	[ "$name" != "$name2" ]
	volt rm an1 >/dev/null
	volt rm -v an2 >/dev/null
	run volt volume ls -q
	[[ "$output" == *"$name"* ]]
	[[ "$output" != *"$name2"* ]]
	volt volume rm "$name" >/dev/null
}

@test "--cidfile writes the id; an existing file is refused before anything is made" {
	f=$BATS_TEST_TMPDIR/cid
	id=$(volt run -d --cidfile "$f" busybox sleep 100)
	[ "$(cat "$f")" = "$id" ]
	run --separate-stderr volt create --cidfile "$f" busybox true
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: container ID file found, make sure the other container isn't running or delete $f" ]
	[ "$(volt ps -aq | wc -l)" -eq 1 ]
}

@test "--shm-size sizes /dev/shm" {
	run volt run --rm --shm-size 2m busybox sh -c 'grep " /dev/shm " /proc/mounts'
	[ "$status" -eq 0 ]
	[[ "$output" == *size=2048k* ]]
	run --separate-stderr volt run --rm --shm-size lots busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--shm-size lots: not a size"* ]]
}

@test "--pull never, missing; --platform and --log-driver" {
	run volt run --rm --pull never busybox echo ok
	[ "$output" = ok ]
	run volt run --rm --pull missing busybox echo ok
	[ "$output" = ok ]
	run --separate-stderr volt run --rm --pull never 127.0.0.1:1/nothing/here echo no
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: image 127.0.0.1:1/nothing/here: not in the store (--pull never)" ]
	run --separate-stderr volt run --rm --pull sometimes busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--pull sometimes: use missing, always or never"* ]]
	run volt run --rm --platform linux busybox echo ok
	[ "$output" = ok ]
	arch=$(uname -m); [ "$arch" = x86_64 ] && arch=amd64; [ "$arch" = aarch64 ] && arch=arm64
	run volt run --rm --platform "linux/$arch" busybox echo ok
	[ "$output" = ok ]
	run --separate-stderr volt run --rm --platform linux/s390x busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--platform linux/s390x: volt runs images of this host's platform (linux/$arch) only"* ]]
	run volt run --rm --log-driver json-file busybox echo ok
	[ "$output" = ok ]
	run --separate-stderr volt run --rm --log-driver syslog busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--log-driver syslog: volt keeps the container's output in its own log"* ]]
	[ -z "$(volt ps -aq)" ]
}

@test "--privileged: every capability, no filters; inspect says Privileged" {
	volt run --name pv --privileged busybox true
	run volt inspect -f '{{.HostConfig.Privileged}}' pv
	[ "$output" = true ]
	run volt run --rm --privileged busybox sh -c 'grep CapEff /proc/self/status'
	[[ "$output" == *"000001ffffffffff"* || "$output" == *"000003ffffffffff"* || "$output" == *"0000003fffffffff"* ]]
	volt run --name npv busybox true
	run volt inspect -f '{{.HostConfig.Privileged}}' npv
	[ "$output" = false ]
}

@test "--device binds a node the user may open; one the user may not is refused" {
	run volt run --rm --device /dev/null:/dev/mynull busybox sh -c 'echo x >/dev/mynull && echo wrote'
	[ "$status" -eq 0 ]
	[ "$output" = wrote ]
	[ -r /dev/mem ] && skip_or_fail "this user may read /dev/mem"
	run --separate-stderr volt run --rm --device /dev/mem busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: run: --device /dev/mem: you may not open /dev/mem"* ]]
}

@test "the image's VOLUME entries are anonymous volumes; -v on one of them wins; rm -v removes them" {
	volt image import "oci:$VOLT_TEST_DIR/images/oci:vol" volimg >/dev/null
	volt run --name iv volimg sh -c 'echo kept >/data/f; echo c >/cache/g'
	run volt inspect -f '{{range .Mounts}}{{.Destination}}={{.Name}} {{end}}' iv
	[[ "$output" =~ /cache=[0-9a-f]{64}\  ]]
	[[ "$output" =~ /data=[0-9a-f]{64}\  ]]
	volt run --name iv2 -v ivnamed:/data volimg true
	run volt inspect -f '{{range .Mounts}}{{.Destination}}={{.Name}} {{end}}' iv2
	[[ "$output" == *"/data=ivnamed "* ]]
	[[ "$output" =~ /cache=[0-9a-f]{64}\  ]]
	[ "$(grep -o /data= <<<"$output" | wc -l)" -eq 1 ]
	before=$(volt volume ls -q | wc -l)
	volt rm -v iv iv2 >/dev/null
	[ "$(volt volume ls -q | wc -l)" -eq $((before - 3)) ]
	volt volume rm ivnamed >/dev/null
}

@test "run --rm removes its anonymous volumes (-v /DST and the image's VOLUME entries); named volumes stay" {
	volt image import "oci:$VOLT_TEST_DIR/images/oci:vol" volimg >/dev/null
	before=$(volt volume ls -q | sort)
	run volt run --rm -v /anon -v rmnamed:/named volimg sh -c 'echo x >/anon/f; echo y >/named/f; echo z >/data/f'
	[ "$status" -eq 0 ]
	# only the named one is left
	[ "$(comm -13 <(echo "$before") <(volt volume ls -q | sort))" = rmnamed ]
	# the same when the command fails, and when it cannot start
	run volt run --rm -v /anon volimg sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run -127 volt run --rm -v /anon volimg /nonexistent
	[ "$(comm -13 <(echo "$before") <(volt volume ls -q | sort))" = rmnamed ]
	[ "$(volt run --rm -v rmnamed:/named volimg cat /named/f)" = y ]
	volt volume rm rmnamed >/dev/null
}
