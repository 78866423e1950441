#!/usr/bin/env bats
# The host memory of one idle microVM beyond its guest RAM (issue 14 item 9):
# QEMU's RSS less the guest RAM mapping, plus the VM monitor's. Under TCG
# (no usable KVM on these hosts) it was 102.6 MB + 3.1 MB before QEMU's
# translation buffer was capped (-accel tcg,tb-size=16); ~72 + 3 MB since.
# Figures and the command: docs/benchmarks.md, scripts/bench-vm.

load helpers

setup() {
	volt_env
	vm_env
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

@test "vm memory: an idle VM costs QEMU plus monitor under 85 MB beyond its guest RAM, the balloon reports free pages" {
	need_vm
	volt run --vm -d --name idle --accel tcg --memory 256m busybox sh -c 'echo up; exec sleep 100000' >/dev/null
	for _ in $(seq 1 600); do
		[ "$(volt logs idle 2>/dev/null)" = up ] && break
		sleep 0.5
	done
	[ "$(volt logs idle)" = up ]
	sleep 3
	qpid=$(volt inspect -f '{{.State.Pid}}' idle)
	mpid=$(volt inspect -f '{{.State.MonitorPid}}' idle)
	tr '\0' ' ' <"/proc/$qpid/cmdline" | grep -q -- '-accel tcg,tb-size='
	q_rss=$(awk '$1 == "Rss:" { print $2 }' "/proc/$qpid/smaps_rollup")
	# the guest's RAM: QEMU's one mapping of 256 MiB
	g_rss=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { m = 0 } $1 == "Size:" && $2 == 262144 { m = 1 } m && $1 == "Rss:" { print $2; m = 0 }' "/proc/$qpid/smaps" | head -1)
	m_rss=$(awk '$1 == "Rss:" { print $2 }' "/proc/$mpid/smaps_rollup")
	beyond=$((q_rss - g_rss + m_rss))
	echo "QEMU RSS $q_rss kB, guest RAM $g_rss kB, monitor $m_rss kB: beyond $beyond kB"
	[ -n "$g_rss" ] && [ "$g_rss" -gt 0 ]
	[ "$beyond" -lt 85000 ]
	# the guest loaded the balloon driver that hands free pages back
	run volt exec idle cat /proc/modules
	[[ "$output" == *virtio_balloon* ]]
}

@test "vm: the monitor keeps the agent's digest for the appliance key in the run root (path, inode, size, mtime)" {
	need_vm
	volt run --vm --rm --accel tcg busybox true
	[ -r "$VOLT_RUNROOT/vm-agent" ]
	init=$(head -1 "$VOLT_RUNROOT/vm-agent" | cut -d' ' -f1)
	[ -r "$init" ]
	[ "$(sed -n 2p "$VOLT_RUNROOT/vm-agent")" = "$(sha256sum "$init" | cut -d' ' -f1)" ]
	# a stale line (another file's) is not believed: the next start hashes again
	printf '/nowhere 1 2 3.0\n%064d\n' 0 >"$VOLT_RUNROOT/vm-agent"
	run volt run --vm --rm --accel tcg busybox sh -c 'echo again'
	[ "$status" -eq 0 ]
	[ "$output" = again ]
	[ "$(sed -n 2p "$VOLT_RUNROOT/vm-agent")" = "$(sha256sum "$init" | cut -d' ' -f1)" ]
}
