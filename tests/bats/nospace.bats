#!/usr/bin/env bats
# A full disk and a read-only store: every failure is volt's (125) with one
# line that says what is wrong and where, and nothing half-made stays behind.
# The store lives on a small tmpfs mounted inside `unshare -Urm`, so the tests
# run as the test user; volt runs inside that namespace (as its root, with the
# user's own id mapped).

load helpers

setup() {
	volt_env
	require_userns
	unshare -Urm sh -c 'mount -t tmpfs -o size=1m tmpfs "$1"' sh "$BATS_TEST_TMPDIR" 2>/dev/null ||
		skip_or_fail "cannot mount a tmpfs in a user namespace"
	small="$BATS_TEST_TMPDIR/small"
	mkdir -p "$small"
}

# in_small SIZE SCRIPT: run the bash SCRIPT with a SIZE tmpfs on $small,
# VOLT_ROOT on it (VOLT_RUNROOT is not) and `volt` at hand
in_small() {
	local size=$1 script=$2
	unshare -Urm bash -c '
		set -u
		mount -t tmpfs -o size="$1" tmpfs "$2" || exit 99
		export VOLT_ROOT="$2/root" VOLT_RUNROOT="$3/run"
		volt_bin=$4
		volt() { "$volt_bin" "$@"; }
		eval "$5"' sh "$size" "$small" "$BATS_TEST_TMPDIR" "$VOLT_BIN" "$script"
}

# fill_leaving KB: fill the tmpfs until KB kilobytes are left
fill_script='
fill_leaving() {
	rm -f "$small/fill"
	local avail=$(df -k --output=avail "$small" | tail -1)
	[ "$avail" -gt "$1" ] && dd if=/dev/zero of="$small/fill" bs=1k count=$((avail - $1)) 2>/dev/null
	true
}
'

@test "a full store: run, run -d, run --rm and create fail with 125 and one line saying where; nothing is left" {
	export small BUSYBOX_TAR
	run in_small 8m "$fill_script"'
		volt image import "$BUSYBOX_TAR" busybox >/dev/null || exit 98
		# from nothing free to the room a create needs: each step fails
		# somewhere else (etc files, the row, the record, the start)
		for kb in 0 4 8 12 16 24 32 48 64; do
			fill_leaving $kb
			for cmd in "run busybox true" "run -d busybox true" "run --rm busybox true" \
				"create busybox true" "run -d --rm busybox true"; do
				volt $cmd >/dev/null 2>"$small/../err"
				rc=$?
				[ $rc -eq 0 ] && continue
				echo "FAIL kb=$kb [$cmd] rc=$rc lines=$(wc -l <"$small/../err") $(head -1 "$small/../err")"
			done
			rm -f "$small/fill"
			# every directory is a container ps shows (a --rm row whose
			# delete found no room either is listed, Exited)
			sleep 0.2
			unseen=0
			for d in $(ls "$VOLT_ROOT/containers"); do
				volt ps -aq | grep -qx "${d:0:12}" || unseen=$((unseen + 1))
			done
			echo "LEFT kb=$kb unseen=$unseen"
			volt rm -f $(volt ps -aq) >/dev/null 2>&1
		done'
	echo "$output"
	[ "$status" -eq 0 ]
	# it did fill up
	[[ "$output" == *"FAIL kb=0 [create busybox true] rc=125"* ]]
	[ "$(grep -c '^LEFT' <<<"$output")" -eq 9 ]
	n=0
	while read -r line; do
		case "$line" in
		FAIL*)
			n=$((n + 1))
			[[ "$line" == *" rc=125 lines=1 volt: "* ]]
			[[ "$line" == *"No space left on device (the disk is full: $small/root has "*" free)"* ]]
			;;
		LEFT*)
			[[ "$line" == *" unseen=0" ]]
			;;
		esac
	done <<<"$output"
	[ "$n" -ge 10 ]
}

@test "a full store: an import that fails says the disk is full and that cas gc removes what it stored" {
	export small BUSYBOX_TAR
	mkdir -p "$BATS_TEST_TMPDIR/rootfs"
	tar -C "$BATS_TEST_TMPDIR/rootfs" -xf "$BUSYBOX_TAR"
	head -c 3000000 /dev/urandom >"$BATS_TEST_TMPDIR/rootfs/random"
	tar -C "$BATS_TEST_TMPDIR/rootfs" -cf "$BATS_TEST_TMPDIR/big.tar" .
	export big="$BATS_TEST_TMPDIR/big.tar"
	run in_small 4m "$fill_script"'
		volt image import "$BUSYBOX_TAR" busybox >/dev/null || exit 98
		before=$(du -sk "$VOLT_ROOT/cas/objects" | cut -f1)
		volt image import "$big" big
		echo "rc=$?"
		volt images | grep -q "^big " && echo "big listed"
		volt cas gc >/dev/null
		after=$(du -sk "$VOLT_ROOT/cas/objects" | cut -f1)
		echo "objects before=$before after=$after"
		[ "$after" -le $((before + 8)) ] && echo "gc freed it"'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"rc=125"* ]]
	[[ "$output" == *"No space left on device (the disk is full: $small/root has "*'free); `volt cas gc` removes what the import stored'* ]]
	[[ "$output" != *"big listed"* ]]
	[[ "$output" == *"gc freed it"* ]]
}

@test "a read-only store says read-only file system" {
	export small BUSYBOX_TAR
	run in_small 8m '
		volt image import "$BUSYBOX_TAR" busybox >/dev/null || exit 98
		volt create --name c1 busybox true >/dev/null || exit 97
		# as a store is when volt did not write it last: no WAL beside it
		python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"PRAGMA wal_checkpoint(TRUNCATE)\"); c.close()" "$VOLT_ROOT/state.db" || exit 96
		[ ! -e "$VOLT_ROOT/state.db-wal" ] || exit 95
		mount --bind "$small" "$small" && mount -o remount,bind,ro "$small" || exit 94
		for cmd in "ps -a" "images" "run --rm busybox true" "create busybox true" "start c1"; do
			volt $cmd >/dev/null 2>"$small/../err"
			echo "[$cmd] rc=$? $(cat "$small/../err")"
		done'
	echo "$output"
	[ "$status" -eq 0 ]
	n=0
	while read -r line; do
		[[ "$line" == "["* ]] || continue
		n=$((n + 1))
		[[ "$line" == *"] rc=125 volt: "*"Read-only file system" ]]
		[[ "$line" != *"unable to open database file"* ]]
	done <<<"$output"
	[ "$n" -eq 5 ]
}

@test "cas gc on a disk so full that the state database cannot open still removes what no image reaches" {
	export small BUSYBOX_TAR
	run in_small 3m '
		volt image import "$BUSYBOX_TAR" busybox >/dev/null || exit 98
		volt rmi busybox >/dev/null || exit 97
		echo "objects: $(find "$VOLT_ROOT/cas/objects" -type f | wc -l)"
		# no connection is open: SQLite makes its -shm again on the next
		# open, which a full disk refuses
		rm -f "$VOLT_ROOT/state.db-shm"
		dd if=/dev/zero of="$small/fill" bs=4k 2>/dev/null
		volt cas gc
		echo "rc=$?"
		echo "objects after gc: $(find "$VOLT_ROOT/cas/objects" -type f | wc -l)"'
	echo "$output"
	[[ "$output" == *"rc=0"* ]]
	[[ "$output" != *"objects: 0"* ]]
	[[ "$output" == *"objects after gc: 0"* ]]
}
