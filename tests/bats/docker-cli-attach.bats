#!/usr/bin/env bats
# volt attach (issue 17 item 1): a detached container's output from now on,
# its stdin (-i, -it), the detach keys, signals, its exit code; several
# clients; a client gone does not stop the container or its log.

load helpers

busybox_fixture

teardown() {
	local p
	for p in ${BG_PIDS:-}; do kill -9 "$p" 2>/dev/null || true; done
	rm_all_containers
}

TICK='echo first; while :; do echo tick; sleep 0.2; done'

# ticks FILE: how many tick lines FILE has
ticks() {
	grep -c '^tick' "$1" 2>/dev/null || true
}

logs_has() { # NAME PATTERN
	volt logs "$1" 2>&1 | grep -q "$2"
}

stopped() { # NAME
	[ "$(volt inspect -f '{{.State.Running}}' "$1")" = false ]
}

gone() { # PID
	! kill -0 "$1" 2>/dev/null
}

running() { # NAME
	[ "$(volt inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]
}

has_ticks() { # FILE N
	[ "$(ticks "$1")" -ge "$2" ]
}

@test "attach: a detached container's output from now on, not its old log" {
	volt run -d --name tk busybox sh -c "$TICK" >/dev/null
	wait_for logs_has tk tick
	timeout -s KILL 3 "$VOLT_BIN" attach tk >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || true
	has_ticks "$BATS_TEST_TMPDIR/out" 3
	! grep -q first "$BATS_TEST_TMPDIR/out" # the old output is the log's
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ "$(volt inspect -f '{{.State.Running}}' tk)" = true ]
}

@test "attach: input of an -i container reaches its process" {
	volt run -di --name cat busybox cat >/dev/null
	(sleep 0.5; echo hello-through-attach; sleep 5) | timeout -s KILL 3 "$VOLT_BIN" attach cat >"$BATS_TEST_TMPDIR/out" || true
	grep -qx hello-through-attach "$BATS_TEST_TMPDIR/out"
	volt logs cat | grep -qx hello-through-attach
	[ "$(volt inspect -f '{{.State.Running}}' cat)" = true ]
}

@test "attach: the container's exit code is attach's" {
	volt run -di --name sh3 busybox sh >/dev/null
	run -3 timeout 10 "$VOLT_BIN" attach sh3 <<<'echo bye; exit 3'
	[ "$output" = bye ]
	[ "$(volt inspect -f '{{.State.ExitCode}}' sh3)" = 3 ]
	# the socket (in the container's directory) goes with the monitor;
	# a --rm container leaves no run directory
	id=$(volt inspect -f '{{.Id}}' sh3)
	[ ! -e "$VOLT_ROOT/containers/$id/attach.sock" ]
	id=$(volt run -di --rm busybox sh)
	[ -S "$VOLT_ROOT/containers/$id/attach.sock" ]
	[ ! -e "$VOLT_RUNROOT/$id" ]
	run -4 timeout 10 "$VOLT_BIN" attach "$id" <<<'exit 4'
	wait_for test ! -e "$VOLT_ROOT/containers/$id/attach.sock"
	[ ! -e "$VOLT_RUNROOT/$id" ]
}

@test "attach: --no-stdin attaches the output only" {
	volt run -di --name ns busybox sh -c 'echo started; read x; echo "read $x"; sleep 100' >/dev/null
	wait_for logs_has ns started
	echo never | timeout -s KILL 2 "$VOLT_BIN" attach --no-stdin ns >"$BATS_TEST_TMPDIR/out" || true
	! volt logs ns | grep -q 'read never'
	[ "$(volt inspect -f '{{.State.Running}}' ns)" = true ]
}

@test "attach -it: a terminal, its size and resizes forwarded; the detach keys leave the container running" {
	volt run -dit --name tt busybox sh >/dev/null
	VOLT_BIN="$VOLT_BIN" run python3 - <<'PY'
import fcntl, os, pty, select, struct, termios, time
volt = os.environ["VOLT_BIN"]
def size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
pid, fd = pty.fork()
if pid == 0:
    size(0, 33, 111)
    os.execv(volt, [volt, "attach", "tt"])
# each step: what to wait for in the output, then what to type
steps = [(b"", b"\r"), (b"# ", b"echo hi-$((40+2))\r"), (b"hi-42", b"stty size\r"),
         (b"33 111", None), (b"", b"stty size\r"), (b"44 99", b"\x10\x11")]
out, step, end = b"", 0, time.time() + 15
while time.time() < end:
    if step < len(steps) and steps[step][0] in out:
        if steps[step][1] is None:
            size(fd, 44, 99)  # the kernel sends attach SIGWINCH
            out = b""
            time.sleep(0.3)
        else:
            os.write(fd, steps[step][1])
        step += 1
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            b = os.read(fd, 4096)
        except OSError:
            break
        out += b
    w, st = os.waitpid(pid, os.WNOHANG)
    if w:
        break
else:
    os.kill(pid, 9)
    w, st = os.waitpid(pid, 0)
print(out.decode(errors="replace"))
print("STEP=%d STATUS=%d" % (step, os.waitstatus_to_exitcode(st)))
PY
	echo "$output"
	[[ "$output" == *"44 99"* ]]
	[[ "$output" == *"STEP=6 STATUS=0"* ]]
	[ "$(volt inspect -f '{{.State.Running}}' tt)" = true ]
}

@test "attach --detach-keys: another sequence detaches, the default one is input then" {
	volt run -di --name dk busybox cat >/dev/null
	printf 'a\x10\x11b\n\x18never\n' | timeout 10 "$VOLT_BIN" attach --detach-keys ctrl-x dk >"$BATS_TEST_TMPDIR/out"
	[ "$(volt inspect -f '{{.State.Running}}' dk)" = true ]
	# ctrl-p ctrl-q went to cat as input, ctrl-x did not
	wait_for logs_has dk b
	[ "$(volt logs dk | od -An -c | tr -s ' ')" = " a 020 021 b \n" ]
}

@test "attach: signals are proxied to the container (--sig-proxy)" {
	volt run -d --name sp busybox sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done' >/dev/null
	wait_for logs_has sp ready
	"$VOLT_BIN" attach sp >"$BATS_TEST_TMPDIR/out" 2>&1 &
	BG_PIDS="$!"
	sleep 0.5
	kill -USR1 "$!"
	wait_for grep -q got-usr1 "$BATS_TEST_TMPDIR/out"
	# --sig-proxy=false: volt attach takes the signal itself
	run -124 timeout -s TERM 1 "$VOLT_BIN" attach --sig-proxy=false sp
	[ "$(volt inspect -f '{{.State.Running}}' sp)" = true ]
}

@test "attach: a stopped container is refused with one line, 125" {
	volt create --name st busybox true >/dev/null
	run -125 volt attach st
	[ "$output" = "volt: You cannot attach to a stopped container, start it first" ]
	volt start st >/dev/null
	wait_for stopped st
	run -125 volt attach st
	[ "${#lines[@]}" -eq 1 ]
	run -125 volt attach no-such-container
	[ "${#lines[@]}" -eq 1 ]
}

@test "attach: a container run in the foreground is its volt's: one line" {
	"$VOLT_BIN" run --name fg busybox sleep 100 >/dev/null 2>&1 </dev/null &
	BG_PIDS="$!"
	wait_for running fg
	run -125 volt attach fg
	[ "$output" = "volt: fg has no attach socket: a container started without -d is attached to its volt" ]
}

@test "attach: a paused container is refused, as docker's" {
	volt run -d --name pz busybox sleep 100 >/dev/null
	volt pause pz >/dev/null 2>&1 || skip_or_fail "volt pause does not work here"
	run -125 volt attach pz
	[ "$output" = "volt: You cannot attach to a paused container, unpause it first" ]
	volt unpause pz >/dev/null
}

@test "attach: two clients both get the output" {
	volt run -d --name two busybox sh -c "$TICK" >/dev/null
	"$VOLT_BIN" attach two >"$BATS_TEST_TMPDIR/a" &
	BG_PIDS="$!"
	"$VOLT_BIN" attach two >"$BATS_TEST_TMPDIR/b" &
	BG_PIDS="$BG_PIDS $!"
	wait_for has_ticks "$BATS_TEST_TMPDIR/a" 3
	wait_for has_ticks "$BATS_TEST_TMPDIR/b" 3
}

@test "attach: 16 clients at once; a 17th is refused with one line" {
	volt run -d --name many busybox sh -c "$TICK" >/dev/null
	for i in $(seq 1 16); do
		"$VOLT_BIN" attach many >"$BATS_TEST_TMPDIR/o$i" &
		BG_PIDS="${BG_PIDS:-} $!"
	done
	for i in $(seq 1 16); do wait_for has_ticks "$BATS_TEST_TMPDIR/o$i" 1; done
	run -125 timeout 10 "$VOLT_BIN" attach many
	[ "$output" = "volt: attach: 16 clients are attached already, the most a container has" ]
}

@test "attach: a client killed mid-stream stops neither the container nor its log" {
	volt run -d --name kl busybox sh -c "$TICK" >/dev/null
	"$VOLT_BIN" attach kl >"$BATS_TEST_TMPDIR/a" &
	killme=$!
	BG_PIDS="$killme"
	wait_for has_ticks "$BATS_TEST_TMPDIR/a" 3
	kill -9 "$killme"
	n1=$(volt logs kl | wc -l)
	sleep 1
	n2=$(volt logs kl | wc -l)
	[ "$n2" -gt $((n1 + 2)) ]
	[ "$(volt inspect -f '{{.State.Running}}' kl)" = true ]
	# and a new client still gets the output
	timeout -s KILL 2 "$VOLT_BIN" attach kl >"$BATS_TEST_TMPDIR/c" || true
	has_ticks "$BATS_TEST_TMPDIR/c" 3
}

# last_mark NAME: the highest "mark N" in the container's log
last_mark() {
	volt logs "$1" | sed -n 's/^mark //p' | tail -1
}

@test "attach: a client that stops reading does not hold the monitor back" {
	# ~2 MB/s: a stalled client's socket and 1 MiB of buffer fill in a second
	volt run -d --name fast busybox sh -c 'i=0; while :; do seq 1 20000; i=$((i+1)); echo mark $i; sleep 0.05; done' >/dev/null
	"$VOLT_BIN" attach fast >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	slow=$!
	BG_PIDS="$slow"
	wait_for grep -q '^mark ' "$BATS_TEST_TMPDIR/out" # attached
	kill -STOP "$slow"
	sleep 3
	m1=$(last_mark fast)
	sleep 1
	m2=$(last_mark fast)
	[ "$m2" -gt $((m1 + 5)) ]
	# the stopped client was let go: once it runs again it says so
	kill -CONT "$slow"
	wait_for gone "$slow"
	st=0
	wait "$slow" || st=$?
	[ "$st" -eq 125 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "volt: attach: dropped by the monitor: the output was read too slowly" ]
	[ "$(volt inspect -f '{{.State.Running}}' fast)" = true ]
	timeout -s KILL 2 "$VOLT_BIN" attach fast >"$BATS_TEST_TMPDIR/c" || true
	grep -q '^mark ' "$BATS_TEST_TMPDIR/c"
}

@test "attach: an invalid --detach-keys is refused with one line" {
	run -125 volt attach --detach-keys nonsense-keys whatever
	[[ "${lines[0]}" == "volt: attach: --detach-keys: invalid sequence nonsense-keys"* ]]
}
