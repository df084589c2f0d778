# shellcheck shell=bash
# PTRACE_VM and PTRACE_SYSEMU for processes inside UML (issue 3): the guest
# test suite, strace and gdb in the guest, nested UMLs, the fuzzer.

# The cases of tests/guest/ptrace_vm_test.c that need PTRACE_VM, SYSEMU or
# the eflags fix of patch 0007, and so must fail on build/linux-stock; the
# others must pass there.
STOCK_MUST_FAIL="$PTRACE_VM_TAG_CASES
sysemu_reports_entry_and_skips_call
sysemu_keeps_tracer_result
sysemu_singlestep_reports_step_not_exit
tracer_can_clear_eflags
arch_prctl_acts_on_the_tracee
sysemu_entry_resumed_with_syscall_stops_at_exit"

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
	failed=$(sed -n 's/^not ok [0-9]* \([a-z0-9_]*\.\)\{0,1\}\([a-z0-9_]*\).*/\2/p' <<<"$out" | sort)
	passed=$(sed -n 's/^ok [0-9]* \([a-z0-9_]*\.\)\{0,1\}\([a-z0-9_]*\).*/\2/p' <<<"$out" | sort)
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
	out=$(guest_run -m 768M 'nested-uml -v /usr/local/bin/linux-stock "echo inner-ok; uname -r"')
	assert_contains "$out" "Checking syscall emulation for ptrace...OK" "the inner probe"
	assert_contains "$out" "inner-ok" "the inner command's output"
}

test_nested_debian_uml_in_ours() {
	local out
	# Debian's 6.1 sets the FS base of its processes with
	# PTRACE_ARCH_PRCTL, which set the tracer's own before patch 0010.
	out=$(guest_run -m 768M 'nested-uml -v /usr/bin/linux.uml "echo inner-ok; uname -r"')
	assert_contains "$out" "inner-ok" "the inner command's output"
	assert_contains "$out" "6.1." "the inner kernel's release"
}

test_nested_ours_in_ours() {
	local out
	out=$(guest_run -m 768M 'nested-uml -v /usr/local/bin/linux "echo inner-ok; dmesg | grep \"built from patch series\""')
	assert_contains "$out" "Checking syscall emulation for ptrace...OK" "the inner probe"
	assert_contains "$out" "inner-ok" "the inner command's output"
	assert_contains "$out" "sysptvm: built from patch series" "the inner kernel is ours"
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
