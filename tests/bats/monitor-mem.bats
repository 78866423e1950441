#!/usr/bin/env bats
# The memory of volt-shim, a detached container's monitor (issue 16 item 8;
# figures and the command that measures them: docs/benchmarks.md,
# scripts/bench-monitor-mem). Bounds with room to spare: the figures here
# were 2.3 MB VmRSS with slirp and 1.1 MB with --network none, against 4.6
# and 3.2 MB before the monitor gave back what its setup touched.

load helpers

setup_file() {
	volt_env
	require_userns
	import_busybox
	# a warm store: the first container compiles the seccomp profile
	volt run --rm --network none busybox true
}

setup() {
	volt_env
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

# shim_kb ID FIELD: FIELD (VmRSS) of the container's monitor, in kB
shim_kb() {
	local pid
	pid=$(volt inspect -f '{{.State.MonitorPid}}' "$1")
	[ "$pid" -gt 0 ]
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$pid/status"
}

@test "monitor memory: --network none: no glib mapped, VmRSS under 2.5 MB (conmon's)" {
	id=$(volt run -d --network none busybox sleep 60)
	sleep 1
	pid=$(volt inspect -f '{{.State.MonitorPid}}' "$id")
	! grep -q libglib "/proc/$pid/maps"
	rss=$(shim_kb "$id" VmRSS)
	echo "VmRSS $rss kB"
	[ "$rss" -lt 2500 ]
	# and it still does its work: the container's exit is recorded
	volt stop -t 1 "$id" >/dev/null
	[ "$(volt inspect -f '{{.State.Status}}' "$id")" = exited ]
}

@test "monitor memory: slirp: VmRSS under 3.5 MB, and the network works after the monitor settled" {
	[ -r /dev/net/tun ] && [ -w /dev/net/tun ] || skip_or_fail "/dev/net/tun is not usable"
	id=$(volt run -d -p 127.0.0.1::8080 busybox sh -c 'echo hello >/tmp/i; httpd -f -p 8080 -h /tmp')
	sleep 1
	rss=$(shim_kb "$id" VmRSS)
	echo "VmRSS $rss kB"
	[ "$rss" -lt 3500 ]
	port=$(volt port "$id" 8080/tcp | sed 's/.*://')
	for i in $(seq 1 50); do
		out=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$port/i', timeout=5).read().decode().strip())" 2>/dev/null) && break
		sleep 0.1
	done
	[ "$out" = hello ]
}
