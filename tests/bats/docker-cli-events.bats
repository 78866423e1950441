#!/usr/bin/env bats
# docker's volume events (issue 17): create, mount, unmount, destroy, with
# docker's attributes, for volt volume create/rm/prune, -v NAME:/DST,
# anonymous volumes of run --rm and rm -v; --filter type=, event=, volume=.
# volt has no `volt network` commands, so no network events.

load helpers

busybox_fixture

# vol_events SINCE [ARGS...]: "ACTION ID" of the volume events since SINCE
vol_events() {
	local since=$1
	shift
	volt events --since "$since" --until 0s -f type=volume "$@" --format '{{.Action}} {{.Actor.ID}}'
}

@test "events: volume create, mount, unmount, destroy in docker's order and shape" {
	t0=$(date +%s.%N)
	volt volume create ve-a >/dev/null
	volt run --name ve-c -v ve-a:/data busybox true
	cid=$(volt inspect -f '{{.Id}}' ve-c)
	volt rm ve-c >/dev/null
	volt volume rm ve-a >/dev/null
	run vol_events "$t0"
	[ "$status" -eq 0 ]
	# docker's volume service logs a create for every request, -v's too
	[ "$output" = "create ve-a
create ve-a
mount ve-a
unmount ve-a
destroy ve-a" ] || {
		echo "$output"
		false
	}
	# docker's attributes; json has docker's older status/id beside them
	run volt events --since "$t0" --until 0s -f type=volume -f event=mount --format json
	[ "${#lines[@]}" -eq 1 ]
	jq -e --arg c "$cid" '.Type == "volume" and .Action == "mount" and .Actor.ID == "ve-a" and .status == "mount" and
		.id == "ve-a" and .scope == "local" and (.timeNano | type) == "number" and
		.Actor.Attributes == {"container": $c, "destination": "/data", "driver": "local",
			"propagation": "", "read/write": "true"}' <<<"$output"
	run volt events --since "$t0" --until 0s -f type=volume -f event=unmount --format json
	jq -e --arg c "$cid" '.Actor.Attributes == {"container": $c, "driver": "local"}' <<<"$output"
	run volt events --since "$t0" --until 0s -f event=destroy -f type=volume --format '{{json .Actor.Attributes}}'
	[ "$output" = '{"driver":"local"}' ]
	# the plain listing: TIME volume ACTION NAME (k=v, ...)
	run volt events --since "$t0" --until 0s -f event=destroy -f type=volume
	[[ "$output" == *" volume destroy ve-a (driver=local)" ]]
	# the container's own events are not volume events
	run volt events --since "$t0" --until 0s -f container=ve-c --format '{{.Type}}'
	[ "$(sort -u <<<"$output")" = container ]
}

@test "events: a read-only mount says read/write=false; --filter volume= picks one volume" {
	t0=$(date +%s.%N)
	volt run --rm -v ve-ro:/r:ro -v ve-rw:/w busybox true
	run volt events --since "$t0" --until 0s -f volume=ve-ro -f event=mount --format '{{index .Actor.Attributes "read/write"}} {{.Actor.Attributes.destination}}'
	[ "$output" = "false /r" ]
	run vol_events "$t0" -f volume=ve-rw
	[ "$output" = "create ve-rw
mount ve-rw
unmount ve-rw" ]
	run volt events --since "$t0" --until 0s -f volume=ve-r --format '{{.Actor.ID}}'
	[ "$(sort -u <<<"$output")" = "ve-ro
ve-rw" ]
	volt volume rm ve-ro ve-rw >/dev/null
}

@test "events: anonymous volumes are destroyed by run --rm and rm -v; volume prune destroys" {
	t0=$(date +%s.%N)
	volt run --rm -v /anon busybox true
	run vol_events "$t0"
	[ "${#lines[@]}" -eq 4 ]
	anon=$(awk 'NR == 1 { print $2 }' <<<"$output")
	[[ "$anon" =~ ^[0-9a-f]{64}$ ]]
	[ "$output" = "create $anon
mount $anon
unmount $anon
destroy $anon" ]
	# run --rm: the unmount between the container's die and its destroy, as docker
	run volt events --since "$t0" --until 0s --format '{{.Type}} {{.Action}}'
	[ "$(grep -E 'container (die|destroy)|volume unmount' <<<"$output")" = "container die
volume unmount
container destroy" ]
	t1=$(date +%s.%N)
	volt create --name ve-rmv -v /anon2 busybox true >/dev/null
	volt rm -v ve-rmv >/dev/null
	run vol_events "$t1" -f event=destroy
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ ^destroy\ [0-9a-f]{64}$ ]]
	t2=$(date +%s.%N)
	volt volume create ve-p >/dev/null
	volt volume prune -f >/dev/null
	run vol_events "$t2" -f event=destroy
	[ "$output" = "destroy ve-p" ]
}
