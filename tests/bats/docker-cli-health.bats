#!/usr/bin/env bats
# Health checks (issue 17 item 3): --health-* and the image's Healthcheck,
# run by the container's monitor (workload/health.c); ps STATUS and
# --filter health=, inspect's State.Health, volt healthcheck run, events.

load helpers

IMG="$VOLT_TEST_DIR/images"

busybox_fixture

# has_event NAME ACTION: the event log has it
has_event() {
	volt events --since 0 --until "$(($(date +%s) + 1))" --filter container="$1" | grep -q "$2"
}

# health_is NAME STATUS: wait up to 15 s (a loaded 2-core host)
health_is() {
	local i
	for i in $(seq 1 150); do
		[ "$(volt inspect -f '{{.State.Health.Status}}' "$1" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.1
	done
	echo "health of $1: $(volt inspect -f '{{json .State.Health}}' "$1")" >&2
	return 1
}

@test "healthy, then unhealthy once the file the check tests is gone; ps, filter, inspect, events" {
	volt run -d --name hc1 --health-cmd 'test -e /tmp/ok && echo fine' --health-interval 1s \
		--health-retries 2 busybox sh -c 'touch /tmp/ok; exec sleep 1000' >/dev/null
	run volt ps --filter name=hc1 --format '{{.Status}}'
	[[ "$output" == *"(health: starting)" ]] || [[ "$output" == *"(healthy)" ]]
	health_is hc1 healthy
	run volt ps --filter name=hc1 --format '{{.Status}}'
	[[ "$output" == "Up "*" (healthy)" ]]
	[ "$(volt ps -q --filter health=healthy)" = "$(volt ps -q --filter name=hc1)" ]
	[ -z "$(volt ps -q --filter health=unhealthy)" ]
	run volt inspect hc1
	[ "$(jq -r '.[0].State.Health.FailingStreak' <<<"$output")" = 0 ]
	[ "$(jq -r '.[0].State.Health.Log[0].ExitCode' <<<"$output")" = 0 ]
	[ "$(jq -r '.[0].State.Health.Log[0].Output' <<<"$output")" = fine ]
	[[ "$(jq -r '.[0].State.Health.Log[0].Start' <<<"$output")" == 20*Z ]]
	[[ "$(jq -r '.[0].State.Health.Log[0].End' <<<"$output")" == 20*Z ]]
	[ "$(jq -c '.[0].Config.Healthcheck.Test' <<<"$output")" = '["CMD-SHELL","test -e /tmp/ok && echo fine"]' ]
	[ "$(jq -r '.[0].Config.Healthcheck.Interval' <<<"$output")" = 1000000000 ]
	[ "$(jq -r '.[0].Config.Healthcheck.Retries' <<<"$output")" = 2 ]
	volt exec hc1 rm /tmp/ok
	health_is hc1 unhealthy
	run volt ps --filter name=hc1 --format '{{.Status}}'
	[[ "$output" == "Up "*" (unhealthy)" ]]
	[ "$(volt ps -q --filter health=unhealthy)" = "$(volt ps -q --filter name=hc1)" ]
	[ -z "$(volt ps -q --filter health=healthy)" ]
	run volt inspect hc1
	[ "$(jq -r '.[0].State.Health.FailingStreak' <<<"$output")" -ge 2 ]
	[ "$(jq -r '.[0].State.Health.Log | length' <<<"$output")" -le 5 ]
	[ "$(jq -r '.[0].State.Health.Log[-1].ExitCode' <<<"$output")" = 1 ]
	wait_for has_event hc1 "health_status: unhealthy"
	run volt events --since 0 --until "$(($(date +%s) + 1))" --filter container=hc1
	[[ "$output" == *"health_status: healthy"* ]]
	[[ "$output" == *"health_status: unhealthy"* ]]
}

@test "the retries count: unhealthy only at the Nth failure in a row" {
	volt run -d --name hc2 --health-cmd false --health-interval 1s --health-retries 3 busybox sleep 1000 >/dev/null
	health_is hc2 unhealthy
	run volt inspect hc2
	# the first two failures left it starting; the third made it unhealthy
	[ "$(jq -r '.[0].State.Health.FailingStreak' <<<"$output")" -ge 3 ]
	wait_for has_event hc2 "health_status: unhealthy"
	run volt events --since 0 --until "$(($(date +%s) + 1))" --filter container=hc2
	[[ "$output" != *"health_status: healthy"* ]]
}

@test "a timeout kills a hanging check: exit code -1 and docker's words" {
	volt run -d --name hc3 --health-cmd 'exec sleep 100' --health-interval 1s --health-timeout 1s \
		--health-retries 1 busybox sleep 1000 >/dev/null
	health_is hc3 unhealthy
	run volt inspect hc3
	[ "$(jq -r '.[0].State.Health.Log[0].ExitCode' <<<"$output")" = -1 ]
	[ "$(jq -r '.[0].State.Health.Log[0].Output' <<<"$output")" = "Health check exceeded timeout (1s)" ]
	# the check took about its timeout, not its 100 s
	start=$(jq -r '.[0].State.Health.Log[0].Start' <<<"$output")
	end=$(jq -r '.[0].State.Health.Log[0].End' <<<"$output")
	[ $(($(date -d "$end" +%s) - $(date -d "$start" +%s))) -le 3 ]
	# the hanging checks are gone from the container: once 3 have timed out,
	# the current one runs (and, on a loaded host, the last one may be dying)
	for i in $(seq 1 150); do
		[ "$(volt inspect -f '{{.State.Health.FailingStreak}}' hc3)" -ge 3 ] && break
		sleep 0.1
	done
	[ "$(volt inspect -f '{{.State.Health.FailingStreak}}' hc3)" -ge 3 ]
	[ "$(volt exec hc3 sh -c 'ps -o args | grep -c "^sleep 100"')" -le 2 ]
}

@test "start period: failures in it do not count" {
	volt run -d --name hc4 --health-cmd false --health-interval 1s --health-retries 1 \
		--health-start-period 4s busybox sleep 1000 >/dev/null
	sleep 2.5
	run volt inspect hc4
	[ "$(jq -r '.[0].State.Health.Status' <<<"$output")" = starting ]
	[ "$(jq -r '.[0].State.Health.FailingStreak' <<<"$output")" = 0 ]
	[ "$(jq -r '.[0].State.Health.Log | length' <<<"$output")" -ge 1 ]
	[ "$(volt ps -q --filter health=starting)" = "$(volt ps -q --filter name=hc4)" ]
	health_is hc4 unhealthy
}

@test "volt healthcheck run: 0 healthy, 1 unhealthy, 125 without a check or stopped" {
	volt run -d --name hc5 --health-cmd 'test -e /tmp/ok' --health-interval 1h busybox sleep 1000 >/dev/null
	run volt healthcheck run hc5
	[ "$status" -eq 1 ]
	[ "$output" = unhealthy ] || [ "$output" = starting ]
	volt exec hc5 touch /tmp/ok
	run volt healthcheck run hc5
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(volt inspect -f '{{.State.Health.Status}}' hc5)" = healthy ]
	volt run -d --name hc6 busybox sleep 1000 >/dev/null
	run --separate-stderr volt healthcheck run hc6
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: container hc6 has no defined healthcheck" ]
	[ "$(volt ps --filter name=hc6 --format '{{.Status}}' | grep -c health)" = 0 ]
	[ "$(volt ps -q --filter health=none)" = "$(volt ps -q --filter name=hc6)" ]
	volt stop -t 0 hc5 >/dev/null
	run --separate-stderr volt healthcheck run hc5
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: container hc5 is not running" ]
}

@test "the image's Healthcheck runs; options override it field by field; --no-healthcheck drops it" {
	[ -d "$IMG/oci" ] || skip_or_fail "test images missing: run scripts/test-setup"
	volt image import "oci:$IMG/oci:health" healthimg >/dev/null
	volt run -d --name hi1 healthimg >/dev/null
	run volt inspect hi1
	[ "$(jq -c '.[0].Config.Healthcheck.Test' <<<"$output")" = '["CMD-SHELL","test -e /tmp/ok"]' ]
	health_is hi1 healthy
	volt exec hi1 rm /tmp/ok
	health_is hi1 unhealthy
	# --health-retries over the image's: its Test and Interval stay
	volt run -d --name hi2 --health-retries 7 healthimg >/dev/null
	run volt inspect hi2
	[ "$(jq -r '.[0].Config.Healthcheck.Retries' <<<"$output")" = 7 ]
	[ "$(jq -r '.[0].Config.Healthcheck.Interval' <<<"$output")" = 1000000000 ]
	[ "$(jq -c '.[0].Config.Healthcheck.Test' <<<"$output")" = '["CMD-SHELL","test -e /tmp/ok"]' ]
	# --no-healthcheck: no check at all
	volt run -d --name hi3 --no-healthcheck healthimg >/dev/null
	sleep 2
	run volt inspect hi3
	[ "$(jq -r '.[0].State.Health' <<<"$output")" = null ]
	[ "$(jq -r '.[0].Config.Healthcheck' <<<"$output")" = null ]
	[[ "$(volt ps --filter name=hi3 --format '{{.Status}}')" != *health* ]]
	[ ! -e "$VOLT_ROOT/containers/$(volt inspect -f '{{.Id}}' hi3)/health.json" ]
	run volt healthcheck run hi3
	[ "$status" -eq 125 ]
}

@test "bad durations and retries are one line each; nothing is created" {
	run --separate-stderr volt run -d --health-cmd true --health-interval 10 busybox true
	[ "$status" -eq 125 ]
	[ "${stderr%%$'\n'*}" = 'volt: run: --health-interval 10: invalid duration "10": missing unit (as in 30s)' ]
	run --separate-stderr volt create --health-cmd true --health-timeout 5x busybox true
	[ "$status" -eq 125 ]
	[ "${stderr%%$'\n'*}" = 'volt: create: --health-timeout 5x: invalid duration "5x": unknown unit (use ns, us, ms, s, m or h)' ]
	run --separate-stderr volt run --health-start-period -1s busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == 'volt: run: --health-start-period -1s: invalid duration "-1s"'* ]]
	run --separate-stderr volt run --health-interval 10us --health-cmd true busybox true
	[ "$status" -eq 125 ]
	[ "${stderr%%$'\n'*}" = 'volt: run: --health-interval 10us: cannot be less than 1ms' ]
	run --separate-stderr volt run --health-retries many --health-cmd true busybox true
	[ "$status" -eq 125 ]
	[ "${stderr%%$'\n'*}" = 'volt: run: --health-retries many: not a number of retries (0 or more)' ]
	run --separate-stderr volt run --no-healthcheck --health-cmd true busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"--no-healthcheck conflicts with --health-cmd"* ]]
	[ -z "$(volt ps -aq)" ]
}

@test "--vm refuses health options with one line" {
	run --separate-stderr volt run --vm --health-cmd true busybox true
	[ "$status" -eq 125 ]
	[[ "$stderr" == *"health checks (--health-*): not supported for a microVM (--vm)"* ]]
}

@test "a foreground run checks too, and its checker holds no caller's pipe" {
	run volt run --name hf1 --health-cmd 'echo fg' --health-interval 1s busybox sleep 2.5
	[ "$status" -eq 0 ]
	run volt inspect hf1
	[ "$(jq -r '.[0].State.Health.Log | length' <<<"$output")" -ge 1 ]
	[ "$(jq -r '.[0].State.Health.Log[0].Output' <<<"$output")" = fg ]
	# $(...) returns when the container exits, not when a checker would
	start=$(date +%s%N)
	out=$(volt run --rm --health-cmd true --health-interval 1s busybox echo hi)
	[ "$out" = hi ]
	[ $((($(date +%s%N) - start) / 1000000)) -lt 5000 ]
}

@test "generate systemd keeps the health options" {
	volt create --name hg2 --health-cmd 'test -e /x' --health-interval 2s busybox ls -d / >/dev/null
	run volt generate systemd --new hg2
	[[ "$output" == *'run --name hg2 --health-cmd "test -e /x" --health-interval 2s busybox ls -d /'* ]]
	volt create --name hg3 --no-healthcheck busybox ls -d / >/dev/null
	run volt generate systemd --new hg3
	[[ "$output" == *'run --name hg3 --no-healthcheck busybox ls -d /'* ]]
}

@test "a paused container is not checked; healthcheck run says it is paused" {
	export VOLT_SUPERVISOR=builtin
	volt run -d --name hp1 --health-cmd 'date +%s%N' --health-interval 1s busybox sleep 1000 >/dev/null
	health_is hp1 healthy
	run volt pause hp1
	[ "$status" -eq 0 ] || skip_or_fail "volt pause: $output"
	sleep 1.5
	a=$(volt inspect -f '{{json .State.Health.Log}}' hp1)
	sleep 2.5
	b=$(volt inspect -f '{{json .State.Health.Log}}' hp1)
	[ "$a" = "$b" ]
	run --separate-stderr volt healthcheck run hp1
	[ "$status" -eq 125 ]
	[ "$stderr" = "volt: container hp1 is paused" ]
	volt unpause hp1
	sleep 2.5
	[ "$(volt inspect -f '{{json .State.Health.Log}}' hp1)" != "$b" ]
}

# checkers ID: the health schedulers running for the container ID
checkers() {
	local p n=0
	for p in $(pgrep -u "$(id -u)" -x volt-health); do
		grep -q "$1" "/proc/$p/cmdline" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}

@test "stop ends the checks with the container; start begins them again, starting" {
	volt run -d --name hr1 --health-cmd true --health-interval 1s busybox sleep 1000 >/dev/null
	id=$(volt inspect -f '{{.Id}}' hr1)
	health_is hr1 healthy
	[ "$(checkers "$id")" = 1 ]
	volt stop -t 1 hr1 >/dev/null
	[ "$(checkers "$id")" = 0 ]
	volt start hr1 >/dev/null
	[ "$(volt inspect -f '{{.State.Health.Status}}' hr1)" = starting ]
	health_is hr1 healthy
	[ "$(checkers "$id")" = 1 ]
	volt rm -f hr1 >/dev/null
	[ "$(checkers "$id")" = 0 ]
}
