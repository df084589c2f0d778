# shellcheck shell=bash
# make check-host: the longer runs on the native PTRACE_VM kernel under qemu
# (issue 11), beyond tests/host.sh, which make check runs.

# Every combination of the boot parameters, with the guest suite, a
# workload and gdb's stepi in the mode each one chose.
# timeout: 1200 s
test_uml_on_patched_kernel_every_boot_parameter_combination() {
	boot_parameter_matrix 1 "" nosysptvm usesysemu nosysemu "nosysptvm usesysemu" \
		"nosysptvm nosysemu" "usesysemu nosysemu" "nosysptvm usesysemu nosysemu"
}

# /proc/sysptvm and /proc/sysemu cycle our UML through its three modes while
# processes make system calls, fork and fault (tests/guest/toggle-load.sh).
# timeout: 900 s
test_uml_on_patched_kernel_switches_modes_under_load() {
	local out rc=0
	out=$(run_in qemu-sysptvm -M 256M --timeout 800 -- 'toggle-load -f 300 -n 2' 2>&1) || rc=$?
	echo "$out"
	assert_contains "$out" "cycling through 3 mode(s): sysptvm sysemu ptrace" "the modes on build/bzImage"
	assert_toggle_load_passed "$out" "$rc" 300 "in our UML on build/bzImage"
}

# The kernel's own ptrace, seccomp and syscall_user_dispatch selftests
# (scripts/selftests.sh) give the same verdict, case by case, on the
# patched kernel as on stock (selftest_reference).  Here, not in make
# check: a minute of qemu whose verdict moves only with patches/0009, 0010
# and 0024, the ones a native kernel takes.
# timeout: 900 s
test_native_selftests_same_on_patched_and_stock() {
	local ours stock
	stock=$(selftest_reference)
	ours=$({ run_in qemu --share "$SELFTEST_DIR:/selftests" -- "$SELFTEST_RUN" 2>&1 || true; } | selftest_parse)
	echo "$ours"
	native_selftests_same native-selftests "$ours" "$stock"
}
