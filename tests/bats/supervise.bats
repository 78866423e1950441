#!/usr/bin/env bats
# Supervision: the systemd user manager (tests named "systemd:", skipped when
# no manager answers) and volt's builtin supervisor ("builtin:", always run).
# scripts/run-bats runs this file once with a real `systemd --user` for the
# test user (XDG_RUNTIME_DIR exported) and once without any.

load helpers

setup_file() {
	volt_env
	require_userns
	import_busybox
}

setup() {
	volt_env
	unset VOLT_SUPERVISOR VOLT_IGNORE_LIMITS
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
	if has_manager; then
		for u in sdg web test-deleg-$BATS_ROOT_PID; do
			systemctl --user stop "volt-$u.service" >/dev/null 2>&1 || true
			rm -f "$HOME/.config/systemd/user/volt-$u.service"
		done
		systemctl --user daemon-reload >/dev/null 2>&1 || true
		systemctl --user reset-failed >/dev/null 2>&1 || true
	fi
}

# ps_has NAME: volt ps lists NAME as running
ps_has() {
	volt ps | grep -qE " $1\$"
}

# logs_have NAME TEXT
logs_have() {
	volt logs "$1" 2>/dev/null | grep -q "$2"
}

# unit_gone UNIT: the manager no longer knows the unit
unit_gone() {
	! systemctl --user status "$1" >/dev/null 2>&1 &&
		systemctl --user status "$1" 2>&1 | grep -q "could not be found"
}

has_manager() {
	[ -n "${XDG_RUNTIME_DIR:-}" ] && systemctl --user show -p Version >/dev/null 2>&1
}

require_manager() {
	if ! has_manager; then
		if [ -n "${VOLT_TEST_SYSTEMD:-}" ]; then
			echo "a systemd user manager was expected (VOLT_TEST_SYSTEMD) but none answers" >&2
			return 1
		fi
		not_in_this_mode "no systemd user manager for this user (the run without one)"
	fi
}

# inspect_field KEY: the first "KEY": value of volt inspect NAME
restart_count() {
	volt inspect "$1" | sed -n 's/.*"RestartCount": \([0-9]*\).*/\1/p' | head -1
}

# exited NAME: the container has exited and no monitor holds it
exited() {
	volt ps -a | grep -E " $1\$" | grep -q Exited
}

counter_cmd='i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done'

# check_pause NAME: the log counter stops while paused and moves after unpause
check_pause() {
	sleep 0.5
	run volt pause "$1"
	[ "$status" -eq 0 ]
	volt ps | grep -E " $1\$" | grep -q "(Paused)"
	sleep 0.3
	local a b c
	a=$(volt logs "$1" | wc -l)
	sleep 1
	b=$(volt logs "$1" | wc -l)
	echo "paused: $a -> $b"
	[ "$a" -eq "$b" ]
	run volt unpause "$1"
	[ "$status" -eq 0 ]
	sleep 1
	c=$(volt logs "$1" | wc -l)
	echo "unpaused: $b -> $c"
	[ "$c" -gt "$b" ]
}

# ---- systemd user manager ----------------------------------------------

@test "systemd: volt info says the manager is the supervisor" {
	require_manager
	run volt info
	[ "$status" -eq 0 ]
	[[ "$output" == *"active: systemd"* ]]
	[[ "$output" == *"systemd user manager: unix:path="* ]]
}

@test "systemd: the manager's private socket is found without a session bus" {
	require_manager
	# a runtime dir with the manager's socket but no bus socket
	rt=$BATS_TEST_TMPDIR/rt
	mkdir -p "$rt"
	ln -s "$XDG_RUNTIME_DIR/systemd" "$rt/systemd"
	XDG_RUNTIME_DIR=$rt DBUS_SESSION_BUS_ADDRESS= run volt info
	[[ "$output" == *"active: systemd"* ]]
	[[ "$output" == *"unix:path=$rt/systemd/private"* ]]
	XDG_RUNTIME_DIR=$rt DBUS_SESSION_BUS_ADDRESS= run volt run -d --name sdpriv busybox sleep 30
	[ "$status" -eq 0 ]
	systemctl --user status volt-sdpriv.service | grep -q 'active (running)'
	# and none at all: auto falls back to builtin, saying why
	XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR DBUS_SESSION_BUS_ADDRESS= run volt info
	[[ "$output" == *"active: builtin"* ]]
	[[ "$output" == *"no systemd user manager answered"* ]]
	XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR DBUS_SESSION_BUS_ADDRESS= run volt run -d --supervisor systemd busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"supervisor systemd"* ]]
}

@test "systemd: a detached container is a unit of the user manager" {
	require_manager
	run volt run -d --name sd1 busybox sleep 60
	[ "$status" -eq 0 ]
	run systemctl --user status volt-sd1.service
	echo "$output"
	[[ "$output" == *"active (running)"* ]]
	[[ "$output" == *"volt-shim"* ]]
	[[ "$output" == *"CGroup: "*"/volt-sd1.service"* ]]
	[[ "$output" == *"sleep 60"* ]]
	run systemctl --user show -p Delegate -p KillMode -p CollectMode volt-sd1.service
	[[ "$output" == *"Delegate=yes"* ]]
	[[ "$output" == *"KillMode=mixed"* ]]
	[[ "$output" == *"CollectMode=inactive-or-failed"* ]]
	volt inspect sd1 | grep -q '"Active": "systemd"'
	volt inspect sd1 | grep -q '"Unit": "volt-sd1.service"'
}

@test "systemd: --supervisor builtin keeps the container out of the manager" {
	require_manager
	run volt run -d --supervisor builtin --name sd2 busybox sleep 60
	[ "$status" -eq 0 ]
	run systemctl --user status volt-sd2.service
	[ "$status" -ne 0 ]
	volt inspect sd2 | grep -q '"Active": "builtin"'
}

@test "systemd: restart on failure counts restarts" {
	require_manager
	run volt run -d --name sdr --restart on-failure:2 busybox sh -c 'echo ran; sleep 0.2; exit 3'
	[ "$status" -eq 0 ]
	systemctl --user show -p Restart volt-sdr.service | grep -q 'Restart=on-failure'
	for _ in $(seq 1 100); do
		[ "$(restart_count sdr)" = 2 ] && exited sdr && break
		sleep 0.1
	done
	[ "$(restart_count sdr)" = 2 ]
	sleep 0.5
	[ "$(restart_count sdr)" = 2 ]
	[ "$(volt logs sdr | grep -c ran)" -eq 3 ]
}

# vm_restarted_once NAME - a microVM run with --restart on-failure:1 and a
# workload that says "ran" and exits 3 (TCG boots take seconds: up to 300 s)
# was restarted once, ran twice and stays exited with the workload's code
vm_restarted_once() {
	for _ in $(seq 1 600); do
		[ "$(restart_count "$1")" = 1 ] && exited "$1" && break
		sleep 0.5
	done
	[ "$(restart_count "$1")" = 1 ]
	[ "$(volt logs "$1" | grep -c ran)" -eq 2 ]
	run volt inspect -f '{{.State.ExitCode}} {{.Type}}' "$1"
	[ "$output" = "3 vm" ]
}

@test "systemd: a microVM is a unit too, restarted on failure" {
	require_manager
	need_vm
	vm_env
	run volt run --vm -d --accel tcg --name sdvm --restart on-failure:1 busybox sh -c 'echo ran; exit 3'
	[ "$status" -eq 0 ]
	systemctl --user show -p Restart volt-sdvm.service | grep -q 'Restart=on-failure'
	vm_restarted_once sdvm
}

@test "systemd: --restart=no does not restart" {
	require_manager
	run volt run -d --name sdn --restart=no busybox sh -c 'echo ran; exit 3'
	[ "$status" -eq 0 ]
	wait_for exited sdn
	sleep 0.5
	[ "$(restart_count sdn)" = 0 ]
	[ "$(volt logs sdn | grep -c ran)" -eq 1 ]
}

@test "systemd: stop and rm clean the unit" {
	require_manager
	volt run -d --name sds --stop-timeout 2 busybox sleep 60
	systemctl --user status volt-sds.service >/dev/null
	run volt stop sds
	[ "$status" -eq 0 ]
	wait_for unit_gone volt-sds.service
	volt ps -a | grep sds | grep -q Exited
	# rm -f of a running one
	volt start sds
	systemctl --user status volt-sds.service >/dev/null
	run volt rm -f sds
	[ "$status" -eq 0 ]
	wait_for unit_gone volt-sds.service
	run volt ps -a
	[[ "$output" != *"sds"* ]]
}

@test "systemd: stop -t N kills the unit after N seconds, and it is not restarted" {
	require_manager
	volt run -d --name sdt --restart always busybox sleep 60 # PID 1 ignores SIGTERM
	start=$(date +%s)
	run volt stop -t 1 sdt
	[ "$status" -eq 0 ]
	[ $(($(date +%s) - start)) -lt 6 ]
	sleep 0.5
	exited sdt
	wait_for unit_gone volt-sdt.service
}

@test "systemd: kill goes through the manager and is not restarted" {
	require_manager
	volt run -d --name sdk --restart always busybox sleep 60
	run volt kill sdk
	[ "$status" -eq 0 ]
	wait_for exited sdk
	sleep 0.5
	exited sdk
	run systemctl --user status volt-sdk.service
	[ "$status" -ne 0 ]
}

@test "systemd: limits are what systemd reports for the unit" {
	require_manager
	run volt run -d --name sdl --ignore-limits --memory 64m --memory-swap 96m --cpus 0.5 \
		--pids-limit 100 --io-weight 200 --cpu-shares 2048 busybox sleep 60
	[ "$status" -eq 0 ]
	run systemctl --user show -p MemoryMax -p MemorySwapMax -p CPUQuotaPerSecUSec -p TasksMax \
		-p IOWeight -p CPUWeight volt-sdl.service
	echo "$output"
	[[ "$output" == *"MemoryMax=67108864"* ]]
	[[ "$output" == *"MemorySwapMax=33554432"* ]]
	[[ "$output" == *"CPUQuotaPerSecUSec=500ms"* ]]
	[[ "$output" == *"TasksMax=100"* ]]
	[[ "$output" == *"IOWeight=200"* ]]
	[[ "$output" == *"CPUWeight=79"* ]]
	run volt update --ignore-limits --memory 128m --cpus 1.5 sdl
	[ "$status" -eq 0 ]
	run systemctl --user show -p MemoryMax -p CPUQuotaPerSecUSec volt-sdl.service
	[[ "$output" == *"MemoryMax=134217728"* ]]
	[[ "$output" == *"CPUQuotaPerSecUSec=1.500000s"* ]]
	# the effect, where the memory controller reaches the unit
	cg=$(systemctl --user show -p ControlGroup --value volt-sdl.service)
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	if grep -qw memory "$v2$cg/cgroup.controllers" 2>/dev/null; then
		[ "$(cat "$v2$cg/memory.max")" = 134217728 ]
	else
		echo "# effect check skipped: cgroup v2 memory controller not available under $v2$cg ($(cat "$v2$cg/cgroup.controllers" 2>/dev/null || echo none))" >&3
	fi
}

@test "systemd: a missing controller fails the run, naming it and the fix" {
	require_manager
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	cg=$(systemctl --user show -p ControlGroup --value | head -1)
	mgr=$(busctl --user get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 \
		org.freedesktop.systemd1.Manager ControlGroup 2>/dev/null | sed 's/^s "\(.*\)"$/\1/')
	if grep -qw memory "$v2$mgr/cgroup.controllers" 2>/dev/null; then
		not_in_this_mode "the memory controller is available here: nothing to refuse"
	fi
	run volt run -d --name sdm --memory 64m busybox sleep 60
	[ "$status" -eq 125 ]
	[[ "$output" == *'controller "memory"'* ]]
	[[ "$output" == *"--ignore-limits"* ]]
	run volt create --name sdm --memory 64m busybox sleep 60
	[ "$status" -eq 125 ]
	[[ "$output" == *'controller "memory"'* ]]
	[ -z "$(volt ps -aq)" ]
	VOLT_IGNORE_LIMITS=1 run volt run -d --name sdm2 --memory 64m busybox sleep 60
	[ "$status" -eq 0 ]
	[[ "$output" == *"not enforced"* ]]
}

@test "systemd: pause freezes (a counter inside stops advancing)" {
	require_manager
	volt run -d --name sdp busybox sh -c "$counter_cmd"
	check_pause sdp
}

@test "systemd: the generated unit starts the container" {
	require_manager
	volt run -d --name sdg busybox sh -c "$counter_cmd"
	run volt generate systemd --new --files sdg
	[ "$status" -eq 0 ]
	unit=$output
	[ -f "$unit" ]
	grep -q '^ExecStart=.* run --name sdg busybox sh -c' "$unit"
	volt rm -f sdg
	systemctl --user daemon-reload
	systemctl --user start volt-sdg.service
	wait_for ps_has sdg
	systemctl --user status volt-sdg.service | grep -q 'active (running)'
	sleep 0.5
	[ "$(volt logs sdg | wc -l)" -gt 1 ]
	systemctl --user stop volt-sdg.service
	run volt ps -a
	[[ "$output" != *"sdg"* ]] # --new: removed after the stop
	rm -f "$unit"
	systemctl --user daemon-reload
}

@test "systemd: volt units apply turns a .volt file into a unit that runs" {
	require_manager
	mkdir -p "$BATS_TEST_TMPDIR/units" "$BATS_TEST_TMPDIR/out"
	cat >"$BATS_TEST_TMPDIR/units/web.volt" <<-'EOF'
	[Container]
	Image=busybox
	Exec=sh -c "echo from-unit; sleep 60"
	Restart=on-failure:3
	PidsLimit=500
	Option=--ignore-limits
	EOF
	XDG_CONFIG_HOME=$BATS_TEST_TMPDIR/cfg run volt units apply --dir "$BATS_TEST_TMPDIR/units"
	[ "$status" -eq 0 ]
	unit=$BATS_TEST_TMPDIR/cfg/systemd/user/volt-web.service
	[ -f "$unit" ]
	grep -q '^Restart=on-failure' "$unit"
	# the manager reads ~/.config/systemd/user, so link the unit there
	mkdir -p "$HOME/.config/systemd/user"
	cp "$unit" "$HOME/.config/systemd/user/volt-web.service"
	systemctl --user daemon-reload
	systemctl --user start volt-web.service
	wait_for logs_have web from-unit
	systemctl --user stop volt-web.service
	rm -f "$HOME/.config/systemd/user/volt-web.service"
	systemctl --user daemon-reload
}

@test "systemd: builtin inside a delegated unit gets its own cgroup; pause uses cgroup.freeze" {
	require_manager
	# a name of this run's own: a unit an earlier, killed run left is not ours
	unit=volt-test-deleg-$BATS_ROOT_PID
	systemd-run --user -q -p Delegate=yes -p TimeoutStopSec=5 --unit="$unit" -E VOLT_ROOT="$VOLT_ROOT" \
		-E VOLT_RUNROOT="$VOLT_RUNROOT" sh -c "$VOLT_BIN run -d --supervisor builtin --name dg busybox sh -c '$counter_cmd'; sleep 60"
	wait_for ps_has dg
	cg=$(systemctl --user show -p ControlGroup --value "$unit.service")
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	id=$(volt inspect dg | sed -n 's/.*"Id": "\(.\{12\}\).*/\1/p' | head -1)
	own="$v2$cg/volt-$id"
	[ -d "$own" ]
	pid=$(volt inspect dg | sed -n 's/.*"Pid": \([0-9]*\).*/\1/p')
	grep -q "^0::$cg/volt-$id\$" "/proc/$pid/cgroup"
	volt pause dg
	[ "$(cat "$own/cgroup.freeze")" = 1 ]
	volt unpause dg
	[ "$(cat "$own/cgroup.freeze")" = 0 ]
	systemctl --user stop "$unit.service"
	volt rm -f dg
}

# ---- builtin supervisor ------------------------------------------------

@test "builtin: volt info says which supervisor and why" {
	VOLT_SUPERVISOR=builtin run volt info
	[[ "$output" == *"active: builtin"* ]]
	[[ "$output" == *'$VOLT_SUPERVISOR'* ]]
	run volt info --format json
	[[ "$output" == *'"supervisor"'* ]]
	[[ "$output" == *'"lingering"'* ]]
}

@test "builtin: volt.conf supervisor= is read" {
	echo "supervisor=builtin" >"$VOLT_ROOT/volt.conf"
	run volt info
	rm -f "$VOLT_ROOT/volt.conf"
	[[ "$output" == *"active: builtin"* ]]
	[[ "$output" == *"volt.conf"* ]]
}

@test "builtin: bad --restart and --supervisor values are refused" {
	run volt run -d --restart sometimes busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"on-failure[:N]"* ]]
	run volt run -d --supervisor upstart busybox true
	[ "$status" -eq 125 ]
	run volt run --rm --restart always busybox true
	[ "$status" -eq 125 ]
	run volt run -d --memory-swap 1g busybox true
	[ "$status" -eq 125 ]
}

@test "builtin: restart on failure counts restarts" {
	export VOLT_SUPERVISOR=builtin
	run volt run -d --name br --restart on-failure:2 busybox sh -c 'echo ran; exit 3'
	[ "$status" -eq 0 ]
	for _ in $(seq 1 100); do
		[ "$(restart_count br)" = 2 ] && exited br && ! grep -q . /dev/null && break
		sleep 0.1
	done
	sleep 0.5
	[ "$(restart_count br)" = 2 ]
	[ "$(volt logs br | grep -c ran)" -eq 3 ]
	volt inspect br | grep -q '"Active": "builtin"'
}

@test "builtin: a microVM is restarted on failure" {
	export VOLT_SUPERVISOR=builtin
	need_vm
	vm_env
	run volt run --vm -d --accel tcg --name bvm --restart on-failure:1 busybox sh -c 'echo ran; exit 3'
	[ "$status" -eq 0 ]
	vm_restarted_once bvm
}

@test "builtin: --restart=no does not restart" {
	export VOLT_SUPERVISOR=builtin
	volt run -d --name bn --restart=no busybox sh -c 'echo ran; exit 3'
	wait_for exited bn
	sleep 0.5
	[ "$(restart_count bn)" = 0 ]
	[ "$(volt logs bn | grep -c ran)" -eq 1 ]
}

@test "builtin: on-failure does not restart a clean exit; always does until stopped" {
	export VOLT_SUPERVISOR=builtin
	volt run -d --name bc --restart on-failure busybox sh -c 'echo ran; exit 0'
	volt run -d --name ba --restart always busybox sh -c 'echo ran; sleep 0.2'
	sleep 1.5
	[ "$(restart_count bc)" = 0 ]
	n=$(restart_count ba)
	[ "$n" -ge 2 ]
	run volt stop ba
	[ "$status" -eq 0 ]
	sleep 1
	m=$(restart_count ba)
	sleep 1
	[ "$(restart_count ba)" = "$m" ]
	exited ba
}

@test "builtin: pause freezes (a counter inside stops advancing)" {
	export VOLT_SUPERVISOR=builtin
	volt run -d --name bp busybox sh -c "$counter_cmd"
	check_pause bp
	run volt unpause bp
	[ "$status" -ne 0 ]
	[[ "$output" == *"not paused"* ]]
}

@test "builtin: a limit without a delegated cgroup fails naming the controller" {
	export VOLT_SUPERVISOR=builtin
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	if [ -w "$v2$own" ] && grep -qw memory "$v2$own/cgroup.controllers"; then
		not_in_this_mode "this user has a delegated cgroup with the memory controller"
	fi
	run volt run -d --name bl --memory 64m busybox sleep 30
	[ "$status" -eq 125 ]
	[[ "$output" == *'controller "memory"'* ]]
	[[ "$output" == *"--ignore-limits"* ]]
	run volt run -d --name bl2 --ignore-limits --memory 64m --pids-limit 50 busybox sleep 30
	[ "$status" -eq 0 ]
	[[ "$output" == *"not enforced"* ]]
	volt inspect bl2 | grep -q '"memory": 67108864'
	# created with --ignore-limits: an update warns too
	run volt update --memory 128m bl2
	[ "$status" -eq 0 ]
	[[ "$output" == *"not enforced"* ]]
	volt inspect bl2 | grep -q '"memory": 134217728'
	# the default pids limit alone never fails a run
	run volt run -d --name bl3 busybox true
	[ "$status" -eq 0 ]
}

@test "builtin: a refused limit leaves nothing behind (run --rm, run -d --rm, create fail alike)" {
	export VOLT_SUPERVISOR=builtin
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	if [ -w "$v2$own" ] && grep -qw memory "$v2$own/cgroup.controllers"; then
		not_in_this_mode "this user has a delegated cgroup with the memory controller"
	fi
	[ -z "$(volt ps -aq)" ]
	run volt run --rm --memory 64m busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *'controller "memory"'* ]]
	run volt run -d --rm --pids-limit 10 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *'controller "pids"'* ]]
	run volt run --rm --cpus 0.5 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *'controller "cpu"'* ]]
	# create refuses as run does, instead of a container no start can run
	run volt create --memory 64m busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *'controller "memory"'* ]]
	[ -z "$(volt ps -aq)" ]
	[ -z "$(ls -A "$VOLT_ROOT/containers" 2>/dev/null)" ]
	# --ignore-limits still runs, and --rm still removes
	run volt run --rm --ignore-limits --memory 64m busybox echo ran
	[ "$status" -eq 0 ]
	[[ "$output" == *ran* ]]
	[ -z "$(volt ps -aq)" ]
}

@test "builtin: stats, ps --resources and top show the container" {
	export VOLT_SUPERVISOR=builtin
	volt run -d --name bs busybox sh -c "$counter_cmd"
	run volt stats --no-stream
	[ "$status" -eq 0 ]
	[[ "$output" == *"CPU %"* ]]
	[[ "$output" == *" bs "* ]]
	run volt ps --resources
	[[ "$output" == *" bs "* ]]
	run volt top bs
	[ "$status" -eq 0 ]
	[[ "$output" == *"PID"* ]]
	[[ "$output" == *"while :"* ]]
}

@test "builtin: generate systemd prints a unit; units apply writes one" {
	volt create --name gen --restart on-failure busybox echo hi
	run volt generate systemd gen
	[ "$status" -eq 0 ]
	[[ "$output" == *"ExecStart="*" start -a gen"* ]]
	[[ "$output" == *"Restart=on-failure"* ]]
	run volt generate systemd --new gen
	[[ "$output" == *"ExecStartPre=-"*" rm -f gen"* ]]
	[[ "$output" == *" run --name gen --restart on-failure busybox echo hi"* ]]
	mkdir -p "$BATS_TEST_TMPDIR/u"
	printf '[Container]\nName=x1\nImage=busybox\nExec=echo "a b"\nEnvironment=A=1\n[Install]\nWantedBy=default.target\n' \
		>"$BATS_TEST_TMPDIR/u/x1.volt"
	printf '[Container]\nImage=busybox\nBogus=1\n' >"$BATS_TEST_TMPDIR/u/bad.volt"
	run volt units apply --dir "$BATS_TEST_TMPDIR/u" --output "$BATS_TEST_TMPDIR/o"
	[ "$status" -eq 125 ]
	[[ "$output" == *'bad.volt: line 3: unknown key "Bogus"'* ]]
	grep -q 'run --name x1 --env A=1 busybox echo "a b"' "$BATS_TEST_TMPDIR/o/volt-x1.service"
}
