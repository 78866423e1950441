#!/usr/bin/env bats
# Slurm drives volt-runtime: `srun --container=BUNDLE CMD` as an ordinary
# user on the single-node cluster that scripts/slurm-test-setup (run by
# scripts/test-setup, as root) starts with an oci.conf naming this build's
# volt-runtime (docs/oci-runtime.md, "Slurm").

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	require_userns
	if [ -e "$VOLT_TEST_DIR/slurm.unavailable" ]; then
		skip_or_fail "no Slurm cluster here: $(cat "$VOLT_TEST_DIR/slurm.unavailable")"
	fi
	command -v srun >/dev/null || skip_or_fail "srun is not installed (slurm-wlm)"
	# another build's test-setup may have pointed oci.conf at its runtime
	grep -qF "$VOLT_TEST_DIR/bin/volt-runtime " /etc/slurm/oci.conf ||
		skip_or_fail "/etc/slurm/oci.conf does not name $VOLT_TEST_DIR/bin/volt-runtime (rerun scripts/test-setup)"
	timeout 10 sinfo -h -o %a | grep -q up || skip_or_fail "the Slurm partition is not up: $(timeout 10 sinfo 2>&1)"
}

setup() {
	B="$BATS_TEST_TMPDIR/bundle"
	mkdir -p "$B/rootfs"
	tar -xpf "$BUSYBOX_TAR" -C "$B/rootfs"
	chmod 755 "$B/rootfs" "$B" "$BATS_TEST_TMPDIR"
	# a file only the container's root has
	echo inside >"$B/rootfs/marker"
	(cd "$B" && "$VOLT_TEST_DIR/bin/volt-runtime" spec --rootless)
	jq '.process.terminal=false' "$B/config.json" >"$B/c" && mv "$B/c" "$B/config.json"
}

@test "srun --container runs the command in volt-runtime: output and exit code" {
	# srun's own note of the exit ("srun: error: ... exit code 7") is on its
	# stderr, at any point of the output: the command's lines are stdout's
	run --separate-stderr timeout 120 srun --container="$B" sh -c 'cat /marker; hostname; id -u; echo "job $SLURM_JOB_ID"; exit 7'
	echo "$output"
	echo "$stderr"
	[ "$status" -eq 7 ]
	[ "${lines[0]}" = inside ]
	# the bundle's hostname and the bundle's mapping: uid 0 inside
	[ "${lines[1]}" = volt ]
	[ "${lines[2]}" = 0 ]
	[[ "${lines[3]}" == "job "[0-9]* ]]
	# Slurm's RunTimeDelete ran: no state is left for the step
	run ls "/tmp/volt-runtime-slurm-$(id -un)"
	[ -z "$output" ]
}

@test "srun --container: a command that is not in the container fails the step" {
	run -127 timeout 120 srun --container="$B" no-such-command
	echo "$output"
	[ "$status" -eq 127 ]
	[[ "$output" == *"no-such-command"* ]]
}
