# shellcheck shell=bash
# The FP and vector state of guest processes (issue 10): sized from the
# host at boot, and right for programs and tracers in the guest.

FP_PROBE="Checking the host's FP state for ptrace..."

# The XSAVE size of this machine's CPU (tests/host-tools/xsave-size.c,
# built by make check).
host_xsave_size() {
	test_tool xsave-size
}

test_fp_boot_line_gives_the_host_size() {
	local out size
	size=$(host_xsave_size)
	echo "CPUID 0xD/0 EBX: $size"
	out=$(run_in uml -v -- true 2>&1)
	if [ "$size" -gt 0 ]; then
		assert_contains "$out" "${FP_PROBE}XSTATE (PTRACE_GETREGSET), $size bytes" "the FP boot line"
	else
		assert_contains "$out" "${FP_PROBE}FXSAVE (PTRACE_GETFPREGS), 512 bytes" "the FP boot line"
	fi
}

test_fp_boot_line_of_noxstate() {
	local out
	out=$(run_in uml -v -a noxstate -- true 2>&1)
	assert_contains "$out" "${FP_PROBE}FXSAVE (PTRACE_GETFPREGS), 512 bytes (XSTATE disabled by noxstate)" "the FP boot line"
}

# Runs fp_state_test in the guest, one case per test (kselftest TAP).
test_fp_state_in_guest() {
	guest_run 'fp_state_test' | report_tap fp
}

# The FXSAVE path that hosts without XSAVE take, on this host.  Such a host
# has no AVX; on this one UML then does not keep the AVX registers of its
# processes (the host clears them for every signal handler of the stub), so
# glibc is told, through the environment the kernel gives init, not to use
# them.
NO_AVX_TUNABLES=GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F,-AVX512VL,-AVX512BW,-AVX512DQ,-AVX512CD,-AVX_Fast_Unaligned_Load,-FMA,-FMA4

test_fp_state_in_guest_with_noxstate() {
	run_in uml -a "noxstate $NO_AVX_TUNABLES" -- 'FP_TEST_FXSAVE_ONLY=1 fp_state_test' |
		report_tap fp-noxstate
}

# A UML inside ours finds the NT_X86_XSTATE regset of ours, of the size of
# the outer's host, and keeps its processes' registers with it.
# timeout: 600 s
test_fp_state_in_nested_ours() {
	local out size
	size=$(host_xsave_size)
	[ "$size" -gt 0 ] || skip "not exercised: this CPU has no XSAVE, so neither UML has the regset"
	out=$(run_in nested-sysptvm -v -m 768M -- 'fp_state_test >/tmp/t.out 2>&1; cat /tmp/t.out' 2>&1)
	assert_contains "$out" "${FP_PROBE}XSTATE (PTRACE_GETREGSET), $size bytes" "the inner FP boot line"
	grep -E '^(not )?ok ' <<<"$out" | report_tap fp-nested
}

# gdb in the guest reads the vector registers and MXCSR of its inferior.
test_gdb_shows_vector_registers() {
	local out
	out=$(guest_run 'gdb-fpregs') || fail "gdb-fpregs: $(tail -n 1 <<<"$out")"
	echo "$out"
	assert_contains "$out" "gdb-fpregs: ok" "gdb-fpregs"
}

# The FP checks of tests/lib.sh in the outer UML in ptrace mode.  In its
# default mode the tests above and test_fp_threads_in_guest run them.
fp_outer_case() {	# PLACE
	local out
	out=$(run_in "$1" -v -- "$FP_EVERY_MODE_CHECKS" 2>&1)
	echo "$out"
	assert_contains "$out" "Driving processes with PTRACE_SYSCALL, two stops" "the mode in $1"
	fp_checks_pass "$out" "in $1"
}

test_fp_threads_in_guest() {
	local out
	out=$(guest_run 'fp_threads -t 3 -n 300') || fail "fp_threads: $out"
	echo "$out"
	assert_contains "$out" "fp_threads: ok" "fp_threads"
}

# The outer UML in ptrace mode here (sysemu, its default, is
# test_fp_state_in_guest's); the nested UML in its three modes is
# test_nested_modes_switched_through_proc's (tests/modes.sh), one boot
# whose mode changes under the FP checks.
test_fp_state_in_every_mode() {
	run_case outer-ptrace fp_outer_case ptrace
}

# Proves the FP test can fail: the stock reference keeps a fixed signal
# frame, gives a tracer the wrong process's registers and has no regsets.
test_fp_state_fails_on_stock_where_it_must() {
	local out name
	out=$(guest_run --kernel build/linux-stock 'fp_state_test') || true
	echo "$out"
	for name in tracer_reads_and_writes_fpregs_of_its_tracee \
		signal_on_a_stack_of_at_minsigstksz \
		regsets_agree_with_getregs_and_getfpregs \
		xstate_regset_refuses_what_the_host_would \
		sigreturn_without_fpstate_gives_init_state; do
		assert_matches "$out" "^not ok [0-9]+ global\\.$name\$" "$name on linux-stock"
	done
	if grep -qw avx /proc/cpuinfo; then
		assert_matches "$out" '^not ok [0-9]+ global\.tracer_reads_and_writes_xstate_regset$' \
			"tracer_reads_and_writes_xstate_regset on linux-stock"
	fi
	if grep -qw avx512f /proc/cpuinfo; then
		assert_matches "$out" '^not ok [0-9]+ global\.avx512_restored_after_signal_handler$' \
			"avx512_restored_after_signal_handler on linux-stock"
	fi
}
