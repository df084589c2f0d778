# shellcheck shell=bash
# PTRACE_VM on a native x86_64 kernel (issue 11): build/bzImage, booted
# under qemu (TCG) by scripts/qemu-host.sh (run_in qemu*), runs the PTRACE_VM suite
# natively, and our UML drives its processes there in sysptvm mode.
# build/bzImage-stock is the native reference without our series.

# On a native kernel without PTRACE_VM only the tag cases must fail
# (assert_only_the_tag_cases_fail, tests/lib.sh).

# Our UML on a kernel under qemu (qemu-sysptvm) with the guest suite as
# its command; print the UML's log and the command's output.
uml_in_qemu() {	# RUN-IN-OPTIONS...
	run_in qemu-sysptvm -v -M 256M "$@" -- 'ptrace_vm_test >/tmp/t.out 2>&1
		echo "inner-status $?"; grep -E "^(not ok|# Totals)" /tmp/t.out' 2>&1
}

test_native_ptrace_vm_suite_on_patched_kernel() {
	local out rc=0
	out=$(run_in qemu -- ptrace_vm_test) || rc=$?
	report_tap host-native <<<"$out"
	assert_eq 0 "$rc" "exit status of ptrace_vm_test on build/bzImage"
}

test_native_stock_kernel_fails_the_tag_cases() {
	local out
	out=$(run_in qemu-stock -- ptrace_vm_test) || true
	echo "$out"
	assert_only_the_tag_cases_fail "$out" "the stock native kernel"
}

# timeout: 600 s
test_uml_on_patched_kernel_uses_sysptvm() {
	local out
	out=$(uml_in_qemu)
	echo "$out"
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...OK" "the probe on build/bzImage"
	assert_contains "$out" "Driving processes with PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL (sysptvm) (the host supports the PTRACE_VM tags)" \
		"the mode on build/bzImage"
	assert_contains "$out" "inner-status 0" "the guest suite in our UML on build/bzImage"
	assert_matches "$out" '^# Totals: pass:[1-9][0-9]* fail:0 ' "the guest suite's totals"
}

# timeout: 600 s
test_uml_on_stock_kernel_uses_sysemu() {
	local out
	out=$(uml_in_qemu --kernel build/bzImage-stock)
	echo "$out"
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...unsupported" "the probe on build/bzImage-stock"
	assert_contains "$out" "Driving processes with PTRACE_SYSEMU (sysemu) (the host lacks the PTRACE_VM tags)" \
		"the mode on build/bzImage-stock"
	assert_contains "$out" "inner-status 0" "the guest suite in our UML on build/bzImage-stock"
}

# The contract of run_in under qemu: the command's status, its stdout and
# its stderr apart (the second serial line).
test_qemu_host_returns_the_status_and_names_its_cpu() {
	local out err rc=0 dir
	dir=$(tmpdir)
	run_in qemu -- 'echo out-token; echo err-token >&2; exit 7' >"$dir/out" 2>"$dir/err" || rc=$?
	out=$(cat "$dir/out") err=$(cat "$dir/err")
	rm -rf "$dir"
	echo "$out"; echo "$err"
	assert_eq 7 "$rc" "exit status of run-in qemu -- 'exit 7'"
	assert_eq out-token "$out" "the command's stdout"
	assert_contains "$err" "err-token" "the command's stderr"
	assert_not_contains "$err" "out-token" "the command's stderr"
	assert_contains "$err" "-cpu Haswell-noTSX" "the qemu command line it prints"
	assert_contains "$("$TOP/scripts/qemu-host.sh" --help)" "qemu64 has no XSAVE" "--help"
}

# A time-out and a Ctrl-C leave no qemu behind.  Each run has a TMPDIR of
# its own, which names its qemu's files on its command line.
test_qemu_host_leaves_nothing_running() {
	local dir pid rc=0 n=0 left
	dir=$(tmpdir)
	TMPDIR=$dir scripts/qemu-host.sh --timeout 5 --run 'sleep 300' >/dev/null 2>&1 || rc=$?
	assert_eq 124 "$rc" "the status of qemu-host.sh after its --timeout"
	[ -z "$(pgrep -f -- "$dir/" || true)" ] || fail "a qemu left running after the time-out: $(pgrep -af -- "$dir/")"
	# As a terminal's Ctrl-C reaches it: its own process group, SIGINT
	# not ignored as it is for a script's background job.
	TMPDIR=$dir setsid env --default-signal=INT scripts/qemu-host.sh --run 'sleep 300' >/dev/null 2>&1 &
	pid=$!
	until pgrep -f -- "^qemu-system-x86_64 .*$dir/" >/dev/null; do
		sleep 0.1
		n=$((n + 1))
		[ "$n" -lt 300 ] || { kill -KILL -- "-$pid"; fail "no qemu of qemu-host.sh seen within 30 s"; }
	done
	kill -INT -- "-$pid"
	rc=0
	wait "$pid" || rc=$?
	assert_eq 130 "$rc" "the status of qemu-host.sh after Ctrl-C"
	sleep 0.5
	# Zombies are gone already, only not yet reaped by init.
	left=$(pgrep -g "$pid" | while read -r p; do
		grep -qs '^State:[[:space:]]*Z' "/proc/$p/status" || ps -o pid=,args= -p "$p"
	done || true)
	[ -z "$left" ] || fail "processes of qemu-host.sh left after Ctrl-C: $left"
	[ -z "$(pgrep -f -- "$dir/" || true)" ] || fail "a qemu left running after Ctrl-C: $(pgrep -af -- "$dir/")"
	[ -z "$(ls -A "$dir")" ] || fail "files left in TMPDIR: $(ls -A "$dir")"
	rm -rf "$dir"
}

# Our UML on the patched kernel, booted by nested-uml from the image, as
# inside a guest: each boot parameter gives the mode it should.  (make
# check-host runs every combination, with the guest suite in each mode.)
# timeout: 600 s
test_uml_on_patched_kernel_boot_parameters_give_their_modes() {
	boot_parameter_matrix 0 nosysptvm usesysemu nosysemu "nosysptvm nosysemu"
}

# A UML of ours inside ours on the patched kernel: both in sysptvm mode.
# timeout: 900 s
test_uml_nested_in_uml_on_patched_kernel() {
	local out
	out=$(run_in qemu-sysptvm -v -M 512M --timeout 800 -- \
		"$(scripts/run-in.sh nested-sysptvm -v -M 160M --inner-command -- 'echo inner-ok') 2>&1" 2>&1) || true
	echo "$out"
	assert_eq 2 "$(grep -c "$SYSPTVM_LINE (the host supports the PTRACE_VM tags)" <<<"$out")" \
		"UMLs in sysptvm mode (the outer and the inner)"
	assert_contains "$out" "inner-ok" "the inner UML's command"
}

# A host without XSAVE (-cpu qemu64): our UML takes its FXSAVE path and its
# processes keep their x87 and SSE state.
# timeout: 600 s
test_uml_on_qemu64_takes_fxsave_and_keeps_fp_state() {
	local out
	out=$(run_in qemu-rootfs --cpu qemu64 -- "grep -c -w xsave /proc/cpuinfo
		$(scripts/run-in.sh qemu-sysptvm -v --inner-command -- 'fp_state_test >/tmp/t.out 2>&1; cat /tmp/t.out') 2>&1") || true
	echo "$out"
	assert_eq 0 "$(head -n 1 <<<"$out")" "CPUs with xsave in /proc/cpuinfo under -cpu qemu64"
	assert_contains "$out" "Checking the host's FP state for ptrace...FXSAVE (PTRACE_GETFPREGS), 512 bytes" \
		"the FP boot line under -cpu qemu64"
	assert_contains "$out" "$SYSPTVM_LINE" "the mode under -cpu qemu64"
	grep -E '^(not )?ok ' <<<"$out" | report_tap fp-qemu64
}

# strace -f and gdb's stepi over a syscall instruction, natively on the
# patched kernel (Debian's strace and gdb, from the image).
test_native_strace_and_gdb_on_patched_kernel() {
	local out
	out=$(run_in qemu-rootfs -- "$STRACE_CHECKS; gdb-stepi | tail -n 1" 2>&1) || true
	echo "$out"
	assert_strace_checks_pass "$out"
	assert_contains "$out" "gdb-stepi: ok" "gdb stepi over a syscall natively"
}

# What a native kernel prints when it is in trouble.  Not the "traps: ...
# general protection fault ip:..." and "segfault at" lines of user processes
# (the fuzzer's tracees), which no kernel problem prints without "[#N]".
NATIVE_KERNEL_TROUBLE='Oops|BUG:|WARNING:|Kernel panic|general protection fault.*\[#[0-9]+\]|Call Trace:'

# The ptrace fuzzer natively, as root and as nobody: the kernel log stays
# clean and the system answers afterwards.
# timeout: 600 s
test_native_fuzz_leaves_patched_kernel_clean() {
	local out
	out=$(run_in qemu -- "ptrace_fuzz -t 8 -s 1 && ptrace_fuzz -t 8 -s 2 -u 65534 &&
		echo still-alive; dmesg | grep -E '$NATIVE_KERNEL_TROUBLE' | sed 's/^/kernel-trouble: /'" 2>&1) || true
	echo "$out"
	assert_contains "$out" "fuzz: seed=1" "the root fuzz run"
	assert_contains "$out" "fuzz: seed=2" "the unprivileged fuzz run"
	assert_contains "$out" "still-alive" "a command after the fuzzing"
	assert_not_contains "$out" "kernel-trouble: " "the native kernel log after the fuzzing"
}

