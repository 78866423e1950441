#!/usr/bin/env bats
# Volumes of microVMs: -v HOSTDIR:/path[:ro] and named volumes shared into
# the guest (virtiofs here: Debian's cloud kernel has it and no 9p), through
# `volt vm check`, in both id-mapping modes. virtiofsd runs as the user in a
# user namespace mapped like a container's, so what the guest writes as root
# is the user's on the host. Under TCG (no usable KVM on these hosts) each
# boot takes some seconds: the tests bundle their checks into few boots.

load helpers

KERNEL_DEB="$VOLT_TEST_DIR/images/kernel.deb"

need_vm() {
	command -v qemu-system-x86_64 >/dev/null || skip_or_fail "qemu-system-x86_64 is not installed (scripts/install-deps)"
	[ -x /usr/lib/qemu/virtiofsd ] || skip_or_fail "no /usr/lib/qemu/virtiofsd (package qemu-system-common)"
	if [ ! -r "$KERNEL_DEB" ]; then
		local why="no kernel package was fetched"
		[ -r "$KERNEL_DEB.unavailable" ] && why=$(cat "$KERNEL_DEB.unavailable")
		skip_or_fail "$why"
	fi
	volt vm kernel ls -q | grep -q . || volt vm kernel fetch --deb "$KERNEL_DEB" >/dev/null
	volt image ls | grep -q busybox || import_busybox
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

setup() {
	volt_env
	# the host's /boot must not decide what these tests see
	export VOLT_HOST_BOOT="$BATS_FILE_TMPDIR/no-boot"
	mkdir -p "$VOLT_HOST_BOOT"
}

# no QEMU of this store, no virtiofsd of this test's directories (others
# may run theirs as the same user), no scratch directory
no_daemons_left() {
	! pgrep -u "$(id -u)" -f "qemu-system-x86_64.*$VOLT_ROOT/" >/dev/null
	! pgrep -u "$(id -u)" -f "virtiofsd.*source=$BATS_TEST_TMPDIR/" >/dev/null
	[ -z "$(ls -d "$VOLT_RUNROOT"/vm-check-* 2>/dev/null)" ]
}

@test "vm volume: the guest reads the host's files, what it writes is the user's on the host, :ro refuses writes, a named volume" {
	need_vm
	rw="$BATS_TEST_TMPDIR/rw dir" ro="$BATS_TEST_TMPDIR/ro"
	mkdir -p "$rw" "$ro"
	echo "from the host" >"$rw/in"
	echo "read-only data" >"$ro/in"
	run --separate-stderr volt vm check --accel tcg --timeout 300 -v "$rw:/data" -v "$ro:/ro:ro" -v vmvol-named:/srv/named \
		--image busybox -- sh -c '
		cat /data/in
		echo "from the guest" >/data/out && mkdir /data/d
		echo named >/srv/named/f
		if touch /ro/x 2>/err; then echo "ro: written"; else echo "ro: refused: $(cat /err)"; fi
		cat /ro/in
		if chown 1000:1000 /data/d 2>/err; then echo "chown: done"; else echo "chown: refused: $(cat /err)"; fi
		grep -E " /(data|ro|srv/named) " /proc/mounts'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *"volumes: virtiofs (the kernel's modules: virtiofs yes, 9p no; /usr/lib/qemu/virtiofsd)"* ]]
	# host to guest
	[[ "$output" == *"from the host"* ]]
	[[ "$output" == *"read-only data"* ]]
	# guest to host, owned by the user (guest root is the user, as in a container)
	[ "$(cat "$rw/out")" = "from the guest" ]
	[ "$(stat -c %u:%g "$rw/out")" = "$(id -u):$(id -g)" ]
	# :ro: refused in the guest, nothing on the host
	[[ "$output" == *"ro: refused: "*"Read-only file system"* ]]
	[ ! -e "$ro/x" ]
	grep -q "^volt1 /ro virtiofs ro," <<<"$output"
	grep -q "^volt0 /data virtiofs rw," <<<"$output"
	# a named volume, made as for a container
	[ "$(cat "$VOLT_ROOT/volumes/vmvol-named/_data/f")" = named ]
	volt volume ls | grep -q vmvol-named
	# guest ids map as a container's: 1000 is a subordinate id in full mode;
	# single-uid mode maps only the user, so the chown is refused
	if [ "$(sed -n "s/^$(id -un):\([0-9]*\):.*/\1/p" /etc/subuid | head -1)" ] && [ "${VOLT_USERNS:-}" != single ]; then
		sub=$(sed -n "s/^$(id -un):\([0-9]*\):.*/\1/p" /etc/subuid | head -1)
		[[ "$output" == *"chown: done"* ]]
		[ "$(stat -c %u "$rw/d")" = "$((sub + 999))" ]
	else
		[[ "$output" == *"chown: refused"* ]]
		[ "$(stat -c %u "$rw/d")" = "$(id -u)" ]
	fi
	no_daemons_left
}

@test "vm volume: :ro holds on the host side too, even where the guest mounts it read-write" {
	need_vm
	ro="$BATS_TEST_TMPDIR/ro"
	mkdir -p "$ro"
	# --append comes after volt's own volt_vol= and the kernel keeps the
	# last: the guest mounts the share read-write, virtiofsd must still refuse
	run --separate-stderr volt vm check --accel tcg --timeout 300 -v "$ro:/ro:ro" \
		--append "volt_vol=virtiofs:volt0:/ro:rw" --image busybox -- sh -c '
		grep " /ro " /proc/mounts
		if (echo x >/ro/x) 2>/err; then echo "written"; else echo "refused: $(cat /err)"; fi'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	grep -q "^volt0 /ro virtiofs rw," <<<"$output"
	[[ "$output" == *"refused: "*"Read-only file system"* ]]
	[ ! -e "$ro/x" ]
	no_daemons_left
}

@test "vm volume: 9p where the kernel has it and there is no virtiofsd (Debian's generic kernel)" {
	need_vm
	deb="$VOLT_TEST_DIR/images/kernel-generic.deb"
	if [ ! -r "$deb" ]; then
		why="the generic kernel package was not fetched"
		[ -r "$deb.unavailable" ] && why=$(cat "$deb.unavailable")
		skip_or_fail "$why"
	fi
	# a store of its own: its kernel is not the other tests' default
	export VOLT_ROOT="$BATS_TEST_TMPDIR/root" VOLT_RUNROOT="$BATS_TEST_TMPDIR/run"
	ver=$(volt vm kernel fetch --deb "$deb")
	import_busybox
	rw="$BATS_TEST_TMPDIR/rw" ro="$BATS_TEST_TMPDIR/ro" ro2="$BATS_TEST_TMPDIR/ro2"
	mkdir -p "$rw" "$ro" "$ro2"
	echo "from the host" >"$rw/in"
	export VOLT_VIRTIOFSD="$BATS_TEST_TMPDIR/no-virtiofsd"
	# the third share is :ro for QEMU, but --append (after volt's volt_vol=,
	# and the kernel keeps the last) has the guest mount it read-write
	run --separate-stderr volt vm check --accel tcg --timeout 300 --kernel "$ver" -v "$rw:/data" -v "$ro:/ro:ro" \
		-v "$ro2:/ro2:ro" --append "volt_vol=9p:volt0:/data:rw,9p:volt1:/ro:ro,9p:volt2:/ro2:rw" \
		--image busybox -- sh -c '
		cat /data/in
		echo "from the guest" >/data/out
		if touch /ro/x 2>/err; then echo "ro: written"; else echo "ro: refused: $(cat /err)"; fi
		if touch /ro2/x 2>/err; then echo "ro2: written"; else echo "ro2: refused: $(cat /err)"; fi
		grep -E " /(data|ro|ro2) " /proc/mounts'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 0 ]
	[[ "$output" == *"volumes: 9p (the kernel's modules: virtiofs yes, 9p yes; no virtiofsd)"* ]]
	[[ "$output" == *"from the host"* ]]
	[ "$(cat "$rw/out")" = "from the guest" ]
	[ "$(stat -c %u:%g "$rw/out")" = "$(id -u):$(id -g)" ]
	[[ "$output" == *"ro: refused: "*"Read-only file system"* ]]
	[ ! -e "$ro/x" ]
	grep -q "^volt0 /data 9p rw," <<<"$output"
	grep -q "^volt1 /ro 9p ro," <<<"$output"
	# QEMU's readonly=on refuses what the guest's mount lets through
	grep -q "^volt2 /ro2 9p rw," <<<"$output"
	[[ "$output" == *"ro2: refused: "* ]]
	[ ! -e "$ro2/x" ]
	no_daemons_left
}

@test "vm volume: a source that is not a directory, a bad -v, a guest that cannot mount: one error each, nothing left running" {
	need_vm
	echo x >"$BATS_TEST_TMPDIR/file"
	run volt vm check --accel tcg -v "$BATS_TEST_TMPDIR/file:/data" --image busybox -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"volt: volume $BATS_TEST_TMPDIR/file: a microVM shares directories only"* ]]
	run volt vm check --accel tcg -v "$BATS_TEST_TMPDIR:data" --image busybox -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"the destination must be an absolute path"* ]]
	run volt vm check --accel tcg -v "$BATS_TEST_TMPDIR/nope:/data" --image busybox -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"nope"*"No such file or directory"* ]]
	no_daemons_left
	# the guest agent refuses to run the workload without its volume: a tag
	# the host does not share stops the boot, and the console says which
	run volt vm check --accel tcg --timeout 300 --append "volt_vol=virtiofs:nosuch:/x:rw" --image busybox -- true
	echo "$output"
	[ "$status" -eq 125 ]
	[[ "$output" == *"volt: boot "*"the guest agent: mount virtiofs volume nosuch at /x: "* ]]
	[ "$(grep -c '^volt:' <<<"$output")" -eq 1 ]
	no_daemons_left
}

@test "vm volume: virtiofsd joins the store's user-namespace keeper when there is one (no newuidmap on each start)" {
	need_vm
	volt run --rm busybox true # a container's start leaves a keeper (userns/userns_keeper.c)
	kp=$(cat "$VOLT_RUNROOT"/userns-* 2>/dev/null | awk '{ print $1 }' | head -1)
	[ -n "$kp" ] || not_in_this_mode "no keeper: a single-uid map needs no helpers"
	mkdir -p "$BATS_TEST_TMPDIR/share"
	volt run --vm -d --name vv --accel tcg -v "$BATS_TEST_TMPDIR/share:/mnt" busybox sleep 1000
	mpid=$(volt inspect -f '{{.State.MonitorPid}}' vv)
	vpid=$(pgrep -P "$mpid" -f virtiofsd | head -1)
	[ -n "$vpid" ]
	echo "virtiofsd $(readlink "/proc/$vpid/ns/user"), keeper $(readlink "/proc/$kp/ns/user")"
	[ "$(readlink "/proc/$vpid/ns/user")" = "$(readlink "/proc/$kp/ns/user")" ]
	volt rm -f vv >/dev/null
}
