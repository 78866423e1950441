#!/usr/bin/env bats
# MicroVM networking: the guest's virtio-net NIC served by volt's own slirp
# (src/net/vmnet.c) over a datagram socket pair with QEMU, not QEMU's
# -netdev user; published ports as slirp host forwards; --network none. Run
# through `volt vm check` under TCG (slow here: every wait is bounded).
# Connections go only to 127.0.0.1 and to the guest's own network.

load helpers

KERNEL_DEB="$VOLT_TEST_DIR/images/kernel.deb"
PY=/usr/bin/python3

need_vm() {
	command -v qemu-system-x86_64 >/dev/null || skip_or_fail "qemu-system-x86_64 is not installed (scripts/install-deps)"
	if [ ! -r "$KERNEL_DEB" ]; then
		local why="no kernel package was fetched"
		[ -r "$KERNEL_DEB.unavailable" ] && why=$(cat "$KERNEL_DEB.unavailable")
		skip_or_fail "$why"
	fi
	volt vm kernel ls -q | grep -q . || volt vm kernel fetch --deb "$KERNEL_DEB" >/dev/null
	import_busybox
}

setup() {
	volt_env
	# the host's /boot must not decide what these tests see
	export VOLT_HOST_BOOT="$BATS_FILE_TMPDIR/no-boot"
	mkdir -p "$VOLT_HOST_BOOT"
}

teardown() {
	if [ -n "${HOST_PID:-}" ]; then kill "$HOST_PID" 2>/dev/null || true; fi
	if [ -n "${VM_PID:-}" ]; then kill "$VM_PID" 2>/dev/null || true; fi
}

# free_port: a TCP port on 127.0.0.1 nobody listens on now
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# vmcheck ARGS...: volt vm check under TCG, 240 s at most
vmcheck() {
	volt vm check --accel tcg --timeout 240 "$@"
}

# no_qemu_left: no QEMU of this test file's store (its kernel is there;
# other users of this account may run VMs of their own meanwhile)
no_qemu_left() {
	! pgrep -u "$(id -u)" -f "qemu-system-x86_64.*-kernel $VOLT_ROOT/" >/dev/null
}

@test "vm net: slirp gives the guest eth0 10.0.2.100/24 (MTU 1500, DNS 10.0.2.3) and IPv6, and the guest fetches from a host server" {
	need_vm
	p=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo "served by the host" >"$BATS_TEST_TMPDIR/www/x"
	busybox httpd -f -p "127.0.0.1:$p" -h "$BATS_TEST_TMPDIR/www" &
	HOST_PID=$!
	wait_for curl -fsS -m 2 "http://127.0.0.1:$p/x"
	# 10.0.2.2 is the host's loopback, allowed here as for a container
	run --separate-stderr vmcheck --network slirp:allow_host_loopback=true --image busybox -- sh -c \
		"ip -4 addr show eth0; ip route; cat /sys/class/net/eth0/mtu /sys/class/net/eth0/address /etc/resolv.conf;
		 timeout 60 wget -q -O - http://10.0.2.2:$p/x;
		 for i in \$(seq 1 60); do ip -6 addr show eth0 | grep -q 'inet6 fd00:' && break; sleep 0.5; done;
		 ip -6 addr show eth0; ping6 -c1 -W5 fd00::2 >/dev/null && echo the IPv6 gateway answers"
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *"network: slirp"* ]]
	[[ "$output" == *"inet 10.0.2.100/24"* ]]
	[[ "$output" == *"default via 10.0.2.2 dev eth0"* ]]
	[[ "$output" == *$'\n1500\n52:54:00:12:34:56\n'* ]]
	[[ "$output" == *"nameserver 10.0.2.3"* ]]
	[[ "$output" == *"served by the host"* ]]
	# IPv6 by SLAAC from slirp's router advertisements, as in a container
	[[ "$output" == *"inet6 fd00::5054:ff:fe12:3456/64"* ]]
	[[ "$output" == *"the IPv6 gateway answers"* ]]
	no_qemu_left
}

@test "vm net: -p publishes a guest port on the host; the host's loopback is refused by default" {
	need_vm
	p=$(free_port)
	busybox httpd -f -p "127.0.0.1:$p" -h "$BATS_TEST_TMPDIR" &
	HOST_PID=$!
	hp=$(free_port)
	# the guest: 10.0.2.2 answers with a RST at once (not a hang), then
	# busybox httpd serves one request on port 80 (nc -e runs it in inetd
	# mode) and the guest lingers so that the reply leaves before power-off
	guest="printf 'GET / HTTP/1.0\r\n\r\n' | timeout 20 nc 10.0.2.2 $p; echo \"loopback: \$?\";
	       mkdir -p /www && echo hello from the VM >/www/index.html && nc -l -p 80 -e httpd -i -h /www && sleep 2"
	vmcheck -p "127.0.0.1:$hp:80" --image busybox -- sh -c "$guest" >"$BATS_TEST_TMPDIR/vm.out" 2>&1 &
	VM_PID=$!
	# slirp listens on the host from the start; until the guest serves, a
	# connection is reset or times out: retry while the VM runs, 240 s at most
	got=
	for _ in $(seq 1 240); do
		got=$(curl -sS -m 5 "http://127.0.0.1:$hp/" 2>/dev/null) && [ -n "$got" ] && break
		kill -0 "$VM_PID" 2>/dev/null || break
		sleep 1
	done
	wait "$VM_PID"
	rc=$?
	VM_PID=
	cat "$BATS_TEST_TMPDIR/vm.out"
	[ "$rc" -eq 0 ]
	[ "$got" = "hello from the VM" ]
	run cat "$BATS_TEST_TMPDIR/vm.out"
	[[ "$output" == *"network: slirp, published 127.0.0.1:$hp->80/tcp"* ]]
	[[ "$output" == *"refused"* ]]
	[[ "$output" == *"loopback: 1"* ]]
	no_qemu_left
	# the port is the VM's only while it runs
	! curl -sS -m 2 "http://127.0.0.1:$hp/" 2>/dev/null
}

@test "vm net: --network none (and no --network) gives the guest no NIC, lo only" {
	need_vm
	run --separate-stderr vmcheck --network none --image busybox -- sh -c 'ls /sys/class/net; ip -o link show lo'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *"network: none"* ]]
	[[ "$output" == *$'\nlo\n'* ]]
	[[ "$output" != *eth0* ]]
	[[ "$output" == *"lo: <LOOPBACK,UP"* ]]
	run --separate-stderr vmcheck --image busybox -- ls /sys/class/net
	[ "$status" -eq 0 ]
	[[ "$output" != *eth0* ]]
	[[ "$output" != *"network:"* ]]
}

@test "vm net: a host port in use, a port without a network, and containers' modes are refused before QEMU starts" {
	need_vm
	p=$(free_port)
	"$PY" -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(60)' "$p" &
	HOST_PID=$!
	wait_for "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$p"
	run vmcheck -p "127.0.0.1:$p:80" --image busybox -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"127.0.0.1:$p->80/tcp"*"already in use"* ]]
	[[ "$output" != *"appliance:"* ]]
	run vmcheck --network none -p 8080:80 --image busybox -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"publishes no ports"* ]]
	for mode in host container:web; do
		run vmcheck --network "$mode" --image busybox -- true
		[ "$status" -eq 125 ]
		[[ "$output" == *"--network $mode: a microVM's network is slirp or none"* ]]
	done
	run vmcheck --network slirp:mtu=10 --image busybox -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"mtu must be"* ]]
	no_qemu_left
}
