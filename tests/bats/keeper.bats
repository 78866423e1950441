#!/usr/bin/env bats
# The user namespace keeper (userns/userns_keeper.c): a mapped user
# namespace kept between foreground runs, so that newuidmap/newgidmap run once.

load helpers

busybox_fixture --keep

setup() {
	volt_env
	# every test its own runtime directory, so its own keepers
	export VOLT_RUNROOT="$BATS_TEST_TMPDIR/run"
}

teardown() {
	local p
	for p in $(keeper_pids); do kill "$p" 2>/dev/null || true; done
}

keeper_pids() {
	cat "$VOLT_RUNROOT"/userns-* 2>/dev/null | awk '{print $1}'
}

# gone PID [SECONDS]: wait until process PID has left
gone() {
	local i
	for i in $(seq 1 $((${2:-5} * 20))); do
		[ -d "/proc/$1" ] || return 0
		sleep 0.05
	done
	return 1
}

@test "a foreground run leaves a keeper in its user namespace; the next run joins it" {
	run volt run --rm busybox readlink /proc/self/ns/user
	[ "$status" -eq 0 ]
	first=$output
	if ! has_subuid; then
		# single map: no setuid helpers to save, so no keeper
		sleep 0.3
		[ -z "$(keeper_pids)" ]
		return
	fi
	wait_for test -s "$(ls "$VOLT_RUNROOT"/userns-* 2>/dev/null | head -1)"
	pid=$(keeper_pids)
	[ -n "$pid" ]
	[ "$(cat "/proc/$pid/comm")" = volt-userns ]
	[ "$(readlink "/proc/$pid/ns/user")" = "$first" ]
	# it holds nothing of the run that started it: /dev/null, cwd /, and
	# the store's state database (kept open, idle)
	for fd in 0 1 2; do [ "$(readlink "/proc/$pid/fd/$fd")" = /dev/null ]; done
	db=$(cd "$VOLT_ROOT" && pwd -P)/state.db
	run sh -c "for f in /proc/$pid/fd/*; do readlink \$f; done | sort"
	[ "$output" = "$(printf '%s\n' /dev/null /dev/null /dev/null "$db" "$db-shm" "$db-wal")" ]
	[ "$(readlink "/proc/$pid/cwd")" = / ]
	# the next run takes the same namespace, and no second keeper appears
	run volt run --rm busybox sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$first" ]
	read -r inside outside count <<<"${lines[1]}"
	[ "$inside" = 0 ] && [ "$outside" = "$(id -u)" ] && [ "$count" = 1 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(keeper_pids)" = "$pid" ]
	[ "$(ls "$VOLT_RUNROOT" | grep -c '^userns-')" -eq 1 ]
	run volt info
	[[ "$output" == *"namespace keeper: pid $pid "* ]]
}

@test "VOLT_USERNS_KEEPER=0: a fresh user namespace every run, no keeper" {
	has_subuid || not_in_this_mode "single map: no keeper in any case"
	export VOLT_USERNS_KEEPER=0
	run volt run --rm busybox readlink /proc/self/ns/user
	[ "$status" -eq 0 ]
	a=$output
	run volt run --rm busybox readlink /proc/self/ns/user
	[ "$status" -eq 0 ]
	[ "$output" != "$a" ]
	sleep 0.3
	[ -z "$(keeper_pids)" ]
	run volt info
	[[ "$output" == *"namespace keeper: off"* ]]
}

@test "a stale or broken keeper record is ignored and replaced" {
	has_subuid || not_in_this_mode "single map: no keeper in any case"
	volt run --rm busybox true
	wait_for test -n "$(keeper_pids)"
	rec=$(ls "$VOLT_RUNROOT"/userns-*)
	real=$(keeper_pids)
	kill "$real"
	gone "$real"
	# a live process of ours with the wrong start time (a reused pid)
	sleep 30 &
	fake=$!
	echo "$fake 1 $(cut -d' ' -f3- "$rec")" >"$rec"
	run volt run --rm busybox readlink /proc/self/ns/user
	[ "$status" -eq 0 ]
	[ "$output" != "$(readlink /proc/$fake/ns/user)" ]
	wait_for sh -c "[ \"\$(awk '{print \$1}' '$rec')\" != $fake ]"
	kill "$fake"
	new=$(keeper_pids)
	[ "$(cat "/proc/$new/comm")" = volt-userns ]
	# garbage: ignored, then replaced
	kill "$new"
	gone "$new"
	printf 'not a record\n' >"$rec"
	run volt run --rm busybox true
	[ "$status" -eq 0 ]
	wait_for sh -c "awk '{print \$1}' '$rec' | grep -q '^[0-9][0-9]*\$'"
}

@test "the keeper stays while a container uses it, leaves when idle or when its record goes" {
	has_subuid || not_in_this_mode "single map: no keeper in any case"
	export VOLT_USERNS_KEEPER_IDLE=2
	volt run --rm busybox true
	wait_for test -n "$(keeper_pids)"
	pid=$(keeper_pids)
	# a container that runs for 4 s keeps it (it joins the same namespace)
	volt run --rm busybox sleep 4 &
	ctr=$!
	sleep 3.5
	[ -d "/proc/$pid" ]
	wait "$ctr"
	gone "$pid" 8
	[ -z "$(ls "$VOLT_RUNROOT" | grep '^userns-')" ]
	# a removed record sends it away at its next look (every idle/4 s = 2 s),
	# well before its idle time (8 s)
	export VOLT_USERNS_KEEPER_IDLE=8
	volt run --rm busybox true
	wait_for test -n "$(keeper_pids)"
	pid=$(keeper_pids)
	rm "$VOLT_RUNROOT"/userns-*
	gone "$pid" 5
}

@test "the keeper keeps the state database open and lets go of a removed one" {
	has_subuid || not_in_this_mode "single map: no keeper in any case"
	export VOLT_USERNS_KEEPER_IDLE=4 # it looks every second
	volt run --rm busybox true
	wait_for test -n "$(keeper_pids)"
	pid=$(keeper_pids)
	wait_for sh -c "ls -l /proc/$pid/fd | grep -q 'state.db-shm\$'"
	# other volt processes read and write beside it; no transaction of its
	# own holds back a checkpoint, so the WAL stays bounded
	for i in $(seq 1 40); do volt run --rm busybox true; done
	run volt ps -a -q
	[ "$status" -eq 0 ] && [ -z "$output" ]
	wal=$(stat -c %s "$VOLT_ROOT/state.db-wal")
	[ "$wal" -le $((2 * 1024 * 1024)) ]
	# a store that goes away is not kept alive by it
	mv "$VOLT_ROOT/state.db" "$VOLT_ROOT/state.db.old"
	wait_for sh -c "! ls -l /proc/$pid/fd | grep -q 'state.db'"
	mv "$VOLT_ROOT/state.db.old" "$VOLT_ROOT/state.db"
	wait_for sh -c "ls -l /proc/$pid/fd | grep -q 'state.db-shm\$'"
	run volt images -q
	[ "$status" -eq 0 ] && [ -n "$output" ]
}

@test "--userns=keep-id gets a keeper of its own map" {
	has_subuid || not_in_this_mode "single map: no keeper in any case"
	volt run --rm busybox true
	run volt run --rm --userns=keep-id busybox id -u
	[ "$status" -eq 0 ]
	[ "$output" = "$(id -u)" ]
	wait_for sh -c "[ \$(ls '$VOLT_RUNROOT' | grep -c '^userns-') -eq 2 ]"
	run volt run --rm --userns=keep-id busybox id -u
	[ "$output" = "$(id -u)" ]
}

@test "volt rm and image import work inside the keeper's namespace" {
	has_subuid || not_in_this_mode "single map: no keeper in any case"
	volt run --rm busybox true
	wait_for test -n "$(keeper_pids)"
	# files of a subordinate id in the upper layer: removed from inside
	volt run --name kept-rm busybox sh -c 'mkdir -p /data/d && echo x >/data/d/f && chown -R 1000:1000 /data'
	run env VOLT_TRACE=1 "$VOLT_BIN" rm kept-rm
	[ "$status" -eq 0 ]
	[[ "$output" == *"userns run: the keeper's namespace"* ]]
	[ -z "$(ls "$VOLT_ROOT/containers")" ]
	run env VOLT_TRACE=1 "$VOLT_BIN" image import "$BUSYBOX_TAR" kept-import
	[ "$status" -eq 0 ]
	[[ "$output" == *"userns run: the keeper's namespace"* ]]
	run volt run --rm kept-import stat -c %u:%g /bin/busybox
	[ "$status" -eq 0 ]
	[ "$output" = "0:0" ]
	# without a keeper, the same works with a namespace of its own
	kill "$(keeper_pids)"
	volt run --name kept-rm2 busybox sh -c 'echo x >/f && chown 1000 /f'
	run env VOLT_TRACE=1 VOLT_USERNS_KEEPER=0 "$VOLT_BIN" rm kept-rm2
	[ "$status" -eq 0 ]
	[[ "$output" != *"keeper's namespace"* ]]
}

@test "detached containers join a live keeper's namespace, never start one" {
	has_subuid || not_in_this_mode "single map: no keeper in any case"
	# no keeper yet: a detached container maps its own and leaves none
	volt run -d --name kd0 busybox sleep 30
	sleep 0.3
	[ -z "$(keeper_pids)" ]
	volt rm -f kd0
	volt run --rm busybox true
	wait_for test -n "$(keeper_pids)"
	pid=$(keeper_pids)
	volt run -d --name kd busybox sleep 30
	run volt exec kd readlink /proc/self/ns/user
	[ "$status" -eq 0 ]
	[ "$output" = "$(readlink "/proc/$pid/ns/user")" ]
	volt stop -t 1 kd
	volt start kd
	run volt exec kd readlink /proc/self/ns/user
	[ "$output" = "$(readlink "/proc/$pid/ns/user")" ]
	volt rm -f kd
}

@test "with a keeper, the network namespace is made ahead: a fresh one per run, lo up, slirp's eth0" {
	has_subuid || not_in_this_mode "single map: no keeper in any case"
	volt run --rm busybox true
	wait_for test -n "$(keeper_pids)"
	run env VOLT_TRACE=1 "$VOLT_BIN" run --rm --network none busybox sh -c 'readlink /proc/self/ns/net; ip -o link show lo'
	[ "$status" -eq 0 ]
	[[ "$output" == *"network namespace made ahead"* ]]
	a=$(echo "$output" | grep '^net:')
	[[ "$output" == *"lo: <LOOPBACK,UP"* ]]
	[ "$a" != "$(readlink /proc/self/ns/net)" ]
	[ "$a" != "net:[$(stat -Lc %i /proc/$(keeper_pids)/ns/net)]" ]
	# a fresh one per run: compared with a namespace that still lives (the
	# kernel reuses the number of one that is gone)
	volt run -d --name nsa --network none busybox sleep 60
	held=$(volt exec nsa readlink /proc/self/ns/net)
	run volt run --rm --network none busybox readlink /proc/self/ns/net
	[ "$status" -eq 0 ]
	[[ "$output" == net:* ]]
	[ "$output" != "$held" ]
	volt rm -f nsa
	run env VOLT_TRACE=1 "$VOLT_BIN" run --rm busybox ip -o addr show eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"network namespace made ahead"* ]]
	[[ "$output" == *"10.0.2.100/24"* ]]
	# host network: none made
	run env VOLT_TRACE=1 "$VOLT_BIN" run --rm --network host busybox readlink /proc/self/ns/net
	[ "$status" -eq 0 ]
	[[ "$output" != *"made ahead"* ]]
	[[ "$output" == *"$(readlink /proc/self/ns/net)"* ]]
}

@test "with a keeper, the container child runs in the monitor's memory (CLONE_VFORK); VOLT_SPAWN_FORK=1 forks it" {
	has_subuid || not_in_this_mode "single map: no keeper, the child is forked"
	export VOLT_SUPERVISOR=builtin
	volt run --rm busybox true
	wait_for test -n "$(keeper_pids)"
	run env VOLT_TRACE=1 "$VOLT_BIN" run --rm -e MARKER=from-container busybox sh -c 'echo $MARKER'
	[ "$status" -eq 0 ]
	[[ "$output" == *"spawn: cloned in shared memory"* ]]
	[[ "$output" == *from-container* ]]
	run env VOLT_TRACE=1 VOLT_SPAWN_FORK=1 "$VOLT_BIN" run --rm busybox true
	[ "$status" -eq 0 ]
	[[ "$output" != *"shared memory"* ]]
	# failures before the exec still come back, with their exit codes
	run -127 volt run --rm busybox /nonexistent
	[[ "$output" == *'exec "/nonexistent"'* ]]
	run volt run --rm -w /etc/passwd busybox true
	[ "$status" -eq 125 ]
	# a restarted detached container: its new monitor is exec'd with the
	# monitor's environment (the child set environ to the container's in
	# the monitor's memory before its exec; the monitor puts it back)
	volt run -d --name envck --restart on-failure:1 -e MARKER=from-container busybox sh -c '[ -e /ran ] && exec sleep 30; touch /ran; exit 3'
	for _ in $(seq 1 50); do
		[ "$(volt inspect envck | sed -n 's/.*"RestartCount": \([0-9]*\).*/\1/p' | head -1)" = 1 ] &&
			volt exec envck true 2>/dev/null && break
		sleep 0.1
	done
	run volt exec envck sh -c 'echo $MARKER'
	[ "$output" = from-container ]
	volt rm -f envck
}
