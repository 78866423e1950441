#!/usr/bin/env bats
# volt run: namespaces, root file system, options, exit codes.

load helpers

busybox_fixture --keep

@test "run prints from inside: own hostname, root, PID 1" {
	run volt run --rm --hostname inside busybox sh -c 'hostname; id -u; echo $$'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "inside" ]
	[ "${lines[1]}" = "0" ]
	[ "${lines[2]}" = "1" ]
}

@test "container root is the invoking user outside" {
	run volt run --rm busybox cat /proc/self/uid_map
	[ "$status" -eq 0 ]
	read -r inside outside count <<<"${lines[0]}"
	[ "$inside" = 0 ]
	[ "$outside" = "$(id -u)" ]
	if has_subuid; then
		[ "${#lines[@]}" -eq 2 ]
	else
		[ "${#lines[@]}" -eq 1 ]
	fi
}

@test "new PID namespace: only the container's processes are visible" {
	run volt run --rm busybox sh -c 'ls /proc | grep -c "^[0-9]"'
	[ "$status" -eq 0 ]
	[ "$output" -le 3 ]
}

@test "exit status is the container's" {
	run volt run --rm busybox sh -c 'exit 42'
	[ "$status" -eq 42 ]
}

@test "a command that is not found exits 127 with a clear error" {
	run -127 volt run --rm busybox /no/such/thing
	[ "$status" -eq 127 ]
	[[ "$output" == *"volt: exec \"/no/such/thing\": executable file not found"* ]]
}

@test "a command that cannot be executed exits 126" {
	run volt run --rm busybox /etc/passwd
	[ "$status" -eq 126 ]
	[[ "$output" == *"volt: exec \"/etc/passwd\""* ]]
}

@test "killed by a signal exits 128+N" {
	# PID 1 cannot be killed from inside its own namespace: use --init
	run volt run --rm --init busybox sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	run volt run --rm --init busybox sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "an unknown image is volt's own error: 125" {
	# a loopback registry that is not there: the pull fails at once
	run volt run --rm 127.0.0.1:9/no-such-image true
	[ "$status" -eq 125 ]
	[[ "$output" == *"volt: image 127.0.0.1:9/no-such-image: not in the store"* ]]
}

@test "-e and --env-file set the environment; the image PATH is there" {
	echo 'FROMFILE=yes' >"$BATS_TEST_TMPDIR/env"
	echo '# comment' >>"$BATS_TEST_TMPDIR/env"
	run volt run --rm -e FOO=bar --env-file "$BATS_TEST_TMPDIR/env" busybox sh -c 'echo $FOO $FROMFILE $PATH'
	[ "$status" -eq 0 ]
	[[ "$output" == "bar yes /usr/local/sbin:"* ]]
}

@test "-w sets the working directory, creating it" {
	run volt run --rm -w /work/dir busybox pwd
	[ "$status" -eq 0 ]
	[ "$output" = "/work/dir" ]
}

@test "-u by name and by number, with groups from the image" {
	run volt run --rm -u web busybox id
	if has_subuid; then
		[ "$status" -eq 0 ]
		[[ "$output" == "uid=101(web) gid=101(web)"* ]]
		run volt run --rm -u user busybox id -G
		[ "$output" = "1000 2000" ]
		run volt run --rm -u 1000:2000 busybox sh -c 'id -u; id -g'
		[ "${lines[0]}" = 1000 ]
		[ "${lines[1]}" = 2000 ]
	else
		# single-uid mode maps only root: another user cannot exist inside
		[ "$status" -eq 125 ]
		[[ "$output" == *"is not mapped: single-uid mode maps only root (0); run as root (-u 0)"* ]]
	fi
}

@test "-u with an unknown user fails clearly" {
	run volt run --rm -u nosuchuser busybox true
	[ "$status" -eq 125 ]
	[[ "$output" == *"unable to find user nosuchuser"* ]]
}

@test "--entrypoint replaces the image's" {
	run volt run --rm --entrypoint /bin/echo busybox hello
	[ "$status" -eq 0 ]
	[ "$output" = "hello" ]
}

@test "-v bind mounts a host directory, :ro makes it read-only" {
	mkdir -p "$BATS_TEST_TMPDIR/data"
	echo host-file >"$BATS_TEST_TMPDIR/data/f"
	run volt run --rm -v "$BATS_TEST_TMPDIR/data:/data" busybox sh -c 'cat /data/f; echo new >/data/g'
	[ "$status" -eq 0 ]
	[ "$output" = "host-file" ]
	[ "$(cat "$BATS_TEST_TMPDIR/data/g")" = new ]
	run volt run --rm -v "$BATS_TEST_TMPDIR/data:/data:ro" busybox sh -c 'echo x >/data/h'
	[ "$status" -ne 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/data/h" ]
}

@test "named volumes persist between containers" {
	run volt run --rm -v vol1:/v busybox sh -c 'echo kept >/v/file'
	[ "$status" -eq 0 ]
	run volt run --rm -v vol1:/v busybox cat /v/file
	[ "$status" -eq 0 ]
	[ "$output" = kept ]
	[ -f "$VOLT_ROOT/volumes/vol1/_data/file" ]
}

@test "a new named volume is filled from the image (mode kept); once filled it is never filled again" {
	run volt run --rm -v fill1:/etc busybox cat /etc/motd
	[ "$status" -eq 0 ]
	[ "$output" = "volt busybox image" ]
	[ -f "$VOLT_ROOT/volumes/fill1/_data/passwd" ]
	run volt run --rm -v fill2:/tmp busybox stat -c %a /tmp
	[ "$output" = 1777 ]
	volt run --rm -v fill1:/etc busybox sh -c 'rm -rf /etc/* /etc/.[!.]* 2>/dev/null; true'
	run volt run --rm -v fill1:/etc busybox ls -A /etc
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# a volume created empty and written first is not filled over
	volt volume create fill3
	echo mine >"$VOLT_ROOT/volumes/fill3/_data/own"
	run volt run --rm -v fill3:/etc busybox ls /etc
	[ "$output" = own ]
}

@test "volume create, ls, inspect, rm (refused while in use), prune" {
	run volt volume create v-a v-b
	[ "$status" -eq 0 ]
	run volt volume ls -q
	[[ "$output" == *"v-a"*"v-b"* ]]
	run volt volume create 'bad/name'
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid volume name"* ]]
	volt create --name vuser -v v-a:/data busybox true >/dev/null
	run volt volume inspect v-a
	[ "$status" -eq 0 ]
	[[ "$output" == *'"UsedBy"'*'"vuser"'* ]]
	[[ "$output" == *"$VOLT_ROOT/volumes/v-a/_data"* ]]
	run volt volume rm v-a
	[ "$status" -eq 125 ]
	[[ "$output" == *"in use by container vuser"* ]]
	run volt volume prune -f
	[ "$status" -eq 0 ]
	[[ "$output" == *"v-b"* ]]
	[[ "$output" != *"v-a"* ]]
	[ -d "$VOLT_ROOT/volumes/v-a" ] && [ ! -e "$VOLT_ROOT/volumes/v-b" ]
	volt rm vuser
	run volt volume rm v-a
	[ "$status" -eq 0 ]
	run volt volume inspect v-a
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such volume: v-a"* ]]
}

@test "--tmpfs mounts a tmpfs" {
	run volt run --rm --tmpfs /scratch busybox sh -c 'grep " /scratch " /proc/mounts'
	[ "$status" -eq 0 ]
	[[ "$output" == *"tmpfs /scratch tmpfs"* ]]
}

@test "--read-only root file system" {
	run volt run --rm --read-only busybox touch /newfile
	[ "$status" -ne 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	run volt run --rm --read-only --tmpfs /tmp busybox touch /tmp/ok
	[ "$status" -eq 0 ]
}

@test "writes go to the container's own layer, never to the image" {
	run volt run --rm busybox sh -c 'echo changed >/etc/motd; cat /etc/motd'
	[ "$output" = changed ]
	run volt run --rm busybox cat /etc/motd
	[ "$output" = "volt busybox image" ]
}

@test "/proc is fresh, /sys read-only, /dev minimal with a private devpts" {
	run volt run --rm busybox sh -c 'ls /dev | sort | tr "\n" " "; grep " /sys " /proc/mounts; grep devpts /proc/mounts'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"null"*"pts"*"tty"*"urandom"*"zero"* ]]
	[[ "${lines[0]}" != *"sda"* ]]
	[[ "$output" == *" /sys sysfs ro"* ]]
	[[ "$output" == *"devpts /dev/pts devpts"* ]]
}

@test "/etc/hosts, /etc/hostname and /etc/resolv.conf are generated" {
	run volt run --rm --hostname web1 --add-host db:10.1.2.3 --dns 9.9.9.9 busybox sh -c 'cat /etc/hostname /etc/hosts /etc/resolv.conf'
	[ "$status" -eq 0 ]
	[[ "$output" == *"web1"* ]]
	[[ "$output" == *"10.1.2.3	db"* ]]
	[[ "$output" == *"nameserver 9.9.9.9"* ]]
}

@test "--network none has only loopback; --network host sees the host's interfaces" {
	run volt run --rm --network none busybox sh -c 'ls /sys/class/net'
	[ "$status" -eq 0 ]
	[ "$output" = "lo" ]
	run volt run --rm --network host busybox sh -c 'cat /proc/net/dev | wc -l'
	[ "$status" -eq 0 ]
	[ "$output" -eq "$(wc -l </proc/net/dev)" ]
}

@test "--init runs volt-init as PID 1 and reaps zombies" {
	run volt run --rm --init busybox sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; echo $$'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/dev/init -- sh"* ]]
	[ "${lines[1]}" != 1 ]
}

@test "--rm leaves nothing behind" {
	before=$(ls "$VOLT_ROOT/containers" | wc -l)
	run volt run --rm --name gone busybox sh -c 'echo x >/file'
	[ "$status" -eq 0 ]
	[ "$(ls "$VOLT_ROOT/containers" | wc -l)" -eq "$before" ]
	run volt inspect gone
	[ "$status" -ne 0 ]
	# the directory is deleted by a background child after volt returned
	for i in $(seq 50); do [ -z "$(ls -A "$VOLT_ROOT/trash" 2>/dev/null)" ] && break; sleep 0.1; done
	[ -z "$(ls -A "$VOLT_ROOT/trash" 2>/dev/null)" ]
}

@test "--rm returns without waiting for the removal, and output capture does not wait either" {
	has_subuid || not_in_this_mode "needs a subordinate range (files of another owner)"
	# files of a mapped id need the container's user namespace to go
	out=$(volt run --rm -u web busybox sh -c 'mkdir -p /tmp/d && for i in 1 2 3; do echo $i >/tmp/d/$i; done; chmod 700 /tmp/d; echo done')
	[ "$out" = "done" ]
	for i in $(seq 50); do [ -z "$(ls -A "$VOLT_ROOT/trash" 2>/dev/null)" ] && break; sleep 0.1; done
	[ -z "$(ls -A "$VOLT_ROOT/trash" 2>/dev/null)" ]
}

@test "volt rm sweeps what a killed --rm remover left in trash" {
	mkdir -p "$VOLT_ROOT/trash/leftover/upper/x"
	echo y >"$VOLT_ROOT/trash/leftover/upper/x/f"
	touch -d '2 minutes ago' "$VOLT_ROOT/trash/leftover"
	volt create --name sweeper busybox true
	volt rm sweeper
	[ ! -e "$VOLT_ROOT/trash/leftover" ]
}

@test "keep-id keeps the invoking user's uid inside" {
	run volt run --rm --userns keep-id busybox id -u
	[ "$status" -eq 0 ]
	[ "$output" = "$(id -u)" ]
}

@test "-t gives the container a terminal of its own devpts, also bound on /dev/console" {
	run script -qec "$VOLT_BIN run --rm -t busybox sh -c 'test -t 0 && echo tty; tty; stat -c %t,%T /dev/console \$(tty)'" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *"tty"* ]]
	[[ "$output" == *"/dev/pts/0"* ]]
	# /dev/console is the same device as the terminal
	cons=$(echo "$output" | tr -d '\r' | tail -2 | head -1)
	term=$(echo "$output" | tr -d '\r' | tail -1)
	[ -n "$cons" ] && [ "$cons" = "$term" ]
}

@test "-t with --init: the command gets the terminal (no SIGTTOU stop), its exit code comes back" {
	run timeout 20 script -qec "$VOLT_BIN run --rm -t --init busybox sh -c 'tty; exit 3'" /dev/null
	[ "$status" -eq 3 ]
	[[ "$output" == *"/dev/pts/0"* ]]
}

@test "-dt: a detached container's terminal output reaches its log" {
	volt run -dt --name dt1 busybox sh -c 'echo hello-from-tty; sleep 0.3' >/dev/null
	wait_for sh -c "$VOLT_BIN logs dt1 | grep -q hello-from-tty"
	volt rm -f dt1 >/dev/null
}

@test "-i passes stdin through" {
	run sh -c "echo piped | $VOLT_BIN run --rm -i busybox cat"
	[ "$status" -eq 0 ]
	[ "$output" = piped ]
}

@test "info reports the overlay driver in use" {
	run volt info
	[ "$status" -eq 0 ]
	[[ "$output" == *"overlay driver: overlay (native, userxattr)"* ]]
	VOLT_OVERLAY=fuse-overlayfs run volt info
	[[ "$output" == *"overlay driver: fuse-overlayfs"* ]]
}

@test "fuse-overlayfs fallback runs a container and says so once" {
	[ -w /dev/fuse ] && command -v fuse-overlayfs >/dev/null || skip_or_fail "fuse-overlayfs or /dev/fuse missing"
	VOLT_OVERLAY=fuse-overlayfs run timeout 30 "$VOLT_BIN" run --rm busybox sh -c 'grep -c "fuse-overlayfs / " /proc/mounts; echo data >/f; cat /f'
	[ "$status" -eq 0 ]
	[[ "$output" == *"using fuse-overlayfs"* ]]
	[ "$(echo "$output" | grep -c 'using fuse-overlayfs')" -eq 1 ]
	[[ "$output" == *"data"* ]]
	[[ "$output" != *"unknown argument"* ]]
}
