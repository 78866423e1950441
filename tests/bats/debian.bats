#!/usr/bin/env bats
# A real distribution image: Debian bookworm with nginx, built by mmdebstrap
# in scripts/test-setup (scripts/make-debian-image, cached in
# /var/cache/volt-test). Many owners, setuid files, hardlinks, device nodes
# in the tarball, and a real server, in both id-mapping modes.

load helpers

DEB_TAR="$VOLT_TEST_DIR/images/debian.tar"

need_debian() {
	if [ ! -r "$DEB_TAR" ]; then
		local why="the Debian image was not built"
		[ -r "$DEB_TAR.unavailable" ] && why=$(cat "$DEB_TAR.unavailable")
		skip_or_fail "$why"
	fi
}

setup_file() {
	volt_env
	require_userns
	need_debian
	local t0 t1
	t0=$(date +%s%N)
	volt image import "$DEB_TAR" debian:bookworm >/dev/null
	t1=$(date +%s%N)
	local mb=$(( $(stat -Lc %s "$DEB_TAR") / 1000000 ))
	echo "# import of the Debian image (${mb} MB tar, $(tar tf "$DEB_TAR" | wc -l) entries): $(( (t1 - t0) / 1000000 )) ms ($(has_subuid && echo full || echo single) map)" >&3
}

setup() {
	volt_env
	need_debian
}

teardown() {
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
}

# files of the image's other owners can only be removed from inside the
# user namespace: volt does it, bats' own clean-up could not
teardown_file() {
	volt_env
	volt rm -f $(volt ps -aq) >/dev/null 2>&1 || true
	volt rmi -f debian:bookworm >/dev/null 2>&1 || true
}

@test "debian: the tree keeps the image's owners (full map) or maps all to root (single)" {
	run volt run --rm debian:bookworm stat -c '%U:%G %n' \
		/var/cache/apt/archives/partial /var/log/nginx/access.log /etc/shadow /usr/bin/passwd
	[ "$status" -eq 0 ]
	if has_subuid; then
		[ "${lines[0]}" = "_apt:root /var/cache/apt/archives/partial" ]
		[ "${lines[1]}" = "www-data:adm /var/log/nginx/access.log" ]
		[ "${lines[2]}" = "root:shadow /etc/shadow" ]
		[ "${lines[3]}" = "root:root /usr/bin/passwd" ]
	else
		[ "${lines[0]}" = "root:root /var/cache/apt/archives/partial" ]
		[ "${lines[1]}" = "root:root /var/log/nginx/access.log" ]
		[ "${lines[2]}" = "root:root /etc/shadow" ]
	fi
	# the tree manifest records the image's owners in both modes
	id=$(volt image inspect debian:bookworm | jq -r '.[0].Id')
	[ "$(jq -r '.entries[] | select(.path=="var/log/nginx/access.log") | "\(.uid):\(.gid)"' \
		"$VOLT_ROOT/cas/refs/$id.tree")" = "33:4" ]
}

@test "debian: a new named volume is filled from the image with its owners, modes and symlinks" {
	run volt run --rm -v deblog:/var/log debian:bookworm stat -c '%U:%G %a %n' /var/log/nginx/access.log /var/log/apt
	[ "$status" -eq 0 ]
	if has_subuid; then
		[ "${lines[0]}" = "www-data:adm 640 /var/log/nginx/access.log" ]
	else
		[[ "${lines[0]}" == *" 640 /var/log/nginx/access.log" ]]
	fi
	[ -e "$VOLT_ROOT/volumes/deblog/_data/nginx/access.log" ]
	run volt run --rm -v debetc:/etc debian:bookworm readlink /etc/localtime
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	run volt volume rm deblog debetc
	[ "$status" -eq 0 ]
	[ ! -e "$VOLT_ROOT/volumes/deblog" ]
}

@test "debian: setuid files keep their bit" {
	run volt run --rm debian:bookworm stat -c '%a %n' /usr/bin/passwd /usr/bin/su
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "4755 /usr/bin/passwd" ]
	[ "${lines[1]}" = "4755 /usr/bin/su" ]
}

@test "debian: hardlinks in the image are hardlinks in the container" {
	run volt run --rm debian:bookworm stat -c '%i' /usr/bin/perl /usr/bin/perl5.36.0
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "${lines[1]}" ]
	run volt run --rm debian:bookworm stat -c '%i' /usr/bin/perlbug /usr/bin/perlthanks
	[ "${lines[0]}" = "${lines[1]}" ]
}

@test "debian: files keep the tarball's mtimes (nginx's pages: one content at two times)" {
	local f=(/usr/sbin/nginx /usr/share/nginx/html/index.html /var/www/html/index.nginx-debian.html /etc/nginx /bin)
	want=$(python3 -c 'import sys, tarfile
t = tarfile.open(sys.argv[1])
for n in sys.argv[2:]:
    print(n, t.getmember("." + n).mtime)' "$DEB_TAR" "${f[@]}")
	run volt run --rm debian:bookworm stat -c '%n %Y' "${f[@]}"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "debian: device nodes of the tarball are not in the image; /dev is volt's" {
	tar tvf "$DEB_TAR" | grep -q '^c.* \./dev/null$'
	id=$(volt image inspect debian:bookworm | jq -r '.[0].Id')
	# /dev keeps its directories and symlinks (dev/fd, dev/pts), loses the nodes
	[ "$(jq -r '[.entries[] | select(.path | startswith("dev/")) | .type] | unique | join(",")' \
		"$VOLT_ROOT/cas/refs/$id.tree")" = "dir,symlink" ]
	[ -z "$(jq -r '.entries[] | select(.path=="dev/null" or .path=="dev/console") | .path' \
		"$VOLT_ROOT/cas/refs/$id.tree")" ]
	[ ! -e "$VOLT_ROOT/cas/checkouts/$id/dev/null" ]
	run volt run --rm debian:bookworm bash -c 'echo x >/dev/null && stat -c %t,%T /dev/null'
	[ "$status" -eq 0 ]
	[ "$output" = "1,3" ]
}

@test "debian: nginx serves its welcome page (volt run -d, fetched with volt exec)" {
	if has_subuid; then
		volt run -d --name web debian:bookworm nginx -g 'daemon off;' >/dev/null
	else
		# single map: no www-data inside, so the workers stay root
		volt run -d --name web debian:bookworm bash -c \
			"sed -i 's/^user .*/user root;/' /etc/nginx/nginx.conf && exec nginx -g 'daemon off;'" >/dev/null
	fi
	fetch='exec 3<>/dev/tcp/127.0.0.1/80 && printf "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && timeout 5 cat <&3'
	wait_for volt exec web bash -c "$fetch"
	run volt exec web bash -c "$fetch"
	[ "$status" -eq 0 ]
	[[ "$output" == "HTTP/1.1 200 OK"* ]]
	[[ "$output" == *"<title>Welcome to nginx!</title>"* ]]
	if has_subuid; then
		# the workers dropped to www-data, as on a Debian host
		run volt exec web bash -c 'for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = nginx ] && stat -c %U $p; done'
		[[ "$output" == *www-data* ]]
	fi
	run volt stop web
	[ "$status" -eq 0 ]
}

@test "debian: postgres runs under the default security layers and answers a query" {
	has_subuid || not_in_this_mode "postgres runs as its own user, which single-uid mode cannot map"
	volt run -d --name pg -u postgres -e PGDATA=/var/lib/postgresql/data debian:bookworm sh -c \
		'/usr/lib/postgresql/15/bin/initdb -D "$PGDATA" >/tmp/initdb.log 2>&1 &&
		 exec /usr/lib/postgresql/15/bin/postgres -D "$PGDATA" -k /tmp' >/dev/null
	query='/usr/lib/postgresql/15/bin/psql -h /tmp -At -c "select 40+2" postgres'
	for i in $(seq 1 60); do
		volt exec -u postgres pg sh -c "$query" >/dev/null 2>&1 && break
		sleep 0.5
	done
	run volt exec -u postgres pg sh -c "$query"
	[ "$status" -eq 0 ]
	[ "$output" = 42 ]
	# the server itself is confined: seccomp filter, no_new_privs, no capabilities as postgres
	run volt exec pg grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/1/status
	[[ "$output" == *"Seccomp:	2"* ]]
	[[ "$output" == *"NoNewPrivs:	1"* ]]
	[[ "$output" == *"CapEff:	0000000000000000"* ]]
	run volt rm -f pg
	[ "$status" -eq 0 ]
}

# Docker's and podman's own seccomp profiles, unchanged (scripts/test-setup
# copies them: scripts/get-docker-seccomp, golang-github-containers-common)
need_profile() {
	PROFILE="$VOLT_TEST_DIR/profiles-ext/$1-default.json"
	if [ ! -r "$PROFILE" ]; then
		local why="$1's seccomp profile is missing"
		[ -r "$PROFILE.unavailable" ] && why=$(cat "$PROFILE.unavailable")
		skip_or_fail "$why"
	fi
	[ "$(uname -m)" = x86_64 ] || not_in_this_mode "the system call numbers below are x86_64's"
}

# python3 makes three calls the two profiles answer differently and prints
# each errno (0: it went through): unshare(0) is podman's and, without
# CAP_SYS_ADMIN, not Docker's; vmsplice(-1, ...) is Docker's (EBADF from the
# kernel) and podman's EPERM; futex_waitv(NULL, 0, ...) is Docker's (EINVAL)
# and unknown to podman's, whose defaultErrnoRet is ENOSYS
PROBE='import ctypes
libc = ctypes.CDLL(None, use_errno=True)
def call(nr, *args):
    ctypes.set_errno(0)
    return 0 if libc.syscall(nr, *args) == 0 else ctypes.get_errno()
print("unshare=%d vmsplice=%d futex_waitv=%d" % (call(272, 0), call(278, -1, None, 0, 0), call(449, None, 0, 0, None, 0)))'

# nginx under the profile, its page fetched from inside (as in the test above)
serve_nginx_under() {
	if has_subuid; then
		volt run -d --name web --security-opt seccomp="$1" debian:bookworm nginx -g 'daemon off;' >/dev/null
	else
		volt run -d --name web --security-opt seccomp="$1" debian:bookworm bash -c \
			"sed -i 's/^user .*/user root;/' /etc/nginx/nginx.conf && exec nginx -g 'daemon off;'" >/dev/null
	fi
	fetch='exec 3<>/dev/tcp/127.0.0.1/80 && printf "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && timeout 5 cat <&3'
	wait_for volt exec web bash -c "$fetch"
	run volt exec web bash -c "$fetch"
	[ "$status" -eq 0 ]
	[[ "$output" == *"<title>Welcome to nginx!</title>"* ]]
	run volt exec web grep '^Seccomp:' /proc/1/status
	[[ "$output" == *"Seccomp:	2"* ]]
	run volt rm -f web
	[ "$status" -eq 0 ]
}

@test "debian: Docker's own seccomp profile, unchanged: python3 and nginx run (its amd64 rules count), its answers" {
	need_profile docker
	# its arch_prctl rule is limited to "amd64": without it every dynamic
	# program dies in the loader (cannot set %fs base address)
	run volt run --rm --security-opt seccomp="$PROFILE" debian:bookworm python3 -c "$PROBE"
	[ "$status" -eq 0 ]
	[ "$output" = "unshare=1 vmsplice=9 futex_waitv=22" ]
	serve_nginx_under "$PROFILE"
}

@test "debian: podman's own seccomp profile, unchanged: python3 and nginx run, its answers" {
	need_profile podman
	run volt run --rm --security-opt seccomp="$PROFILE" debian:bookworm python3 -c "$PROBE"
	[ "$status" -eq 0 ]
	[ "$output" = "unshare=0 vmsplice=1 futex_waitv=38" ]
	serve_nginx_under "$PROFILE"
}
