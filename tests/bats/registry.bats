#!/usr/bin/env bats
# volt pull / push / login / logout / image save / load against a real
# registry (Debian's docker-registry) that this file starts on 127.0.0.1:
# a plain one, one with htpasswd basic auth, one with Bearer token auth (a
# small python token server), and two python proxies in front of the plain
# one (one cuts the first answer of each blob mid-body, one corrupts blobs,
# one stalls mid-blob, one logs the Range of each blob request, one drops it,
# one sends half a big blob at full speed and then signals the pull).
# Images are built from busybox-static and pushed by registry_tool.py.

load helpers

TOOL="python3 $BATS_TEST_DIRNAME/registry_tool.py"

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start NAME CMD...: background process, pid in $D/NAME.pid
start() {
	local name=$1
	shift
	"$@" >"$D/$name.log" 2>&1 3>&- &
	echo $! >"$D/$name.pid"
}

wait_port() {
	local i
	for i in $(seq 1 100); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "port $1 did not open" >&2
	return 1
}

registry_conf() { # PORT DATA [AUTH-YAML]
	cat <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $2}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$1
$3
EOF
}

setup_file() {
	command -v docker-registry >/dev/null || [ -x /usr/bin/docker-registry ] ||
		skip_or_fail "docker-registry is not installed (scripts/install-deps)"
	export D="$BATS_FILE_TMPDIR/reg"
	mkdir -p "$D"
	export P_PLAIN=$(free_port) P_BASIC=$(free_port) P_TOKEN=$(free_port) P_TOKSRV=$(free_port)
	export P_CUT=$(free_port) P_BAD=$(free_port) P_NORANGE=$(free_port) P_TLS=$(free_port)
	export P_STALL=$(free_port) P_LOG=$(free_port) P_NORANGE1=$(free_port) P_SIG=$(free_port)

	registry_conf "$P_PLAIN" "$D/plain" >"$D/plain.yml"
	htpasswd -Bbn reguser regpass >"$D/htpasswd"
	registry_conf "$P_BASIC" "$D/basic" "auth: {htpasswd: {realm: volt, path: $D/htpasswd}}" >"$D/basic.yml"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/key.pem" -out "$D/cert.pem" -days 2 \
		-subj /CN=volt-token >/dev/null 2>&1
	registry_conf "$P_TOKEN" "$D/token" "auth:
  token: {realm: 'http://127.0.0.1:$P_TOKSRV/token', service: volt-registry, issuer: volt-test, rootcertbundle: $D/cert.pem}" >"$D/token.yml"

	# an HTTPS registry with a self-signed certificate for 127.0.0.1
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/tls-key.pem" -out "$D/tls-cert.pem" -days 2 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	registry_conf "$P_TLS" "$D/plain" "" | sed "s|^  addr: .*|&\n  tls: {certificate: $D/tls-cert.pem, key: $D/tls-key.pem}|" >"$D/tls.yml"

	start plain /usr/bin/docker-registry serve "$D/plain.yml"
	start tls /usr/bin/docker-registry serve "$D/tls.yml"
	start basic /usr/bin/docker-registry serve "$D/basic.yml"
	start token /usr/bin/docker-registry serve "$D/token.yml"
	start toksrv $TOOL token "$P_TOKSRV" "$D/key.pem" "$D/cert.pem"
	start cut $TOOL proxy "$P_CUT" "$P_PLAIN" cut
	start bad $TOOL proxy "$P_BAD" "$P_PLAIN" corrupt
	start norange $TOOL proxy "$P_NORANGE" "$P_PLAIN" cut-norange
	start stall $TOOL proxy "$P_STALL" "$P_PLAIN" stall
	start log $TOOL proxy "$P_LOG" "$P_PLAIN" log
	start norange1 $TOOL proxy "$P_NORANGE1" "$P_PLAIN" norange
	start sig env VOLT_TEST_SIGNAL_FILE="$D/signal" $TOOL proxy "$P_SIG" "$P_PLAIN" signal
	for p in $P_PLAIN $P_BASIC $P_TOKEN $P_TOKSRV $P_CUT $P_BAD $P_NORANGE $P_TLS $P_STALL $P_LOG $P_NORANGE1 $P_SIG; do
		wait_port "$p"
	done

	local R=127.0.0.1:$P_PLAIN
	$TOOL push "$R" test/bb:1 --base "$BUSYBOX_TAR" --file etc/hello=hello-from-registry >"$D/bb.digest"
	$TOOL push "$R" test/zstd:1 --base "$BUSYBOX_TAR" --file etc/hello=zstd --compress zstd >/dev/null
	$TOOL push "$R" test/plain:1 --base "$BUSYBOX_TAR" --file etc/hello=plain --compress none >/dev/null
	$TOOL push "$R" test/multi:1 --base "$BUSYBOX_TAR" --platforms linux/amd64,linux/arm64/v8 >/dev/null
	$TOOL push "$R" test/dmulti:1 --base "$BUSYBOX_TAR" --platforms linux/amd64,linux/arm/v7 --docker >/dev/null
	# a second image holding the busybox binary under another name, with the
	# base layer's mtime (a file at another time is a variant: docs/cas.md)
	python3 - "$D/copy.tar" "$BUSYBOX_TAR" <<'EOF'
import sys, tarfile
with tarfile.open(sys.argv[2]) as base:
    mtime = base.getmember("./bin/busybox").mtime
with tarfile.open(sys.argv[1], "w") as t:
    ti = t.gettarinfo("/bin/busybox", arcname="opt/another-name")
    ti.mtime, ti.uid, ti.gid, ti.uname, ti.gname = mtime, 0, 0, "root", "root"
    with open("/bin/busybox", "rb") as f:
        t.addfile(ti, f)
EOF
	$TOOL push "$R" test/copy:1 --base "$BUSYBOX_TAR" --layer-tar "$D/copy.tar" >/dev/null
	# a layer of 40 random 64 KiB files (gzip cannot shrink them): the stall
	# proxy hangs in its middle, after some files are stored
	python3 - "$D/rand.tar" <<'EOF'
import io, os, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    for i in range(40):
        data = os.urandom(65536)
        ti = tarfile.TarInfo("opt/rand/%02d" % i)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
EOF
	$TOOL push "$R" test/rand:1 --base "$BUSYBOX_TAR" --layer-tar "$D/rand.tar" >/dev/null
	# a 12 MiB layer of 24 random files, and their checksums: the signal
	# proxy stops a pull in its middle
	mkdir -p "$D/big"
	python3 - "$D/big" "$D/big.tar" <<'EOF'
import io, os, sys, tarfile
with tarfile.open(sys.argv[2], "w") as t:
    for i in range(24):
        data = os.urandom(512 << 10)
        open(os.path.join(sys.argv[1], "%02d" % i), "wb").write(data)
        ti = tarfile.TarInfo("opt/big/%02d" % i)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
EOF
	(cd "$D/big" && sha256sum -- *) >"$D/big.sums"
	$TOOL push "$R" test/big:1 --base "$BUSYBOX_TAR" --layer-tar "$D/big.tar" >/dev/null
	# layer 2 deletes /etc/motd (a whiteout) and adds /etc/new
	$TOOL push "$R" test/wh:1 --base "$BUSYBOX_TAR" --file "etc/.wh.motd=" --file "etc/new=new" >/dev/null
	for k in abs dotdot symlink-escape hardlink-escape device setuid big; do
		$TOOL hostile "$D/h-$k.tar" "$k"
		$TOOL push "$R" "hostile/$k:1" --base "$BUSYBOX_TAR" --layer-tar "$D/h-$k.tar" >/dev/null
	done
	$TOOL push "127.0.0.1:$P_BASIC" test/basic:1 --base "$BUSYBOX_TAR" --user reguser --password regpass >/dev/null
	$TOOL push "127.0.0.1:$P_TOKEN" test/tok:1 --base "$BUSYBOX_TAR" --user tokuser --password tokpass >/dev/null
}

teardown_file() {
	local f
	for f in "$D"/*.pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
	done
}

setup() {
	volt_env
	export VOLT_ROOT="$BATS_TEST_TMPDIR/root" # a fresh store per test
	require_userns
	export REGISTRY_AUTH_FILE="$BATS_FILE_TMPDIR/auth.json"
	R=127.0.0.1:$P_PLAIN
}

count_objects() {
	find "$VOLT_ROOT/cas/objects" -type f 2>/dev/null | wc -l
}

@test "pull by tag from a plain-HTTP loopback registry, then run it" {
	run volt pull "$R/test/bb:1"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == sha256:* ]]
	[[ "$output" == *"Pulling $R/test/bb:1"* ]]
	run --separate-stderr volt run --rm "$R/test/bb:1" cat /etc/hello
	[ "$status" -eq 0 ]
	[ "$output" = "hello-from-registry" ]
	run volt images
	[[ "$output" == *"$R/test/bb"*" 1 "* ]]
	# --digests: the manifest digest the tag resolved to, as docker's DIGEST
	run volt images --digests --filter "reference=$R/test/bb:1"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "REPOSITORY "*" TAG "*" DIGEST "*" IMAGE ID "* ]]
	[[ "${lines[1]}" == *" $(cat "$D/bb.digest") "* ]]
	[ "$(volt images --format '{{.Digest}}' -f "reference=$R/test/bb:1")" = "$(cat "$D/bb.digest")" ]
}

@test "pull by digest" {
	d=$(cat "$D/bb.digest")
	run volt pull -q "$R/test/bb@$d"
	[ "$status" -eq 0 ]
	run volt pull -q "$R/test/bb@sha256:0000000000000000000000000000000000000000000000000000000000000000"
	[ "$status" -eq 125 ]
	[[ "$output" == *"manifest test/bb@sha256:0000"*": manifest unknown" ]]
}

@test "an unknown tag: one line, repo:tag, the registry's word and no errno text" {
	run --separate-stderr volt pull -q "$R/test/nosuch:latest"
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: registry $R: manifest test/nosuch:latest: manifest unknown" ]
	# volt run's pull: the same failure, with why it pulled, still one line
	run --separate-stderr volt run --rm "$R/test/nosuch:latest" true
	[ "$status" -eq 125 ]
	[ "$(grep -c '^volt:' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == *"volt: image $R/test/nosuch:latest: not in the store, and pulling it failed: registry $R: manifest test/nosuch:latest: manifest unknown" ]]
}

@test "pull: -q prints only the id; plain progress lines without a TTY" {
	run --separate-stderr volt pull -q "$R/test/bb:1"
	[ "$status" -eq 0 ]
	[[ "$output" == sha256:* ]]
	[ -z "$stderr" ]
	run --separate-stderr volt pull "$R/test/zstd:1"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Layer sha256:"*"done"* ]]
	[[ "$stderr" != *$'\033['* ]]
}

@test "pull: on a TTY one bar per layer, redrawn in place" {
	command -v script >/dev/null || skip_or_fail "script(1) is not installed"
	run script -qec "$VOLT_BIN pull $R/test/bb:1" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\033[2K'*"[=========="*"done"* ]]
	[[ "$output" == *"2 of 2 layers fetched"* ]]
}

@test "zstd and uncompressed layers" {
	run --separate-stderr volt run --rm "$R/test/zstd:1" cat /etc/hello
	[ "$output" = "zstd" ]
	run --separate-stderr volt run --rm "$R/test/plain:1" cat /etc/hello
	[ "$output" = "plain" ]
}

@test "a layer already in the store is not downloaded again" {
	volt pull -q "$R/test/bb:1"
	run volt pull "$R/test/zstd:1"
	[ "$status" -eq 0 ]
	run volt pull "$R/test/bb:1"
	[[ "$output" == *"already in the store"* ]]
	[[ "$output" == *"0 of 2 layers fetched"* ]]
}

@test "cas gc removes layer records whose objects are gone, keeps the others" {
	volt pull -q "$R/test/bb:1"
	volt pull -q "$R/test/copy:1" # shares bb's base layer
	[ "$(ls "$VOLT_ROOT/cas/layers" | grep -c '\.json$')" -eq 3 ]
	# a record write that never finished
	leftover="$VOLT_ROOT/cas/layers/$(printf 'a%.0s' $(seq 1 64)).json.tmp-Xy12Zw"
	echo '{' >"$leftover"
	run volt cas gc
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 layer record(s)"* ]]
	[ ! -e "$leftover" ]
	[ "$(ls "$VOLT_ROOT/cas/layers" | grep -c '\.json$')" -eq 3 ]
	# bb's own layer (etc/hello) loses its object; the shared base keeps its
	volt rmi "$R/test/bb:1"
	run volt cas gc --dry-run
	[[ "$output" == *"would remove layer "* ]]
	[[ "$output" == *"would remove"*"1 layer record(s)"* ]]
	[ "$(ls "$VOLT_ROOT/cas/layers" | grep -c '\.json$')" -eq 3 ]
	run volt cas gc
	[ "$status" -eq 0 ]
	[[ "$output" == *"removed"*"1 layer record(s)"* ]]
	[ "$(ls "$VOLT_ROOT/cas/layers" | grep -c '\.json$')" -eq 2 ]
	[ "$(ls "$VOLT_ROOT/cas/layers" | grep -c '\.tree$')" -eq 2 ]
	# the base comes from its record, the other layer is fetched again
	run volt pull "$R/test/bb:1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1 of 2 layers fetched"* ]]
	run --separate-stderr volt run --rm "$R/test/bb:1" cat /etc/hello
	[ "$output" = "hello-from-registry" ]
	volt rmi "$R/test/bb:1" "$R/test/copy:1"
	volt cas gc
	[ -z "$(ls -A "$VOLT_ROOT/cas/layers")" ]
}

@test "multi-platform index: host default and --platform" {
	run --separate-stderr volt run --rm "$R/test/multi:1" cat /etc/arch
	[ "$status" -eq 0 ]
	[ "$output" = "amd64" ]
	volt pull -q --platform linux/arm64/v8 "$R/test/multi:1"
	run --separate-stderr volt run --rm "$R/test/multi:1" cat /etc/arch
	[ "$output" = "arm64" ]
	run volt pull --platform linux/s390x "$R/test/multi:1"
	[ "$status" -eq 125 ]
	[[ "$output" == *"linux/amd64"* ]]
}

@test "Docker schema 2 manifest list and manifests" {
	run --separate-stderr volt run --rm "$R/test/dmulti:1" cat /etc/arch
	[ "$status" -eq 0 ]
	[ "$output" = "amd64" ]
	volt pull -q --platform linux/arm/v7 "$R/test/dmulti:1"
	run --separate-stderr volt run --rm "$R/test/dmulti:1" cat /etc/arch
	[ "$output" = "arm" ]
}

@test "HTTPS: an unknown CA is refused; --tls-verify=false, registries.conf or certs.d/ca.crt let it through" {
	T=127.0.0.1:$P_TLS
	run volt pull "$T/test/bb:1"
	[ "$status" -eq 125 ]
	[[ "$output" == *"certificate"* ]]
	run volt pull -q --tls-verify=false "$T/test/bb:1"
	[ "$status" -eq 0 ]
	export VOLT_ROOT="$BATS_TEST_TMPDIR/r2" XDG_CONFIG_HOME="$BATS_TEST_TMPDIR/cfg"
	mkdir -p "$XDG_CONFIG_HOME/volt"
	echo "$T tls-verify=false" >"$XDG_CONFIG_HOME/volt/registries.conf"
	run volt pull -q "$T/test/bb:1"
	[ "$status" -eq 0 ]
	export VOLT_ROOT="$BATS_TEST_TMPDIR/r3"
	rm "$XDG_CONFIG_HOME/volt/registries.conf"
	mkdir -p "$XDG_CONFIG_HOME/containers/certs.d/$T"
	cp "$D/tls-cert.pem" "$XDG_CONFIG_HOME/containers/certs.d/$T/ca.crt"
	run volt pull -q "$T/test/bb:1"
	[ "$status" -eq 0 ]
	# registries.conf "http" on a TLS registry: plain HTTP is spoken, and fails
	export VOLT_ROOT="$BATS_TEST_TMPDIR/r4"
	echo "$T http" >"$XDG_CONFIG_HOME/volt/registries.conf"
	run volt pull -q "$T/test/bb:1"
	[ "$status" -eq 125 ]
	[[ "$output" == *"HTTP 400"* || "$output" == *"HTTPS"* ]]
}

@test "concurrent pulls of one image" {
	volt pull -q "$R/test/bb:1" >"$BATS_TEST_TMPDIR/1" 2>&1 &
	volt pull -q "$R/test/bb:1" >"$BATS_TEST_TMPDIR/2" 2>&1 &
	volt pull -q "$R/test/bb:1" >"$BATS_TEST_TMPDIR/3" 2>&1
	wait
	for i in 1 2 3; do [[ "$(cat "$BATS_TEST_TMPDIR/$i")" == sha256:* ]]; done
	run --separate-stderr volt run --rm "$R/test/bb:1" cat /etc/hello
	[ "$output" = "hello-from-registry" ]
}

@test "reference normalisation: bad references are refused before any connection" {
	run volt pull "UPPER/case"
	[ "$status" -eq 125 ]
	[[ "$output" == *"invalid reference"* ]]
	run volt pull "$R/a@sha256:abc"
	[ "$status" -eq 125 ]
	[[ "$output" == *"digest"* ]]
}

@test "volt run pulls a missing image" {
	run --separate-stderr volt run --rm "$R/test/bb:1" cat /etc/hello
	[ "$status" -eq 0 ]
	[[ "$output" == *"hello-from-registry"* ]]
}

@test "basic auth: refused without credentials, works after volt login, logout forgets" {
	run volt pull "127.0.0.1:$P_BASIC/test/basic:1"
	[ "$status" -eq 125 ]
	[[ "$output" == *"authentication required"* ]]
	run volt login -u reguser -p wrong "127.0.0.1:$P_BASIC"
	[ "$status" -eq 125 ]
	run volt login -u reguser --password-stdin "127.0.0.1:$P_BASIC" <<<"regpass"
	[ "$status" -eq 0 ]
	grep -q "127.0.0.1:$P_BASIC" "$REGISTRY_AUTH_FILE"
	run volt pull -q "127.0.0.1:$P_BASIC/test/basic:1"
	[ "$status" -eq 0 ]
	run volt logout "127.0.0.1:$P_BASIC"
	[ "$status" -eq 0 ]
	! grep -q "127.0.0.1:$P_BASIC" "$REGISTRY_AUTH_FILE"
}

@test "credentials are read from docker's config.json" {
	unset REGISTRY_AUTH_FILE
	export XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/rt" HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME/.docker"
	printf '{"auths":{"127.0.0.1:%s":{"auth":"%s"}}}' "$P_BASIC" "$(printf reguser:regpass | base64)" \
		>"$HOME/.docker/config.json"
	run volt pull -q "127.0.0.1:$P_BASIC/test/basic:1"
	[ "$status" -eq 0 ]
}

@test "Bearer token flow (WWW-Authenticate realm, service, scope)" {
	run volt pull "127.0.0.1:$P_TOKEN/test/tok:1"
	[ "$status" -eq 125 ]
	[[ "$output" == *"token server"* ]]
	volt login -u tokuser -p tokpass "127.0.0.1:$P_TOKEN"
	run volt pull -q "127.0.0.1:$P_TOKEN/test/tok:1"
	[ "$status" -eq 0 ]
	run --separate-stderr volt run --rm "127.0.0.1:$P_TOKEN/test/tok:1" cat /etc/motd
	[ "$output" = "volt busybox image" ]
}

@test "a dropped connection is resumed" {
	run volt pull "127.0.0.1:$P_CUT/test/bb:1"
	[ "$status" -eq 0 ]
	grep -q "^cut " "$D/cut.log"   # the proxy did cut a blob mid-body
	run --separate-stderr volt run --rm "127.0.0.1:$P_CUT/test/bb:1" cat /etc/hello
	[ "$output" = "hello-from-registry" ]
}

@test "a dropped connection to a server that ignores Range starts over without a gap" {
	run volt pull -q "127.0.0.1:$P_NORANGE/test/bb:1"
	[ "$status" -eq 0 ]
	grep -q "^cut " "$D/norange.log"
	run --separate-stderr volt run --rm "127.0.0.1:$P_NORANGE/test/bb:1" cat /etc/hello
	[ "$output" = "hello-from-registry" ]
}

@test "an interrupted pull (SIGTERM; SIGINT alike) removes what its unfinished layer stored; finished layers stay" {
	# the base layer is in the store (and its record) already
	volt pull -q "$R/test/bb:1" >/dev/null
	before=$(count_objects)
	"$VOLT_BIN" pull "127.0.0.1:$P_STALL/test/rand:1" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	# until the proxy stalls mid-layer and some of its files are stored
	for i in $(seq 1 100); do
		[ "$(count_objects)" -gt $((before + 3)) ] && break
		sleep 0.1
	done
	[ "$(count_objects)" -gt $((before + 3)) ]
	# (a background job of a script ignores SIGINT: SIGTERM, handled the same)
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	cat "$BATS_TEST_TMPDIR/out"
	[ "$rc" -eq 143 ]
	grep -q "interrupted (Terminated); removed the [0-9]* unfinished object(s) it stored" "$BATS_TEST_TMPDIR/out"
	# nothing unreferenced, nothing temporary
	[ "$(count_objects)" -eq "$before" ]
	[ -z "$(ls -A "$VOLT_ROOT/cas/tmp" 2>/dev/null)" ]
	run volt cas gc --dry-run
	[[ "$output" == *" 0 object(s)"* ]]
	# the next pull works
	run volt pull "$R/test/rand:1"
	[ "$status" -eq 0 ]
}

# rand_layer: the partial download of test/rand's big layer (the largest; the
# busybox layer is kept too, with half of its 1.1 MB)
rand_layer() {
	ls -S "$VOLT_ROOT/cas/partial/" 2>/dev/null | grep -v '\.' | head -n1
}

# partial_bytes: the bytes that partial download holds
partial_bytes() {
	local f
	f=$(rand_layer)
	[ -n "$f" ] && stat -c %s "$VOLT_ROOT/cas/partial/$f" || echo 0
}

# interrupt_rand_pull: pull test/rand:1 through the stall proxy (which sends
# half of each big blob, then nothing) and stop it with SIGTERM mid-layer
interrupt_rand_pull() {
	"$VOLT_BIN" pull "127.0.0.1:$P_STALL/test/rand:1" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	local pid=$! rc=0 i
	for i in $(seq 1 100); do
		[ "$(partial_bytes)" -gt 1000000 ] && break
		sleep 0.1
	done
	sleep 0.2
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	cat "$BATS_TEST_TMPDIR/out"
	[ "$rc" -eq 143 ]
	grep -q "of unfinished downloads to resume" "$BATS_TEST_TMPDIR/out"
	# the kept bytes and their record (length, sha256)
	ls "$VOLT_ROOT/cas/partial/"*.ok
}

@test "a pull interrupted mid-layer keeps the bytes; the next pull asks only for the rest (Range) and resumes" {
	interrupt_rand_pull
	kept=$(partial_bytes)
	[ "$kept" -gt 1000000 ]
	layer=$(rand_layer)
	run volt pull "127.0.0.1:$P_LOG/test/rand:1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Layer sha256:${layer:0:12} resumed: "*" kept from an interrupted pull, not downloaded again"* ]]
	# the registry was asked for the bytes after the kept ones, and sent only those
	grep "blob .*/blobs/sha256:$layer " "$D/log.log"
	line=$(grep "blob .*/blobs/sha256:$layer " "$D/log.log" | tail -n1)
	[[ "$line" == *" range=bytes=$kept- status=206 "* ]]
	sent=${line##*bytes=}
	full=$(cat "$D/plain/docker/registry/v2/blobs/sha256/${layer:0:2}/$layer/data" | wc -c)
	[ "$sent" -eq $((full - kept)) ]
	# the layer is whole and the partial download is gone
	run volt run --rm "127.0.0.1:$P_LOG/test/rand:1" sh -c 'cat /opt/rand/* | wc -c'
	[ "$output" -eq $((40 * 65536)) ]
	[ -z "$(ls -A "$VOLT_ROOT/cas/partial")" ]
}

@test "a resumed pull from a registry that ignores Range downloads the layer in full and says so" {
	interrupt_rand_pull
	layer=$(rand_layer)
	run volt pull "127.0.0.1:$P_NORANGE1/test/rand:1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Layer sha256:${layer:0:12}: the registry ignored the Range request to resume at "*"; downloaded in full"* ]]
	[ "$(grep -c "${layer:0:12}: the registry ignored the Range request" <<<"$output")" -eq 1 ]
	run volt run --rm "127.0.0.1:$P_NORANGE1/test/rand:1" sh -c 'cat /opt/rand/* | wc -c'
	[ "$output" -eq $((40 * 65536)) ]
}

@test "a kept partial download whose bytes changed is not used; cas gc removes partial downloads" {
	interrupt_rand_pull
	layer=$(rand_layer)
	# a flipped byte: the record's sha256 no longer matches, the pull starts afresh
	printf 'X' | dd of="$VOLT_ROOT/cas/partial/$layer" bs=1 seek=1000 conv=notrunc 2>/dev/null
	run volt pull "127.0.0.1:$P_LOG/test/rand:1"
	[ "$status" -eq 0 ]
	[[ "$output" != *"${layer:0:12} resumed"* ]]
	[[ "$(grep "blob .*/blobs/sha256:$layer " "$D/log.log" | tail -n1)" == *" range=- status=200 "* ]]
	# gc: what a second interrupted pull keeps goes
	volt rmi "127.0.0.1:$P_LOG/test/rand:1" >/dev/null
	volt cas gc >/dev/null
	interrupt_rand_pull
	n=$(ls "$VOLT_ROOT/cas/partial/" | grep -vc '\.')
	run volt cas gc --dry-run
	[[ "$output" == *"would remove partial download $layer"* ]]
	[[ "$output" == *" $n partial download(s)"* ]]
	run volt cas gc
	[ "$status" -eq 0 ]
	[[ "$output" == *"removed"*" $n partial download(s)"* ]]
	[ -z "$(ls -A "$VOLT_ROOT/cas/partial")" ]
}

# interrupt_fast_pull SIG: pull test/big:1 through the signal proxy, which
# sends the first half of the big layer at full speed (a registry faster
# than the unpacker, as a local one is) and then SIG to the pull
interrupt_fast_pull() {
	local pid rc=0
	rm -f "$D/signal"
	# (a background job of a script ignores SIGINT: env gives it back)
	env --default-signal=INT "$VOLT_BIN" pull "127.0.0.1:$P_SIG/test/big:1" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	pid=$!
	echo "$1 $pid" >"$D/signal.tmp"
	mv "$D/signal.tmp" "$D/signal"
	wait "$pid" || rc=$?
	cat "$BATS_TEST_TMPDIR/out"
	grep "signal $1 $pid " "$D/sig.log" # the proxy sent it mid-layer
	echo "rc=$rc"
	PULL_RC=$rc
}

# big_layer: the digest hex of test/big's 12 MiB layer
big_layer() {
	local f
	for f in "$D"/plain/docker/registry/v2/blobs/sha256/*/*/data; do
		[ "$(stat -c %s "$f")" -gt $((8 << 20)) ] && basename "$(dirname "$f")"
	done | head -n1
}

# resumed_from_fast_registry SIG EXIT: the kept bytes are asked for with
# Range, and the image is whole (every file's sha256)
resumed_from_fast_registry() {
	interrupt_fast_pull "$1"
	[ "$PULL_RC" -eq "$2" ]
	grep -q "of unfinished downloads to resume" "$BATS_TEST_TMPDIR/out"
	layer=$(big_layer)
	[ -e "$VOLT_ROOT/cas/partial/$layer.ok" ]
	kept=$(stat -c %s "$VOLT_ROOT/cas/partial/$layer")
	full=$(stat -c %s "$D/plain/docker/registry/v2/blobs/sha256/${layer:0:2}/$layer/data")
	# more than the 2 MiB a speed probe kept before, less than the layer
	[ "$kept" -gt $((3 << 20)) ]
	[ "$kept" -lt "$full" ]
	run volt pull "127.0.0.1:$P_LOG/test/big:1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Layer sha256:${layer:0:12} resumed: "*" kept from an interrupted pull, not downloaded again"* ]]
	line=$(grep "blob .*/blobs/sha256:$layer " "$D/log.log" | tail -n1)
	[[ "$line" == *" range=bytes=$kept- status=206 bytes=$((full - kept))" ]]
	run volt run --rm "127.0.0.1:$P_LOG/test/big:1" sh -c 'cd /opt/big && sha256sum -- *'
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$D/big.sums")" ]
	[ -z "$(ls -A "$VOLT_ROOT/cas/partial")" ]
}

@test "a pull from a fast registry stopped by SIGINT mid-layer resumes with Range; the image is whole" {
	resumed_from_fast_registry INT 130
	grep -q "interrupted (Interrupt)" "$BATS_TEST_TMPDIR/out"
}

@test "a pull from a fast registry stopped by SIGTERM mid-layer resumes with Range; the image is whole" {
	resumed_from_fast_registry TERM 143
	grep -q "interrupted (Terminated)" "$BATS_TEST_TMPDIR/out"
}

@test "a pull killed with SIGKILL mid-layer loses what it had in memory: the next pull downloads that layer whole" {
	interrupt_fast_pull KILL
	[ "$PULL_RC" -eq 137 ]
	layer=$(big_layer)
	# no record: what a partial file may hold is not trusted
	[ ! -e "$VOLT_ROOT/cas/partial/$layer.ok" ]
	run volt pull "127.0.0.1:$P_LOG/test/big:1"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" != *"${layer:0:12} resumed"* ]]
	full=$(stat -c %s "$D/plain/docker/registry/v2/blobs/sha256/${layer:0:2}/$layer/data")
	[[ "$(grep "blob .*/blobs/sha256:$layer " "$D/log.log" | tail -n1)" == *" range=- status=200 bytes=$full" ]]
	run volt run --rm "127.0.0.1:$P_LOG/test/big:1" sh -c 'cd /opt/big && sha256sum -- *'
	[ "$output" = "$(cat "$D/big.sums")" ]
}

@test "a pull that fills the disk fails with 125, says where and that cas gc removes what it stored" {
	unshare -Urm sh -c 'mount -t tmpfs -o size=1m tmpfs "$1"' sh "$BATS_TEST_TMPDIR" 2>/dev/null ||
		skip_or_fail "cannot mount a tmpfs in a user namespace"
	mkdir -p "$BATS_TEST_TMPDIR/small"
	# a 3 MiB store cannot hold busybox and 2.6 MB of random files
	run unshare -Urm sh -c '
		mount -t tmpfs -o size=3m tmpfs "$1" || exit 99
		export VOLT_ROOT="$1/root"
		"$2" pull "$3"
		echo "rc=$?"
		"$2" cas gc >/dev/null
		echo "objects after gc: $(find "$VOLT_ROOT/cas/objects" -type f | wc -l)"' \
		sh "$BATS_TEST_TMPDIR/small" "$VOLT_BIN" "$R/test/rand:1"
	echo "$output"
	[[ "$output" == *"rc=125"* ]]
	[[ "$output" == *'No space left on device (the disk is full: '"$BATS_TEST_TMPDIR/small/root has "*'free); `volt cas gc` removes what the pull stored'* ]]
	[[ "$output" == *"objects after gc: 0"* ]]
}

@test "a blob whose digest does not match fails the pull and leaves no ref" {
	run volt pull "127.0.0.1:$P_BAD/test/bb:1"
	[ "$status" -eq 125 ]
	[[ "$output" == *"digest mismatch"* || "$output" == *"layer"* ]]
	run volt images -q
	[ -z "$output" ]
	[ -z "$(ls "$VOLT_ROOT/cas/refs" 2>/dev/null)" ]
	# the intact small layer may be recorded; the corrupted one is not
	[ "$(ls "$VOLT_ROOT/cas/layers" 2>/dev/null | grep -c json)" -le 1 ]
	[ -z "$(ls -A "$VOLT_ROOT/cas/tmp" 2>/dev/null)" ]
}

manifest_layers() { # REPO REF: number of layers of the manifest in the plain registry
	python3 -c 'import json,sys,urllib.request as u
r = u.Request(sys.argv[1], headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
print(len(json.load(u.urlopen(r, timeout=10))["layers"]))' "http://$R/v2/$1/manifests/$2"
}

@test "push then pull back" {
	volt pull -q "$R/test/bb:1"
	run volt push "$R/test/bb:1" "$R/pushed/bb:2"
	[ "$status" -eq 0 ]
	[[ "${lines[-1]}" == sha256:* ]]
	# a pulled image keeps its layers (rebuilt from the layer records)
	[ "$(manifest_layers pushed/bb 2)" -eq 2 ]
	# pushing again sends nothing new and gives the same digest
	run volt push -q "$R/test/bb:1" "$R/pushed/bb:3"
	[ "$status" -eq 0 ]
	d1=$(volt push -q "$R/test/bb:1" "$R/pushed/bb:4")
	[ "$d1" = "$output" ]
	export VOLT_ROOT="$BATS_TEST_TMPDIR/other"
	run --separate-stderr volt run --rm "$R/pushed/bb:2" cat /etc/hello
	[ "$status" -eq 0 ]
	[ "$output" = "hello-from-registry" ]
}

@test "push keeps whiteouts: a deleted file stays deleted" {
	volt pull -q "$R/test/wh:1"
	run --separate-stderr volt run --rm "$R/test/wh:1" sh -c 'test ! -e /etc/motd && cat /etc/new'
	[ "$output" = "new" ]
	volt push -q "$R/test/wh:1" "$R/pushed/wh:1"
	[ "$(manifest_layers pushed/wh 1)" -eq 2 ]
	export VOLT_ROOT="$BATS_TEST_TMPDIR/other"
	run --separate-stderr volt run --rm "$R/pushed/wh:1" sh -c 'test ! -e /etc/motd && cat /etc/new'
	[ "$status" -eq 0 ]
	[ "$output" = "new" ]
}

@test "an imported image (no layer records) is pushed as one flattened layer" {
	volt image import "$BUSYBOX_TAR" local/bb:1 >/dev/null
	run volt push -q local/bb:1 "$R/pushed/flat:1"
	[ "$status" -eq 0 ]
	[ "$(manifest_layers pushed/flat 1)" -eq 1 ]
	export VOLT_ROOT="$BATS_TEST_TMPDIR/other"
	run --separate-stderr volt run --rm "$R/pushed/flat:1" cat /etc/motd
	[ "$output" = "volt busybox image" ]
}

@test "save / load round trip" {
	volt pull -q "$R/test/bb:1"
	run volt image save "$R/test/bb:1" -o "$BATS_TEST_TMPDIR/bb.tar"
	[ "$status" -eq 0 ]
	tar -tf "$BATS_TEST_TMPDIR/bb.tar" | grep -q '^index.json$'
	export VOLT_ROOT="$BATS_TEST_TMPDIR/other"
	run volt image load -i "$BATS_TEST_TMPDIR/bb.tar"
	[ "$status" -eq 0 ]
	run --separate-stderr volt run --rm "$R/test/bb:1" cat /etc/hello
	[ "$output" = "hello-from-registry" ]
}

@test "two images sharing a file under different names store it once" {
	volt pull -q "$R/test/bb:1"
	n1=$(count_objects)
	volt pull -q "$R/test/copy:1"
	n2=$(count_objects)
	# the busybox binary under /opt/another-name is the same object
	[ "$((n2 - n1))" -eq 0 ]
	run --separate-stderr volt run --rm "$R/test/copy:1" cmp /bin/busybox /opt/another-name
	[ "$status" -eq 0 ]
}

@test "hostile layers: escapes are refused with the layer and entry named" {
	for k in abs dotdot symlink-escape hardlink-escape; do
		run volt pull "$R/hostile/$k:1"
		case $k in
		abs)
			# an absolute name is made relative to the image root (as docker does)
			[ "$status" -eq 0 ]
			run --separate-stderr volt run --rm "$R/hostile/abs:1" cat /etc/volt-abs-escape
			[ "$output" = "abs" ]
			;;
		*)
			[ "$status" -eq 125 ]
			[[ "$output" == *"layer 2 (sha256:"*"entry \""* ]]
			;;
		esac
	done
	[ ! -e /tmp/volt-symlink-escape ]
	[ ! -e "$BATS_FILE_TMPDIR/volt-dotdot-escape" ]
}

@test "hostile layers: device nodes dropped, setuid kept inside the id map, size bound" {
	run --separate-stderr volt run --rm "$R/hostile/device:1" sh -c 'test ! -e /dev/volt-null && cat /etc/after-device'
	[ "$status" -eq 0 ]
	[ "$output" = "ok" ]
	run --separate-stderr volt run --rm "$R/hostile/setuid:1" stat -c %a /bin/volt-suid
	[ "$status" -eq 0 ]
	[ "$output" = "4755" ]
	VOLT_MAX_ENTRY_SIZE=1048576 run volt pull "$R/hostile/big:1"
	[ "$status" -eq 125 ]
	[[ "$output" == *"entry \"big\": larger than the configured bound"* ]]
	run volt pull -q "$R/hostile/big:1"
	[ "$status" -eq 0 ]
}
