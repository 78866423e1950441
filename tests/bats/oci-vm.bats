#!/usr/bin/env bats
# volt-runtime's microVM mode: a bundle annotated run.oci.volt.vm=true runs
# its process in a microVM booted from its rootfs directory (src/oci/vm.c,
# docs/oci-runtime.md). Each VM boots Debian's cloud kernel under TCG (the
# package fetched by scripts/test-setup, as tests/bats/vm-*.bats get it), so
# the tests are few and every wait is bounded.

load helpers
load oci-helpers
bats_require_minimum_version 1.5.0

setup_file() {
	volt_env
	oci_rootfs
}

teardown_file() {
	podman_store_rm
}

setup() {
	volt_env
	vm_env
	B="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$B"
	ln -s "$BATS_FILE_TMPDIR/rootfs" "$B/rootfs"
	ST="$BATS_TEST_TMPDIR/state"
}

teardown() {
	"$RT" --root "$ST" delete -f c1 >/dev/null 2>&1 || true
}

# vm_bundle ARGS-JSON: `volt-runtime spec --rootless`, no terminal, a microVM
vm_bundle() {
	(cd "$B" && rt spec --rootless)
	edit --argjson a "$1" '.process.terminal=false | .process.args=$a
		| .annotations["run.oci.volt.vm"]="true" | .annotations["run.oci.volt.vm.memory"]="256m"'
}

# qemus: this file's QEMUs (their appliance is under this file's store)
qemus() {
	pgrep -u "$(id -u)" -f "qemu-system-x86_64.*$VOLT_ROOT/appliances/" || true
}

@test "run.oci.volt.vm: a value other than true or false, a bind of a fifo, an ipc namespace by path and a terminal are refused with one line" {
	vm_bundle '["true"]'
	edit '.annotations["run.oci.volt.vm"]="maybe"'
	run rt run --bundle "$B" c1
	[ "$status" -eq 1 ]
	[ "$output" = 'volt-runtime: annotation run.oci.volt.vm: must be "true" or "false", not "maybe"' ]
	edit '.annotations["run.oci.volt.vm"]="true" | .annotations["run.oci.volt.vm.cpus"]="0"'
	run rt run --bundle "$B" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *'annotation run.oci.volt.vm.cpus: "0" is not a count'* ]]
	# a file is copied into the appliance, a fifo is neither
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	edit --arg f "$BATS_TEST_TMPDIR/fifo" 'del(.annotations["run.oci.volt.vm.cpus"])
		| .mounts += [{"destination":"/data","type":"bind","source":$f,"options":["rbind"]}]'
	run rt run --bundle "$B" c1
	[ "$status" -eq 1 ]
	[ "$output" = "volt-runtime: mounts[7]: $BATS_TEST_TMPDIR/fifo is neither a directory nor a regular file: a microVM (run.oci.volt.vm) shares directories and copies files" ]
	# a namespace joined by path other than the network one
	edit '.mounts |= .[:-1] | .linux.namespaces |= map(if .type == "ipc" then .path = "/proc/self/ns/ipc" else . end)'
	run rt run --bundle "$B" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.namespaces["*"]: a namespace joined by path makes no sense in a microVM"* ]]
	edit '.linux.namespaces |= map(del(.path)) | .process.terminal=true'
	run rt run --bundle "$B" c1
	[ "$status" -eq 1 ]
	[ "$output" = "volt-runtime: process.terminal: not supported for a microVM (run.oci.volt.vm) yet: set it false" ]
	# the kernel annotation is what create looks for (before anything runs)
	edit '.process.terminal=false | .annotations["run.oci.volt.vm.kernel"]="0.0-none"'
	run rt create --bundle "$B" c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"0.0-none"* ]]
	# nothing was left behind
	run rt state c1
	[[ "$output" == *"does not exist"* ]]
}

@test "run.oci.volt.vm: run boots the rootfs, prints the workload's output and exits with its code" {
	need_vm
	vm_bundle '["sh","-c","echo hi; echo err >&2; cat /proc/1/comm >/dev/null; grep -q volt_agent /proc/cmdline && echo in-vm; awk \"/MemTotal/{print \\$2}\" /proc/meminfo; exit 3"]'
	run --separate-stderr rt run --bundle "$B" c1
	echo "out: $output / err: $stderr"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "hi" ]
	[ "${lines[1]}" = "in-vm" ]
	# run.oci.volt.vm.memory=256m: the guest's MemTotal (kB) is under 256 MiB
	[ "${lines[2]}" -gt 100000 ] && [ "${lines[2]}" -le 262144 ]
	[[ "$stderr" == *err* ]]
	# run deletes: no state, no QEMU
	run rt state c1
	[[ "$output" == *"does not exist"* ]]
	[ -z "$(qemus)" ]
}

@test "run.oci.volt.vm: create, start, state, kill TERM reaching the guest, delete" {
	need_vm
	vm_bundle '["sh","-c","trap \"echo got-term; exit 7\" TERM; echo ready $(id -u):$(id -g) $GREETING $(pwd); while :; do sleep 1; done"]'
	# process.user, env and cwd reach the guest's process
	edit '.process.user.uid=1000 | .process.user.gid=1000 | .process.env += ["GREETING=hello"] | .process.cwd="/tmp"'
	OUT="$BATS_TEST_TMPDIR/out"
	rt create --bundle "$B" --pid-file "$BATS_TEST_TMPDIR/pid" c1 >"$OUT" 2>&1
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	kill -0 "$pid"
	[ "$(rt state c1 | jq -r .status)" = created ]
	[ "$(rt state c1 | jq -r .pid)" = "$pid" ]
	# created: nothing boots before start
	[ -z "$(qemus)" ]
	rt start c1
	[ "$(rt state c1 | jq -r .status)" = running ]
	for _ in $(seq 1 360); do
		grep -q ready "$OUT" && break
		sleep 0.5
	done
	grep -q ready "$OUT" || { cat "$OUT"; false; }
	grep -qx "ready 1000:1000 hello /tmp" "$OUT" || { cat "$OUT"; false; }
	[ -n "$(qemus)" ]
	rt kill c1 TERM
	for _ in $(seq 1 120); do
		[ "$(rt state c1 | jq -r .status)" = stopped ] && break
		sleep 0.5
	done
	cat "$OUT"
	[ "$(rt state c1 | jq -r .status)" = stopped ]
	grep -q got-term "$OUT"
	rt delete c1
	[ ! -e "$ST/c1" ]
	wait_for test -z "$(qemus)"
	[ -z "$(qemus)" ]
}

@test "run.oci.volt.vm: ps shows the monitor and QEMU, exec is refused, delete -f leaves no QEMU, monitor or files" {
	need_vm
	vm_bundle '["sleep","600"]'
	rt create --bundle "$B" c1 >/dev/null 2>&1
	pid=$(rt state c1 | jq -r .pid)
	rt start c1
	for _ in $(seq 1 60); do
		[ -n "$(qemus)" ] && break
		sleep 0.5
	done
	[ -n "$(qemus)" ]
	# ps: the monitor (the container's pid) and its QEMU
	q=$(qemus)
	rt ps --format json c1 | jq -e --argjson p "$pid" --argjson q "$q" 'index($p) != null and index($q) != null'
	# exec is refused by name, not run on the host
	run rt exec c1 true
	[ "$status" -eq 1 ]
	[ "$output" = "volt-runtime: exec: not supported in a microVM (run.oci.volt.vm) yet" ]
	ls -d "$VOLT_RUNROOT"/ovm-*
	rt delete -f c1
	[ ! -e "$ST/c1" ]
	! kill -0 "$pid" 2>/dev/null
	# the monitor's sockets' directory goes too
	! ls -d "$VOLT_RUNROOT"/ovm-* 2>/dev/null
	for _ in $(seq 1 50); do
		[ -z "$(qemus)" ] && break
		sleep 0.1
	done
	[ -z "$(qemus)" ]
}

@test "run.oci.volt.vm: binds of host directories are shared with the guest, ro and rw" {
	need_vm
	[ -x /usr/lib/qemu/virtiofsd ] || skip_or_fail "no /usr/lib/qemu/virtiofsd (package qemu-system-common)"
	mkdir -p "$BATS_TEST_TMPDIR/ro" "$BATS_TEST_TMPDIR/rw"
	echo from-host >"$BATS_TEST_TMPDIR/ro/f"
	vm_bundle '["sh","-c","cat /in/f; touch /in/x 2>/dev/null || echo ro-refused; echo from-guest >/out/g"]'
	edit --arg ro "$BATS_TEST_TMPDIR/ro" --arg rw "$BATS_TEST_TMPDIR/rw" \
		'.mounts += [{"destination":"/in","type":"bind","source":$ro,"options":["rbind","ro"]},
			     {"destination":"/out","type":"bind","source":$rw,"options":["bind"]}]'
	run --separate-stderr rt run --bundle "$B" c1
	echo "out: $output / err: $stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-host ]
	[ "${lines[1]}" = ro-refused ]
	[ "$(cat "$BATS_TEST_TMPDIR/rw/g")" = from-guest ]
	[ ! -e "$BATS_TEST_TMPDIR/ro/x" ]
	# no virtiofsd of this test's directories, no sockets' directory
	! pgrep -u "$(id -u)" -f "virtiofsd.*source=$BATS_TEST_TMPDIR/" >/dev/null
	! ls -d "$VOLT_RUNROOT"/ovm-* 2>/dev/null
}

# podman_w ARGS: podman_rt (as oci.bats's podman test; podman_image first:
# not in single-uid mode) with this file's store: podman gives conmon, and so
# the runtime, an environment of its own (HOME, XDG_RUNTIME_DIR), so a
# wrapper hands volt-runtime the store where need_vm put the kernel
podman_w() {
	local w="$BATS_FILE_TMPDIR/volt-runtime-vm"
	printf '#!/bin/sh\nexport VOLT_ROOT="%s" VOLT_RUNROOT="%s" VOLT_HOST_BOOT="%s" VOLT_VM_BOOT_TIMEOUT_MS="%s"\nexec "%s" "$@"\n' \
		"$VOLT_ROOT" "$VOLT_RUNROOT" "$VOLT_HOST_BOOT" "$VOLT_VM_BOOT_TIMEOUT_MS" "$RT" >"$w"
	chmod +x "$w"
	RT="$w" podman_rt "$@"
}

# podman_vm ARGS: podman_w run of a microVM
podman_vm() {
	podman_w run --annotation run.oci.volt.vm=true --annotation run.oci.volt.vm.memory=256m "$@"
}

@test "run.oci.volt.vm through rootless podman: run --rm on its default network, its bound files copied in, exit code" {
	need_vm
	podman_image
	before=$(volt appliance ls -q | sort)
	# podman joins the namespace of its network by path (ignored: volt's
	# slirp) and binds files: /etc/hostname, /etc/hosts, /run/.containerenv
	run --separate-stderr podman_vm --rm --entrypoint sh docker.io/volt-test/app:v1 -c \
		'echo hi; grep -q volt_agent /proc/cmdline && echo in-vm; test -f /run/.containerenv && echo containerenv
		 cat /etc/hostname; exit 3'
	echo "out: $output / err: $stderr"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = hi ]
	[ "${lines[1]}" = in-vm ]
	[ "${lines[2]}" = containerenv ]
	# podman's /etc/hostname: the container's id's first 12 digits
	[[ "${lines[3]}" =~ ^[0-9a-f]{12}$ ]]
	[ -z "$(qemus)" ]
	# the appliance holding podman's files was the container's own: gone with it
	[ "$(volt appliance ls -q | sort)" = "$before" ]
}

@test "run.oci.volt.vm through rootless podman: run -d, stop, rm leave no QEMU" {
	need_vm
	podman_image
	podman_vm -d --name pvm --network none --entrypoint sh docker.io/volt-test/app:v1 -c 'echo up; exec sleep 600'
	[ "$(podman_w inspect -f '{{.State.Status}}' pvm)" = running ]
	for _ in $(seq 1 360); do
		podman_w logs pvm 2>/dev/null | grep -q up && break
		sleep 0.5
	done
	podman_w logs pvm | grep -qx up
	[ -n "$(qemus)" ]
	podman_w stop -t 2 pvm
	[ "$(podman_w inspect -f '{{.State.Status}}' pvm)" = exited ]
	podman_w rm pvm
	wait_for test -z "$(qemus)"
	[ -z "$(qemus)" ]
}
