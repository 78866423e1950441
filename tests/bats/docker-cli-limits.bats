#!/usr/bin/env bats
# docker's --ulimit, --sysctl and --group-add (issue 17): applied in the
# container, kept in the record for start after create, shown by inspect,
# and the ones volt cannot honour refused with one line.

load helpers

busybox_fixture

@test "--ulimit: soft and hard limits in the container; start after create keeps them; inspect shows them" {
	run volt run --rm --ulimit nofile=100:200 --ulimit core=0 busybox sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
	[ "$status" -eq 0 ]
	[ "$output" = "100
200
0" ]
	id=$(volt create --ulimit nofile=300 busybox sh -c 'ulimit -n; ulimit -Hn')
	run volt start -a "$id"
	[ "$output" = "300
300" ]
	run volt start -a "$id"
	[ "$output" = "300
300" ]
	[ "$(volt inspect -f '{{json .HostConfig.Ulimits}}' "$id")" = '[{"Name":"nofile","Soft":300,"Hard":300}]' ]
	# volt exec's processes get them too, as docker exec's do
	id=$(volt run -d --ulimit nofile=150:250 busybox sleep 30)
	[ "$(volt exec "$id" sh -c 'ulimit -n')" = 150 ]
}

@test "--ulimit: a hard limit above the user's own, an unknown name, soft above hard: one line each" {
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || not_in_this_mode "the open-files hard limit is unlimited"
	run --separate-stderr volt run --rm --ulimit "nofile=10:$((hard + 1))" busybox true
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: --ulimit nofile: hard limit $((hard + 1)) is above your own ($hard): a container can only lower its user's limits" ]
	run --separate-stderr volt run --rm --ulimit nofoo=1 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: run: --ulimit nofoo=1: no such limit"* ]]
	run --separate-stderr volt create --ulimit nofile=20:10 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: create: --ulimit nofile=20:10: the soft limit is above the hard limit"* ]]
	[ -z "$(volt ps -aq)" ]
}

@test "--sysctl: net, IPC, mqueue and domainname sysctls in the container's namespaces; inspect shows them" {
	run volt run --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.shmmax=123456 \
		--sysctl fs.mqueue.msg_max=20 --sysctl kernel.domainname=ex.org busybox \
		cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname
	[ "$status" -eq 0 ]
	[ "$output" = "1
123456
20
ex.org" ]
	# the host's are untouched
	[ "$(cat /proc/sys/kernel/shmmax)" != 123456 ]
	id=$(volt create --sysctl kernel.shmmni=1000 busybox cat /proc/sys/kernel/shmmni)
	[ "$(volt start -a "$id")" = 1000 ]
	[ "$(volt inspect -f '{{json .HostConfig.Sysctls}}' "$id")" = '{"kernel.shmmni":"1000"}' ]
}

@test "--sysctl: a host-wide key, net.* without an own network, kernel.hostname: refused with one line" {
	run --separate-stderr volt run --rm --sysctl kernel.panic=1 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: --sysctl kernel.panic=1: not allowed: only sysctls of the container's own namespaces"* ]]
	[ "$(wc -l <<<"$stderr")" -eq 1 ]
	run --separate-stderr volt run --rm --network host --sysctl net.ipv4.ip_forward=1 busybox true
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: --sysctl net.ipv4.ip_forward=1: net.* needs the container's own network namespace (not --network host)" ]
	run --separate-stderr volt run --rm --sysctl kernel.hostname=x busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--hostname"* ]]
	run --separate-stderr volt run --rm --sysctl nokey busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: run: --sysctl nokey: use KEY=VALUE"* ]]
	[ -z "$(volt ps -aq)" ]
}

@test "--group-add: a gid and a name from the container's /etc/group, kept for start; single-uid mode says why not" {
	if ! has_subuid; then
		run --separate-stderr volt run --rm --group-add 10 busybox id -G
		[ "$status" -eq 125 ]
		[[ "$stderr" == "volt: --group-add: single-uid mode maps one gid"* ]]
		[ -z "$(volt ps -aq)" ]
		return
	fi
	run volt run --rm --group-add 10 --group-add extra -u 1000 busybox id -G
	[ "$status" -eq 0 ]
	[ "$output" = "1000 10 2000" ]
	run volt run --rm --group-add web busybox id -G
	[ "$output" = "0 101" ]
	id=$(volt create --group-add 10 busybox id -G)
	[ "$(volt start -a "$id")" = "0 10" ]
	[ "$(volt inspect -f '{{json .HostConfig.GroupAdd}}' "$id")" = '["10"]' ]
	run --separate-stderr volt run --rm --group-add nosuch busybox true
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"--group-add nosuch: no such group in the container's /etc/group"* ]]
}

@test "--ulimit, --sysctl, --group-add with --vm: refused with one line" {
	run --separate-stderr volt create --vm --ulimit nofile=10 busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == "volt: "*"--ulimit, --sysctl and --group-add are for containers"* ]]
	[ -z "$(volt ps -aq)" ]
}
