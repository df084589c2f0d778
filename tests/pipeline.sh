# shellcheck shell=bash
# The build, boot and test pipeline: boot.sh and the image (issue 2).

# On a new machine nothing is installed when make reads the Makefile, so
# nothing it computes then may come from a package or the cache (the path
# of the kselftest harness once did: -I.../pristine-/tools/...).
test_make_parse_asks_no_package() {
	local fake out
	fake=$(tmpdir)
	printf '#!/bin/sh\necho "dpkg-query $*" >>"%s/asked"\necho "dpkg-query: no packages found matching $*" >&2\nexit 1\n' \
		"$fake" >"$fake/dpkg-query"
	chmod +x "$fake/dpkg-query"
	out=$(PATH="$fake:$PATH" HOME="$fake/home" SYSPTVM_CACHE="$fake/cache" \
		make -n -B --no-print-directory guest 2>&1) || true
	echo "$out"
	[ ! -s "$fake/asked" ] || fail "make asked dpkg-query while reading the Makefile: $(cat "$fake/asked")"
	assert_not_contains "$out" "pristine-/" "make's command lines"
	assert_contains "$out" "-Ibuild/kselftest/tools/testing/selftests" "the guest programs' include path"
	rm -rf "$fake"
}

# The contract of the one "run a command there" layer (scripts/run-in.sh)
# in the UML places, outer and nested: CMD's stdout and stderr apart, its
# status; 124 and a line that names the time-out; 125 and the kernel's
# lines when the kernel cannot run CMD.  (tests/host.sh checks qemu's.)
run_in_contract_case() {	# PLACE
	local out err rc=0
	run_in_apart out err "$1" -m 768M -- 'echo out-token; echo err-token >&2; exit 7' || rc=$?
	echo "$out"; echo "$err"
	assert_eq 7 "$rc" "the status of 'exit 7' in $1"
	assert_eq out-token "$out" "the stdout of the command in $1"
	assert_contains "$err" err-token "the stderr of the command in $1"
	rc=0
	run_in_apart out err "$1" -m 768M --timeout 60 -- 'sleep 300' || rc=$?
	echo "$err"
	assert_eq 124 "$rc" "the status of a command that outlives --timeout in $1"
	assert_contains "$err" "timed out after" "the time-out's line in $1"
	rc=0
	SYSPTVM_BOOT_RECORD='' run_in_apart out err "$1" -m 768M -a init=/no/such/init -- true || rc=$?
	echo "$err"
	assert_eq 125 "$rc" "the status when the kernel cannot run the command in $1"
	assert_contains "$err" "the kernel said:" "the cause in $1"
	assert_matches "$err" '\| .*Kernel panic' "the panic among the cause lines in $1"
}
# timeout: 600 s
test_run_in_keeps_its_contract() {
	run_case uml run_in_contract_case uml
	run_case nested-sysptvm run_in_contract_case nested-sysptvm
	assert_eq 2 "$(scripts/run-in.sh nowhere -- true >/dev/null 2>&1; echo $?)" "the status of an unknown place"
	assert_contains "$(scripts/run-in.sh --list)" "nested-sysptvm" "the list of places"
}

# A guest that dies at boot: boot.sh names the cause (init= is the last
# one on the command line, so this one wins).
test_boot_failure_names_its_cause() {
	local rc=0 err
	err=$(SYSPTVM_BOOT_RECORD='' run_in uml -a init=/no/such/init -- true 2>&1 >/dev/null) || rc=$?
	echo "$err"
	assert_eq 125 "$rc" "exit status of boot.sh when the guest cannot boot"
	assert_contains "$err" "the kernel said:" "boot.sh's report"
	assert_matches "$err" '\| .*Kernel panic' "the panic among the cause lines"
	assert_matches "$err" '\| .*/no/such/init' "the failed init among the cause lines"
}

# A guest that dies at once is reaped while boot.sh's watchdog may still be
# a forked copy of boot.sh with its traps; killed in that window, the copy
# ran the cleanup and removed the run directory before boot.sh read the
# console (a CI run: status 2, "cannot read .../console.log").  The window
# is narrow: 160 such boots, four at a time (about one in 25 met it here
# before the fix); each must end with 125 and name the panic.
test_boot_of_a_kernel_that_dies_at_once_says_why() {
	local dir j
	dir=$(tmpdir)
	printf '%s\n' '#!/bin/sh' 'echo "Kernel panic - not syncing: died-at-once"' 'exit 1' >"$dir/linux"
	chmod +x "$dir/linux"
	for j in 1 2 3 4; do
		(
			for i in $(seq 40); do
				rc=0
				err=$(SYSPTVM_BOOT_RECORD='' "$TOP/boot.sh" --no-build --timeout 60 \
					--kernel "$dir/linux" --run true 2>&1 >/dev/null) || rc=$?
				if [ "$rc" != 125 ] || ! grep -q '| Kernel panic - not syncing: died-at-once' <<<"$err"; then
					echo "boot $j.$i: status $rc: $err" >>"$dir/bad"
				fi
			done
		) &
	done
	wait
	if [ -s "$dir/bad" ]; then
		cat "$dir/bad"
		fail "$(wc -l <"$dir/bad") of 160 boots did not end with status 125 and the panic named"
	fi
	rm -rf "$dir"
}

# The runner shows the first boot failure with its cause, once, and a run
# in which no guest booted cannot pass, whatever its tests say.
test_runner_reports_a_run_where_nothing_booted() {
	local dir out rc=0
	dir=$(tmpdir)
	printf '%s\n' '#!/bin/sh' \
		"echo \"Checking the host's FP state for ptrace...XSTATE (PTRACE_GETREGSET), 11008 bytes\"" \
		'echo "userspace - ptrace set fp regs failed, errno = 14"' \
		'echo "Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b"' \
		'exit 1' >"$dir/linux"
	chmod +x "$dir/linux"
	out=$(SYSPTVM_TEST_KERNEL="$dir/linux" SYSPTVM_TEST_LOGS="$dir/logs" \
		tests/run run_prints_output_and_status_0 run_returns_nonzero_status 2>&1) || rc=$?
	echo "$out"
	[ "$rc" -ne 0 ] || fail "tests/run passed a run in which no guest booted"
	assert_contains "$out" "a guest did not boot" "the runner's report"
	assert_contains "$out" "ptrace set fp regs failed, errno = 14" "the cause in the runner's report"
	assert_eq 1 "$(grep -c 'a guest did not boot' <<<"$out")" "how often the runner shows the boot failure"
	assert_contains "$out" "FAIL no guest booted in this run" "the runner's verdict"
	assert_eq "0 passed, 3 failed" "$(tail -n 1 <<<"$out")" "the runner's last line"
	rm -rf "$dir"
}

# Tests of one group never run beside each other; the others run beside
# them.  Three made-up tests at -j 3: a and b of group g, c of none, each
# writing when it starts and ends.
test_runner_keeps_a_group_apart() {
	local dir out
	dir=$(tmpdir)
	mkdir "$dir/suites"
	{
		# shellcheck disable=SC2016 # expanded in the made-up suite
		echo 'mark() { echo "$1" >>"'"$dir"'/order"; }'
		for t in a b c; do
			[ "$t" = c ] || echo "# group: g (made up)"
			echo "test_made_up_$t() { mark 'start $t'; sleep 2; mark 'end $t'; }"
		done
	} >"$dir/suites/made-up.sh"
	out=$(SYSPTVM_TEST_LOGS="$dir/logs" SYSPTVM_CACHE="$dir/cache" tests/run --set "$dir/suites" -j 3 2>&1) ||
		fail "tests/run failed: $out"
	echo "$out"
	cat "$dir/order"
	assert_eq "3 passed, 0 failed" "$(tail -n 1 <<<"$out")" "the runner's last line"
	# The group's two ran one after the other, c beside one of them.
	assert_matches "$(grep -E ' (a|b)$' "$dir/order" | paste -sd' ')" '^start (a|b) end \1 start (a|b) end \2$' \
		"the order of a and b"
	assert_matches "$(paste -sd' ' "$dir/order")" '^(start [abc] )*start c.* end (a|b) ' "c's start before the first of the group ended"
	rm -rf "$dir"
}

test_boot_reaches_shell_prompt() {
	local out
	out=$(expect -f tests/expect/boot-prompt.exp "$TOP")
	echo "$out"
	assert_contains "$out" "boot-to-prompt-ms" "the expect script's timing line"
}

test_poweroff_returns_within_10s() {
	local out ms
	out=$(expect -f tests/expect/boot-prompt.exp "$TOP")
	ms=$(sed -n 's/^poweroff-ms \([0-9]*\).*/\1/p' <<<"$out")
	[ -n "$ms" ] || fail "no poweroff time in the expect output"
	echo "poweroff took $ms ms"
	[ "$ms" -lt 10000 ] || fail "poweroff took $ms ms, more than 10 s"
}

test_run_prints_output_and_status_0() {
	local out token=$RANDOM$RANDOM
	out=$(guest_run "echo out-$token; echo err-$token >&2; uname -sr") ||
		fail "--run of a command that succeeds: status $?"
	assert_contains "$out" "out-$token" "stdout of the command"
	assert_not_contains "$out" "err-$token" "stdout (stderr must stay apart)"
	assert_contains "$out" "Linux 6.12" "uname in the guest"
}

test_run_returns_nonzero_status() {
	local rc=0 err
	err=$(guest_run 'echo to-stderr >&2; exit 7' 2>&1 >/dev/null) || rc=$?
	assert_eq 7 "$rc" "exit status of --run 'exit 7'"
	assert_contains "$err" "to-stderr" "stderr of the command"
	rc=0
	guest_run 'false' >/dev/null || rc=$?
	assert_eq 1 "$rc" "exit status of --run false"
}

test_run_boots_stock_kernel() {
	local out
	out=$(guest_run --kernel build/linux-stock 'uname -r; dmesg | grep -c "sysptvm: built" || true')
	assert_contains "$out" "6.12" "uname -r under linux-stock"
	# It names its host-compatibility patches in its version, and only them.
	assert_matches "$out" '^6\.12\.[0-9]+-stock\+[0-9]+hostcompat-[0-9a-f]{8}$' "uname -r under linux-stock"
	assert_contains "$out" "-stock+$(host_compat_patches | wc -l)hostcompat-" \
		"the number of host-compatibility patches in uname -r"
	assert_eq 0 "$(tail -n1 <<<"$out")" "sysptvm lines in the stock kernel's log"
}

test_guest_runs_kernel_of_this_checkout() {
	local want got
	# uname -r names the patch series and the project's files (series_id).
	want=$(ours_localversion)
	got=$(guest_run 'uname -r')
	assert_matches "$got" '^6\.12\.[0-9]+-sysptvm\+[0-9]+-[0-9a-f]{12}$' "uname -r in the guest"
	assert_eq "$want" "${got#"${got%%-sysptvm*}"}" "the series named in uname -r"
}

test_base_image_unchanged_after_writes() {
	local before after out
	before=$(sha256sum <build/rootfs.img)
	out=$(guest_run 'echo written >/root/written && dd if=/dev/urandom of=/var/tmp/blob bs=1M count=8 status=none && sync && cat /root/written && ls -s /var/tmp/blob')
	assert_contains "$out" "written" "reading back the written file in the guest"
	after=$(sha256sum <build/rootfs.img)
	assert_eq "$before" "$after" "sha256 of build/rootfs.img"
	out=$(guest_run 'cat /root/written 2>&1 || echo absent')
	assert_contains "$out" "absent" "a file written in the previous boot, after a boot without --keep"
}

test_keep_overlay_persists_and_reset_clears() {
	local token=$RANDOM$RANDOM out
	rm -f build/overlay.cow build/overlay.cow.base
	guest_run --keep "echo $token >/root/kept" >/dev/null
	out=$(guest_run --keep 'cat /root/kept')
	assert_eq "$token" "$out" "a file kept in build/overlay.cow"
	out=$(guest_run --reset 'cat /root/kept 2>/dev/null || echo gone')
	assert_eq gone "$out" "the file after --reset"
	rm -f build/overlay.cow build/overlay.cow.base
}

test_hostfs_mount_works() {
	local dir token=$RANDOM$RANDOM out
	dir=$(tmpdir)
	echo "$token" >"$dir/from-host"
	out=$(guest_run "mount -t hostfs none /mnt -o $dir && cat /mnt/from-host && echo guest-$token >/mnt/from-guest && umount /mnt")
	assert_contains "$out" "$token" "a host file read through hostfs"
	assert_eq "guest-$token" "$(cat "$dir/from-guest" 2>/dev/null)" "a file the guest wrote through hostfs"
	rm -rf "$dir"
}

test_two_boots_run_in_parallel() {
	# Each guest waits to see the other's marker in a shared hostfs
	# directory, so this passes only if both run at the same time.
	local dir pids=() rc i
	dir=$(tmpdir)
	for i in 1 2; do
		guest_run "mount -t hostfs none /mnt -o $dir && touch /mnt/up-$i &&
			for n in \$(seq 600); do [ -e /mnt/up-$((3 - i)) ] && echo saw-$((3 - i)) >/mnt/ok-$i && exit 0; sleep 0.1; done; exit 3" \
			>"$dir/out-$i" 2>&1 &
		pids+=($!)
	done
	for i in 0 1; do
		rc=0
		wait "${pids[$i]}" || rc=$?
		assert_eq 0 "$rc" "status of parallel boot $((i + 1)) ($(cat "$dir/out-$((i + 1))"))"
	done
	assert_eq saw-2 "$(cat "$dir/ok-1")" "boot 1 saw boot 2"
	assert_eq saw-1 "$(cat "$dir/ok-2")" "boot 2 saw boot 1"
	rm -rf "$dir"
}

# Start a guest that sleeps, wait until its UML runs, then send boot.sh the
# signal $1.  No host process of that UML may be left afterwards.  (Not for
# SIGINT: a background job of a script starts with SIGINT ignored.)
interrupt_and_check() {	# SIGNAL
	local sig=$1 pid left out
	out=$(tmpdir)/stdout
	# An odd --timeout, so that its watchdog's sleep can be found.
	"${BOOT[@]}" --timeout 877 --run 'echo guest-up; sleep 300' >"$out" 2>&1 &
	pid=$!
	wait_for_guest_up "$out" "$pid" || fail "the guest of boot.sh (pid $pid) did not run the command: $(cat "$out")"
	[ -n "$(uml_processes "${SYSPTVM_UMID_PREFIX:-sysptvm}-$pid-")" ] || fail "no UML process of boot.sh (pid $pid) found"
	kill -"$sig" "$pid"
	for _ in $(seq 100); do
		left=$(uml_processes "${SYSPTVM_UMID_PREFIX:-sysptvm}-$pid-")
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "after SIG$sig to boot.sh, UML processes remain: $(ps -o pid,args -p "${left//$'\n'/,}")"
	wait "$pid" 2>/dev/null || true
	# Its watchdog went with it, even after SIGKILL (parent-death signal).
	for _ in $(seq 20); do
		[ -z "$(pgrep -f '^sleep 877$' || true)" ] && break
		sleep 0.1
	done
	[ -z "$(pgrep -f '^sleep 877$' || true)" ] || fail "after SIG$sig to boot.sh, its watchdog still sleeps"
	rm -rf "$(dirname "$out")"
}

# A UML that halts is back on the host's stack, where no interrupt handler
# may run (signals_at_poweroff in tests/lib.sh; patches/0007).
test_poweroff_survives_timer_and_io_signals() {
	local round
	for round in 1 2 3; do
		signals_at_poweroff "$round"
	done
}

test_ctrl_c_leaves_no_uml_process() {
	local out pid status left
	out=$(expect -f tests/expect/interrupt.exp "$TOP")
	echo "$out"
	pid=$(sed -n 's/^boot-pid \([0-9]*\).*/\1/p' <<<"$out")
	status=$(sed -n 's/^exit-status \([0-9]*\).*/\1/p' <<<"$out")
	[ -n "$pid" ] || fail "no boot.sh pid in the expect output"
	assert_eq 130 "$status" "exit status of boot.sh after Ctrl-C"
	for _ in $(seq 50); do
		left=$(uml_processes "${SYSPTVM_UMID_PREFIX:-sysptvm}-$pid-")
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "after Ctrl-C, UML processes of boot.sh $pid remain: $left"
}

test_sigterm_leaves_no_uml_process() {
	interrupt_and_check TERM
}

test_killed_parent_leaves_no_uml_process() {
	interrupt_and_check KILL
}

test_timeout_kills_guest() {
	local rc=0
	"${BOOT[@]}" --timeout 5 --run 'sleep 300' >/dev/null 2>&1 || rc=$?
	assert_eq 124 "$rc" "status of boot.sh --timeout 5 on a guest that sleeps"
}

test_unknown_option_prints_usage() {
	local rc=0 err
	err=$(./boot.sh --no-such-option 2>&1) || rc=$?
	assert_eq 2 "$rc" "exit status for an unknown option"
	assert_contains "$err" "unknown option: --no-such-option" "the message"
	assert_contains "$err" "usage:" "the usage text"
}

test_corrupt_image_names_the_fix() {
	local dir rc=0 err
	dir=$(tmpdir)
	head -c 4M /dev/zero >"$dir/bad.img"
	err=$("${BOOT[@]}" --image "$dir/bad.img" --run true 2>&1) || rc=$?
	assert_eq 1 "$rc" "exit status for a corrupt image"
	assert_contains "$err" "not a valid ext4 image" "the message"
	assert_contains "$err" "make rootfs" "the way to rebuild"
	rc=0
	err=$("${BOOT[@]}" --image "$dir/missing.img" --run true 2>&1) || rc=$?
	assert_eq 1 "$rc" "exit status for a missing image"
	assert_contains "$err" "make rootfs" "the way to rebuild"
	rm -rf "$dir"
}

# group: kernel-tree (kernel.sh prepares the cached kernel tree)
test_failing_patch_is_named_with_its_hunk() {
	# A copy of the project whose patch no longer applies; kernel.sh must
	# stop before it touches the kernel tree and name patch and hunk.
	local dir rc=0 err p
	dir=$(tmpdir)
	cp -a scripts patches arch-um os-Linux "$dir/"
	# The patch that adds a line next to load_file.o in the Makefile.
	p=$(grep -l '^ obj-y += load_file.o' patches/*.patch | head -n1)
	p=${p#patches/}
	[ -n "$p" ] || fail "no patch has the context line ' obj-y += load_file.o'"
	sed -i '0,/^ obj-y += load_file.o/s//~obj-y += load_file_renamed.o/' "$dir/patches/$p"
	sed -i 's/^~/ /' "$dir/patches/$p"
	err=$("$dir/scripts/kernel.sh" ours "$dir/linux" 2>&1) || rc=$?
	assert_eq 1 "$rc" "exit status of kernel.sh with a broken patch"
	assert_contains "$err" "patch $p does not apply" "the message"
	assert_contains "$err" "rejected hunks of $p" "the rejected hunk"
	assert_contains "$err" "load_file_renamed.o" "the hunk's text"
	rm -rf "$dir"
}

# group: kernel-tree (it rebuilds the cached kernel tree, changed for a while)
test_arch_um_change_rebuilds_only_its_dependents() {
	# A copy of the project with one changed file in os-Linux/; kernel.sh
	# builds it into the cached tree.  Compiled must be that file and those
	# that hold the kernel's version, which names the series and files
	# (uname -r, -sysptvm+N-HASH), or its config (LOCALVERSION is in it).
	local dir compiled
	dir=$(tmpdir)
	cp -a scripts patches arch-um os-Linux "$dir/"
	echo "/* changed by a test */" >>"$dir/os-Linux/ptrace_resume.c"
	"$dir/scripts/kernel.sh" ours "$dir/linux" >&2
	compiled=$(sed -n 's/^  CC      //p' "$(variant_build_log ours)" | sort | tr '\n' ' ')
	# Put the cached tree back in step with this checkout.
	scripts/kernel.sh ours "$dir/linux" >&2
	assert_eq "arch/um/kernel/config.o arch/um/os-Linux/ptrace_resume.o drivers/base/firmware_loader/main.o init/version-timestamp.o init/version.o kernel/configs.o kernel/sys.o " \
		"$compiled" "files compiled after changing os-Linux/ptrace_resume.c"
	rm -rf "$dir"
}

# A kernel build waits while another holds the build lock, and says so.
# The lock is taken here, as a running build holds it; kernel.sh and
# host-kernel.sh must wait before they look at the kernel trees.
test_kernel_builds_wait_for_each_other() {
	local lockfile out rc fd script
	lockfile=$SYSPTVM_CACHE/kernel-build.lock
	exec {fd}>>"$lockfile"
	flock "$fd"
	for script in "kernel.sh ours build/linux" "host-kernel.sh stock build/bzImage-stock"; do
		rc=0
		# shellcheck disable=SC2086 # the script and its arguments
		out=$(timeout 5 scripts/$script 2>&1) || rc=$?
		echo "$out"
		assert_eq 124 "$rc" "exit status of $script, stopped while it waits"
		assert_contains "$out" "waiting for another kernel build to end" "the message of $script"
		assert_not_contains "$out" "changed in the source tree" "a sign that $script went on"
		assert_not_contains "$out" "building" "a sign that $script went on"
	done
	exec {fd}>&-
}

# A file written in place in a variant tree is written in the pristine tree
# (a hard link): the next build finds it and extracts the tree again, with
# a new id.  Here on a small tarball in a cache of its own.
test_in_place_write_to_a_tree_is_caught() {
	local dir out first second
	dir=$(tmpdir)
	mkdir -p "$dir/src/linux/kernel"
	echo "original" >"$dir/src/linux/kernel/fork.c"
	echo "other" >"$dir/src/linux/Makefile"
	tar -cJf "$dir/linux.tar.xz" -C "$dir/src" linux
	# shellcheck disable=SC2016 # expanded by the inner shell
	local prog='. scripts/lib.sh
		SYSPTVM_CACHE=$1 LINUX_SOURCE_TARBALL=$2
		linux_source_version() { echo 6.12.0-test; }
		checked_pristine_tree && pristine_id "$(pristine_tree)"'
	out=$(bash -c "$prog" - "$dir/cache" "$dir/linux.tar.xz" 2>&1)
	echo "$out"
	first=$(tail -n1 <<<"$out")
	assert_matches "$first" '^6\.12\.0-test [0-9T.]+$' "the id of the first extraction"
	# A variant tree, and a write in place (an append) through it.
	cp -al "$dir/cache/pristine-6.12.0-test" "$dir/variant"
	echo "edited" >>"$dir/variant/kernel/fork.c"
	out=$(bash -c "$prog" - "$dir/cache" "$dir/linux.tar.xz" 2>&1)
	echo "$out"
	second=$(tail -n1 <<<"$out")
	assert_contains "$out" "was written since its extraction, through a hard link from a variant tree: kernel/fork.c" \
		"the message"
	assert_contains "$out" "extracting it again" "the repair"
	[ "$first" != "$second" ] || fail "the new extraction has the old id ($first)"
	assert_eq "original" "$(cat "$dir/cache/pristine-6.12.0-test/kernel/fork.c")" "the file after the repair"
	# Unchanged, the tree is taken as it is.
	out=$(bash -c "$prog" - "$dir/cache" "$dir/linux.tar.xz" 2>&1)
	assert_not_contains "$out" "extracting" "a tree that did not change"
	assert_eq "$second" "$(tail -n1 <<<"$out")" "the id when nothing changed"
	rm -rf "$dir"
}

# The files that the series changes or that the project installs compile
# for a 32-bit UML too, without a warning: make check compiles them first
# (scripts/compile-i386.sh, build/i386-compile.txt), and stops on an
# error or a warning.  Before the x86 parts moved out of the host side
# (user_regs_struct.orig_rax, 1UL << 47), it failed.
test_series_compiles_for_i386() {
	local out n
	out=$(cat build/i386-compile.txt) || fail "no build/i386-compile.txt: make check makes it"
	echo "$out"
	n=$(sed -n 's/.*i386: \([0-9]*\) file(s) compiled in.*, no warnings$/\1/p' <<<"$out")
	[ "${n:-0}" -ge 10 ] || fail "expected at least 10 files compiled for i386, got '${n:-none}'"
	assert_contains "$out" "os-Linux/ptrace_resume.o" "the files it compiles"
	assert_contains "$out" "arch/x86/um/ptrace_64.c" "the files a 32-bit build leaves out, named"
	# It is the build of this checkout's series.
	assert_eq "$(scripts/compile-i386.sh --list)" "$(sed -n 's/^  file //p' <<<"$out")" "the files in the report"
}

# group: kernel-tree (it compares the series with the cached kernel tree)
# make series exports exactly what kernel.sh builds: the files the series
# changes are those that build/linux's tree changed, with the same
# contents; each own file enters in the patch that patches/files names;
# the cover letter is filled in.
test_series_exports_what_the_build_builds() {
	local dir out repo tree n changed built f bad=0 p
	dir=$(tmpdir)
	out=$(scripts/series.sh -o "$dir/series" 2>&1) || fail "scripts/series.sh: $out"
	echo "$out"
	n=$(series_patches | wc -l)
	assert_eq "$((n + 1))" "$(find "$dir/series" -name '*.patch' | wc -l)" "patches and cover letter in the export"
	repo=$(scripts/series.sh --tree)
	tree=$(variant_tree ours)
	changed=$(git -C "$repo" diff --name-only base HEAD | LC_ALL=C sort)
	built=$(LC_ALL=C sort "$(variant_overlay ours)")
	assert_eq "$built" "$changed" "the files the series changes, against build/linux's tree"
	for f in $changed; do
		cmp -s "$repo/$f" "$tree/$f" || { echo "differs: $f"; bad=$((bad + 1)); }
	done
	assert_eq 0 "$bad" "files that differ between the series and build/linux's tree"
	# The export numbers the patches in the order of patches/series.
	while read -r f p; do
		n=$(series_patches | grep -nxF "$p" | cut -d: -f1)
		assert_contains "$(grep -l "^+++ b/$(own_file_dest "$f")\$" "$dir"/series/*.patch)" \
			"/$(printf '%04d' "$n")-" "the patch that adds $f"
	done < <(own_files)
	out=$(cat "$dir"/series/0000-cover-letter.patch)
	assert_not_contains "$out" "*** SUBJECT HERE ***" "the cover letter's subject"
	assert_not_contains "$out" "*** BLURB HERE ***" "the cover letter's text"
	assert_contains "$out" "SECCOMP_RET_TRACE" "the cover letter's text"
	rm -rf "$dir"
}
