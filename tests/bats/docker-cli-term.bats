#!/usr/bin/env bats
# The terminal (issue 17 item 4): tables fit their columns, exec into a
# paused container says so, exec -d, pull progress at narrow widths.

load helpers

busybox_fixture

@test "ps: a long image name is not cut, every column has a gap, an exited container has no PORTS" {
	volt tag busybox registry.example.org/some/rather-long-image-name:v1.2.3 >/dev/null
	volt run --name tx registry.example.org/some/rather-long-image-name:v1.2.3 sh -c 'exit 3' || true
	run volt ps -a
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "CONTAINER ID   IMAGE "*"   COMMAND "*"   CREATED "*"   STATUS "*"   PORTS "*"   NAMES" ]]
	[[ "${lines[1]}" == *"   registry.example.org/some/rather-long-image-name:v1.2.3   \"sh -c exit 3\"   "* ]]
	# no PORTS once exited: STATUS, then volt's TYPE, then the name
	[[ "${lines[1]}" =~ \ \ \ Exited\ \(3\)\ [^\ ].*\ ago\ \ \ +container\ \ \ +tx$ ]]
	# the header's columns start where the row's do
	hdr=${lines[0]%%COMMAND*}
	row=${lines[1]:0:${#hdr}}
	[[ "$row" == *"   " ]]
	[ "${lines[1]:${#hdr}:1}" = '"' ]
	volt rmi registry.example.org/some/rather-long-image-name:v1.2.3 >/dev/null
}

@test "ps: a published port shows while running, not once exited" {
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	volt run -d --name tp -p "127.0.0.1:$port:80" busybox sleep 100 >/dev/null
	run volt ps
	[[ "$output" == *"127.0.0.1:$port->80/tcp"* ]]
	volt stop -t 0 tp >/dev/null
	run volt ps -a
	[[ "$output" != *"->80/tcp"* ]]
	[[ "$output" == *"Exited (137)"* ]]
}

@test "exec into a paused container says it is paused; ps says (Paused)" {
	volt run -d --name tpz busybox sleep 100 >/dev/null
	volt pause tpz >/dev/null || skip_or_fail "pause needs the freezer (cgroup v2 delegation)"
	run --separate-stderr volt exec tpz true
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: container tpz is paused, unpause the container before exec" ]
	run volt ps
	[[ "$output" == *"Up "*" (Paused)"* ]]
	volt unpause tpz >/dev/null
	run volt exec tpz echo ok
	[ "$output" = ok ]
}

@test "exec -d starts the command in the background and returns" {
	volt run -d --name ted busybox sleep 100 >/dev/null
	start=$(date +%s%N)
	run volt exec -d ted sh -c 'sleep 2; echo done >/tmp/marker'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 1800 ]
	run volt exec ted cat /tmp/marker
	[ "$status" -ne 0 ]
	wait_for sh -c "'$VOLT_BIN' exec ted cat /tmp/marker | grep -q done"
	# a command that cannot start is said by the caller, with its code
	run -127 --separate-stderr volt exec -d ted /no/such/command
	[[ "$stderr" == "volt: "*"/no/such/command"* ]]
	run --separate-stderr volt exec -d -t ted true
	[ "$status" -eq 125 ]
}

# registry: a plain docker-registry with busybox pushed, for the pull display
registry() {
	command -v docker-registry >/dev/null || [ -x /usr/bin/docker-registry ] ||
		skip_or_fail "docker-registry is not installed (scripts/install-deps)"
	command -v script >/dev/null || skip_or_fail "script(1) is not installed"
	P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	mkdir -p "$BATS_TEST_TMPDIR/reg"
	cat >"$BATS_TEST_TMPDIR/reg.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $BATS_TEST_TMPDIR/reg}
http:
  addr: 127.0.0.1:$P
EOF
	/usr/bin/docker-registry serve "$BATS_TEST_TMPDIR/reg.yml" >"$BATS_TEST_TMPDIR/reg.log" 2>&1 3>&- &
	REG_PID=$!
	for i in $(seq 1 100); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1',$P),0.2)" 2>/dev/null && break
		sleep 0.05
	done
	python3 "$BATS_TEST_DIRNAME/registry_tool.py" push "127.0.0.1:$P" t/bb:1 --base "$BUSYBOX_TAR" \
		--file etc/hello=hi >/dev/null
}

@test "pull progress stays on its lines at 40 and 50 columns" {
	registry
	for cols in 40 50 120; do
		volt rmi "127.0.0.1:$P/t/bb:1" >/dev/null 2>&1 || true
		volt cas gc >/dev/null 2>&1 || true
		run script -qec "stty cols $cols; $VOLT_BIN pull 127.0.0.1:$P/t/bb:1" /dev/null
		[ "$status" -eq 0 ]
		# every redrawn layer line fits: none wraps onto a second row
		while IFS= read -r l; do
			l=${l//$'\r'/}
			l=${l//$'\033[2K'/}
			l=$(sed 's/\x1b\[[0-9]*A//g' <<<"$l")
			# the first and last lines are printed once, and the id on stdout
			[[ "$l" == Pulled* || "$l" == Pulling* || "$l" == sha256:* ]] && continue
			[ "${#l}" -lt "$cols" ] || { echo "too wide at $cols: $l"; false; }
		done <<<"$output"
		[[ "$output" == *"done"* || $cols -lt 60 ]]
	done
	kill "$REG_PID"
}

@test "stats --format and its table; top CONTAINER with ps options" {
	volt run -d --name tst busybox sleep 100 >/dev/null
	run volt stats --no-stream --format '{{.Name}} {{.PIDs}}' tst
	[ "$status" -eq 0 ]
	[ "$output" = "tst 1" ]
	run volt stats --no-stream --format json tst
	[ "$(jq -r .Name <<<"$output")" = tst ]
	[[ "$(jq -r .CPUPerc <<<"$output")" == *% ]]
	run volt stats --no-stream
	echo "$output"
	# docker's headers, a gap of 3 or more between columns (a value wider
	# than its header widens the column: MEM USAGE / LIMIT under load)
	[[ "${lines[0]}" =~ ^CONTAINER\ ID\ {3,}NAME\ {3,}CPU\ %\ {3,}MEM\ USAGE\ /\ LIMIT\ {3,}MEM\ %\ {3,}NET\ I/O\ {3,}BLOCK\ I/O\ {3,}PIDS$ ]]
	[[ "${lines[1]}" == *" tst "* ]]
	pid=$(volt inspect -f '{{.State.Pid}}' tst)
	run volt top tst -o pid,comm
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == *PID*COMMAND* ]]
	[[ "${lines[1]}" =~ ^\ *$pid\ +sleep$ ]]
	run volt top tst -ef
	[[ "${lines[0]}" == UID*PID* ]]
	[[ "$output" == *"sleep 100"* ]]
	[ "${#lines[@]}" -eq 2 ]
}
