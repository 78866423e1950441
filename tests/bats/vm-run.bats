#!/usr/bin/env bats
# MicroVMs on the workload model: `volt run --vm` and the lifecycle verbs for
# a record of kind vm (src/workload/vm_monitor.c, vm_exec.c). Every VM here
# boots Debian's cloud kernel under TCG (no usable KVM on these hosts), so
# each test boots as few as it can and every wait is bounded. The kernel
# package comes from Debian's archive in scripts/test-setup
# (scripts/fetch-test-kernel, cached), never from /boot.

load helpers
bats_require_minimum_version 1.5.0

# qemus: the QEMUs of this file's VMs (their appliance, under $VOLT_ROOT, is
# on their command line; other users of the machine may run VMs of their own)
qemus() {
	pgrep -u "$(id -u)" -f "qemu-system-x86_64.*$VOLT_ROOT/appliances/" || true
}

setup() {
	volt_env
	vm_env
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

@test "run --vm: no kernel is one clear error, and --rm leaves nothing" {
	command -v qemu-system-x86_64 >/dev/null || skip_or_fail "qemu-system-x86_64 is not installed (scripts/install-deps)"
	import_busybox
	volt vm kernel ls -q | while read -r k; do volt vm kernel rm "$k"; done
	run volt run --vm --rm --accel tcg busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"no kernel for microVMs"*"volt vm kernel fetch"* ]]
	[ "$(grep -c '^volt:' <<<"$output")" -eq 1 ]
	[ -z "$(volt ps -aq)" ]
	# options that are a container's are refused for a VM, and the other way round
	run volt run --vm --read-only busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"not microVMs"* ]]
	run volt run --kernel x busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"--kernel, --accel, --vm-strategy and --ephemeral are for microVMs (--vm)"* ]]
	[ -z "$(volt ps -aq)" ]
}

@test "run --vm: the guest's output and exit code, the appliance built once and found the second time" {
	need_vm
	# --accel auto without a usable KVM: TCG, said once (this run makes the
	# choice that later ones find)
	export VOLT_KVM_DEVICE="$BATS_TEST_TMPDIR/no-kvm"
	run volt run --vm --rm busybox sh -c 'echo hello from the guest; uname -r >&2; exit 3'
	echo "$output"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "volt: microVMs run under TCG here, slowly: no usable KVM ($VOLT_KVM_DEVICE: No such file or directory) (volt info says it too)" ]
	[ "${lines[1]}" = "hello from the guest" ]
	[[ "${lines[2]}" == *-cloud-amd64 ]]
	[ -z "$(volt ps -aq)" ]
	[ -z "$(qemus)" ]
	[ "$(volt appliance ls -q | wc -l)" -eq 1 ]
	app=$(ls "$VOLT_ROOT"/appliances/*.cpio.zst)
	before=$(stat -c %Y.%i "$app")
	# the second start finds it (no build: the same file, untouched), and
	# a named VM keeps its record and log after it exits
	run volt run --vm --name again busybox sh -c 'echo second; exit 0'
	[ "$status" -eq 0 ]
	[ "$output" = second ]
	[ "$(stat -c %Y.%i "$app")" = "$before" ]
	[ "$(volt appliance ls -q | wc -l)" -eq 1 ]
	run volt ps -a --filter type=vm --format '{{.Names}} {{.Type}} {{.State}}'
	[ "$output" = "again vm exited" ]
	run volt logs again
	[ "$output" = second ]
	run volt inspect -f '{{.Type}} {{.State.ExitCode}}' again
	[ "$output" = "vm 0" ]
	# what QEMU's console said is kept beside the log
	grep -q 'tcg' "$VOLT_ROOT/containers/$(volt inspect -f '{{.Id}}' again)/console.log"
}

@test "run --vm -d: logs, exec with and without a terminal, a container beside it in ps, pause, stop through the agent" {
	need_vm
	run volt run --vm -d --name vm1 --accel tcg busybox \
		sh -c 'trap "echo got TERM; exit 7" TERM; echo started; while :; do sleep 1; echo tick; done'
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	volt run -d --name ctr1 busybox sleep 60
	run volt ps --format '{{.Names}} {{.Type}}'
	[[ "$output" == *"vm1 vm"* ]]
	[[ "$output" == *"ctr1 container"* ]]
	run volt ps --filter type=container -q
	[ "$(wc -l <<<"$output")" -eq 1 ]
	run volt ps
	[[ "${lines[0]}" == *" TYPE "*NAMES* ]]
	# an exec waits for the guest's agent, then runs beside the workload
	run timeout 200 "$VOLT_BIN" exec vm1 sh -c 'echo in the guest; cat /proc/1/cmdline; echo; exit 5'
	[ "$status" -eq 5 ]
	[ "${lines[0]}" = "in the guest" ]
	[ "${lines[1]}" = /init ]
	run -127 volt exec vm1 nosuchcommand
	[[ "$output" == *"nosuchcommand"* ]]
	# stdin
	run bash -c "echo through stdin | '$VOLT_BIN' exec -i vm1 cat"
	[ "$status" -eq 0 ]
	[ "$output" = "through stdin" ]
	# a terminal in the guest: the command sees a tty of the guest's devpts
	command -v script >/dev/null || skip_or_fail "script (bsdutils) is missing"
	run script -qec "$VOLT_BIN exec -t vm1 sh -c 'tty; exit 4'" /dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == *"/dev/pts/"* ]]
	run volt logs vm1
	[ "${lines[0]}" = started ]
	# pause: QEMU's vCPUs stop (QMP), so the guest's ticks stop; workload
	# thaw (the seed's name) resumes them
	for i in $(seq 1 60); do volt logs vm1 | grep -q tick && break; sleep 1; done
	run volt pause vm1
	[ "$status" -eq 0 ]
	[ "$(volt inspect -f '{{.State.Status}}' vm1)" = paused ]
	sleep 2
	n=$(volt logs vm1 | grep -c tick)
	[ "$n" -gt 0 ]
	sleep 3
	[ "$(volt logs vm1 | grep -c tick)" -eq "$n" ]
	run volt workload thaw vm1
	[ "$status" -eq 0 ]
	[ "$(volt inspect -f '{{.State.Status}}' vm1)" = running ]
	for i in $(seq 1 60); do [ "$(volt logs vm1 | grep -c tick)" -gt "$n" ] && break; sleep 1; done
	[ "$(volt logs vm1 | grep -c tick)" -gt "$n" ]
	# stop: SIGTERM to the guest's workload through the agent, which traps it
	run volt stop -t 60 vm1
	[ "$status" -eq 0 ]
	run volt inspect -f '{{.State.Status}} {{.State.ExitCode}}' vm1
	[ "$output" = "exited 7" ]
	run volt logs vm1
	[ "${lines[-1]}" = "got TERM" ]
	[ -z "$(qemus)" ]
	volt rm vm1
	volt rm -f ctr1
	[ -z "$(volt ps -aq)" ]
}

@test "run --vm: a workload that ignores SIGTERM is killed after the stop timeout, and rm -f leaves no QEMU" {
	need_vm
	volt run --vm -d --name stubborn --accel tcg busybox sh -c 'trap "" TERM; echo up; while :; do sleep 1; done'
	# the workload runs once the log has its first line
	for i in $(seq 1 180); do [ "$(volt logs stubborn 2>/dev/null)" = up ] && break; sleep 1; done
	[ "$(volt logs stubborn)" = up ]
	run volt stop -t 2 stubborn
	[ "$status" -eq 0 ]
	run volt inspect -f '{{.State.ExitCode}}' stubborn
	[ "$output" = 137 ]
	[ -z "$(qemus)" ]
	volt start stubborn
	run volt rm -f stubborn
	[ "$status" -eq 0 ]
	[ -z "$(qemus)" ]
	[ -z "$(volt ps -aq)" ]
}

@test "run --vm: a guest's malformed message ends the VM with one error, and the monitor records it" {
	need_vm
	# volt_agent_test= makes the guest agent misbehave after READY (a test hook)
	VOLT_VM_APPEND=volt_agent_test=bad-type run volt run --vm --name bad --accel tcg busybox true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"agent: a bad frame from the guest"* ]]
	[ "$(grep -c '^volt:' <<<"$output")" -eq 1 ]
	[ -z "$(qemus)" ]
	run volt inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.Error}}' bad
	[[ "$output" == "exited 125 "*"bad frame"* ]]
}

@test "run --vm -d -p -v: a published port served from the guest, a volume read and written from the guest" {
	need_vm
	command -v curl >/dev/null || skip_or_fail "curl is missing (scripts/install-deps)"
	share="$BATS_TEST_TMPDIR/share"
	mkdir -p "$share"
	echo "from the host" >"$share/index.html"
	port=$((20000 + RANDOM % 20000))
	run volt run --vm -d --name web --accel tcg -p "127.0.0.1:$port:80" -v "$share:/www" busybox \
		sh -c 'cat /www/index.html >/www/copied; echo guest-wrote >/www/out; echo up; exec httpd -f -p 80 -h /www'
	[ "$status" -eq 0 ]
	for i in $(seq 1 180); do [ "$(volt logs web 2>/dev/null)" = up ] && break; sleep 1; done
	[ "$(volt logs web)" = up ]
	# the volume: read in the guest, written by it, the user's on the host
	[ "$(cat "$share/copied")" = "from the host" ]
	[ "$(cat "$share/out")" = guest-wrote ]
	[ "$(stat -c %u "$share/out")" = "$(id -u)" ]
	# the published port: volt's slirp forwards it to the guest's httpd
	run curl -sS --max-time 60 "http://127.0.0.1:$port/index.html"
	[ "$status" -eq 0 ]
	[ "$output" = "from the host" ]
	run volt inspect -f '{{.VM.Network}} {{.VM.Accelerator}}' web
	[ "$output" = "slirp tcg" ]
	run volt inspect -f '{{.VM.Volumes}}' web
	[[ "$output" == virtiofs || "$output" == 9p ]]
	volt rm -f web
	[ -z "$(qemus)" ]
	# the port is free again
	! curl -s --max-time 5 "http://127.0.0.1:$port/" >/dev/null
}
