#!/usr/bin/env bats
# The host memory of a further idle microVM beyond its guest RAM (issue 14
# item 9): with two VMs running, the second's USS (Private_Clean +
# Private_Dirty: what it alone holds) of QEMU and its monitor, less the guest
# RAM mapping. Under TCG (no usable KVM on these hosts), Debian's cloud kernel:
# 48.7 MB as a bzImage (QEMU's 13.8 MB copy of it, private to each VM), 35.1
# MB booted by PVH from the ELF that `volt vm kernel fetch` keeps (QEMU maps
# the file: shared among the VMs); 16.4 MB of either is TCG's translation
# buffer. Figures and the command: docs/vm.md, scripts/bench-vm-mem.

load helpers

setup() {
	volt_env
	vm_env
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

# beyond_guest PID: "USS RSS" in kB of PID less its 256 MiB guest RAM mapping
beyond_guest() {
	local u r g
	u=$(awk '$1 ~ /^Private_(Clean|Dirty):$/ { u += $2 } END { print u }' "/proc/$1/smaps_rollup")
	r=$(awk '$1 == "Rss:" { print $2 }' "/proc/$1/smaps_rollup")
	g=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { m = 0 } $1 == "Size:" && $2 == 262144 { m = 1 } m && $1 == "Rss:" { print $2; m = 0 }' "/proc/$1/smaps" | head -1)
	[ -n "$g" ] && [ "$g" -gt 0 ] || return 1
	echo "$((u - g)) $((r - g))"
}

@test "vm memory: a further idle VM holds QEMU plus monitor under 42 MB beyond its guest RAM (USS, TCG), its kernel booted by PVH from the fetched ELF; the balloon reports free pages" {
	need_vm
	kdir="$VOLT_ROOT/kernels/$(volt vm kernel ls -q | head -1)"
	[ -s "$kdir/vmlinux" ]
	[ "$(head -c 4 "$kdir/vmlinux" | od -An -c | tr -d ' ')" = '177ELF' ]
	for n in idle1 idle2; do
		volt run --vm -d --name $n --accel tcg --memory 256m busybox sh -c 'echo up; exec sleep 100000' >/dev/null
	done
	for n in idle1 idle2; do
		for _ in $(seq 1 600); do
			[ "$(volt logs $n 2>/dev/null)" = up ] && break
			sleep 0.5
		done
		[ "$(volt logs $n)" = up ]
	done
	sleep 3
	qpid=$(volt inspect -f '{{.State.Pid}}' idle2)
	mpid=$(volt inspect -f '{{.State.MonitorPid}}' idle2)
	tr '\0' ' ' <"/proc/$qpid/cmdline" | grep -q -- '-accel tcg,tb-size='
	tr '\0' '\n' <"/proc/$qpid/cmdline" | grep -qx -- "$kdir/vmlinux"
	read -r q_uss q_rss < <(beyond_guest "$qpid")
	m_uss=$(awk '$1 ~ /^Private_(Clean|Dirty):$/ { u += $2 } END { print u }' "/proc/$mpid/smaps_rollup")
	uss=$((q_uss + m_uss))
	echo "QEMU USS $q_uss kB (RSS $q_rss) beyond the guest RAM, monitor USS $m_uss kB: $uss kB"
	[ "$uss" -lt 42000 ]
	# the guest loaded the balloon driver that hands free pages back
	run volt exec idle2 cat /proc/modules
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
