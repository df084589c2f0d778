# shellcheck shell=bash
# How UML drives its processes through the host (issue 4, first part):
# check_sysptvm, the sysptvm and sysemu modes, nosysptvm and usesysemu.

SYSPTVM_LINE="Driving processes with PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL (sysptvm)"
SYSEMU_LINE="Driving processes with PTRACE_SYSEMU (sysemu)"

test_outer_probe_agrees_with_the_host() {
	# Independent of the probe: the tracer benchmark, run on the host,
	# fails when the host ignores the tags.
	local out want
	if build/guest/bin/ptrace_vm_bench -n 20 -m skipexit >/dev/null 2>&1; then
		want="Checking ptrace new tags for syscall emulation...OK"
	else
		want="Checking ptrace new tags for syscall emulation...unsupported"
	fi
	out=$("${BOOT[@]}" --timeout "$BOOT_TIMEOUT" -v --run true 2>&1)
	assert_contains "$out" "$want" "the outer probe on $(uname -r)"
	case "$want" in
	*unsupported) assert_contains "$out" "$SYSEMU_LINE (the host lacks the PTRACE_VM tags)" "the mode" ;;
	*) assert_contains "$out" "$SYSPTVM_LINE" "the mode" ;;
	esac
}

test_help_lists_the_parameters() {
	local out
	out=$(build/linux --help)
	assert_contains "$out" "nosysptvm" "linux --help"
	assert_contains "$out" "usesysemu" "linux --help"
	assert_contains "$out" "PTRACE_SYSCALL_SKIPCALL" "the help text of nosysptvm"
}

test_nested_ours_uses_sysptvm_and_passes_suite() {
	local out
	out=$(guest_run -m 768M 'nested-uml -v /usr/local/bin/linux "ptrace_vm_test >/tmp/t.out 2>&1; grep Totals /tmp/t.out"')
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...OK" "the inner probe"
	assert_contains "$out" "$SYSPTVM_LINE (the host supports the PTRACE_VM tags)" "the inner mode"
	assert_matches "$out" '^# Totals: pass:[1-9][0-9]* fail:0 ' "the guest suite inside the inner UML"
}

test_nested_nosysptvm_uses_sysemu() {
	local out
	out=$(guest_run -m 768M 'nested-uml -v /usr/local/bin/linux "ptrace_vm_test >/tmp/t.out 2>&1; grep Totals /tmp/t.out" nosysptvm')
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...(disabled)" "the inner probe"
	assert_contains "$out" "$SYSEMU_LINE (disabled by nosysptvm)" "the inner mode"
	assert_matches "$out" '^# Totals: pass:[1-9][0-9]* fail:0 ' "the guest suite inside the inner UML"
}

test_nested_usesysemu_uses_sysemu() {
	local out
	out=$(guest_run -m 768M 'nested-uml -v /usr/local/bin/linux "echo inner-ok" usesysemu')
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...OK" "the inner probe"
	assert_contains "$out" "$SYSEMU_LINE (usesysemu)" "the inner mode"
	assert_contains "$out" "inner-ok" "the inner command"
}

test_parameter_with_a_value_is_warned_and_ignored() {
	local out
	out=$(guest_run -m 768M 'nested-uml -v /usr/local/bin/linux "echo inner-ok" nosysptvm=3')
	assert_contains "$out" "nosysptvm takes no value, ignoring '=3'" "the warning"
	assert_contains "$out" "$SYSPTVM_LINE" "the mode (the parameter was ignored)"
	assert_contains "$out" "inner-ok" "the inner command"
}

test_nested_shell_pipeline_survives() {
	# A pipeline as the last command made the inner shell return from a
	# SIGCHLD handler with flags it could not clear (putreg() or-ed eflags)
	# and segfault; for stock and ours inside ours alike.
	local out kernel
	for kernel in /usr/local/bin/linux /usr/local/bin/linux-stock; do
		out=$(guest_run -m 768M "nested-uml $kernel 'ls / | grep -c ^usr\$'")
		assert_eq 1 "$(tail -n1 <<<"$out")" "ls / | grep -c ^usr\$ inside $kernel"
	done
}
