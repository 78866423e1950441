#!/usr/bin/env bats
# volt-runtime: volt as an OCI runtime over a bundle (docs/oci-runtime.md).

load helpers
load oci-helpers

setup_file() {
	volt_env
	require_userns
	oci_rootfs
}

setup() {
	volt_env
	B="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$B"
	ln -s "$BATS_FILE_TMPDIR/rootfs" "$B/rootfs"
	ST="$BATS_TEST_TMPDIR/state"
}

@test "a bundle from runc spec --rootless runs unchanged: output and exit code" {
	command -v runc >/dev/null || skip_or_fail "runc is not installed"
	(cd "$B" && runc spec --rootless)
	# as test-host.md says: the mappings' hostID is the user's; no terminal here
	edit --argjson u "$(id -u)" --argjson g "$(id -g)" \
		'.process.terminal=false | .process.args=["sh","-c","echo out; hostname; id -u; echo $$; exit 3"]
		 | .linux.uidMappings[0].hostID=$u | .linux.gidMappings[0].hostID=$g'
	run rt run --bundle "$B" c1
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "out" ]
	[ "${lines[1]}" = "runc" ]
	[ "${lines[2]}" = "0" ]
	[ "${lines[3]}" = "1" ]
	# run removes its state
	run rt state c1
	[ "$status" -eq 1 ]
	[[ "$output" == *"does not exist"* ]]
}

@test "create, state created, start, state running, kill, state stopped, delete" {
	volt_bundle '["sleep","60"]'
	rt create --bundle "$B" --pid-file "$BATS_TEST_TMPDIR/pid" c2
	run rt state c2
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	[ "$(jq -r .id <<<"$output")" = c2 ]
	[ "$(jq -r .ociVersion <<<"$output")" = 1.2.0 ]
	[ "$(jq -r .bundle <<<"$output")" = "$(cd "$B" && pwd -P)" ]
	pid=$(jq -r .pid <<<"$output")
	[ "$pid" = "$(cat "$BATS_TEST_TMPDIR/pid")" ]
	# created: the process is there, waiting, before its command runs
	[ -d "/proc/$pid" ]
	! grep -q sleep "/proc/$pid/cmdline"
	rt start c2
	[ "$(rt state c2 | jq -r .status)" = running ]
	grep -q sleep "/proc/$pid/cmdline"
	run rt start c2
	[ "$status" -eq 1 ]
	run rt delete c2
	[ "$status" -eq 1 ]
	[[ "$output" == *"not stopped"* ]]
	rt kill c2 KILL
	wait_for sh -c "[ \"\$($RT --root $ST state c2 | jq -r .status)\" = stopped ]"
	run rt kill c2
	[ "$status" -eq 1 ]
	rt delete c2
	run rt state c2
	[ "$status" -eq 1 ]
	# delete -f of what is not there is no error (engines clean up twice)
	rt delete -f c2
}

@test "delete of a created container kills its waiting process" {
	volt_bundle '["sleep","60"]'
	rt create --bundle "$B" c3
	pid=$(rt state c3 | jq -r .pid)
	rt delete c3
	! [ -d "/proc/$pid" ] || grep -q '^State:.*Z' "/proc/$pid/status"
	[ ! -e "$ST/c3" ]
}

@test "a bundle from volt-runtime spec --rootless runs; spec will not overwrite" {
	volt_bundle '["sh","-c","echo from-volt-spec; exit 5"]'
	run rt run --bundle "$B" c4
	[ "$status" -eq 5 ]
	[ "$output" = "from-volt-spec" ]
	run bash -c "cd '$B' && '$RT' spec --rootless"
	[ "$status" -eq 1 ]
	[[ "$output" == *"exists"* ]]
	# the same through `volt oci`
	run volt oci --root "$ST" run --bundle "$B" c4b
	[ "$status" -eq 5 ]
}

@test "a command that is not there fails create with 127 and leaves no state" {
	volt_bundle '["no-such-command"]'
	run -127 rt create --bundle "$B" c5
	[ "$status" -eq 127 ]
	[[ "$output" == *"no-such-command"*"not found"* ]]
	run rt state c5
	[ "$status" -eq 1 ]
}

@test "process: cwd, env, rlimits, noNewPrivileges, capabilities" {
	volt_bundle '["sh","-c","pwd; echo $FOO; ulimit -n; grep -E \"^(NoNewPrivs|CapEff|CapBnd)\" /proc/self/status"]'
	edit '.root.readonly=false | .process.cwd="/tmp/work" | .process.env += ["FOO=bar"]
	      | .process.rlimits=[{"type":"RLIMIT_NOFILE","soft":123,"hard":456}]
	      | .process.capabilities={"bounding":["CAP_KILL","CAP_CHOWN"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}'
	run rt run --bundle "$B" c6
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /tmp/work ]
	[ "${lines[1]}" = bar ]
	[ "${lines[2]}" = 123 ]
	# CAP_KILL is bit 5, CAP_CHOWN bit 0
	[[ "${lines[3]}" == "CapEff:"*0000000000000020 ]]
	[[ "${lines[4]}" == "CapBnd:"*0000000000000021 ]]
	[[ "${lines[5]}" == "NoNewPrivs:"*1 ]]
}

@test "root readonly, tmpfs and bind mounts, masked and read-only paths" {
	mkdir "$BATS_TEST_TMPDIR/host"
	echo shared >"$BATS_TEST_TMPDIR/host/file"
	volt_bundle '["sh","-c","touch /x 2>/dev/null && echo root-rw; cat /data/file; touch /scratch/y && echo tmpfs-ok; echo 1 2>/dev/null >/proc/sys/kernel/domainname || echo sys-ro; wc -c </proc/timer_list; (echo w >/data/new) 2>/dev/null || echo bind-ro"]'
	edit --arg h "$BATS_TEST_TMPDIR/host" '.root.readonly=true
	      | .mounts += [{"destination":"/data","type":"none","source":$h,"options":["rbind","ro"]},
	                    {"destination":"/scratch","type":"tmpfs","source":"tmpfs","options":["nosuid","size=1m"]}]'
	run rt run --bundle "$B" c7
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = shared ]
	[ "${lines[1]}" = tmpfs-ok ]
	[ "${lines[2]}" = sys-ro ]
	[ "${lines[3]}" = 0 ]
	echo "$output"
	[ "${lines[4]}" = bind-ro ]
	[ ! -e "$BATS_FILE_TMPDIR/rootfs/x" ]
}

@test "linux.seccomp: the bundle's profile is enforced" {
	volt_bundle '["sh","-c","mkdir /tmp/d && echo made; echo after"]'
	edit '.linux.seccomp={"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
	      "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}'
	run rt run --bundle "$B" c8
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Operation not permitted"* ]]
	[[ "$output" != *made* ]]
	[[ "$output" == *after* ]]
}

@test "a bad config.json is refused with the field that is wrong" {
	volt_bundle '["true"]'
	edit '.linux.namespaces += [{"type":"bogus"}]'
	run rt create --bundle "$B" c9
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.namespaces["*"unknown namespace type"* ]]
	[[ "$output" != *"Invalid argument"* ]] # the errno text would say nothing more
	run rt state c9
	[ "$status" -eq 1 ]
}

@test "--preserve-fds passes the caller's descriptors; --log json records errors" {
	volt_bundle '["sh","-c","echo via-fd3 >&3"]'
	rt run --bundle "$B" --preserve-fds 1 c10 3>"$BATS_TEST_TMPDIR/fd3"
	[ "$(cat "$BATS_TEST_TMPDIR/fd3")" = via-fd3 ]
	run "$RT" --root "$ST" --log "$BATS_TEST_TMPDIR/log" --log-format json --systemd-cgroup state nope
	[ "$status" -eq 1 ]
	[ "$(jq -r .level "$BATS_TEST_TMPDIR/log")" = error ]
	[[ "$(jq -r .msg "$BATS_TEST_TMPDIR/log")" == *"nope does not exist"* ]]
}

@test "annotations appear in state; features is JSON; checkpoint is refused" {
	volt_bundle '["sleep","60"]'
	edit '.annotations={"org.example.key":"value"}'
	rt create --bundle "$B" c11
	[ "$(rt state c11 | jq -r '.annotations["org.example.key"]')" = value ]
	rt delete -f c11
	run rt features
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .ociVersionMax <<<"$output")" = 1.2.0 ]
	run rt checkpoint c11
	[ "$status" -eq 1 ]
	[[ "$output" == *"checkpoint"*"CRIU"* ]]
}

@test "a process user other than root, with a subordinate-range mapping" {
	has_subuid || not_in_this_mode "no /etc/subuid range (single-uid mode maps only 0)"
	read -r start count < <(awk -F: -v u="$(id -un)" '$1==u {print $2, $3}' /etc/subuid)
	read -r gstart gcount < <(awk -F: -v u="$(id -un)" '$1==u {print $2, $3}' /etc/subgid)
	volt_bundle '["sh","-c","id -u; id -g; id -G"]'
	edit --argjson u "$(id -u)" --argjson g "$(id -g)" --argjson s "$start" --argjson n "$count" \
		--argjson gs "$gstart" --argjson gn "$gcount" \
		'.linux.uidMappings=[{"containerID":0,"hostID":$u,"size":1},{"containerID":1,"hostID":$s,"size":$n}]
		 | .linux.gidMappings=[{"containerID":0,"hostID":$g,"size":1},{"containerID":1,"hostID":$gs,"size":$gn}]
		 | .process.user={"uid":1000,"gid":1000,"additionalGids":[2000]}'
	run rt run --bundle "$B" c12
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	[[ " ${lines[2]} " == *" 2000 "* ]]
}

@test "rootless podman drives volt-runtime: run --rm, exit code, -d, exec, stop, rm, keep-id, -it" {
	podman_image
	run podman_rt run --rm --entrypoint sh docker.io/volt-test/app:v1 -c 'echo in-podman; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = in-podman ]
	# volt's own annotation through podman
	run podman_rt run --rm --annotation run.oci.volt.landlock=readonly --entrypoint sh docker.io/volt-test/app:v1 \
		-c 'touch /tmp/x 2>/dev/null && echo wrote || echo denied'
	[ "$output" = denied ]
	run -127 podman_rt run --rm --entrypoint no-such-command docker.io/volt-test/app:v1
	[ "$status" -eq 127 ]
	podman_rt run -d --name pd1 --entrypoint sleep docker.io/volt-test/app:v1 100
	[ "$(podman_rt inspect -f '{{.State.Status}}' pd1)" = running ]
	# the process podman reaps is the container's own: no volt process between
	pid=$(podman_rt inspect -f '{{.State.Pid}}' pd1)
	grep -q sleep "/proc/$pid/cmdline"
	# exec: podman passes a --process file
	run podman_rt exec pd1 sh -c 'echo exec-in-podman; exit 3'
	[ "$status" -eq 3 ]
	[ "$output" = exec-in-podman ]
	run podman_rt exec -u 1000 pd1 id -u
	[ "$output" = 1000 ]
	# exec -it: volt-runtime exec opens the container's pty as the process's stdio
	run script -qec "podman --root '$BATS_FILE_TMPDIR/podman/root' --runroot '$BATS_FILE_TMPDIR/podman/run' \
		--storage-driver overlay --cgroup-manager=cgroupfs --events-backend=file --runtime '$RT' \
		exec -it pd1 sh -c 'tty; exit 5'" /dev/null
	[ "$status" -eq 5 ]
	[[ "$output" == */dev/pts/* ]]
	podman_rt stop -t 1 pd1
	[ "$(podman_rt inspect -f '{{.State.Status}}' pd1)" = exited ]
	podman_rt rm pd1
	run podman_rt run --rm --userns=keep-id --entrypoint id docker.io/volt-test/app:v1 -u
	[ "$status" -eq 0 ]
	[ "$output" = "$(id -u)" ]
	# -it: the terminal comes through --console-socket
	run script -qec "podman --root '$BATS_FILE_TMPDIR/podman/root' --runroot '$BATS_FILE_TMPDIR/podman/run' \
		--storage-driver overlay --cgroup-manager=cgroupfs --events-backend=file --runtime '$RT' \
		run --rm -it --entrypoint sh docker.io/volt-test/app:v1 -c 'tty; exit 4'" /dev/null
	[ "$status" -eq 4 ]
	[[ "$output" == */dev/pts/* ]]
}

teardown_file() {
	podman_store_rm
}

@test "namespaces joined by path: uts, ipc and network of another container" {
	volt_bundle '["sleep","60"]'
	edit '.hostname="first" | .linux.namespaces += [{"type":"network"}]'
	rt create --bundle "$B" j1
	pid=$(rt state j1 | jq -r .pid)
	B2="$BATS_TEST_TMPDIR/bundle2"
	mkdir "$B2"
	ln -s "$BATS_FILE_TMPDIR/rootfs" "$B2/rootfs"
	(cd "$B2" && rt spec --rootless)
	# the user namespace too: the others belong to it
	jq --arg p "/proc/$pid/ns" '.process.terminal=false | .process.args=["sh","-c","hostname; readlink /proc/self/ns/ipc; readlink /proc/self/ns/net"]
	    | del(.hostname) | del(.linux.uidMappings) | del(.linux.gidMappings)
	    | .linux.namespaces = [{"type":"pid"},{"type":"mount"},{"type":"user","path":($p+"/user")},
	        {"type":"uts","path":($p+"/uts")},{"type":"ipc","path":($p+"/ipc")},{"type":"network","path":($p+"/net")}]' \
		"$B2/config.json" >"$B2/c" && mv "$B2/c" "$B2/config.json"
	ipc=$(readlink "/proc/$pid/ns/ipc")
	net=$(readlink "/proc/$pid/ns/net")
	run rt run --bundle "$B2" j2
	rt delete -f j1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = first ]
	[ "${lines[1]}" = "$ipc" ]
	[ "${lines[2]}" = "$net" ]
}

@test "exec: a command or --process in a running container, its namespaces and settings; ps" {
	volt_bundle '["sleep","60"]'
	edit '.hostname="ex"'
	rt create --bundle "$B" e1
	# created: an exec joins the waiting process's namespaces, as runc's
	run rt exec e1 sh -c 'hostname; exit 4'
	[ "$status" -eq 4 ]
	[ "$output" = ex ]
	[ "$(rt state e1 | jq -r .status)" = created ]
	rt start e1
	run rt exec -e FOO=bar e1 sh -c 'echo $FOO; hostname; echo $$; grep NoNewPrivs /proc/self/status; exit 9'
	[ "$status" -eq 9 ]
	[ "${lines[0]}" = bar ]
	[ "${lines[1]}" = ex ]
	# in the container's PID namespace: init is 1, so this is a small number
	[ "${lines[2]}" -lt 10 ]
	[[ "${lines[3]}" == "NoNewPrivs:"*1 ]]
	run -127 rt exec e1 no-such-command
	[[ "$output" == *"not found"* ]]
	echo '{"args":["sh","-c","echo from-process; pwd"],"cwd":"/tmp","env":["PATH=/bin"],"user":{"uid":0,"gid":0}}' \
		>"$BATS_TEST_TMPDIR/p.json"
	run rt exec --process "$BATS_TEST_TMPDIR/p.json" e1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-process ]
	[ "${lines[1]}" = /tmp ]
	rt exec -d --pid-file "$BATS_TEST_TMPDIR/epid" e1 sleep 30
	grep -q sleep "/proc/$(cat "$BATS_TEST_TMPDIR/epid")/cmdline"
	# ps: the container's process and the exec'd one
	run rt ps --format json e1
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" -eq 2 ]
	[ "$(jq --argjson p "$(cat "$BATS_TEST_TMPDIR/epid")" 'index($p) != null' <<<"$output")" = true ]
	# runc's table: ps -ef's header and the container's two rows; ps's own
	# options after the id
	run rt ps e1
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == UID*PID*PPID*CMD ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[*]}" == *"sleep 30"* ]]
	run rt ps e1 -o pid=,comm=
	[ "$status" -eq 1 ]
	[[ "$output" == *"no PID column"* ]]
	run rt ps e1 -o pid,comm
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *" sleep"* ]]
	rt kill e1 KILL
	wait_for sh -c "[ \"\$($RT --root $ST state e1 | jq -r .status)\" = stopped ]"
	run rt exec e1 true
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot exec in a container that is stopped"* ]]
	rt delete -f e1
	run rt exec e1 true
	[ "$status" -eq 1 ]
}

@test "annotation run.oci.volt.landlock confines the process (and exec's) with a volt profile" {
	volt_bundle '["sh","-c","head -1 /etc/passwd; touch /tmp/f 2>/dev/null && echo wrote || echo denied; sleep 30"]'
	edit '.root.readonly=false | .annotations={"run.oci.volt.landlock":"readonly"}'
	rt create --bundle "$B" ll1
	rt start ll1
	run rt exec ll1 sh -c 'touch /tmp/g 2>/dev/null && echo wrote || echo denied'
	[ "$output" = denied ]
	rt delete -f ll1
	[ ! -e "$BATS_FILE_TMPDIR/rootfs/tmp/f" ]
	[ ! -e "$BATS_FILE_TMPDIR/rootfs/tmp/g" ]
	# without it the same writes work (the test can fail)
	rm "$B/config.json"
	volt_bundle '["sh","-c","touch /tmp/f && echo wrote"]'
	edit '.root.readonly=false'
	run rt run --bundle "$B" ll2
	[ "$output" = wrote ]
	rm -f "$BATS_FILE_TMPDIR/rootfs/tmp/f"
	# an unknown profile fails create with the annotation named
	rm "$B/config.json"
	volt_bundle '["true"]'
	edit '.annotations={"run.oci.volt.landlock":"no-such-profile"}'
	run rt create --bundle "$B" ll3
	[ "$status" -eq 1 ]
	[[ "$output" == *"run.oci.volt.landlock"* ]]
}

@test "linux.sysctl is written before /proc/sys turns read-only" {
	# a network namespace of its own: its sysctls belong to the container's root
	volt_bundle '["sh","-c","cat /proc/sys/net/ipv4/ping_group_range"]'
	edit '.linux.namespaces += [{"type":"network"}] | .linux.sysctl={"net.ipv4.ping_group_range":"0 0"}'
	run rt run --bundle "$B" s1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(echo $output)" = "0 0" ]
}

# hook_script PATH: a hook that prints its kind (its first argument), the
# status its stdin's state says, where it ran ("container" when the
# container's root, which has /oci-hook.sh, is its root, else "host") and
# its uid (0 in the container's user namespace)
hook_script() {
	cat >"$1" <<'SH'
#!/bin/sh
st=$(grep -o '"status": *"[a-z]*"' | grep -o '[a-z]*"$' | tr -d '"')
where=host
[ -e /oci-hook.sh ] && where=container
echo "hook $1 $st $where $(id -u)"
SH
	chmod 755 "$1"
}

@test "hooks: all six kinds in order, state on stdin, createContainer and startContainer in the container" {
	hook_script "$BATS_FILE_TMPDIR/rootfs/oci-hook.sh"
	H="$BATS_TEST_TMPDIR/hook.sh"
	hook_script "$H"
	volt_bundle '["sh","-c","echo work"]'
	edit --arg h "$H" '.hooks={
		"prestart":[{"path":$h,"args":["hook.sh","prestart"]}],
		"createRuntime":[{"path":$h,"args":["hook.sh","createRuntime"]}],
		"createContainer":[{"path":$h,"args":["hook.sh","createContainer"]}],
		"startContainer":[{"path":"/oci-hook.sh","args":["oci-hook.sh","startContainer"],"timeout":5}],
		"poststart":[{"path":$h,"args":["hook.sh","poststart"]}],
		"poststop":[{"path":$h,"args":["hook.sh","poststop"]}]}'
	run rt run --bundle "$B" h1
	echo "$output"
	[ "$status" -eq 0 ]
	hooks=$(grep '^hook ' <<<"$output")
	# createContainer: in the container's namespaces (uid 0 of its user
	# namespace) before pivot_root (the runtime's file system), as runc
	u=$(id -u)
	[ "$hooks" = "hook prestart creating host $u
hook createRuntime creating host $u
hook createContainer creating host 0
hook startContainer created container 0
hook poststart running host $u
hook poststop stopped host $u" ]
	grep -qx work <<<"$output"
}

@test "hooks: a failing or timed-out createRuntime fails create and leaves nothing; a failing poststop only warns" {
	volt_bundle '["sleep","60"]'
	edit '.hooks={"createRuntime":[{"path":"/bin/sh","args":["sh","-c","exit 3"]}]}'
	run rt create --bundle "$B" h2
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"hooks.createRuntime[0] (/bin/sh) exited with status 3"* ]]
	run rt state h2
	[ "$status" -eq 1 ]
	edit '.hooks={"createRuntime":[{"path":"/bin/sleep","args":["sleep","30"],"timeout":1}]}'
	SECONDS=0
	run rt create --bundle "$B" h3
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"timed out after 1 s"* ]]
	[ "$SECONDS" -lt 10 ]
	edit '.process.args=["true"] | .hooks={"poststop":[{"path":"/bin/false"}]}'
	run rt run --bundle "$B" h4
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"warning: hooks.poststop[0] (/bin/false) exited with status 1"* ]]
}

# proc_state PID: the one-letter state of a process (R, S, T, ...)
proc_state() {
	sed 's/.*) //' "/proc/$1/stat" | cut -c1
}

@test "pause and resume without a cgroup: SIGSTOP and SIGCONT of the container's processes" {
	volt_bundle '["sh","-c","sleep 60 & while :; do sleep 0.1; done"]'
	rt run -d --bundle "$B" p1
	pid=$(rt state p1 | jq -r .pid)
	wait_for sh -c "[ \$(ls /proc/$pid/task/*/children >/dev/null; cat /proc/$pid/task/*/children | wc -w) -ge 2 ]"
	rt pause p1
	[ "$(rt state p1 | jq -r .status)" = paused ]
	for p in $(rt ps --format json p1 | jq -r '.[]'); do
		[ "$(proc_state "$p")" = T ]
	done
	run rt pause p1
	[ "$status" -eq 1 ]
	[[ "$output" == *"is paused, not running"* ]]
	rt resume p1
	[ "$(rt state p1 | jq -r .status)" = running ]
	for p in $(rt ps --format json p1 | jq -r '.[]'); do
		[ "$(proc_state "$p")" != T ]
	done
	# update needs a cgroup of the container's own
	run rt update --pids-limit 10 p1
	[ "$status" -eq 1 ]
	[[ "$output" == *"has no cgroup of its own"* ]]
	rt delete -f p1
}

@test "linux.devices: the host's node is bound in; a node of another type is refused" {
	[ -c /dev/fuse ] || skip_or_fail "no /dev/fuse on this host"
	volt_bundle '["sh","-c","test -c /dev/fuse && echo char; cat /dev/fuse 2>&1 | head -c 0; echo ok"]'
	edit '.linux.devices=[{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438}]'
	run rt run --bundle "$B" d1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = char ]
	edit '.linux.devices=[{"path":"/dev/fuse","type":"b"}]'
	run rt run --bundle "$B" d2
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.devices[0]: /dev/fuse on the host is not a device of type b"* ]]
}

@test "run accepts --pid-file, --no-pivot and --no-new-keyring" {
	volt_bundle '["sleep","60"]'
	rt run -d --no-pivot --no-new-keyring --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$B" f1
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(rt state f1 | jq -r .pid)" ]
	rt delete -f f1
	run rt state f1
	[ "$status" -eq 1 ]
}

# delegated_cgroup: run only where this process's cgroup v2 directory's parent
# is this user's (scripts/cgroup-delegate, run-bats's delegated-cgroup pass)
delegated_cgroup() {
	local v2 own
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	own=$(sed -n 's/^0:://p' /proc/self/cgroup)
	CG_PARENT="$v2$(dirname "$own")"
	if [ -z "$v2" ] || [ "$own" = / ] || [ ! -O "$CG_PARENT" ]; then
		[ -n "${VOLT_TEST_CGROUP:-}" ] && skip_or_fail "VOLT_TEST_CGROUP is set but $CG_PARENT is not delegated to $(id -un)"
		not_in_this_mode "no delegated cgroup v2 (run-bats's delegated-cgroup pass runs it)"
	fi
}

@test "cgroupsPath in a delegated cgroup: the container's own cgroup, resources, the freezer, update, delete" {
	delegated_cgroup
	volt_bundle '["sh","-c","sleep 60 & while :; do sleep 0.1; done"]'
	edit '.linux.cgroupsPath="oci-cg1" | .linux.resources={"pids":{"limit":50},"unified":{"cgroup.max.descendants":"3"}}'
	# the notes go to --log: the detached container keeps run's stdio
	"$RT" --root "$ST" --debug --log "$BATS_TEST_TMPDIR/log" run -d --bundle "$B" g1 </dev/null >/dev/null 2>&1
	output=$(cat "$BATS_TEST_TMPDIR/log")
	echo "$output"
	cg="$CG_PARENT/oci-cg1"
	pid=$(rt state g1 | jq -r .pid)
	grep -qx "$pid" "$cg/cgroup.procs"
	# unified: written as given (core files need no controller)
	[ "$(cat "$cg/cgroup.max.descendants")" = 3 ]
	# pids.limit: where the pids controller is delegated, written; where the
	# host has none in v2 (test-host.md's hybrid layout), a note says so
	if [ -f "$cg/pids.max" ]; then
		[ "$(cat "$cg/pids.max")" = 50 ]
	else
		echo "# no pids controller in cgroup v2 here: only the note is checked" >&3
		[[ "$output" == *"pids.max=50 not applied: no pids controller"* ]]
	fi
	# pause: the freezer, not signals
	rt pause g1
	grep -qx 'frozen 1' <(grep frozen "$cg/cgroup.events")
	[ "$(rt state g1 | jq -r .status)" = paused ]
	[ "$(proc_state "$pid")" != T ]
	rt resume g1
	grep -qx 'frozen 0' <(grep frozen "$cg/cgroup.events")
	# update: a resources file, then a flag runc has
	echo '{"unified":{"cgroup.max.descendants":"7"}}' >"$BATS_TEST_TMPDIR/res.json"
	rt update -r "$BATS_TEST_TMPDIR/res.json" g1
	[ "$(cat "$cg/cgroup.max.descendants")" = 7 ]
	if [ -f "$cg/pids.max" ]; then
		rt update --pids-limit 20 g1
		[ "$(cat "$cg/pids.max")" = 20 ]
	else
		run rt update --pids-limit 20 g1
		[ "$status" -eq 1 ]
		[[ "$output" == *"pids.max: no pids controller"* ]]
	fi
	rt delete -f g1
	[ ! -d "$cg" ]
}

# ns_bundle2 JQ-ARGS...: a second bundle $B2 over the same root, edited by jq
ns_bundle2() {
	B2="$BATS_TEST_TMPDIR/bundle2"
	mkdir -p "$B2"
	ln -sfn "$BATS_FILE_TMPDIR/rootfs" "$B2/rootfs"
	(cd "$B2" && rt spec --rootless)
	jq "$@" "$B2/config.json" >"$B2/c" && mv "$B2/c" "$B2/config.json"
}

@test "namespaces joined by path: every type, the mount one too (its root is the container's), as podman's pods" {
	volt_bundle '["sh","-c","echo from-first >/tmp/mark; sleep 60"]'
	edit '.linux.namespaces += [{"type":"network"},{"type":"cgroup"}]
	    | .mounts += [{"destination":"/tmp","type":"tmpfs","source":"tmpfs","options":["nosuid"]}]'
	rt run -d --bundle "$B" m1 </dev/null >/dev/null 2>&1
	pid=$(rt state m1 | jq -r .pid)
	for _ in $(seq 50); do [ -e "/proc/$pid/root/tmp/mark" ] && break; sleep 0.1; done
	# the mark is in the first container's tmpfs only: seen only through its mount namespace
	[ ! -e "$BATS_FILE_TMPDIR/rootfs/tmp/mark" ]
	ns_bundle2 --arg p "/proc/$pid/ns" '.process.terminal=false
	    | .process.args=["sh","-c","cat /tmp/mark; for n in user mnt pid net ipc uts cgroup; do readlink /proc/self/ns/$n; done"]
	    | del(.linux.uidMappings) | del(.linux.gidMappings)
	    | .linux.namespaces = [{"type":"user","path":($p+"/user")},{"type":"mount","path":($p+"/mnt")},
	        {"type":"pid","path":($p+"/pid")},{"type":"network","path":($p+"/net")},{"type":"ipc","path":($p+"/ipc")},
	        {"type":"uts","path":($p+"/uts")},{"type":"cgroup","path":($p+"/cgroup")}]'
	want="from-first"
	for n in user mnt pid net ipc uts cgroup; do want+=$'\n'"$(readlink "/proc/$pid/ns/$n")"; done
	run rt run --bundle "$B2" m2
	rt delete -f m1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$want" ]
}

@test "a namespace path of the wrong type, or not a namespace, is refused with its entry" {
	volt_bundle '["true"]'
	edit --arg p "/proc/$$/ns" '.linux.namespaces += [{"type":"network","path":($p+"/ipc")}]'
	run rt run --bundle "$B" w1
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.namespaces["*"]: /proc/$$/ns/ipc is a namespace of type ipc, not network"* ]]
	rm "$B/config.json"
	volt_bundle '["true"]'
	edit --arg f "$B/config.json" '.linux.namespaces += [{"type":"cgroup","path":$f}]'
	run rt run --bundle "$B" w2
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$B/config.json is not a namespace"* ]]
	[ -z "$(rt list -q)" ]
}

@test "list: runc's table, --format json and -q; events --stats and --interval" {
	volt_bundle '["sleep","60"]'
	rt create --bundle "$B" l1
	B="$BATS_TEST_TMPDIR/bundle-b"
	mkdir "$B"
	ln -s "$BATS_FILE_TMPDIR/rootfs" "$B/rootfs"
	volt_bundle '["true"]'
	# (run would delete it when it exits, as runc's does)
	rt create --bundle "$B" l2
	rt start l2
	for _ in $(seq 50); do [ "$(rt state l2 | jq -r .status)" = stopped ] && break; sleep 0.1; done
	pid=$(rt state l1 | jq -r .pid)
	run rt list
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
	[[ "${lines[1]}" =~ ^l1\ +$pid\ +created\ +$BATS_TEST_TMPDIR/bundle\ +[0-9T:.-]+Z\ +$(id -un)$ ]]
	[[ "${lines[2]}" =~ ^l2\ +0\ +stopped\ + ]]
	# tabwriter's columns: the PID column starts where the header's does
	h=${lines[0]%%PID*} r=${lines[1]%%$pid*}
	[ "${#h}" -eq 12 ] && [ "${#r}" -eq 12 ]
	run rt list --format json
	[ "$(jq -r '.[0].id, .[0].pid, .[0].status, .[1].status, .[0].owner' <<<"$output" | tr '\n' ' ')" = "l1 $pid created stopped $(id -un) " ]
	[ "$(rt list -q | tr '\n' ' ')" = "l1 l2 " ]
	rt start l1
	run rt events --stats l1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.type, .id, .data.pids.current' <<<"$output" | tr '\n' ' ')" = "stats l1 1 " ]
	[ "$(jq -r '.data.memory.usage.usage > 0' <<<"$output")" = true ]
	jq -e '.data.cpu.usage.total >= 0' <<<"$output"
	# --interval: a line each time until the container stops
	(sleep 1.5; rt kill l1 KILL) &
	run timeout 20 "$RT" --root "$ST" events --interval 200ms l1
	wait
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 3 ]
	jq -e 'select(.type == "stats" and .id == "l1")' <<<"${lines[2]}"
	run rt events --stats l2
	[ "$status" -eq 1 ]
	[[ "$output" == *"container l2 is not running"* ]]
	rt delete l1
	rt delete l2
}

@test "annotation run.oci.volt.vm: false runs a container, a bad value is refused (true: oci-vm.bats)" {
	volt_bundle '["sh","-c","echo ran >&2"]'
	edit '.annotations["run.oci.volt.vm"]="yes"'
	run rt run --bundle "$B" v1
	[ "$status" -eq 1 ]
	[[ "$output" == *'run.oci.volt.vm: must be "true" or "false"'* ]]
	edit '.annotations["run.oci.volt.vm"]="false"'
	run rt run --bundle "$B" v1
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
}

# seccomp_agent SOCK OUT: a listener at SOCK that takes the notification fd
# (SCM_RIGHTS) and the state, writes the state to OUT, then answers one
# notification with ENOMSG (42), as an outside seccomp agent would
seccomp_agent() {
	python3 - "$1" "$2" <<'PY' &
import array, ctypes, fcntl, json, socket, struct, sys
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1]); srv.listen(1)
open(sys.argv[1] + ".ready", "w").close()
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(65536, socket.CMSG_SPACE(fds.itemsize))
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
st = json.loads(msg)
st["received_fds"] = len(fds)
with open(sys.argv[2], "w") as f:
    json.dump(st, f)
# struct seccomp_notif (80 bytes): id, pid, flags, data{nr, arch, ip, args[6]}
notif = bytearray(80)
fcntl.ioctl(fds[0], 0xC0502100, notif)  # SECCOMP_IOCTL_NOTIF_RECV
nid = struct.unpack_from("Q", notif, 0)[0]
# struct seccomp_notif_resp: id, val, error (negative errno), flags
fcntl.ioctl(fds[0], 0xC0182101, bytearray(struct.pack("QqiI", nid, 0, -42, 0)))  # NOTIF_SEND
PY
	AGENT=$!
	for _ in $(seq 50); do [ -e "$1.ready" ] && return; sleep 0.1; done
}

@test "linux.seccomp.listenerPath: the notification fd and the state reach the agent, whose answer the container sees" {
	command -v python3 >/dev/null || skip_or_fail "python3 is not installed"
	sock="$BATS_TEST_TMPDIR/agent.sock"
	seccomp_agent "$sock" "$BATS_TEST_TMPDIR/agent.json"
	volt_bundle '["sh","-c","mkdir /tmp/d || echo refused; echo after"]'
	edit --arg s "$sock" '.linux.seccomp={"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
	      "listenerPath":$s,"listenerMetadata":"meta-1","flags":["SECCOMP_FILTER_FLAG_LOG"],
	      "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_NOTIFY"}]}'
	run timeout 30 "$RT" --root "$ST" run --bundle "$B" s1
	wait "$AGENT"
	echo "$output"
	cat "$BATS_TEST_TMPDIR/agent.json"
	[ "$status" -eq 0 ]
	# ENOMSG is the agent's answer: only a working fd could give it
	[[ "$output" == *"No message of desired type"* ]]
	[[ "$output" == *refused* ]]
	[[ "$output" == *after* ]]
	[ "$(jq -c '[.fds, .metadata, .state.id, .received_fds, (.pid > 0), .state.pid == .pid]' "$BATS_TEST_TMPDIR/agent.json")" = \
		'[["seccompFd"],"meta-1","s1",1,true,true]' ]
	# features says so
	rt features | jq -e '(.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")) and (.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG")) and .linux.mountExtensions.idmap.enabled and (.mountOptions | index("idmap")) and (.linux.namespaces | index("time"))'
	# a listener that is not there fails create with the field
	rm "$B/config.json"
	volt_bundle '["true"]'
	edit --arg s "$BATS_TEST_TMPDIR/none.sock" '.linux.seccomp={"defaultAction":"SCMP_ACT_ALLOW","listenerPath":$s,
	      "syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}'
	run rt run --bundle "$B" s2
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.seccomp.listenerPath: connect to $BATS_TEST_TMPDIR/none.sock"* ]]
}

@test "idmapped mounts: a tmpfs of the container's own bound idmapped; the host's file system refused by name" {
	volt_bundle '["sh","-c","stat -c \"%u %g\" /t /m"]'
	root=$(realpath "$BATS_FILE_TMPDIR/rootfs")
	# id 7 of the mount is the caller's id (the container's 0): the tmpfs's
	# own 0 then has no id in the mount and shows as the overflow id
	edit --arg src "$root/t" --argjson u "$(id -u)" --argjson g "$(id -g)" \
		'.mounts += [{"destination":"/t","type":"tmpfs","source":"tmpfs","options":["mode=755"]},
		  {"destination":"/m","type":"bind","source":$src,"options":["bind","idmap"],
		   "uidMappings":[{"containerID":7,"hostID":$u,"size":1}],"gidMappings":[{"containerID":7,"hostID":$g,"size":1}]}]'
	run rt run --bundle "$B" i1
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 0" ]
	[ "${lines[1]}" = "65534 65534" ]
	if has_subuid; then
		# the tmpfs's 0 as host id start+999: the container's 1000
		read -r start _ < <(awk -F: -v u="$(id -un)" '$1==u {print $2, $3}' /etc/subuid)
		read -r gstart _ < <(awk -F: -v u="$(id -un)" '$1==u {print $2, $3}' /etc/subgid)
		edit --argjson u "$(id -u)" --argjson g "$(id -g)" --argjson s "$start" --argjson gs "$gstart" \
			'.linux.uidMappings=[{"containerID":0,"hostID":$u,"size":1},{"containerID":1,"hostID":$s,"size":65536}]
			 | .linux.gidMappings=[{"containerID":0,"hostID":$g,"size":1},{"containerID":1,"hostID":$gs,"size":65536}]
			 | .mounts[-1].uidMappings=[{"containerID":0,"hostID":($s+999),"size":1}]
			 | .mounts[-1].gidMappings=[{"containerID":0,"hostID":($gs+999),"size":1}]'
		run rt run --bundle "$B" i2
		echo "$output"
		[ "$status" -eq 0 ]
		[ "${lines[1]}" = "1000 1000" ]
	fi
	# the host's ext4 (its superblock is the host's user namespace's): refused
	mkdir "$BATS_TEST_TMPDIR/hostdir"
	edit --arg src "$BATS_TEST_TMPDIR/hostdir" --argjson u "$(id -u)" --argjson g "$(id -g)" \
		'.mounts[-1].source=$src | .mounts[-1].uidMappings=[{"containerID":0,"hostID":$u,"size":1}]
		 | .mounts[-1].gidMappings=[{"containerID":0,"hostID":$g,"size":1}]'
	run rt run --bundle "$B" i3
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mounts["*"]: idmapped mount of $BATS_TEST_TMPDIR/hostdir on /m refused by the kernel: its file system belongs to a user namespace this one does not control"* ]]
	# host ids the container does not map
	edit '.mounts[-1].uidMappings=[{"containerID":0,"hostID":4000000000,"size":1}]'
	run rt run --bundle "$B" i4
	[ "$status" -eq 1 ]
	[[ "$output" == *"host ids 4000000000-4000000000 are not mapped in the container's user namespace"* ]]
	# an idmap option without both mappings
	edit '.mounts[-1] |= del(.gidMappings)'
	run rt run --bundle "$B" i5
	[ "$status" -eq 1 ]
	[[ "$output" == *"needs both uidMappings and gidMappings"* ]]
}

@test "a time namespace joined by path (with its user namespace); a new one is refused" {
	unshare --user --map-root-user --time true 2>/dev/null || skip_or_fail "unshare --time does not work here"
	unshare --user --map-root-user --time sleep 60 &
	other=$!
	for _ in $(seq 50); do [ "$(readlink /proc/$other/ns/time)" != "$(readlink /proc/self/ns/time)" ] && break; sleep 0.1; done
	volt_bundle '["readlink","/proc/self/ns/time"]'
	edit --arg p "/proc/$other/ns" 'del(.linux.uidMappings) | del(.linux.gidMappings)
	    | .linux.namespaces += [{"type":"time","path":($p+"/time")}]
	    | .linux.namespaces |= map(if .type == "user" then .path = ($p+"/user") else . end)'
	want=$(readlink "/proc/$other/ns/time")
	run rt run --bundle "$B" t1
	echo "$output"
	[ "$status" -eq 0 ] || { kill "$other"; false; }
	[ "$output" = "$want" ] || { kill "$other"; false; }
	edit '.linux.namespaces |= map(if .type == "time" then del(.path) else . end)'
	run rt run --bundle "$B" t2
	kill "$other"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"a new time namespace is not supported (one given by path is)"* ]]
}
