#!/usr/bin/env bats
# Output people parse (issue 17 item 2): --format json as an object per line,
# --format 'table ...' with docker's headers, and inspect in docker's shape.

load helpers

busybox_fixture

teardown() {
	rm_all_containers
	volt volume rm fv-a fv-b >/dev/null 2>&1 || true
}

@test "ps --format json: one object per line with docker's keys" {
	volt run -d --name fj-a --label k=v busybox sleep 100 >/dev/null
	volt create --name fj-b busybox echo hello >/dev/null
	run volt ps -a --format json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# every line is a JSON object on its own
	for l in "${lines[@]}"; do jq -e 'type == "object"' <<<"$l" >/dev/null; done
	[ "$(jq -r 'select(.Names == "fj-a") | .State' <<<"$output")" = running ]
	[ "$(jq -r 'select(.Names == "fj-a") | .Labels' <<<"$output")" = k=v ]
	[ "$(jq -r 'select(.Names == "fj-b") | .Command' <<<"$output")" = '"echo hello"' ]
	[ "$(jq -r 'select(.Names == "fj-b") | .Status' <<<"$output")" = Created ]
	[ "$(jq -r 'select(.Names == "fj-b") | .ID | length' <<<"$output")" = 12 ]
	for k in Command CreatedAt ID Image Labels LocalVolumes Mounts Names Networks Ports RunningFor State Status; do
		jq -e --arg k "$k" 'has($k)' <<<"${lines[0]}" >/dev/null
	done
}

@test "images and volume ls --format json: an object per line" {
	volt volume create fv-a >/dev/null
	volt volume create fv-b >/dev/null
	run volt volume ls --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r '.Name' <<<"$output" | sort | tr '\n' ' ')" = "fv-a fv-b " ]
	[ "$(jq -r '.Driver' <<<"${lines[0]}")" = local ]
	run volt images --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r 'select(.Repository == "busybox") | .Tag' <<<"$output")" = latest ]
	[ "$(jq -r 'select(.Repository == "busybox") | .ID | length' <<<"$output")" = 12 ]
}

@test "--format table: docker's headers, columns as wide as their widest cell" {
	volt create --name a-rather-long-container-name busybox true >/dev/null
	volt create --name tb busybox true >/dev/null
	run volt ps -a --format 'table {{.Names}}\t{{.State}}'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "NAMES                          STATE" ]
	[[ "${lines[*]}" == *"tb                             created"* ]]
	# a table without a tab is one column; a bare template has no header
	run volt ps -a --format '{{.Names}}'
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[*]}" != *NAMES* ]]
	run volt images --format 'table {{.Repository}}:{{.Tag}}'
	[ "${lines[0]}" = "REPOSITORY:TAG" ]
	[ "${lines[1]}" = "busybox:latest" ]
	volt volume create fv-a >/dev/null
	run volt volume ls --format 'table {{.Name}}\t{{.Driver}}'
	[ "${lines[0]}" = "VOLUME NAME   DRIVER" ]
	[ "${lines[1]}" = "fv-a          local" ]
	run --separate-stderr volt images --format 'table {{.Nope'
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: images: --format: "* ]]
}

@test "volume ls --filter name= and dangling=; a bad filter is one line" {
	volt volume create fv-a >/dev/null
	volt volume create fv-b >/dev/null
	volt create --name fvu -v fv-a:/d busybox true >/dev/null
	run volt volume ls -q --filter name=fv-
	[ "$output" = "$(printf 'fv-a\nfv-b')" ]
	run volt volume ls -q -f dangling=true -f name=fv-
	[ "$output" = fv-b ]
	run volt volume ls -q -f dangling=false
	[ "$output" = fv-a ]
	run --separate-stderr volt volume ls -f colour=red
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: volume ls: --filter colour=red: "* ]]
}

@test "inspect in docker's shape: State, Config, HostConfig, Mounts, Name with a slash" {
	volt volume create fv-a >/dev/null
	volt run -d --name di -e FOO=bar --label tier=db -v fv-a:/data -v "$BATS_TEST_TMPDIR:/host:ro" \
		--tmpfs /scratch -w /tmp --restart on-failure:3 busybox sleep 100 >/dev/null
	run volt inspect -f '{{.State.Running}} {{.Name}} {{.Path}} {{json .Args}}' di
	[ "$status" -eq 0 ]
	[ "$output" = 'true /di sleep ["100"]' ]
	run volt inspect -f '{{json .Config.Env}}' di
	[[ "$output" == *'"FOO=bar"'* ]]
	run volt inspect -f '{{json .Config.Cmd}} {{.Config.Image}} {{.Config.WorkingDir}} {{index .Config.Labels "tier"}}' di
	[ "$output" = '["sleep","100"] busybox /tmp db' ]
	run volt inspect -f '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.RestartCount}}' di
	[ "$output" = "on-failure:3 0" ]
	run volt inspect -f '{{range .Mounts}}{{.Type}},{{.Destination}},{{.RW}} {{end}}' di
	[[ "$output" == *"volume,/data,true "* ]]
	[[ "$output" == *"bind,/host,false "* ]]
	[[ "$output" == *"tmpfs,/scratch,true "* ]]
	run volt inspect -f '{{range .Mounts}}{{if eq .Type "bind"}}{{.Source}}{{end}}{{end}}' di
	[ "$output" = "$BATS_TEST_TMPDIR" ]
	run volt inspect -f '{{json .HostConfig.Binds}}' di
	[[ "$output" == *'"fv-a:/data"'* ]]
	[[ "$output" == *":/host:ro\""* ]]
	run volt inspect -f '{{.Image}}' di
	[[ "$output" == sha256:* ]]
	[ "${output#sha256:}" = "$(volt image inspect -f '{{.Id}}' busybox)" ]
	# volt's own fields stay beside docker's
	run volt inspect -f '{{.State.MonitorPid}} {{.IDMappings.Mode}} {{.Spec.stop_timeout}}' di
	[[ "$output" =~ ^[1-9][0-9]*\ (full|single)\ [0-9]+$ ]]
	volt stop -t 1 di >/dev/null
	run volt inspect -f '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}' di
	[ "$output" = "exited false 137" ]
}

@test "ps --filter volume= and network=; images --filter dangling= and reference=, -a" {
	volt volume create fv-a >/dev/null
	volt create --name fpv -v fv-a:/data busybox true >/dev/null
	volt create --name fpn --network none busybox true >/dev/null
	run volt ps -aq --no-trunc -f volume=fv-a
	[ "$output" = "$(volt inspect -f '{{.Id}}' fpv)" ]
	run volt ps -a --format '{{.Names}}' -f volume=/data
	[ "$output" = fpv ]
	run volt ps -a --format '{{.Names}}' -f network=none
	[ "$output" = fpn ]
	run --separate-stderr volt ps -f colour=red
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"volume, network or type"* ]]
	run volt images --format '{{.Repository}}' -f reference='busy*'
	[ "$output" = busybox ]
	run volt images --format '{{.Repository}}' --filter reference='nothing*'
	[ -z "$output" ]
	run volt images -a --format '{{.Repository}}' -f dangling=false
	[[ "$output" == *busybox* ]]
	run volt images --format '{{.Repository}}' -f dangling=true
	[[ "$output" != *busybox* ]]
	run --separate-stderr volt images -f colour=red
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"use dangling=true|false, reference=PATTERN, label="* ]]
}

@test "logs --since and --until: RFC 3339, Unix time, a duration before now" {
	volt run --name flg busybox sh -c 'echo first; sleep 1.2; echo second' >/dev/null
	t1=$(volt logs -t flg | sed -n 1p | cut -d' ' -f1)
	t2=$(volt logs -t flg | sed -n 2p | cut -d' ' -f1)
	run volt logs --since "$t2" flg
	[ "$output" = second ]
	run volt logs --until "$t1" flg
	[ "$output" = first ]
	run volt logs --since 1h flg
	[ "$output" = "$(printf 'first\nsecond')" ]
	run volt logs --since "$(($(date +%s) + 100))" flg
	[ -z "$output" ]
	run volt logs --until 1h flg
	[ -z "$output" ]
	run --separate-stderr volt logs --since yesterday flg
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--since yesterday: not a time"* ]]
}

@test "ps -s: the upper layer's size and the virtual one with the image" {
	volt run --name fsz busybox sh -c 'dd if=/dev/zero of=/big bs=1024 count=2048 2>/dev/null'
	run volt ps -a -s --format '{{.Names}}|{{.Size}}'
	[[ "$output" =~ ^fsz\|2\.[0-9]+MB\ \(virtual\ [0-9.]+MB\)$ ]]
	run volt ps -a -s
	[[ "${lines[0]}" == *"   NAMES   "*"SIZE" ]]
	run volt ps -a
	[[ "${lines[0]}" != *SIZE* ]]
}
