#!/usr/bin/env bats
# Image file times (docs/cas.md "File times"): files, directories, symlinks,
# hardlinks and empty files keep the image's mtimes inside a container,
# through the hardlinked checkout and the FUSE lower, across rmi + import;
# `volt images` and `volt image inspect` show the config's created.
# The image: tests/bats/tools/mtime-image.py (busybox + a layer of old times).

load helpers

TOOL="$BATS_TEST_DIRNAME/tools/mtime-image.py"

setup_file() {
	volt_env
	require_userns
	python3 "$TOOL" "$BUSYBOX_TAR" "$BATS_FILE_TMPDIR/mt.tar"
}

setup() {
	volt_env
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
	for d in "$VOLT_RUNROOT"/fuse/*/; do
		[ -d "$d" ] && fusermount3 -u -q "$d" 2>/dev/null || true
	done
}

require_fuse() {
	[ -w /dev/fuse ] && command -v fusermount3 >/dev/null || skip_or_fail "FUSE (/dev/fuse, fusermount3) is not usable"
}

# what the layer says, shifted by $1 seconds: path and `stat -c '%Y %y'`
expected() {
	local s=${1:-0} p t
	while read -r p t ns; do
		printf '%s %s %s.%s +0000\n' "$p" $((t + s)) "$(date -u -d @$((t + s)) '+%Y-%m-%d %H:%M:%S')" "$ns"
	done <<-END
		/old 1000000000 000000000
		/old/sub 1000000100 000000000
		/old/a.txt 1000000200 000000000
		/old/b.txt 1000000300 000000000
		/old/sub/exe 1000000400 000000000
		/old/empty 1000000500 000000000
		/old/ns.txt 1000000600 123456789
		/old/link 1000000700 000000000
		/old/hard 1000000200 000000000
		/old/private 1000000800 000000000
		/old/motd 1000000900 000000000
	END
}

STAT='for f in /old /old/sub /old/a.txt /old/b.txt /old/sub/exe /old/empty /old/ns.txt /old/link /old/hard /old/private /old/motd; do stat -c "%n %Y %y" $f; done'

@test "checkout lower: files, dirs, symlinks, hardlinks, empty files keep the image's mtimes (ns too)" {
	volt image import "docker-archive:$BATS_FILE_TMPDIR/mt.tar" mt >/dev/null
	run volt run --rm --rootfs-lower checkout mt sh -c "$STAT"
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected)" ]
	# a file of the base layer keeps its own time beside a copy at another
	run volt run --rm mt sh -c 'stat -c %Y /etc/motd /old/motd'
	[ "${lines[0]}" = "$(python3 -c 'import sys,tarfile; print(tarfile.open(sys.argv[1]).getmember("./etc/motd").mtime)' "$BUSYBOX_TAR")" ]
	[ "${lines[1]}" = 1000000900 ]
}

@test "FUSE lower: the same mtimes" {
	require_fuse
	volt image import "docker-archive:$BATS_FILE_TMPDIR/mt.tar" mt >/dev/null
	run volt run --rm --rootfs-lower fuse mt sh -c "$STAT"
	[ "$status" -eq 0 ]
	[ "$output" = "$(expected)" ]
}

@test "the same files at other times in a second image: each image keeps its own" {
	python3 "$TOOL" "$BUSYBOX_TAR" "$BATS_FILE_TMPDIR/mt2.tar" 2002-01-01T00:00:00Z 86400
	volt image import "docker-archive:$BATS_FILE_TMPDIR/mt.tar" mt >/dev/null
	volt image import "docker-archive:$BATS_FILE_TMPDIR/mt2.tar" mt2 >/dev/null
	run volt run --rm mt2 sh -c "$STAT"
	[ "$output" = "$(expected 86400)" ]
	run volt run --rm mt sh -c "$STAT"
	[ "$output" = "$(expected)" ]
	# the store holds the contents once, and verifies (variants included)
	run volt cas verify
	[ "$status" -eq 0 ]
	# gc keeps every variant a ref uses: both still run with their times
	volt cas gc >/dev/null
	run volt run --rm mt2 sh -c "$STAT"
	[ "$output" = "$(expected 86400)" ]
	volt rmi mt2 >/dev/null
	run volt cas gc -v
	[ "$status" -eq 0 ]
	[[ "$output" == *"variant"* ]]
	run volt run --rm mt sh -c "$STAT"
	[ "$output" = "$(expected)" ]
}

@test "rmi + import again: identical times (and after cas gc too)" {
	volt image import "docker-archive:$BATS_FILE_TMPDIR/mt.tar" mt >/dev/null
	before=$(volt run --rm mt sh -c "$STAT")
	volt rmi mt >/dev/null
	volt image import "docker-archive:$BATS_FILE_TMPDIR/mt.tar" mt >/dev/null
	run volt run --rm mt sh -c "$STAT"
	[ "$output" = "$before" ]
	[ "$output" = "$(expected)" ]
	volt rmi mt >/dev/null
	volt cas gc >/dev/null
	volt image import "docker-archive:$BATS_FILE_TMPDIR/mt.tar" mt >/dev/null
	run volt run --rm mt sh -c "$STAT"
	[ "$output" = "$(expected)" ]
}

@test "images and image inspect show the config's created; the pull time only without one, said so" {
	volt image import "docker-archive:$BATS_FILE_TMPDIR/mt.tar" mt >/dev/null
	run volt image inspect mt
	[ "$(jq -r '.[0].Created' <<<"$output")" = "2001-02-03T04:05:06.000000000Z" ]
	[ "$(jq -r '.[0].CreatedFrom' <<<"$output")" = "config" ]
	[ "$(jq -r '.[0].Pulled[0:4]' <<<"$output")" = "$(date -u +%Y)" ]
	run volt images --format json
	[ "$(jq -r 'select(.Repository == "mt") | .Created' <<<"$output")" = "2001-02-03T04:05:06.000000000Z" ]
	run volt images
	[[ "$(grep '^mt ' <<<"$output")" == *" years ago"* ]]
	# an offset is converted to UTC
	python3 "$TOOL" "$BUSYBOX_TAR" "$BATS_FILE_TMPDIR/off.tar" 2001-02-03T06:05:06.5+02:00
	volt image import "docker-archive:$BATS_FILE_TMPDIR/off.tar" off >/dev/null
	run volt image inspect off
	[ "$(jq -r '.[0].Created' <<<"$output")" = "2001-02-03T04:05:06.500000000Z" ]
	# no created in the config: the pull time, and inspect says so
	python3 "$TOOL" "$BUSYBOX_TAR" "$BATS_FILE_TMPDIR/nc.tar" -
	volt image import "docker-archive:$BATS_FILE_TMPDIR/nc.tar" nc >/dev/null
	run volt image inspect nc
	[ "$(jq -r '.[0].Created' <<<"$output")" = "$(jq -r '.[0].Pulled' <<<"$output")" ]
	[[ "$(jq -r '.[0].CreatedFrom' <<<"$output")" == "pull time"* ]]
}

@test "an image imported by an older volt (manifest format 1) still runs; inspect says to import it again" {
	id=$(volt image import "docker-archive:$BATS_FILE_TMPDIR/mt.tar" mt | cut -d: -f2)
	run volt image inspect mt
	[ "$(jq -r '.[0].FileTimes' <<<"$output")" = null ]
	sed -i 's/^{"version":2,/{"version":1,/' "$VOLT_ROOT/cas/refs/$id.tree"
	grep -q '^{"version":1,' "$VOLT_ROOT/cas/refs/$id.tree"
	run volt run --rm mt cat /old/a.txt
	[ "$status" -eq 0 ]
	[ "$output" = "same content" ]
	run volt image inspect mt
	[[ "$(jq -r '.[0].FileTimes' <<<"$output")" == *"volt rmi it and import or pull it again"* ]]
	# a manifest of a newer format is refused, not misread
	sed -i 's/^{"version":1,/{"version":9,/' "$VOLT_ROOT/cas/refs/$id.tree"
	run volt cas inspect mt
	[ "$status" -eq 125 ]
	[[ "$output" == *"format version 9 is not known"* ]]
}
