#!/usr/bin/env bats
# Networking: slirp (the default) in volt-shim, published ports, other modes.
# Every connection is bounded in time and goes only to 127.0.0.1 or to
# addresses inside the test's own namespaces.

load helpers

busybox_fixture --keep

setup() {
	volt_env
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] || skip_or_fail "/dev/net/tun is not usable"
}

teardown() {
	rm_all_containers
	if [ -n "${HOST_PID:-}" ]; then kill "$HOST_PID" 2>/dev/null || true; fi
}

PY=/usr/bin/python3

# free_port: a TCP port on 127.0.0.1 nobody listens on now
free_port() {
	"$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# host_port NAME CTRPORT[/proto]: the host port `volt port` reports
host_port() {
	volt port "$1" "$2" | sed 's/.*://'
}

# web NAME [volt options]: busybox httpd on port 80 serving "hello NAME"
web() {
	local name=$1
	shift
	volt run -d --name "$name" "$@" busybox sh -c \
		"mkdir -p /w && echo hello $name >/w/index.html && exec httpd -f -p 80 -h /w" >/dev/null
}

# fetch PORT [PATH]: GET from the host, 5 s at most
fetch() {
	curl -sS -m 5 "http://127.0.0.1:$1/${2:-}"
}

@test "network: slirp is the default: eth0 10.0.2.100/24, route via 10.0.2.2, MTU 65520, DNS 10.0.2.3" {
	run volt run --rm busybox sh -c 'ip -4 addr show eth0; ip route; cat /sys/class/net/eth0/mtu; cat /etc/resolv.conf'
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet 10.0.2.100/24"* ]]
	[[ "$output" == *"default via 10.0.2.2 dev eth0"* ]]
	[[ "$output" == *$'\n65520\n'* ]]
	[[ "$output" == *"nameserver 10.0.2.3"* ]]
}

@test "network: slirp:mtu=N sets the MTU; a bad option is refused" {
	run volt run --rm --network slirp:mtu=1500 busybox cat /sys/class/net/eth0/mtu
	[ "$status" -eq 0 ]
	[ "$output" = 1500 ]
	run volt run --rm --network slirp:mtu=10 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"mtu must be"* ]]
	run volt run --rm --network slirp:bogus=1 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown slirp option"* ]]
	run volt run --rm --network bridge busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"supported modes"* ]]
}

@test "network: slirp gives IPv6 (SLAAC in fd00::/64) and answers the gateway" {
	run volt run --rm busybox sh -c 'for i in $(seq 1 40); do ip -6 addr show eth0 | grep -q "inet6 fd00::" && break; sleep 0.1; done; ip -6 addr show eth0; ping -c1 -W2 10.0.2.2'
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet6 fd00::"* ]]
	[[ "$output" == *"1 packets received"* ]]
}

@test "network: busybox httpd published on 127.0.0.1 is fetched from the host; volt port, ps, inspect" {
	web web1 -p 127.0.0.1::80
	port=$(host_port web1 80)
	[ -n "$port" ]
	wait_for fetch "$port"
	run fetch "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "hello web1" ]
	run volt port web1
	[ "$output" = "80/tcp -> 127.0.0.1:$port" ]
	run volt ps
	[[ "$output" == *PORTS* ]]
	[[ "$output" == *"127.0.0.1:$port->80/tcp"* ]]
	run volt inspect web1
	[[ "$output" == *'"80/tcp"'* ]]
	[[ "$output" == *"\"HostPort\": \"$port\""* ]]
	[[ "$output" == *'"IPAddress": "10.0.2.100"'* ]]
	run volt port web1 81
	[ "$status" -eq 125 ]
}

@test "network: -p HOSTPORT:CTRPORT with a fixed port, and a range" {
	p=$(free_port)
	web web2 -p "127.0.0.1:$p:80" -p 127.0.0.1::7000-7002
	wait_for fetch "$p"
	run fetch "$p"
	[ "$output" = "hello web2" ]
	run volt port web2
	[ "${#lines[@]}" -eq 4 ]
	[[ "$output" == *"7002/tcp -> 127.0.0.1:"* ]]
}

@test "network: UDP through a published port" {
	[ -x "$VOLT_TEST_DIR/bin/udp-echo" ] || skip_or_fail "udp-echo was not built by test-setup"
	volt run -d --name udp -p 127.0.0.1::9000/udp -v "$VOLT_TEST_DIR/bin/udp-echo:/udp-echo:ro" busybox /udp-echo 9000 >/dev/null
	port=$(host_port udp 9000/udp)
	[ -n "$port" ]
	run "$PY" - "$port" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
for i in range(20):
    s.sendto(b"ping-udp", ("127.0.0.1", int(sys.argv[1])))
    try:
        print(s.recv(100).decode()); break
    except socket.timeout:
        pass
PY
	[ "$status" -eq 0 ]
	[ "$output" = "ping-udp" ]
}

@test "network: two published containers at once" {
	web a -p 127.0.0.1::80
	web b -p 127.0.0.1::80
	pa=$(host_port a 80)
	pb=$(host_port b 80)
	[ "$pa" != "$pb" ]
	wait_for fetch "$pa"
	wait_for fetch "$pb"
	[ "$(fetch "$pa")" = "hello a" ]
	[ "$(fetch "$pb")" = "hello b" ]
}

@test "network: the host's loopback is reachable only with allow_host_loopback=true" {
	p=$(free_port)
	mkdir -p "$BATS_TEST_TMPDIR/www"
	echo host-side >"$BATS_TEST_TMPDIR/www/x"
	busybox httpd -f -p "127.0.0.1:$p" -h "$BATS_TEST_TMPDIR/www" &
	HOST_PID=$!
	wait_for fetch "$p" x
	get="printf 'GET /x HTTP/1.0\r\n\r\n' | timeout 5 nc 10.0.2.2 $p"
	run volt run --rm busybox sh -c "$get"
	[[ "$output" != *host-side* ]]
	[[ "$output" == *refused* ]] # a RST at once, not a hang
	run volt run --rm --network slirp:allow_host_loopback=true busybox sh -c "$get"
	[ "$status" -eq 0 ]
	[[ "$output" == *host-side* ]]
}

@test "network: a host port in use is refused cleanly before the container starts" {
	p=$(free_port)
	"$PY" -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(30)' "$p" &
	HOST_PID=$!
	wait_for "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$p"
	run volt run -d --name clash -p "127.0.0.1:$p:80" busybox sleep 60
	[ "$status" -eq 125 ]
	[[ "$output" == *"127.0.0.1:$p->80/tcp"*"already in use"* ]]
	run volt ps -a
	[[ "$output" != *clash* ]]
	# created while free, started while taken: the monitor refuses it before spawning
	kill "$HOST_PID"; wait "$HOST_PID" 2>/dev/null || true
	volt create --name later -p "127.0.0.1:$p:80" busybox sleep 60 >/dev/null
	"$PY" -c 'import socket,sys,time; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(30)' "$p" &
	HOST_PID=$!
	wait_for "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$p"
	run volt start later
	[ "$status" -eq 125 ]
	[[ "$output" == *"already in use"* ]]
	run volt inspect later
	[[ "$output" != *'"Running": true'* ]]
	# once the port is free again, the same container starts with it
	kill "$HOST_PID"; wait "$HOST_PID" 2>/dev/null || true
	run volt start later
	[ "$status" -eq 0 ]
	run volt port later 80
	[ "$output" = "127.0.0.1:$p" ]
}

@test "network: a container that exits releases its published port" {
	p=$(free_port)
	run volt run --rm -p "127.0.0.1:$p:80" busybox true
	[ "$status" -eq 0 ]
	run volt run --rm -p "127.0.0.1:$p:80" busybox true
	[ "$status" -eq 0 ]
	"$PY" -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen()' "$p"
}

@test "network: a port below net.ipv4.ip_unprivileged_port_start fails with the sysctl hint" {
	start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	[ "$start" -gt 1 ] || not_in_this_mode "ip_unprivileged_port_start is $start: every port is unprivileged"
	[ "$(id -u)" -ne 0 ] || not_in_this_mode "root may bind any port"
	run volt run --rm -p "127.0.0.1:$((start - 1)):80" busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"ip_unprivileged_port_start ($start)"* ]]
	[[ "$output" == *"sysctl -w net.ipv4.ip_unprivileged_port_start="* ]]
}

@test "network: -p parse errors and ports without slirp are refused" {
	run volt run --rm -p 80:90-91 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"ranges differ"* ]]
	run volt run --rm -p 127.0.0.1::80/sctp busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"unknown protocol"* ]]
	run volt run --rm -p '[::1]::80/udp' busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"IPv6 host addresses are not supported yet"* ]]
	run volt run --rm --network slirp:port_handler=slirp -p '[::1]::80' busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"IPv6 host addresses are not supported yet"* ]]
	run volt run --rm --network none -p 127.0.0.1::80 busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"need --network slirp"* ]]
}

@test "network: container:NAME shares the network namespace and keeps its own hostname" {
	volt run -d --name pod --hostname podhost busybox sh -c 'echo shared >/tmp/i; httpd -p 8080 -h /tmp; sleep 60' >/dev/null
	wait_for volt exec pod sh -c 'printf "GET /i HTTP/1.0\r\n\r\n" | timeout 2 nc 127.0.0.1 8080'
	run volt run --rm --network container:pod --hostname member busybox sh -c \
		'printf "GET /i HTTP/1.0\r\n\r\n" | timeout 5 nc 127.0.0.1 8080; hostname; cat /sys/class/net/eth0/address'
	[ "$status" -eq 0 ]
	[[ "$output" == *shared* ]]
	[[ "$output" == *member* ]]
	mac=$(volt exec pod cat /sys/class/net/eth0/address)
	[[ "$output" == *"$mac"* ]]
	run volt exec pod hostname
	[ "$output" = podhost ]
	run volt run --rm --network container:nosuch busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such container"* ]]
}

@test "network: none has only loopback, and it is up (made ahead or not)" {
	run volt run --rm --network none busybox ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
	for keeper in 1 0; do
		run env VOLT_USERNS_KEEPER=$keeper "$VOLT_BIN" run --rm --network none busybox ip -o link show lo
		[ "$status" -eq 0 ]
		[[ "$output" == *"<LOOPBACK,UP"* ]]
	done
}

@test "network: --dns, --add-host and --hostname are in the generated /etc files" {
	run volt run --rm --dns 192.0.2.53 --add-host db.test:192.0.2.7 --hostname named busybox \
		sh -c 'cat /etc/resolv.conf /etc/hosts /etc/hostname; hostname'
	[ "$status" -eq 0 ]
	[[ "$output" == *"nameserver 192.0.2.53"* ]]
	[[ "$output" != *"nameserver 10.0.2.3"* ]]
	[[ "$output" == *"192.0.2.7"*"db.test"* ]]
	[ "${lines[-1]}" = named ]
}

@test "network: the slirp loop survives clients that reset mid-transfer, then still serves" {
	volt run -d --name big -p 127.0.0.1::80 busybox sh -c \
		'mkdir -p /w && echo small >/w/s && dd if=/dev/zero of=/w/big bs=1M count=32 2>/dev/null && exec httpd -f -p 80 -h /w' >/dev/null
	port=$(host_port big 80)
	wait_for fetch "$port" s
	run "$PY" - "$port" <<'PY'
import socket, struct, sys
for i in range(5):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
    s.settimeout(5)
    s.sendall(b"GET /big HTTP/1.0\r\n\r\n")
    got = 0
    while got < 256 * 1024:
        d = s.recv(65536)
        if not d:
            break
        got += len(d)
    # SO_LINGER 0: close sends a RST while the server is still writing
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    print(got >= 256 * 1024)
PY
	[ "$status" -eq 0 ]
	[[ "$output" != *False* ]]
	run fetch "$port" s
	[ "$output" = small ]
	run volt ps
	[[ "$output" == *big* ]]
	# a whole transfer still works after the resets
	run sh -c "curl -sS -m 20 -o /dev/null -w '%{size_download}' http://127.0.0.1:$port/big"
	[ "$output" = 33554432 ]
}

@test "network: a SIGKILLed monitor takes the container and its ports with it" {
	web k -p 127.0.0.1::80
	port=$(host_port k 80)
	wait_for fetch "$port"
	shim=$(volt inspect k | sed -n 's/.*"MonitorPid": \([0-9]*\).*/\1/p')
	[ -n "$shim" ]
	kill -9 "$shim"
	sleep 0.3
	run fetch "$port"
	[ "$status" -ne 0 ]
	run volt ps
	[[ "$output" != *" k"* ]]
}
