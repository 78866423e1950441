#!/usr/bin/env bats
# create, start, stop, restart, kill, rm, ps, logs, exec, inspect, wait.

load helpers

busybox_fixture

@test "run -d returns at once and the container runs" {
	run volt run -d --name bg busybox sleep 30
	[ "$status" -eq 0 ]
	[ "${#output}" -eq 64 ]
	run volt ps
	[[ "$output" == *"bg"* ]]
	[[ "$output" == *"Up "* ]]
}

@test "create then start -a" {
	run volt create --name c1 busybox echo created-then-started
	[ "$status" -eq 0 ]
	run volt ps -a
	[[ "$output" == *"Created"*"c1"* ]]
	run volt start -a c1
	[ "$status" -eq 0 ]
	[ "$output" = "created-then-started" ]
	run volt ps -a --format json
	[[ "$output" == *'"State":"exited"'* ]]
}

@test "stop sends the stop signal, then SIGKILL after the timeout" {
	volt run -d --name s1 busybox sleep 100
	start=$(date +%s)
	run volt stop -t 1 s1
	[ "$status" -eq 0 ]
	end=$(date +%s)
	[ $((end - start)) -le 5 ]
	run volt inspect s1
	[[ "$output" == *'"ExitCode": 137'* ]]
}

@test "stop of a process that handles TERM exits with its own code" {
	volt run -d --name s2 busybox sh -c 'trap "exit 7" TERM; while true; do sleep 0.1; done'
	run volt stop s2
	[ "$status" -eq 0 ]
	run volt wait s2
	[ "$output" = 7 ]
}

@test "kill -s sends a signal" {
	volt run -d --name k1 --init busybox sleep 100
	run volt kill -s USR1 k1
	[ "$status" -eq 0 ]
	run volt wait k1
	[ "$output" = $((128 + 10)) ]
}

@test "restart runs the container again" {
	volt run -d --name r1 busybox sh -c 'echo run; sleep 100'
	run volt restart -t 0 r1
	[ "$status" -eq 0 ]
	wait_for sh -c "$VOLT_BIN logs r1 | grep -c run | grep -q 2"
	run volt ps
	[[ "$output" == *"r1"* ]]
}

@test "logs: both streams, --tail, -t, -f" {
	volt run --name l1 busybox sh -c 'echo out1; echo err1 >&2; echo out2' >/dev/null 2>&1
	run volt logs l1
	[ "$status" -eq 0 ]
	[[ "$output" == *"out1"*"out2"* ]]
	[[ "$output" == *"err1"* ]]
	run sh -c "$VOLT_BIN logs l1 2>/dev/null"
	[ "$output" = "$(printf 'out1\nout2')" ]
	run sh -c "$VOLT_BIN logs l1 2>&1 >/dev/null"
	[ "$output" = err1 ]
	volt run --name l3 busybox sh -c 'echo a; echo b; echo c' >/dev/null
	run volt logs --tail 1 l3
	[ "$output" = c ]
	run volt logs --tail 2 l3
	[ "$output" = "$(printf 'b\nc')" ]
	run volt logs -t l1
	[[ "${lines[0]}" =~ ^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T ]]
	volt run -d --name l2 busybox sh -c 'for i in 1 2 3; do echo tick$i; sleep 0.2; done'
	run timeout 10 "$VOLT_BIN" logs -f l2
	[ "$status" -eq 0 ]
	[[ "$output" == *"tick3"* ]]
}

@test "logs rotate at --log-opt max-size and keep max-file files; logs and logs -f read across them" {
	volt run --name big --log-opt max-size=64k --log-opt max-file=2 busybox \
		sh -c 'i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done' >/dev/null
	id=$(volt inspect big | sed -n 's/.*"Id": "\([0-9a-f]*\)".*/\1/p' | head -1)
	d="$VOLT_ROOT/containers/$id"
	[ -f "$d/ctr.log" ] && [ -f "$d/ctr.log.1" ] && [ ! -e "$d/ctr.log.2" ]
	[ "$(stat -c %s "$d/ctr.log")" -lt 70000 ]
	[ "$(stat -c %s "$d/ctr.log.1")" -lt 70000 ]
	run volt logs --tail 1 big
	[ "$output" = line19999 ]
	# the kept lines are the newest ones, in order, with no gap
	run sh -c "$VOLT_BIN logs big | head -1"
	[[ "$output" =~ ^line[0-9]+$ ]]
	first=${output#line}
	[ "$(volt logs big | wc -l)" -eq $((20000 - first)) ]
	run volt run --rm --log-opt max-size=1k busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"max-size=1k"* ]]
	run volt run --rm --log-opt bogus=1 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown option"* ]]
	# follow goes on in the new file after a rotation
	volt run -d --name bigf --log-opt max-size=16k busybox \
		sh -c 'i=0; while [ $i -lt 3000 ]; do echo tick$i; i=$((i+1)); [ $((i % 500)) -eq 0 ] && sleep 0.1; done'
	run timeout 20 "$VOLT_BIN" logs -f bigf
	[ "$status" -eq 0 ]
	[[ "$output" == *"tick2999"* ]]
}

@test "exec -t gives the command a pty of the container's own /dev/pts, owned by its user" {
	volt run -d --name xt busybox sleep 60 >/dev/null
	run sh -c "$VOLT_BIN exec -t xt tty | tr -d '\r'"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^/dev/pts/[0-9]+$ ]]
	run volt exec xt tty
	[ "$status" -eq 1 ]
	[ "$output" = "not a tty" ]
	if has_subuid; then
		run sh -c "$VOLT_BIN exec -t -u web xt sh -c 'stat -c %u \$(tty); echo \$TERM' | tr -d '\r'"
		[ "${lines[0]}" = 101 ]
		[ "${lines[1]}" = xterm ]
	fi
	run sh -c "echo 'exit 7' | $VOLT_BIN exec -i -t xt sh"
	[ "$status" -eq 7 ]
	volt rm -f xt >/dev/null
}

@test "exec joins the container's namespaces" {
	volt run -d --name e1 --hostname exec-host busybox sleep 100
	run volt exec e1 sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = exec-host ]
	[[ "${lines[1]}" == "sleep 100"* ]]
	run volt exec -e X=1 -w /tmp e1 sh -c 'echo $X; pwd'
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = /tmp ]
	run -127 volt exec e1 /nonexistent
	[ "$status" -eq 127 ]
	run volt exec e1 sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run sh -c "echo in | $VOLT_BIN exec -i e1 cat"
	[ "$output" = in ]
}

@test "exec in a stopped container fails clearly" {
	volt create --name e2 busybox true
	run volt exec e2 true
	[ "$status" -eq 125 ]
	[[ "$output" == *"is not running"* ]]
}

@test "inspect: state, pid, exit code, times, config, mounts, id mapping" {
	volt run -d --name i1 -v ivol:/data --label app=web busybox sleep 100
	run volt inspect i1
	[ "$status" -eq 0 ]
	[[ "$output" == *'"Running": true'* ]]
	[[ "$output" == *'"Pid": '[1-9]* ]]
	[[ "$output" == *'"StartedAt": "20'* ]]
	[[ "$output" == *'"app=web"'* ]]
	[[ "$output" == *'"destination": "/data"'* ]]
	[[ "$output" == *'"UidMap"'* ]]
}

@test "wait prints the exit code" {
	volt run -d --name w1 busybox sh -c 'sleep 0.3; exit 5'
	run volt wait w1
	[ "$status" -eq 0 ]
	[ "$output" = 5 ]
}

@test "wait prints the exit code of a --rm container, to every waiter, then it is gone" {
	volt run -d --rm --name w2 busybox sh -c 'sleep 0.5; exit 7'
	volt wait w2 >"$BATS_TEST_TMPDIR/other" &
	run volt wait w2
	[ "$status" -eq 0 ]
	[ "$output" = 7 ]
	wait
	[ "$(cat "$BATS_TEST_TMPDIR/other")" = 7 ]
	run volt wait w2
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such container: w2"* ]]
	# the next container in the recycled directory has its own code
	volt run -d --rm --name w3 busybox sh -c 'sleep 0.3; exit 0'
	run volt wait w3
	[ "$output" = 0 ]
}

@test "rm refuses a running container, rm -f removes it" {
	volt run -d --name rm1 busybox sleep 100
	run volt rm rm1
	[ "$status" -eq 125 ]
	[[ "$output" == *"is running"* ]]
	run volt rm -f rm1
	[ "$status" -eq 0 ]
	run volt ps -a
	[[ "$output" != *"rm1"* ]]
}

@test "rm removes files owned by mapped ids in the upper layer" {
	has_subuid || not_in_this_mode "needs a subordinate range"
	volt run --name owned -u web busybox sh -c 'mkdir -p /tmp/x && echo y >/tmp/x/f && chmod 700 /tmp/x'
	run volt rm owned
	[ "$status" -eq 0 ]
	[ "$(ls "$VOLT_ROOT/containers" | wc -l)" -eq 0 ]
}

@test "a killed monitor leaves an exited container that rm removes" {
	volt run -d --name dead busybox sleep 100
	shim=$(volt inspect dead | sed -n 's/.*"MonitorPid": \([0-9]*\).*/\1/p')
	[ -n "$shim" ]
	kill -9 "$shim"
	wait_for sh -c "$VOLT_BIN ps -a | grep dead | grep -q Exited"
	run volt ps
	[[ "$output" != *"dead"* ]]
	run volt rm dead
	[ "$status" -eq 0 ]
}

@test "names are unique" {
	volt create --name same busybox true
	run volt create --name same busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *'name "same" is already in use'* ]]
}

@test "20 concurrent runs all succeed with intact state" {
	for i in $(seq 1 20); do
		"$VOLT_BIN" run --name par$i busybox true >"$BATS_TEST_TMPDIR/out$i" 2>&1 &
	done
	wait
	run volt ps -a --format json
	[ "$(echo "$output" | grep -c '"Names":"par')" -eq 20 ]
	[ "$(echo "$output" | grep -c '"Status":"Exited (0) ')" -eq 20 ]
	if command -v sqlite3 >/dev/null; then
		run sqlite3 "$VOLT_ROOT/state.db" 'PRAGMA integrity_check'
		[ "$output" = ok ]
	fi
	for i in $(seq 1 20); do
		[ ! -s "$BATS_TEST_TMPDIR/out$i" ] || { cat "$BATS_TEST_TMPDIR/out$i"; false; }
	done
}

@test "ps -q and ps --format json" {
	volt run -d --name p1 busybox sleep 100
	run volt ps -q
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "${#lines[0]}" -eq 12 ]
	run volt ps --format json
	[[ "$output" == *'"Names":"p1"'* ]]
}

@test "a state database of schema 1 (before the kind) opens: its containers list, start and rm" {
	command -v sqlite3 >/dev/null || skip_or_fail "sqlite3 missing (scripts/install-deps)"
	volt create --name old1 busybox echo from-an-old-store
	# what volt wrote before containers had a kind
	sqlite3 "$VOLT_ROOT/state.db" 'ALTER TABLE containers DROP COLUMN kind; PRAGMA user_version = 1;'
	run volt ps -a
	[ "$status" -eq 0 ]
	[[ "$output" == *"old1"* ]]
	run sqlite3 "$VOLT_ROOT/state.db" 'PRAGMA user_version; SELECT kind FROM containers WHERE name = "old1";'
	[ "${lines[0]}" = 2 ]
	[ "${lines[1]}" = container ]
	run volt start -a old1
	[ "$status" -eq 0 ]
	[ "$output" = from-an-old-store ]
	run volt rm old1
	[ "$status" -eq 0 ]
	run volt ps -aq
	[ -z "$output" ]
}

@test "a workload of a kind this volt does not know: every lifecycle verb refuses it" {
	command -v sqlite3 >/dev/null || skip_or_fail "sqlite3 missing (scripts/install-deps)"
	volt create --name vm1 busybox true
	sqlite3 "$VOLT_ROOT/state.db" "UPDATE containers SET kind = 'pod' WHERE name = 'vm1';"
	for verb in start stop kill wait restart rm; do
		run volt $verb vm1
		[ "$status" -eq 125 ]
		[[ "$output" == *"vm1: a workload of a kind this volt does not know"* ]] || { echo "$verb: $output"; false; }
	done
	run volt ps -a
	[[ "$output" == *"vm1"* ]]
	# the monitor refuses it too (a unit or a restart runs volt-shim directly)
	run "$VOLT_TEST_DIR/bin/volt-shim" --root "$VOLT_ROOT" --id "$(sqlite3 "$VOLT_ROOT/state.db" "SELECT id FROM containers WHERE name = 'vm1';")"
	[ "$status" -eq 125 ]
	[[ "$output" == *"a kind this volt does not know"* ]]
	sqlite3 "$VOLT_ROOT/state.db" "UPDATE containers SET kind = 'container' WHERE name = 'vm1';"
	volt rm vm1
}
