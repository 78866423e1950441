#!/usr/bin/env bats
# MicroVMs, first steps: the engine (QEMU's microvm machine as the user), the
# accelerator choice (TCG here: no usable KVM on these hosts), kernels from a
# distribution package installed as the user, and a real boot of that kernel
# with volt-init as the guest agent, a command run through the agent
# protocol, and a guest that misbehaves refused. The kernel package comes from Debian's archive in
# scripts/test-setup (scripts/fetch-test-kernel, cached), never from /boot.

load helpers

KERNEL_DEB="$VOLT_TEST_DIR/images/kernel.deb"

need_qemu() {
	command -v qemu-system-x86_64 >/dev/null || skip_or_fail "qemu-system-x86_64 is not installed (scripts/install-deps)"
}

need_kernel_deb() {
	if [ ! -r "$KERNEL_DEB" ]; then
		local why="no kernel package was fetched"
		[ -r "$KERNEL_DEB.unavailable" ] && why=$(cat "$KERNEL_DEB.unavailable")
		skip_or_fail "$why"
	fi
}

# qemus: the QEMUs of this file's VMs (their kernel, from this test's store,
# is on their command line; other users of the machine run VMs of their own)
qemus() {
	pgrep -u "$(id -u)" -f "qemu-system-x86_64.* -kernel $VOLT_ROOT/" || true
}

setup() {
	volt_env
	# the host's /boot must not decide what these tests see
	export VOLT_HOST_BOOT="$BATS_FILE_TMPDIR/no-boot"
	mkdir -p "$VOLT_HOST_BOOT"
}

@test "vm: no kernel is one clear error that says how to get one" {
	need_qemu
	run volt vm check --accel tcg
	[ "$status" -eq 125 ]
	[[ "$output" == *"no kernel for microVMs"*"volt vm kernel fetch"*"--kernel PATH"* ]]
	[[ "$output" != *"No such file or directory"* ]] # the errno text says nothing here
	[ "$(grep -c '^volt:' <<<"$output")" -eq 1 ]
	run volt vm check --kernel "$BATS_TEST_TMPDIR/nope"
	[ "$status" -eq 125 ]
	[[ "$output" == *"nope"* ]]
}

@test "vm kernel fetch --deb: the kernel and the guest's modules, dependencies first, as the user" {
	need_kernel_deb
	run volt vm kernel fetch --deb "$KERNEL_DEB"
	[ "$status" -eq 0 ]
	ver=$output
	[[ "$ver" == [0-9]*-cloud-amd64 ]]
	d="$VOLT_ROOT/kernels/$ver"
	[ -s "$d/vmlinuz" ]
	# only the guest's set, not the distribution's whole tree
	n=$(wc -l <"$d/modules.load")
	[ "$n" -ge 5 ] && [ "$n" -le 40 ]
	[ "$(find "$d/modules" -name '*.ko' | wc -l)" -eq "$n" ]
	grep -q 'virtio_mmio.ko$' "$d/modules.load"
	grep -q 'virtio_net.ko$' "$d/modules.load"
	# virtio.ko comes before virtio_mmio.ko, which needs it
	[ "$(grep -n '/virtio.ko$' "$d/modules.load" | cut -d: -f1)" -lt \
	  "$(grep -n 'virtio_mmio.ko$' "$d/modules.load" | cut -d: -f1)" ]
	# nothing left behind from the unpacking
	[ -z "$(find "$VOLT_ROOT/kernels" -maxdepth 1 -name '.*' ! -name . )" ]
	run volt vm kernel ls
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "$ver"*"store"*"yes"* ]]
	run volt vm kernel ls --format json
	[ "$(jq -r 'select(.Default) | .Version' <<<"$output")" = "$ver" ]
	# again: replaced in place, still one
	volt vm kernel fetch --deb "$KERNEL_DEB"
	[ "$(volt vm kernel ls -q | wc -l)" -eq 1 ]
	run volt vm kernel rm "$ver"
	[ "$status" -eq 0 ]
	[ ! -e "$d" ]
	[ -z "$(volt vm kernel ls -q)" ]
	run volt vm kernel rm "$ver"
	[ "$status" -eq 125 ]
	run volt vm kernel rm ../..
	[ "$status" -eq 125 ]
	[ -d "$VOLT_ROOT" ]
}

@test "vm kernel ls: docker's --format (an object per line, table, a template per kernel) over a store and a host kernel" {
	# no boot: a store kernel and a host one are files where volt looks, in
	# a store and a /boot of this test's own (the file's store would keep
	# the fake kernel for the tests after it)
	export VOLT_ROOT="$BATS_TEST_TMPDIR/kroot" VOLT_HOST_BOOT="$BATS_TEST_TMPDIR/boot"
	mkdir -p "$VOLT_ROOT/kernels/6.1.0-fake" "$VOLT_HOST_BOOT"
	echo x >"$VOLT_ROOT/kernels/6.1.0-fake/vmlinuz"
	echo x >"$VOLT_HOST_BOOT/vmlinuz-5.10.0-hostfake"
	run volt vm kernel ls
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == "VERSION"*"ORIGIN"*"MODULES"*"IMAGE" ]]
	[[ "${lines[1]}" == "6.1.0-fake "*"store "*"no "*"$VOLT_ROOT/kernels/6.1.0-fake/vmlinuz" ]]
	[[ "${lines[2]}" == "5.10.0-hostfake "*"host "*"no "*"$VOLT_HOST_BOOT/vmlinuz-5.10.0-hostfake" ]]
	# json: one object per line, as docker's listings
	run volt vm kernel ls --format json
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -r .Version <<<"${lines[0]}")" = 6.1.0-fake ]
	[ "$(jq -r .Default <<<"${lines[0]}")" = true ]
	[ "$(jq -r .Default <<<"${lines[1]}")" = false ]
	[ "$(jq -r .Origin <<<"${lines[1]}")" = host ]
	[ "$(jq -r .Path <<<"${lines[1]}")" = "$VOLT_HOST_BOOT/vmlinuz-5.10.0-hostfake" ]
	run volt vm kernel ls --format '{{.Version}}/{{.Origin}}/{{.Default}}'
	[ "$output" = "6.1.0-fake/store/true
5.10.0-hostfake/host/false" ]
	run volt vm kernel ls --format '{{json .Version}}'
	[ "${lines[0]}" = '"6.1.0-fake"' ]
	run volt vm kernel ls --format 'table {{.Version}}\t{{.Default}}'
	[[ "${lines[0]}" == "VERSION "*"DEFAULT" ]]
	[[ "${lines[2]}" == "5.10.0-hostfake "*"false" ]]
	run volt vm kernel ls -q
	[ "$output" = "6.1.0-fake
5.10.0-hostfake" ]
	run volt vm kernel ls --format '{{.Version'
	[ "$status" -eq 125 ]
	[[ "$output" == *"vm kernel ls: --format"* ]]
}

@test "vm kernel fetch --deb of something that is not a kernel fails and leaves nothing" {
	echo junk >"$BATS_TEST_TMPDIR/junk.deb"
	run volt vm kernel fetch --deb "$BATS_TEST_TMPDIR/junk.deb"
	[ "$status" -eq 125 ]
	[[ "$output" == *"junk.deb"* ]]
	[ -z "$(ls -A "$VOLT_ROOT/kernels")" ]
}

@test "vm check: a distribution kernel boots under TCG, loads its modules, and runs a command through the agent" {
	need_qemu
	need_kernel_deb
	volt vm kernel fetch --deb "$KERNEL_DEB" >/dev/null
	run volt vm check --accel tcg --timeout 240
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"accelerator: tcg (asked for (--accel tcg))"* ]]
	# the agent's port is virtio-serial: virtio_mmio and virtio_console are
	# modules of this kernel, so READY proves they were loaded in the guest
	[[ "$output" == *"agent: 1 volt-init, ready "* ]]
	[[ "$output" == *"guest command: /init --version: exit 0: volt-init "*"(agent protocol 1)"* ]]
	[[ "$output" == *"powered off "* ]]
	echo "# $(grep -E 'ready|powered' <<<"$output" | tr '\n' ' ')" >&3
	# no QEMU left behind, no scratch files
	[ -z "$(qemus)" ]
	[ -z "$(ls -d "$VOLT_RUNROOT"/vm-check-* 2>/dev/null)" ]
}

@test "vm check: auto picks TCG without a usable KVM and says why; --accel kvm refuses" {
	need_qemu
	need_kernel_deb
	volt vm kernel fetch --deb "$KERNEL_DEB" >/dev/null
	export VOLT_KVM_DEVICE="$BATS_TEST_TMPDIR/no-kvm"
	run volt vm check --accel kvm
	[ "$status" -eq 125 ]
	[[ "$output" == *"--accel kvm: $VOLT_KVM_DEVICE: No such file or directory"* ]]
	run volt vm check --timeout 240
	[ "$status" -eq 0 ]
	[[ "$output" == *"guest command: /init --version: exit 0"* ]]
	[[ "$output" == *"accelerator: tcg (no usable KVM ($VOLT_KVM_DEVICE: No such file or directory))"* ]]
	run volt info
	[[ "$output" == *"microVMs:"*"engine: "*"qemu-system-x86_64 "[0-9]* ]]
	[[ "$output" == *"accelerator (--accel auto): tcg (no usable KVM"* ]]
	[[ "$output" == *"kernel: "*"-cloud-amd64 (store: "* ]]
}

@test "vm: a guest that never reaches init is a bounded wait with the console's last line" {
	need_qemu
	# not a kernel: QEMU refuses it at once, and says why
	echo junk >"$BATS_TEST_TMPDIR/vmlinuz-junk"
	run volt vm check --accel tcg --kernel "$BATS_TEST_TMPDIR/vmlinuz-junk" --timeout 30
	[ "$status" -eq 125 ]
	[[ "$output" == *"boot $BATS_TEST_TMPDIR/vmlinuz-junk under tcg: "* ]]
	[ "$(grep -c '^volt:' <<<"$output")" -eq 1 ]
}

@test "vm: a guest's malformed, oversized or truncated frame is refused, and QEMU does not outlive it" {
	need_qemu
	need_kernel_deb
	volt vm kernel fetch --deb "$KERNEL_DEB" >/dev/null
	# volt_agent_test= makes the guest agent misbehave after READY (a test hook)
	for bad in bad-type:"unknown message type" huge:"frame size out of bounds" truncated:"a field runs past the frame"; do
		run volt vm check --accel tcg --timeout 240 --append "volt_agent_test=${bad%%:*}"
		echo "$bad: $output"
		[ "$status" -eq 125 ]
		[[ "$output" == *"volt: boot "*"under tcg: agent: a bad "*"from the guest (${bad#*:}"* ]]
		[ "$(grep -c '^volt:' <<<"$output")" -eq 1 ]
		[ -z "$(qemus)" ]
	done
}

@test "vm check --image: an image's appliance (built once) runs a command in a microVM, with its output and exit code" {
	need_qemu
	need_kernel_deb
	volt vm kernel fetch --deb "$KERNEL_DEB" >/dev/null
	import_busybox
	run --separate-stderr volt vm check --accel tcg --timeout 240 --image busybox -- sh -c 'echo "hi from $(uname -r)"; cat /etc/motd >/dev/null; ls /bin/busybox; exit 3'
	echo "$output"; echo "$stderr"
	[ "$status" -eq 3 ]
	[[ "$output" == *"appliance: "*", built"* ]]
	[[ "$output" == *"hi from "*"-cloud-amd64"* ]]
	[[ "$output" == *"/bin/busybox"* ]]
	[[ "$stderr" == *"exit 3"* ]]
	key=$(sed -n 's/^appliance: \([0-9a-f]*\),.*/\1/p' <<<"$output")
	[ -n "$key" ]
	ls "$VOLT_ROOT/appliances/$key"*.cpio.zst
	# the second start builds nothing; a missing command is 127, as in a container
	run -127 volt vm check --accel tcg --timeout 240 --image busybox -- no-such-command
	[ "$status" -eq 127 ]
	[[ "$output" == *"appliance: $key, "*", cached"* ]]
	[ "$(volt appliance ls -q | wc -l)" -eq 1 ]
	[ -z "$(qemus)" ]
	run volt vm check --image nosuch -- true
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such image"* ]]
}

@test "appliance build, ls, rm; cas gc removes the appliance of a removed image" {
	need_kernel_deb
	# a store of its own: the other tests' appliances are not this one's
	export VOLT_ROOT="$BATS_TEST_TMPDIR/root" VOLT_RUNROOT="$BATS_TEST_TMPDIR/run"
	volt vm kernel fetch --deb "$KERNEL_DEB" >/dev/null
	import_busybox
	run volt appliance build busybox
	[ "$status" -eq 0 ]
	read -r key path size how <<<"$output"
	[ "$how" = built ] && [ -s "$path" ] && [ "$size" -gt 100000 ]
	# the image's files, owners included, and the agent as /init
	zstd -dc "$path" | cpio -it 2>/dev/null | grep -qx bin/busybox
	zstd -dc "$path" | cpio -it 2>/dev/null | grep -qx init
	zstd -dc "$path" | cpio -it 2>/dev/null | grep -q 'lib/modules/.*/volt.load'
	run volt appliance build busybox
	[[ "$output" == "$key "*" cached" ]]
	run volt appliance ls
	[[ "${lines[1]}" == "${key:0:12}"*"-cloud-amd64"* ]]
	run volt appliance ls --format json
	[ "$(jq -r .Key <<<"$output")" = "$key" ]
	[ "$(jq -r .Name <<<"$output")" = busybox:latest ]
	[ "$(jq -r .Strategy <<<"$output")" = initramfs ]
	[ "$(jq -r .Path <<<"$output")" = "$path" ]
	[ "$(jq -r .Bytes <<<"$output")" = "$size" ]
	run volt appliance ls --format '{{.ID}} {{.Name}} {{.Strategy}}'
	[ "$output" = "${key:0:12} busybox:latest initramfs" ]
	run volt appliance ls --format 'table {{.Key}}\t{{.Kernel}}'
	[[ "${lines[0]}" == "KEY "*"KERNEL" ]]
	[[ "${lines[1]}" == "$key "*"-cloud-amd64" ]]
	run volt appliance rm "${key:0:6}"
	[ "$status" -eq 0 ]
	[ "$output" = "$key" ]
	[ ! -e "$path" ] && [ -z "$(volt appliance ls -q)" ]
	run volt appliance rm "${key:0:6}"
	[ "$status" -eq 125 ]
	[[ "$output" == *"no such appliance"* ]]
	# gc keeps the appliance of an image that is there, removes it once the image goes
	key=$(volt appliance build busybox | cut -d' ' -f1)
	run volt cas gc
	[ "$status" -eq 0 ]
	[ "$(volt appliance ls -q)" = "$key" ]
	volt rmi busybox >/dev/null
	run volt cas gc
	[ "$status" -eq 0 ]
	[[ "$output" == *"removed appliance ${key:0:12} (no image)"* ]]
	[ -z "$(volt appliance ls -q)" ]
	[ -z "$(ls -A "$VOLT_ROOT/appliances")" ]
}

@test "vm kernel fetch: Debian's cloud kernel from the archive, as the user" {
	need_qemu
	command -v apt-get >/dev/null || skip_or_fail "not a Debian or Ubuntu host"
	[ -r "$KERNEL_DEB" ] || skip_or_fail "the archive was not reachable in the test setup"
	run volt vm kernel fetch
	[ "$status" -eq 0 ]
	[[ "$output" == [0-9]*-cloud-amd64 ]]
	[ -s "$VOLT_ROOT/kernels/$output/vmlinuz" ]
	[ "$(cat "$VOLT_ROOT/kernels/$output/package")" = linux-image-cloud-amd64 ]
}
