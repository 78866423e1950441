#!/usr/bin/env bats
# generate systemd and units apply (issue 17 item 5): --restart on-failure:N
# as Restart=on-failure with a start limit of N restarts; the header names
# the file to edit only when there is one. The "systemd:" test lets a user
# manager restart a failing unit (skipped when none answers).

load helpers

busybox_fixture

has_manager() {
	[ -n "${XDG_RUNTIME_DIR:-}" ] && systemctl --user show -p Version >/dev/null 2>&1
}

@test "generate systemd: on-failure:3 is Restart=on-failure with a start limit of 3 restarts" {
	volt create --name g3 --restart on-failure:3 busybox false >/dev/null
	run volt generate systemd g3
	[ "$status" -eq 0 ]
	# the limit is the unit's ([Unit], before [Service]): 1 start + 3 restarts
	unit_part=${output%%\[Service\]*}
	[[ "$unit_part" == *$'\nStartLimitIntervalSec=infinity\n'* ]]
	[[ "$unit_part" == *$'\nStartLimitBurst=4\n'* ]]
	[[ "$output" == *$'\nRestart=on-failure\n'* ]]
	[[ "$output" == *$'\nRestartPreventExitStatus=125\n'* ]]
	# no .volt file behind it: the header names none
	[ "${lines[0]}" = "# written by volt generate systemd: run it again after changing the container" ]
	[[ "$output" != *".volt"* ]]
	if command -v systemd-analyze >/dev/null; then
		volt generate systemd g3 >"$BATS_TEST_TMPDIR/volt-g3.service"
		# systemd reads every key (its own runtime directory, no manager)
		mkdir -m 700 "$BATS_TEST_TMPDIR/xr"
		run env XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/xr" systemd-analyze --user verify "$BATS_TEST_TMPDIR/volt-g3.service"
		[ "$status" -eq 0 ]
		[[ "$output" != *"Unknown key"* && "$output" != *"Failed to parse"* && "$output" != *nvalid* ]]
	fi
	# on-failure without a count, always, no: no start limit
	volt create --name ga --restart always busybox true >/dev/null
	run volt generate systemd ga
	[[ "$output" == *$'\nRestart=always\n'* ]]
	[[ "$output" != *StartLimit* ]]
	volt create --name gn busybox true >/dev/null
	run volt generate systemd gn
	[[ "$output" == *$'\nRestart=no\n'* ]]
	[[ "$output" != *RestartPreventExitStatus* ]]
}

@test "generate systemd --new: after a flag without a value, the image and the command's words stay" {
	# the word after --privileged (-P, --seccomp-audit...) is the image, not
	# the flag's value: the command's -t is the command's, kept in ExecStart
	# (-w/tmp: a short option with its value in the same word)
	for flag in --privileged -P --publish-all --seccomp-audit --read-only --init -w/tmp; do
		volt create --name gv --entrypoint /bin/echo "$flag" busybox -t hi >/dev/null
		run volt generate systemd --new gv
		[ "$status" -eq 0 ]
		exec_start=$(grep '^ExecStart=' <<<"$output")
		[[ "$exec_start" == *" run --name gv --entrypoint /bin/echo $flag busybox -t hi" ]] || {
			echo "$flag: $exec_start" >&2
			false
		}
		volt rm -f gv >/dev/null
	done
}

@test "units apply: the header names the .volt file; on-failure:2 gives a burst of 3" {
	mkdir -p "$BATS_TEST_TMPDIR/u"
	printf '[Container]\nName=ua\nImage=busybox\nExec=false\nRestart=on-failure:2\n' >"$BATS_TEST_TMPDIR/u/ua.volt"
	run volt units apply --dir "$BATS_TEST_TMPDIR/u" --output "$BATS_TEST_TMPDIR/o"
	[ "$status" -eq 0 ]
	f=$BATS_TEST_TMPDIR/o/volt-ua.service
	[ "$(head -1 "$f")" = "# written by volt units apply from $BATS_TEST_TMPDIR/u/ua.volt:" ]
	[ "$(sed -n 2p "$f")" = "# edit that file and run volt units apply again" ]
	grep -qx 'StartLimitBurst=3' "$f"
	grep -qx 'Restart=on-failure' "$f"
}

@test "systemd: a failing unit made with on-failure:3 is restarted 3 times, then left failed" {
	if ! has_manager; then
		[ -n "${VOLT_TEST_SYSTEMD:-}" ] && { echo "VOLT_TEST_SYSTEMD set, but no user manager answers" >&2; false; }
		not_in_this_mode "no systemd user manager for this user (the run without one)"
	fi
	mkdir -p "$BATS_TEST_TMPDIR/cnt"
	volt create --name gf --restart on-failure:3 -v "$BATS_TEST_TMPDIR/cnt:/cnt" busybox \
		sh -c 'echo run >>/cnt/runs; exit 3' >/dev/null
	dir=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
	run volt generate systemd --new --files gf
	[ "$status" -eq 0 ]
	[ "$output" = "$dir/volt-gf.service" ]
	volt rm -f gf >/dev/null
	systemctl --user daemon-reload
	systemctl --user reset-failed volt-gf.service 2>/dev/null || true
	systemctl --user start volt-gf.service || true
	for i in $(seq 1 100); do
		[ "$(systemctl --user show -p ActiveState --value volt-gf.service)" = failed ] && break
		sleep 0.2
	done
	[ "$(systemctl --user show -p ActiveState --value volt-gf.service)" = failed ]
	# the first start and 3 restarts; the limit holds: no fifth run comes
	[ "$(wc -l <"$BATS_TEST_TMPDIR/cnt/runs")" -eq 4 ]
	sleep 2
	[ "$(wc -l <"$BATS_TEST_TMPDIR/cnt/runs")" -eq 4 ]
	# the limit stopped it, not a stop: systemd 252 keeps the failed run's
	# result (exit-code) when the restart it refuses comes after a failure;
	# newer ones say start-limit-hit
	systemctl --user show -p Result --value volt-gf.service | grep -Eqx 'exit-code|start-limit-hit'
	systemctl --user reset-failed volt-gf.service || true
	rm -f "$dir/volt-gf.service"
	systemctl --user daemon-reload
}
