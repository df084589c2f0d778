# shellcheck shell=bash
# PTRACE_VM and PTRACE_SYSEMU for processes inside UML (issue 3): the guest
# test suite, strace and gdb in the guest, nested UMLs, the fuzzer.

# The cases of tests/guest/ptrace_vm_test.c that need PTRACE_VM, SYSEMU or
# a fix of the series (segments and bases the host refuses, 0003;
# eflags, 0004; PTRACE_ARCH_PRCTL, 0006; the x86
# parity fixes of issue 30: the registers at exec, 0008; numbers without a
# call, 0009; a process's own trap flag and a handler's flags, 0010; the
# address of a relayed fault, 0011; int $0x80, 0012; the faults of
# PTRACE_GETREGS and PTRACE_SETREGS, 0035; the address of a call for
# seccomp and SIGSYS, 0039), and so must fail on
# build/linux-stock; the others must pass there.  (0013, sigreturn's
# segments, is shown by the x86 selftest sigreturn in tests/selftests.sh.)
STOCK_MUST_FAIL="$PTRACE_VM_TAG_CASES
sysemu_reports_entry_and_skips_call
sysemu_keeps_tracer_result
sysemu_singlestep_reports_step_not_exit
tracer_can_clear_eflags
values_the_host_refuses_give_eio
seccomp_sees_the_address_of_the_call
arch_prctl_acts_on_the_tracee
sysemu_entry_resumed_with_syscall_stops_at_exit
getregs_setregs_report_faults_and_refused_values
exec_gives_the_registers_of_x86
own_trap_flag_gives_handled_traps
handler_starts_with_clear_flags_and_fault_address
numbers_without_a_call_give_enosys
int80_is_i386_getpid_or_a_general_protection_fault"

test_guest_suite() {
	local out rc=0
	out=$(guest_run 'ptrace_vm_test') || rc=$?
	report_tap ptrace_vm <<<"$out"
	assert_eq 0 "$rc" "exit status of ptrace_vm_test"
}

test_guest_suite_fails_on_stock_where_it_must() {
	# Proves the suite can fail: stock 6.12 UML has neither the tags nor
	# SYSEMU for its processes.
	local out failed passed name
	out=$(guest_run --kernel build/linux-stock 'ptrace_vm_test') || true
	echo "$out"
	failed=$(tap_failed <<<"$out" | sort)
	passed=$(tap_verdicts <<<"$out" | awk '$2 == "ok" { print $1 }' | sort)
	echo "failing on stock: $(echo "$failed" | tr '\n' ' ')"
	[ -n "$passed$failed" ] || fail "no TAP results from linux-stock"
	while read -r name; do
		grep -qx "$name" <<<"$failed" || fail "$name should fail on linux-stock, but did not"
	done <<<"$STOCK_MUST_FAIL"
	while read -r name; do
		[ -z "$name" ] && continue
		grep -qx "$name" <<<"$STOCK_MUST_FAIL" ||
			fail "$name fails on linux-stock, where it needs nothing new"
	done <<<"$failed"
}

test_strace_shows_calls_and_results() {
	local out
	out=$(guest_run "$STRACE_CHECKS")
	assert_strace_checks_pass "$out"
}

test_gdb_stepi_over_syscall() {
	# tests/guest/gdb-stepi.sh: the breakpoint, rax = pid, 2 bytes stepped.
	local out rc=0
	out=$(guest_run 'gdb-stepi') || rc=$?
	echo "$out"
	assert_contains "$out" "gdb-stepi: ok" "gdb stepi over a syscall instruction"
	assert_eq 0 "$rc" "the exit status of gdb-stepi"
}

test_nested_stock_uml_in_ours() {
	local out
	out=$(run_in nested-sysptvm -m 768M -v --inner /usr/local/bin/linux-stock -- 'echo inner-ok; uname -r' 2>&1)
	assert_contains "$out" "Checking syscall emulation for ptrace...OK" "the inner probe"
	assert_contains "$out" "inner-ok" "the inner command's output"
}

test_nested_debian_uml_in_ours() {
	local out
	# Debian's 6.1 sets the FS base of its processes with
	# PTRACE_ARCH_PRCTL, which set the tracer's own before patch 0006.
	out=$(run_in nested-sysptvm -m 768M -v --inner /usr/bin/linux.uml -- 'echo inner-ok; uname -r' 2>&1)
	assert_contains "$out" "inner-ok" "the inner command's output"
	assert_contains "$out" "6.1." "the inner kernel's release"
}

test_nested_ours_in_ours() {
	local out
	out=$(run_in nested-sysptvm -m 768M -v -- 'echo inner-ok; uname -r' 2>&1)
	assert_contains "$out" "Checking syscall emulation for ptrace...OK" "the inner probe"
	assert_contains "$out" "inner-ok" "the inner command's output"
	assert_contains "$out" "-sysptvm+" "the inner kernel is ours (uname -r)"
}

test_tracer_benchmark_runs_every_mode() {
	# A smoke run: each of the four ways must work; the figures are for
	# make bench, not judged here.
	local out mode
	out=$(guest_run 'ptrace_vm_bench -n 200')
	echo "$out"
	for mode in syscall skipexit skipcall sysemu; do
		assert_contains "$out" "mode=$mode calls=200" "the $mode line"
	done
	assert_contains "$out" "ratio syscall/skipexit=" "the ratios"
}

test_fuzz_leaves_guest_healthy() {
	local out
	out=$(guest_run 'ptrace_fuzz -t 8 -s 1 && ptrace_fuzz -t 8 -s 2 -u 65534 &&
		echo still-alive && dmesg | grep -E -c "Oops|BUG|WARNING|Kernel panic|general protection" || true')
	echo "$out"
	assert_contains "$out" "fuzz: seed=1" "the root fuzz run"
	assert_contains "$out" "fuzz: seed=2" "the unprivileged fuzz run"
	assert_contains "$out" "still-alive" "a command after the fuzzing"
	assert_eq 0 "$(tail -n1 <<<"$out")" "oops/BUG/WARNING lines in dmesg"
}

# /proc/PID/syscall (issue 13, item 3) of a process blocked in a call reads
# as natively: the number, six arguments, the user stack pointer and the
# instruction pointer, these in the process's stack and in code it maps
# executable.  The same script runs natively on this host first, as the
# reference; stock UML has no such file.
# shellcheck disable=SC2016 # expanded where it runs
PROC_SYSCALL_CHECK='sleep 100 & p=$!
for _ in $(seq 100); do read -r nr _ </proc/$p/syscall; [ "$nr" = 230 ] && break; sleep 0.1; done
line=$(cat /proc/$p/syscall); echo "syscall: $line"
read -r _ _ _ _ _ _ _ sp pc <<<"$line"
while read -r range perms _ _ _ name; do
	s=$((16#${range%-*})) e=$((16#${range#*-}))
	[ $((sp)) -ge $s ] && [ $((sp)) -lt $e ] && echo "sp in: $name"
	[ $((pc)) -ge $s ] && [ $((pc)) -lt $e ] && echo "pc in: $perms"
done </proc/$p/maps
kill $p'
assert_proc_syscall_as_native() {	# OUTPUT WHERE
	# clock_nanosleep is 230 on x86_64.
	assert_matches "$1" '^syscall: 230( 0x[0-9a-f]+){8}$' "/proc/PID/syscall of a sleeping process $2"
	assert_contains "$1" "sp in: [stack]" "its stack pointer $2"
	assert_matches "$1" '^pc in: r-xp$' "its instruction pointer $2"
}
test_proc_pid_syscall_of_a_blocked_process() {
	local out
	out=$(bash -c "$PROC_SYSCALL_CHECK")
	echo "natively on $(uname -r): $out"
	assert_proc_syscall_as_native "$out" "natively (the reference)"
	out=$(guest_run "$PROC_SYSCALL_CHECK")
	echo "in the guest: $out"
	assert_proc_syscall_as_native "$out" "in the guest"
}

# PTRACE_GET_SYSCALL_INFO (issue 13, item 1) at entry, exit, seccomp and
# signal stops, each field against PTRACE_GETREGS and what the tracee
# passed (tests/guest/syscall_info_test.c): natively as the reference, in
# the guest in sysemu and ptrace mode, and in a UML nested in ours
# (sysptvm).  On linux-stock the request fails with EIO.
syscall_info_case() {	# PLACE
	guest_output_matches "$1" syscall_info_test '^ok 1 global\.syscall_info_at_every_kind_of_stop$' "syscall_info_test in $1"
}
# timeout: 400 s
test_ptrace_get_syscall_info_at_every_stop() {
	local out
	out=$(build/guest/bin/syscall_info_test 2>&1) || fail "natively (the reference): $out"
	echo "natively on $(uname -r): $out"
	run_case sysemu syscall_info_case sysemu
	run_case ptrace syscall_info_case ptrace
	run_case nested-sysptvm syscall_info_case nested-sysptvm
}
test_ptrace_get_syscall_info_fails_on_stock() {
	local out
	out=$(guest_run --kernel build/linux-stock syscall_info_test 2>&1) || true
	echo "$out"
	assert_matches "$out" '^not ok 1 global\.syscall_info_at_every_kind_of_stop$' "syscall_info_test on linux-stock"
	assert_contains "$out" "PTRACE_GET_SYSCALL_INFO at a signal stop: Input/output error" "the cause on linux-stock"
}
