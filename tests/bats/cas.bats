#!/usr/bin/env bats
# The CAS: status, verify, gc (and its lock), inspect, build, the FUSE view
# and FUSE lower, bundles.

load helpers

setup() {
	volt_env
	# each test its own store: verify and gc look at the whole store
	export VOLT_ROOT=$BATS_TEST_TMPDIR/root
	require_userns
}

teardown_file() {
	volt_env
	local d
	for d in "$VOLT_RUNROOT"/fuse/*/ "$BATS_FILE_TMPDIR"/mnt*; do
		[ -d "$d" ] && fusermount3 -u -q "$d" 2>/dev/null || true
	done
}

require_fuse() {
	[ -w /dev/fuse ] && command -v fusermount3 >/dev/null || skip_or_fail "FUSE (/dev/fuse, fusermount3) is not usable"
}

# an image with the busybox files plus one extra file
make_variant_tar() {
	local out=$1 extra=$2 dir=$BATS_TEST_TMPDIR/v
	mkdir -p "$dir"
	tar -C "$dir" -xf "$BUSYBOX_TAR"
	echo "$extra" >"$dir/etc/extra"
	tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf "$out" .
	rm -rf "$dir"
}

@test "cas status: two images sharing files store them once" {
	make_variant_tar "$BATS_TEST_TMPDIR/v.tar" one
	volt image import "$BUSYBOX_TAR" share1
	volt image import "$BATS_TEST_TMPDIR/v.tar" share2
	run volt cas status --json
	[ "$status" -eq 0 ]
	objects=$(echo "$output" | sed 's/.*"objects":\([0-9]*\).*/\1/')
	stored=$(echo "$output" | sed 's/.*"stored_bytes":\([0-9]*\).*/\1/')
	logical=$(echo "$output" | sed 's/.*"logical_bytes":\([0-9]*\).*/\1/')
	# busybox's four files once, plus etc/extra
	[ "$objects" -eq 5 ]
	[ "$logical" -gt $((stored * 19 / 10)) ]
	run volt cas status
	[[ "$output" == *"dedup ratio:    "[12].[0-9][0-9]x* ]]
	[[ "$output" == *"refs:           2"* ]]
}

@test "variants: counted by status, verified against their content, kept and collected by gc" {
	local dir=$BATS_TEST_TMPDIR/var
	mkdir -p "$dir"
	tar -C "$dir" -xf "$BUSYBOX_TAR"
	echo "private" >"$dir/etc/private"
	tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf "$BATS_TEST_TMPDIR/var.tar" .
	# the same content twice: once as 0644 root (canonical), once 0600 uid 101 (a variant)
	cp "$dir/etc/private" "$dir/etc/private2"
	tar -C "$dir" --numeric-owner --owner=101 --group=101 --mode=0600 -rf "$BATS_TEST_TMPDIR/var.tar" ./etc/private2
	volt image import "$BATS_TEST_TMPDIR/var.tar" withvariant
	run volt cas status --json
	[[ "$output" == *'"variants":1,'* ]]
	run volt cas verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"all intact"* ]]
	# a variant is hashed against its content digest (writable from the host
	# only in single-uid mode, where it belongs to the user)
	v=$(find "$VOLT_ROOT/cas/objects" -name '*.600.*')
	[ -n "$v" ]
	if [ -w "$v" ]; then
		echo tampered >>"$v"
		run volt cas verify
		[ "$status" -ne 0 ]
		[[ "$output" == *"$(basename "$v") variant content does not match its digest"* ]]
		printf 'private\n' >"$v"
	fi
	run volt cas gc
	[[ "$output" == *"removed 0 object(s), 0 variant(s)"* ]]
	run volt run --rm withvariant sh -c 'cat /etc/private2; stat -c "%a" /etc/private2'
	[ "${lines[0]}" = private ]
	[ "${lines[1]}" = 600 ]
	volt rmi withvariant
	run volt cas gc
	[[ "$output" == *"1 variant(s)"* ]]
	run volt cas status --json
	[[ "$output" == *'"objects":0,"variants":0,'* ]]
}

@test "cas verify finds a corrupted and a missing object, names them and the images" {
	id=$(volt image import "$BUSYBOX_TAR" corrupt | cut -d: -f2)
	run volt cas verify
	[ "$status" -eq 0 ]
	[[ "$output" == *"all intact"* ]]
	obj=$(find "$VOLT_ROOT/cas/objects" -type f -size -100c | head -1)
	name=$(basename "$obj")
	chmod u+w "$obj"
	echo tampered >>"$obj"
	run volt cas verify
	[ "$status" -ne 0 ]
	[[ "$output" == *"$name content does not match its digest"*"${id:0:12}"* ]]
	run volt cas verify --ref corrupt
	[ "$status" -ne 0 ]
	[[ "$output" == *"$name"* ]]
	rm -f "$obj"
	run volt cas verify
	[ "$status" -ne 0 ]
	[[ "$output" == *"$name is missing"* ]]
}

@test "cas gc --dry-run removes nothing; gc after rmi removes the objects" {
	make_variant_tar "$BATS_TEST_TMPDIR/v.tar" gc-only
	volt image import "$BUSYBOX_TAR" keep
	volt image import "$BATS_TEST_TMPDIR/v.tar" drop
	before=$(find "$VOLT_ROOT/cas/objects" -type f | wc -l)
	volt rmi drop
	run volt cas gc --dry-run
	[ "$status" -eq 0 ]
	[[ "$output" == *"would remove object"* ]]
	[[ "$output" == *"would remove 1 object(s)"* ]]
	[ "$(find "$VOLT_ROOT/cas/objects" -type f | wc -l)" -eq "$before" ]
	run volt cas gc
	[ "$status" -eq 0 ]
	[[ "$output" == *"removed 1 object(s)"* ]]
	[ "$(find "$VOLT_ROOT/cas/objects" -type f | wc -l)" -eq $((before - 1)) ]
	run volt cas verify
	[ "$status" -eq 0 ]
	run volt run --rm keep cat /etc/motd
	[ "$output" = "volt busybox image" ]
	volt rmi keep
	volt cas gc
	[ "$(find "$VOLT_ROOT/cas/objects" -type f | wc -l)" -eq 0 ]
}

@test "cas gc removes checkouts without a ref and what interrupted writers left in tmp" {
	volt image import "$BUSYBOX_TAR" live
	fake=$(printf 'f%.0s' $(seq 1 64))
	mkdir -p "$VOLT_ROOT/cas/checkouts/$fake/etc"
	echo stale >"$VOLT_ROOT/cas/tmp/obj-0123456789abcdef"
	run volt cas gc --dry-run
	[[ "$output" == *"would remove checkout $fake"* ]]
	[[ "$output" == *"would remove tmp obj-0123456789abcdef"* ]]
	[ -d "$VOLT_ROOT/cas/checkouts/$fake" ]
	run volt cas gc
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 checkout(s), 1 tmp entry"* ]]
	[ ! -e "$VOLT_ROOT/cas/checkouts/$fake" ]
	[ ! -e "$VOLT_ROOT/cas/tmp/obj-0123456789abcdef" ]
	run volt run --rm live cat /etc/motd
	[ "$output" = "volt busybox image" ]
}

@test "cas gc does not remove the objects of an import running at the same moment" {
	local dir=$BATS_TEST_TMPDIR/big
	mkdir -p "$dir"
	tar -C "$dir" -xf "$BUSYBOX_TAR"
	mkdir -p "$dir/data"
	for i in $(seq 1 600); do head -c 65536 /dev/urandom >"$dir/data/f$i"; done
	tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf "$BATS_TEST_TMPDIR/big.tar" .
	rm -rf "$dir"
	volt image import "$BATS_TEST_TMPDIR/big.tar" big >"$BATS_TEST_TMPDIR/import.out" 2>&1 &
	pid=$!
	# wait until the import holds the lock (or has already finished)
	for i in $(seq 1 200); do
		[ -e "$VOLT_ROOT/cas/gc.lock" ] && ! flock -n -x "$VOLT_ROOT/cas/gc.lock" true && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.01
	done
	run volt cas gc
	[ "$status" -eq 0 ]
	wait $pid
	run volt run --rm big sh -c 'cat /data/* | wc -c'
	[ "$status" -eq 0 ]
	[ "$output" -eq $((600 * 65536)) ]
	run volt cas verify --ref big
	[ "$status" -eq 0 ]
}

@test "cas inspect lists entries, sizes and owners; --show-hashes adds digests" {
	volt image import "$BUSYBOX_TAR" insp
	run volt cas inspect insp
	[ "$status" -eq 0 ]
	[[ "$output" == *"drwxrwxrwt     0:0"*"/tmp"* ]]
	[[ "$output" == *"/bin/sh -> busybox"* ]]
	[[ "$output" == *"/etc/motd"* ]]
	sum=$(volt run --rm insp sha256sum /etc/motd | cut -d' ' -f1)
	run volt cas inspect --show-hashes insp
	[[ "$output" == *"$sum /etc/motd"* ]]
	run volt cas inspect nosuchimage
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such image"* ]]
}

@test "cas build DIR NAME makes an image that volt run accepts" {
	local dir=$BATS_TEST_TMPDIR/ctx
	mkdir -p "$dir"
	tar -C "$dir" -xf "$BUSYBOX_TAR"
	echo "built by volt" >"$dir/etc/built"
	chmod 0600 "$dir/etc/built"
	ln "$dir/etc/built" "$dir/etc/built-link"
	run volt cas build "$dir" built:1
	[ "$status" -eq 0 ]
	[[ "$output" == sha256:* ]]
	run volt run --rm built:1 sh -c 'cat /etc/built; stat -c "%u %a %h" /etc/built-link'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "built by volt" ]
	[[ "${lines[1]}" == "0 600 "* ]]
	run volt images
	[[ "$output" == *built*1* ]]
}

@test "cas mount shows the manifest's owners and modes; umount" {
	require_fuse
	local dir=$BATS_TEST_TMPDIR/own mnt=$BATS_FILE_TMPDIR/mnt1
	mkdir -p "$dir" "$mnt"
	tar -C "$dir" -xf "$BUSYBOX_TAR"
	echo secret >"$dir/etc/secret"
	tar -C "$dir" --numeric-owner --owner=0 --group=0 -cf "$BATS_TEST_TMPDIR/o.tar" .
	tar -C "$dir" --numeric-owner --owner=101 --group=102 --mode=0640 -rf "$BATS_TEST_TMPDIR/o.tar" ./etc/secret
	volt image import "$BATS_TEST_TMPDIR/o.tar" owned
	run volt cas mount owned "$mnt"
	[ "$status" -eq 0 ]
	[ "$(cat "$mnt/etc/motd")" = "volt busybox image" ]
	[ "$(stat -c '%u %g %a' "$mnt/etc/secret")" = "101 102 640" ]
	[ "$(stat -c '%u %g %a' "$mnt/etc/motd")" = "0 0 644" ]
	[ "$(readlink "$mnt/bin/sh")" = busybox ]
	[ "$(cat "$mnt/etc/secret")" = secret ]
	cmp "$mnt/bin/busybox" /bin/busybox
	run touch "$mnt/etc/new"
	[ "$status" -ne 0 ]
	run volt cas umount "$mnt"
	[ "$status" -eq 0 ]
	[ ! -e "$mnt/etc/motd" ]
}

@test "the FUSE view as the container's lower layer (--rootfs-lower fuse)" {
	require_fuse
	id=$(volt image import "$BUSYBOX_TAR" fusel | cut -d: -f2)
	run volt run --rm --rootfs-lower fuse fusel sh -c 'cat /etc/motd; echo w >/etc/motd; cat /etc/motd; stat -c "%u %a" /tmp'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "volt busybox image" ]
	[ "${lines[1]}" = "w" ]
	[ "${lines[2]}" = "0 1777" ]
	grep -q "fuse.volt volt-cas:${id:0:12}" /proc/self/mountinfo
	# a second container reuses the image's mount
	run env VOLT_ROOTFS_LOWER=fuse "$VOLT_BIN" run --rm fusel cat /etc/motd
	[ "$output" = "volt busybox image" ]
	[ "$(grep -c "volt-cas:${id:0:12}" /proc/self/mountinfo)" -eq 1 ]
	run volt run --rm --rootfs-lower bogus fusel true
	[ "$status" -eq 125 ]
	[[ "$output" == *"use checkout or fuse"* ]]
	# the image goes: gc unmounts its view
	volt rmi fusel
	run volt cas gc
	[[ "$output" == *"unmounted FUSE view of image"* ]]
	run grep -q "volt-cas:${id:0:12}" /proc/self/mountinfo
	[ "$status" -ne 0 ]
}

@test "bundle create, inspect, verify and import into a second store" {
	id=$(volt image import "$BUSYBOX_TAR" bund:2 | cut -d: -f2)
	run volt bundle create "$BATS_TEST_TMPDIR/b.vbundle" --ref bund:2
	[ "$status" -eq 0 ]
	run volt bundle inspect "$BATS_TEST_TMPDIR/b.vbundle"
	[ "$status" -eq 0 ]
	[[ "$output" == *"sha256:$id"* ]]
	[[ "$output" == *"bund:2"* ]]
	[[ "$output" == *"objects:  4"* ]]
	run volt bundle verify "$BATS_TEST_TMPDIR/b.vbundle"
	[ "$status" -eq 0 ]
	export VOLT_ROOT=$BATS_TEST_TMPDIR/root2
	run volt bundle import "$BATS_TEST_TMPDIR/b.vbundle"
	[ "$status" -eq 0 ]
	[ "$output" = "sha256:$id" ]
	run volt run --rm bund:2 cat /etc/motd
	[ "$output" = "volt busybox image" ]
	run volt cas verify
	[ "$status" -eq 0 ]
}

@test "a tampered bundle is refused with the object named and leaves nothing" {
	volt image import "$BUSYBOX_TAR" tamper
	volt bundle create "$BATS_TEST_TMPDIR/t.vbundle" --ref tamper
	obj=$(volt cas inspect --show-hashes tamper | awk '$NF == "/etc/motd" {print $(NF-1)}')
	# flip the stored (uncompressed or deflated) bytes of one object
	python3 - "$BATS_TEST_TMPDIR/t.vbundle" "$BATS_TEST_TMPDIR/bad.vbundle" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as o:
    for i in z.infolist():
        d = z.read(i.filename)
        if b"volt busybox image" in d:
            d = d.replace(b"volt", b"evil")
        o.writestr(i.filename, d)
PY
	run volt bundle verify "$BATS_TEST_TMPDIR/bad.vbundle"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$obj content does not match its digest"* ]]
	export VOLT_ROOT=$BATS_TEST_TMPDIR/root3
	run volt bundle import "$BATS_TEST_TMPDIR/bad.vbundle"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$obj"* ]]
	[ "$(find "$VOLT_ROOT/cas/objects" "$VOLT_ROOT/cas/refs" "$VOLT_ROOT/cas/tmp" -type f | wc -l)" -eq 0 ]
	run volt images -q
	[ -z "$output" ]
	head -c 1000 /dev/urandom >"$BATS_TEST_TMPDIR/junk.vbundle"
	run volt bundle verify "$BATS_TEST_TMPDIR/junk.vbundle"
	[ "$status" -eq 125 ]
}
