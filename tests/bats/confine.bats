#!/usr/bin/env bats
# The monitor confines itself once its container runs (workload/confine.c):
# no_new_privs, Landlock, a seccomp allow-list. Under them it must still serve
# everything it serves, and what it no longer needs must be denied.

load helpers
bats_require_minimum_version 1.5.0

busybox_fixture --keep

setup() {
	volt_env
	unset VOLT_SUPERVISOR VOLT_MONITOR_CONFINE VOLT_TEST_MONITOR_FORBIDDEN VOLT_TEST_CONFINE_FAIL
}

teardown() {
	rm_all_containers
	if [ -n "${HOST_PID:-}" ]; then kill "$HOST_PID" 2>/dev/null || true; fi
}

# monitor_pid NAME
monitor_pid() {
	volt inspect -f '{{.State.MonitorPid}}' "$1"
}

# confined PID: the kernel says no_new_privs and a seccomp filter
confined() {
	grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$1/status" && grep -q '^Seccomp:[[:space:]]*2$' "/proc/$1/status"
}

ctr_dir() {
	echo "$VOLT_ROOT/containers/$(volt inspect -f '{{.Id}}' "$1")"
}

free_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# new_monitor NAME OLDPID: a monitor other than OLDPID runs NAME
new_monitor() {
	local p
	p=$(monitor_pid "$1")
	[ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$2" ] && [ -e "/proc/$p" ]
}

# gone NAME: no record of NAME is left
gone() {
	! volt ps -a | grep -q " $1\$"
}

empty_dir() {
	[ -z "$(ls -A "$1" 2>/dev/null)" ]
}

need_tun() {
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] || skip_or_fail "/dev/net/tun is not usable"
}

@test "confine: a detached monitor shows its filter in /proc/PID/status (NoNewPrivs 1, Seccomp 2)" {
	volt run -d --name st busybox sleep 30
	pid=$(monitor_pid st)
	[ "$pid" -gt 0 ]
	grep -E '^(NoNewPrivs|Seccomp):' "/proc/$pid/status"
	confined "$pid"
	# the switch to compare with: unconfined, neither is set
	VOLT_MONITOR_CONFINE=0 volt run -d --name st0 busybox sleep 30
	pid0=$(monitor_pid st0)
	grep -q '^Seccomp:[[:space:]]*0$' "/proc/$pid0/status"
}

@test "confine: a forbidden call from the monitor is denied: a file outside its paths, ptrace, execve" {
	echo secret >"$BATS_TEST_TMPDIR/secret"
	VOLT_TEST_MONITOR_FORBIDDEN=$BATS_TEST_TMPDIR/secret volt run -d --name fb busybox sleep 30
	log="$(ctr_dir fb)/monitor-forbidden.log"
	wait_for test -s "$log"
	cat "$log"
	grep -qx "open $BATS_TEST_TMPDIR/secret: Permission denied" "$log" # Landlock
	grep -qx "ptrace: Operation not permitted" "$log"                     # seccomp: EPERM
	grep -qx "execve: Operation not permitted" "$log"
	# the hook itself can tell: unconfined, all three are allowed
	VOLT_MONITOR_CONFINE=0 VOLT_TEST_MONITOR_FORBIDDEN=$BATS_TEST_TMPDIR/secret volt run -d --name fb0 busybox sleep 30
	log0="$(ctr_dir fb0)/monitor-forbidden.log"
	wait_for test -s "$log0"
	grep -qx "open $BATS_TEST_TMPDIR/secret: allowed" "$log0"
	grep -qx "ptrace: allowed" "$log0"
}

@test "confine: a detached monitor that could not confine itself says so once, on the workload's log" {
	# VOLT_TEST_CONFINE_FAIL: confinement refused (its /dev/null stderr hid it)
	id=$(VOLT_TEST_CONFINE_FAIL=1 volt run -d busybox sh -c 'echo out; sleep 60')
	for _ in $(seq 1 50); do
		volt logs "$id" 2>&1 | grep -q '^out$' && break
		sleep 0.1
	done
	run volt logs "$id"
	echo "$output"
	[ "$(grep -c "^volt: the monitor of ${id:0:12} is not confined: refused (VOLT_TEST_CONFINE_FAIL)" <<<"$output")" -eq 1 ]
	[ "$(grep -c '^out$' <<<"$output")" -eq 1 ]
	# attached, it is said on stderr, and not on the log
	run --separate-stderr env VOLT_TEST_CONFINE_FAIL=1 "$VOLT_BIN" run --name fgw busybox echo fg-out
	[ "$status" -eq 0 ]
	[ "$output" = fg-out ]
	[[ "$stderr" == *"volt: the monitor of "*" is not confined: refused (VOLT_TEST_CONFINE_FAIL)"* ]]
	! volt logs fgw 2>&1 | grep -q 'not confined'
}

@test "confine: the foreground monitor (volt itself) confines itself too" {
	echo secret >"$BATS_TEST_TMPDIR/secret"
	run env VOLT_TEST_MONITOR_FORBIDDEN="$BATS_TEST_TMPDIR/secret" "$VOLT_BIN" run --name fg busybox echo fg-out
	[ "$status" -eq 0 ]
	[ "$output" = fg-out ]
	log="$(ctr_dir fg)/monitor-forbidden.log"
	grep -qx "open $BATS_TEST_TMPDIR/secret: Permission denied" "$log"
	grep -qx "ptrace: Operation not permitted" "$log"
	# and it recorded the exit afterwards (SQLite under the filter)
	volt ps -a | grep -E ' fg$' | grep -q 'Exited (0)'
}

@test "confine: a confined monitor serves slirp (a fetch from inside), a published port, logs, exec and stop" {
	need_tun
	p=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo host-side >"$BATS_TEST_TMPDIR/www/x"
	busybox httpd -f -p "127.0.0.1:$p" -h "$BATS_TEST_TMPDIR/www" &
	HOST_PID=$!
	wait_for curl -sf -m 2 "http://127.0.0.1:$p/x"
	volt run -d --name web -p 127.0.0.1::80 --network slirp:allow_host_loopback=true busybox sh -c \
		'mkdir -p /w && echo hello-web >/w/index.html && echo started; exec httpd -f -p 80 -h /w'
	pid=$(monitor_pid web)
	confined "$pid"
	# slirp: out of the container to the host
	run volt exec web wget -qO- "http://10.0.2.2:$p/x"
	[ "$status" -eq 0 ]
	[ "$output" = host-side ]
	# a published port: into the container (the nssock factory is forked now, confined)
	hp=$(volt port web 80/tcp | sed 's/.*://')
	wait_for curl -sf -m 2 "http://127.0.0.1:$hp/"
	[ "$(curl -sS -m 5 "http://127.0.0.1:$hp/")" = hello-web ]
	# logs
	[ "$(volt logs web)" = started ]
	# exec
	run volt exec web echo exec-ok
	[ "$output" = exec-ok ]
	confined "$pid"
	# stop: the monitor records the exit
	volt stop -t 1 web
	volt ps -a | grep -E ' web$' | grep -q Exited
	[ ! -e "/proc/$pid" ] || ! grep -q volt-shim "/proc/$pid/cmdline"
}

@test "confine: restart on failure (builtin): each new monitor is confined, restarts are counted" {
	export VOLT_SUPERVISOR=builtin
	volt run -d --name rs --restart on-failure:2 busybox sh -c 'echo ran; sleep 1; exit 3'
	first=$(monitor_pid rs)
	confined "$first"
	wait_for new_monitor rs "$first"
	confined "$(monitor_pid rs)"
	for _ in $(seq 1 100); do
		volt inspect rs | grep -q '"RestartCount": 2' && volt ps -a | grep -E ' rs$' | grep -q Exited && break
		sleep 0.1
	done
	volt inspect rs | grep -q '"RestartCount": 2'
	volt ps -a | grep -E ' rs$' | grep -q 'Exited (3)'
	[ "$(volt logs rs | grep -c ran)" -eq 3 ]
}

@test "confine: --rm after a confined monitor removes the container (detached and foreground)" {
	run volt run --rm busybox echo rm-fg
	[ "$status" -eq 0 ]
	[ "$output" = rm-fg ]
	volt run -d --rm --name rmd busybox sh -c 'sleep 0.3'
	wait_for gone rmd
	gone rmd
	# the directories left containers/ (into spare/ or away) and trash/ emptied
	wait_for empty_dir "$VOLT_ROOT/containers"
	empty_dir "$VOLT_ROOT/containers"
	wait_for empty_dir "$VOLT_ROOT/trash"
	empty_dir "$VOLT_ROOT/trash"
}
