#!/usr/bin/env bats
# What a container start creates on disk, and that creating less keeps every
# behaviour: the monitor's lock on the container directory (no run dir), the
# log created on the first byte, the overlay mounted on the container
# directory (no merged/), the /etc files written without a rename.

load helpers

setup_file() {
	volt_env
	require_userns
	import_busybox
}

setup() {
	volt_env
}

ctr_id() {
	volt inspect "$1" | sed -n 's/.*"Id": "\([0-9a-f]*\)".*/\1/p' | head -1
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

@test "a running container: locked directory, no run dir, no merged/, exec and wait work" {
	volt run -d --name lk busybox sleep 30
	id=$(ctr_id lk)
	d="$VOLT_ROOT/containers/$id"
	[ -d "$d/upper" ] && [ -d "$d/work" ]
	[ ! -e "$d/merged" ]
	[ ! -e "$VOLT_RUNROOT/$id" ]
	# the monitor holds a flock on the container directory
	run flock -n -s "$d" true
	[ "$status" -ne 0 ]
	run volt ps
	[[ "$output" == *"Up "* ]]
	run volt exec lk sh -c 'echo from-exec; cat /etc/hostname'
	[ "$status" -eq 0 ]
	[[ "$output" == *"from-exec"* ]]
	run volt start lk
	[ "$status" -ne 0 ]
	[[ "$output" == *"already running"* ]]
	volt kill lk
	run volt wait lk
	[ "$output" = "137" ]
	run flock -n -s "$d" true
	[ "$status" -eq 0 ]
	run volt ps -a
	[[ "$output" == *"Exited (137)"* ]]
}

@test "a silent container has no log file and volt logs prints nothing" {
	run volt run --name quiet busybox true
	[ "$status" -eq 0 ]
	id=$(ctr_id quiet)
	[ ! -e "$VOLT_ROOT/containers/$id/ctr.log" ]
	run volt logs quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run volt logs --tail 5 quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run timeout 10 "$VOLT_BIN" logs -f quiet
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "logs -f follows a container that is silent at first" {
	volt run -d --name late busybox sh -c 'sleep 1; echo first; sleep 0.5; echo second'
	run timeout 20 "$VOLT_BIN" logs -f late
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'first\nsecond')" ]
}

@test "the generated /etc files are there, readable by every user, whatever the umask" {
	run sh -c "umask 077; '$VOLT_BIN' run --rm --hostname hn1 --add-host db:10.1.2.3 busybox sh -c 'stat -c %a /etc/hosts /etc/hostname /etc/resolv.conf; cat /etc/hostname; grep db /etc/hosts'"
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^644$')" -eq 3 ]
	[[ "$output" == *"hn1"* ]]
	[[ "$output" == *"10.1.2.3"*"db"* ]]
}

@test "--rm leaves nothing in containers/, the run directory or trash" {
	before=$(ls "$VOLT_ROOT/containers" | wc -l)
	run volt run --rm busybox sh -c 'echo out; echo x >/file'
	[ "$status" -eq 0 ]
	[ "$output" = "out" ]
	[ "$(ls "$VOLT_ROOT/containers" | wc -l)" -eq "$before" ]
	for i in $(seq 50); do [ -z "$(ls -A "$VOLT_ROOT/trash" 2>/dev/null)" ] && break; sleep 0.1; done
	[ -z "$(ls -A "$VOLT_ROOT/trash" 2>/dev/null)" ]
	# the run directory holds no per-container entry (the FUSE views and the
	# user namespace keeper's record may be there)
	[ -z "$(ls -A "$VOLT_RUNROOT" 2>/dev/null | grep -E '^[0-9a-f]{64}$')" ]
}

@test "mount points the image lacks come from the shared skeleton: the upper layer stays empty" {
	volt create --name sk busybox sh -c 'ls -d /proc /sys /dev /etc/hosts >/dev/null && stat -c "%a %Y" /etc && echo x >/etc/added && cat /etc/added && ls /etc'
	id=$(ctr_id sk)
	lower=$(volt inspect sk | sed -n 's/.*"LowerDir": "\([^"]*\)".*/\1/p')
	run volt start -a sk
	[ "$status" -eq 0 ]
	# /etc looks as in the image (mode and time), writes to it work, its files stay
	[[ "$output" == *"$(stat -c '%a %Y' "$lower/etc")"* ]]
	[[ "$output" == *"passwd"* ]] && [[ "$output" == *"hosts"* ]] && [[ "$output" == *"added"* ]]
	[ "$(ls "$VOLT_ROOT/containers/$id/upper")" = "etc" ]
	[ "$(ls "$VOLT_ROOT/containers/$id/upper/etc")" = "added" ]
	ls -d "$VOLT_ROOT"/cache/skel-*
	# a container that writes nothing leaves its upper layer empty
	volt run --name sk2 busybox true
	[ -z "$(ls -A "$VOLT_ROOT/containers/$(ctr_id sk2)/upper")" ]
}

@test "no security.json per start: volt security inspect derives the record, and says when a profile changed" {
	cp "$VOLT_TEST_DIR/profiles/seccomp/default.json" "$BATS_TEST_TMPDIR/mine.json"
	volt run -d --name secrec --security-opt seccomp="$BATS_TEST_TMPDIR/mine.json" busybox sleep 30 >/dev/null
	[ ! -e "$VOLT_ROOT/containers/$(ctr_id secrec)/security.json" ]
	run volt security inspect secrec
	[ "$status" -eq 0 ]
	[[ "$output" == *"mine.json"* ]]
	[[ "$output" == *"mode         enforce"* ]]
	[[ "$output" == *"Seccomp: 2"* ]]
	[[ "$output" != *"instructions 0"* ]]
	[[ "$output" != *"changed since"* ]]
	[[ "$output" != *"no security record"* ]]
	touch -d '+1 minute' "$BATS_TEST_TMPDIR/mine.json"
	run volt security inspect secrec
	[ "$status" -eq 0 ]
	[[ "$output" == *"changed since the container started"* ]]
	volt create --name notyet busybox true >/dev/null
	run volt security inspect notyet
	[[ "$output" == *"no security record yet"* ]]
}

@test "run then start at once: a start right after a run finds the lock free" {
	for i in 1 2 3 4 5 6 7 8; do
		volt run --name rs$i busybox true
		run volt start -a rs$i
		[ "$status" -eq 0 ]
	done
}

@test "--rm: the /etc files are on a tmpfs of the container's own, none on disk; without --rm on disk" {
	run volt run --rm --hostname tmpfs-etc --add-host db:10.1.2.3 busybox sh -c \
		'grep " /etc/hosts " /proc/self/mountinfo; cat /etc/hosts /etc/hostname; echo edit >>/etc/hosts && tail -1 /etc/hosts' 
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" - tmpfs "* ]]
	[[ "$output" == *"10.1.2.3	db"* ]]
	[[ "$output" == *"tmpfs-etc"* ]]
	[[ "$output" == *"edit"* ]]
	# no hosts file was made in the container's directory while it ran
	run volt run -d --rm --name rmetc busybox sleep 5
	[ "$status" -eq 0 ]
	id=$(volt inspect rmetc | grep -m1 '"Id"' | cut -d'"' -f4)
	[ -d "$VOLT_ROOT/containers/$id" ]
	[ ! -e "$VOLT_ROOT/containers/$id/hosts" ]
	run volt exec rmetc cat /etc/hostname
	[ "$status" -eq 0 ]
	volt rm -f rmetc
	# without --rm: on disk, and an edit outlives a restart (as under docker)
	volt run --name diskeetc busybox sh -c 'echo kept >>/etc/hosts'
	run volt start -a diskeetc
	[ "$status" -eq 0 ]
	id=$(volt inspect diskeetc | grep -m1 '"Id"' | cut -d'"' -f4)
	grep -q kept "$VOLT_ROOT/containers/$id/hosts"
	volt rm diskeetc
}

@test "--rm: the emptied directory is kept as a spare and is the next container's, unless the root was changed" {
	rm -rf "$VOLT_ROOT/spare"
	volt run --rm busybox sh -c 'echo data >/file; mkdir -p /a/b; echo x >/a/b/c'
	wait_for test -d "$VOLT_ROOT/spare/0"
	# exactly upper/ and work/, both empty
	[ "$(ls -A "$VOLT_ROOT/spare/0" | tr '\n' ' ')" = "upper work " ]
	[ -z "$(ls -A "$VOLT_ROOT/spare/0/upper")" ] && [ -z "$(ls -A "$VOLT_ROOT/spare/0/work")" ]
	ino=$(stat -c %i "$VOLT_ROOT/spare/0")
	# the next container takes it (the same inode: nothing new on disk)
	id=$(volt create --name sp busybox sh -c 'ls /; stat -c %a /')
	[ "$(stat -c %i "$VOLT_ROOT/containers/$id")" = "$ino" ]
	[ ! -e "$VOLT_ROOT/spare/0" ]
	run volt start -a sp
	[ "$status" -eq 0 ]
	[[ "$output" != *file* ]] && [[ "$output" != *"a"$'\n'* ]]
	[ "${lines[-1]}" = 755 ]
	volt rm sp
	# a container that changed its root directory changed upper/: not kept
	volt run --rm busybox chmod 700 /
	wait_for sh -c "[ -z \"\$(ls -A '$VOLT_ROOT/trash')\" ]"
	[ ! -e "$VOLT_ROOT/spare/0" ]
	run volt run --rm busybox stat -c %a /
	[ "$output" = 755 ]
}
