#!/usr/bin/env bats
# What reaches a process that enters a container: only fds 0, 1, 2 (and
# --preserve-fds), no way out through an inherited directory (CVE-2024-21626),
# no writable volt binary through /proc/PID/exe (CVE-2019-5736), and it dies
# with its monitor. Containers run with --landlock none: the default Landlock
# profile would stop some of these reads by itself, and the point is that
# volt does without it.

load helpers

SECTEST="$VOLT_TEST_DIR/bin/volt-sectest"

busybox_fixture --keep

setup() {
	volt_env
	[ -x "$SECTEST" ] || skip_or_fail "volt-sectest missing (scripts/test-setup builds it)"
	secret_dir="$BATS_TEST_TMPDIR/host"
	mkdir -p "$secret_dir"
	echo host-secret >"$secret_dir/secret.txt"
	chmod 755 "$BATS_TEST_TMPDIR" "$secret_dir"
}

teardown() {
	volt rm -f "$BATS_TEST_NAME-c" >/dev/null 2>&1 || true
}

# ctr [ARGS...]: a running container with the helper, named after the test
ctr() {
	c="$BATS_TEST_NAME-c"
	volt run -d --name "$c" --landlock none -v "$SECTEST:/usr/bin/volt-sectest:ro" "$@" busybox sleep 300 >/dev/null
}

@test "exec: the command holds fds 0, 1, 2 only, whatever the caller has open" {
	ctr
	exec 7<"$secret_dir" 8<"$secret_dir/secret.txt"
	run volt exec "$c" volt-sectest fds
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]
	run volt exec -t "$c" volt-sectest fds
	[ "$status" -eq 0 ]
	[ "${output%$'\r'}" = "0 1 2" ]
	exec 7<&- 8<&-
}

@test "exec: a directory fd of the caller is no way out (CVE-2024-21626)" {
	ctr
	exec 7<"$secret_dir"
	run volt exec "$c" cat /proc/self/fd/7/secret.txt
	[ "$status" -ne 0 ]
	[[ "$output" != *host-secret* ]]
	# nor a working directory through /proc/self/fd
	run volt exec -w /proc/self/fd/7 "$c" cat secret.txt
	[ "$status" -eq 125 ]
	[[ "$output" != *host-secret* ]]
	exec 7<&-
}

# with_fds CMD...: volt CMD... with fds 3 (the secret file) and 4, 5 (its
# directory) open; fd 3 is bats' own in the test itself
with_fds() {
	"$VOLT_BIN" "$@" 3<"$secret_dir/secret.txt" 4<"$secret_dir" 5<"$secret_dir"
}

@test "exec --preserve-fds: fds 3..3+N-1 pass on, no more, and none is a working directory" {
	ctr
	run with_fds exec --preserve-fds 2 "$c" volt-sectest fds
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2 3 4" ]
	run with_fds exec --preserve-fds 1 "$c" cat /proc/self/fd/3
	[ "$output" = host-secret ]
	# passed on at the user's request, still refused as a working directory
	run with_fds exec --preserve-fds 2 -w /proc/self/fd/4 "$c" pwd
	[ "$status" -eq 125 ]
	[[ "$output" == *"outside the container"* ]]
	run volt exec --preserve-fds x "$c" true
	[ "$status" -eq 125 ]
}

@test "run: fds 0, 1, 2 only; --preserve-fds passes 3..3+N-1" {
	run with_fds run --rm --landlock none -v "$SECTEST:/usr/bin/volt-sectest:ro" busybox volt-sectest fds
	[ "$status" -eq 0 ]
	[ "$output" = "0 1 2" ]
	run with_fds run --rm --landlock none --preserve-fds 1 busybox cat /proc/self/fd/3
	[ "$status" -eq 0 ]
	[ "$output" = host-secret ]
	run with_fds run --rm --landlock none --preserve-fds 2 -v "$SECTEST:/usr/bin/volt-sectest:ro" busybox volt-sectest fds
	[ "$output" = "0 1 2 3 4" ]
	run volt run -d --preserve-fds 1 busybox true
	[ "$status" -eq 125 ]
}

@test "run: no fd of volt's is a working directory (CVE-2024-21626)" {
	exec 7<"$secret_dir"
	for n in $(seq 3 16); do
		run volt run --rm --landlock none -w "/proc/self/fd/$n" busybox pwd
		echo "fd $n: $status $output"
		[ "$status" -eq 125 ]
	done
	exec 7<&-
}

@test "exec: a container process cannot reach the joining volt's binary (CVE-2019-5736)" {
	# with CAP_SYS_PTRACE, since without it the kernel refuses already (the
	# joining volt holds every capability of the namespace): only the
	# joining process being undumpable stops the attacker then
	ctr --cap-add SYS_PTRACE
	# a volt the user owns (as one built in the home directory is)
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp "$VOLT_BIN" "$BATS_TEST_TMPDIR/bin/volt"
	cp -p "$BATS_TEST_TMPDIR/bin/volt" "$BATS_TEST_TMPDIR/volt.orig"
	# the attacker's /etc/passwd is a FIFO: the joining volt, which reads
	# it, waits in the container until the attacker has had its go
	volt exec "$c" sh -c 'rm -f /etc/passwd && mkfifo /etc/passwd && echo ready &&
		exec volt-sectest exe-attack /etc/passwd' >"$BATS_TEST_TMPDIR/attack" 2>&1 &
	attacker=$!
	wait_for grep -q ready "$BATS_TEST_TMPDIR/attack"
	VOLT_PROFILE_DIR="$VOLT_TEST_DIR/profiles" run "$BATS_TEST_TMPDIR/bin/volt" exec "$c" true
	[ "$status" -eq 0 ]
	wait "$attacker" || true
	cat "$BATS_TEST_TMPDIR/attack"
	grep -q '^exe: denied' "$BATS_TEST_TMPDIR/attack"
	! grep -q '^overwrite: ok' "$BATS_TEST_TMPDIR/attack"
	cmp "$BATS_TEST_TMPDIR/bin/volt" "$BATS_TEST_TMPDIR/volt.orig"
}

@test "exec: the command dies with its monitor" {
	ctr
	"$VOLT_BIN" exec "$c" sleep 987651 &
	monitor=$!
	wait_for pgrep -u "$(id -u)" -f '^sleep 987651$'
	pid=$(pgrep -u "$(id -u)" -f '^sleep 987651$')
	kill -9 "$monitor"
	wait "$monitor" || true
	gone() { ! kill -0 "$pid" 2>/dev/null; }
	wait_for gone
}

@test "run -d: the detached monitor keeps none of the caller's fds" {
	id=$(with_fds run -d --name "$BATS_TEST_NAME-c" busybox sleep 300)
	shim=$(pgrep -u "$(id -u)" -f "volt-shim .*--id $id")
	[ -n "$shim" ]
	run ls -l "/proc/$shim/fd"
	echo "$output"
	[[ "$output" != *"$secret_dir"* ]]
}

@test "exec: the caller's terminal is not the command's (no TIOCSTI into it); its ^C still reaches the command" {
	command -v script >/dev/null || skip_or_fail "script (bsdutils) is missing"
	ctr
	# under script, volt exec's stdio is a terminal and volt's controlling one
	run script -qec "'$VOLT_BIN' exec '$c' sh -c 'cut -d\" \" -f7 /proc/self/stat; volt-sectest tiocsti 1'" /dev/null
	echo "$output"
	# no controlling terminal (tty_nr 0), and pushing input into the
	# caller's terminal is refused
	[ "${lines[0]%$'\r'}" = 0 ]
	[[ "${lines[1]}" == denied:* ]]
	# the terminal's ^C (SIGINT to the foreground process group) reaches
	# the command through its monitor
	setsid sh -c "exec '$VOLT_BIN' exec '$c' sh -c 'trap \"echo got INT; exit 3\" INT; echo ready; while :; do sleep 0.1; done'" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	wait_for grep -q ready "$BATS_TEST_TMPDIR/out"
	kill -INT -- -"$pid"
	st=0
	wait "$pid" || st=$?
	cat "$BATS_TEST_TMPDIR/out"
	[ "$st" -eq 3 ]
	grep -q "got INT" "$BATS_TEST_TMPDIR/out"
}
