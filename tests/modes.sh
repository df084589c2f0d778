# shellcheck shell=bash
# How UML drives its processes through the host (issue 4): the probes, the
# sysptvm, sysemu and ptrace modes, nosysptvm, usesysemu and nosysemu,
# /proc/sysptvm and /proc/sysemu.

# Does this machine's kernel have the PTRACE_VM tags?  Asked with the
# tracer benchmark, independent of UML's probe: it fails without them.
host_has_tags() {
	build/guest/bin/ptrace_vm_bench -n 20 -m skipexit >/dev/null 2>&1
}

# Boot the outer UML with PARAMS; check its boot lines, then the guest
# suite, the workload and gdb's stepi in the mode it chose.
outer_combination() {	# HOST-TAGS [PARAMS...]
	local tags=$1 out line
	shift
	out=$(run_in uml -a "$*" -v -- "$IN_MODE_CHECKS" 2>&1)
	while IFS= read -r line; do
		assert_contains "$out" "$line" "the boot log with '$*'"
	done < <(expected_boot_lines "$tags" 1 "$@")
	assert_in_mode_checks_pass "$out" "with '$*'"
}

# timeout: 1200 s
test_outer_boot_parameter_combinations() {
	local tags=0 combo
	host_has_tags && tags=1
	for combo in "" nosysptvm usesysemu nosysemu "nosysptvm usesysemu" \
		"nosysptvm nosysemu" "usesysemu nosysemu" \
		"nosysptvm usesysemu nosysemu"; do
		# shellcheck disable=SC2086 # the combination is a word list
		run_case "$(tr ' ' + <<<"${combo:-defaults}")" outer_combination "$tags" $combo
	done
}

test_outer_probe_agrees_with_the_host() {
	# Independent of the probe: the tracer benchmark, run on the host,
	# fails when the host ignores the tags.
	local out want
	if build/guest/bin/ptrace_vm_bench -n 20 -m skipexit >/dev/null 2>&1; then
		want="Checking ptrace new tags for syscall emulation...OK"
	else
		want="Checking ptrace new tags for syscall emulation...unsupported"
	fi
	out=$(run_in uml -v -- true 2>&1)
	assert_contains "$out" "$want" "the outer probe on $(uname -r)"
	case "$want" in
	*unsupported) assert_contains "$out" "$SYSEMU_LINE (the host lacks the PTRACE_VM tags)" "the mode" ;;
	*) assert_contains "$out" "$SYSPTVM_LINE" "the mode" ;;
	esac
}

# A probe that fails for another reason than the host's answer says what
# failed, and the mode line says why the mode was not taken.  A shim
# (tests/shim/refuse_ptrace.c) makes the host refuse one request with
# EPERM, which no host kernel does for these: PTRACE_SYSEMU_SINGLESTEP
# (32) in the SYSEMU probe, then PTRACE_GETEVENTMSG (0x4201) in the probe
# that run-time switching needs.  On linux-stock, whose probes print
# "missing" and nothing more, it fails.
# Boot with the ptrace request REQUEST refused, run CMD, print what came;
# the probe's line must be PROBE-LINE, and a line must say what failed.
boot_with_a_refused_request() {	# REQUEST CMD PROBE-LINE FAILED-LINE
	local out
	out=$(LD_PRELOAD=$(test_tool_path refuse_ptrace.so) SYSPTVM_REFUSE_PTRACE=$1 \
		run_in uml -v -- "$2" 2>&1) || true
	echo "$out"
	assert_contains "$out" "$3" "the probe's line with request $1 refused"
	assert_contains "$out" "$4" "the line that says what failed"
}
test_failed_probes_say_what_failed() {
	local out tags=0 why_sysptvm="the host lacks the PTRACE_VM tags"
	host_has_tags && tags=1
	out=$(boot_with_a_refused_request 32 'cat /proc/sysemu' \
		"Checking syscall emulation for ptrace...missing" \
		"check_sysemu: the probe failed: PTRACE_SYSEMU_SINGLESTEP failed, errno = 1") || fail "$out"
	echo "$out"
	if [ "$tags" = 1 ]; then
		assert_contains "$out" "$SYSPTVM_LINE (the host supports the PTRACE_VM tags)" "the mode"
	else
		assert_contains "$out" "$PTRACE_LINE (sysptvm: $why_sysptvm; sysemu: its probe failed)" "the mode"
	fi

	out=$(boot_with_a_refused_request 16897 'write_errno /proc/sysemu -s 0; cat /proc/sysemu' \
		"Checking that ptrace names syscall-entry and exit stops...missing" \
		"check_stop_names: the probe failed: PTRACE_GETEVENTMSG failed, errno = 1") || fail "$out"
	echo "$out"
	assert_contains "$out" $'write: EOPNOTSUPP\n1' "0 to /proc/sysemu without run-time switching"
}

test_help_lists_the_parameters() {
	local out
	out=$(build/linux --help)
	assert_contains "$out" "nosysptvm" "linux --help"
	assert_contains "$out" "usesysemu" "linux --help"
	assert_contains "$out" "nosysemu" "linux --help"
	assert_contains "$out" "PTRACE_SYSCALL_SKIPCALL" "the help text of nosysptvm"
	assert_contains "$out" "switches to them at run time" "the help text of usesysemu"
	assert_contains "$out" "two stops per system call" "the help text of nosysemu"
}

test_nested_ours_uses_sysptvm_and_passes_suite() {
	local out
	out=$(run_in nested-sysptvm -m 768M -v -- 'ptrace_vm_test >/tmp/t.out 2>&1; grep Totals /tmp/t.out' 2>&1)
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...OK" "the inner probe"
	assert_contains "$out" "$SYSPTVM_LINE (the host supports the PTRACE_VM tags)" "the inner mode"
	assert_matches "$out" '^# Totals: pass:[1-9][0-9]* fail:0 ' "the guest suite inside the inner UML"
}

test_nested_nosysptvm_uses_sysemu() {
	local out
	out=$(run_in nested-sysptvm -m 768M -v -a nosysptvm -- 'ptrace_vm_test >/tmp/t.out 2>&1; grep Totals /tmp/t.out' 2>&1)
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...(disabled)" "the inner probe"
	assert_contains "$out" "$SYSEMU_LINE (disabled by nosysptvm)" "the inner mode"
	assert_matches "$out" '^# Totals: pass:[1-9][0-9]* fail:0 ' "the guest suite inside the inner UML"
}

test_nested_usesysemu_uses_sysemu() {
	local out
	out=$(run_in nested-sysemu -m 768M -v -- 'echo inner-ok' 2>&1)
	assert_contains "$out" "Checking ptrace new tags for syscall emulation...OK" "the inner probe"
	assert_contains "$out" "$SYSEMU_LINE (usesysemu)" "the inner mode"
	assert_contains "$out" "inner-ok" "the inner command"
}

test_parameter_with_a_value_is_warned_and_ignored() {
	local out
	out=$(run_in nested-sysptvm -m 768M -v -a nosysptvm=3 -- 'echo inner-ok' 2>&1)
	assert_contains "$out" "nosysptvm takes no value, ignoring 'nosysptvm=3'" "the warning"
	assert_contains "$out" "$SYSPTVM_LINE" "the mode (the parameter was ignored)"
	assert_contains "$out" "inner-ok" "the inner command"
}

test_nested_shell_pipeline_survives() {
	# A pipeline as the last command made the inner shell return from a
	# SIGCHLD handler with flags it could not clear (putreg() or-ed eflags)
	# and segfault; for stock and ours inside ours alike.
	local out kernel
	for kernel in /usr/local/bin/linux /usr/local/bin/linux-stock; do
		out=$(run_in nested-sysptvm -m 768M --inner "$kernel" -- 'ls / | grep -c ^usr$')
		assert_eq 1 "$(tail -n1 <<<"$out")" "ls / | grep -c ^usr\$ inside $kernel"
	done
}

# A write to a /proc switch and its result, then both switches.
# shellcheck disable=SC2016 # expanded in the guest
PROC_WRITE='w() { echo "$1 $2: $(write_errno "/proc/$1" "${@:3}")"; echo "state: $(cat /proc/sysptvm) $(cat /proc/sysemu)"; }; '

test_proc_switches_refuse_bad_writes() {
	local out tags=0 bad
	host_has_tags && tags=1
	out=$(guest_run "$PROC_WRITE
		stat -c '%n %a %U' /proc/sysptvm /proc/sysemu
		echo \"state: \$(cat /proc/sysptvm) \$(cat /proc/sysemu)\"
		w sysemu 2 -s 2; w sysemu abc -s abc; w sysemu empty -z
		w sysemu junk -j 1048576; w sysemu 1+space -s '1 '; w sysemu 11 -s 11
		w sysemu 0+2newlines -s \$'0\n\n'; w sysptvm 2 -s 2
		echo \"sysemu nobody: \$(setpriv --reuid 65534 --regid 65534 --clear-groups write_errno /proc/sysemu -s 0)\"
		echo \"sysemu nobody-read: \$(setpriv --reuid 65534 --regid 65534 --clear-groups cat /proc/sysemu 2>&1)\"
		w sysptvm 1 -s 1")
	echo "$out"
	assert_contains "$out" "/proc/sysptvm 600 root" "the mode of /proc/sysptvm"
	assert_contains "$out" "/proc/sysemu 600 root" "the mode of /proc/sysemu"
	for bad in "sysemu 2" "sysemu abc" "sysemu junk" \
		"sysemu 1+space" "sysemu 11" "sysemu 0+2newlines" "sysptvm 2"; do
		assert_contains "$out" "$bad: write: EINVAL" "writing $bad"
	done
	# An empty write writes nothing and changes nothing, as elsewhere.
	assert_contains "$out" "sysemu empty: ok" "an empty write"
	assert_contains "$out" "sysemu nobody: open: EACCES" "a write by uid 65534"
	assert_contains "$out" "Permission denied" "a read by uid 65534"
	if [ "$tags" = 0 ]; then
		assert_contains "$out" "sysptvm 1: write: EOPNOTSUPP" "1 to /proc/sysptvm on a host without the tags"
	fi
	# Every line of state is the one the boot chose: nothing changed it.
	assert_eq "state: $((tags)) 1" "$(grep '^state:' <<<"$out" | sort -u | head -n 2 | tail -n 1)" "the switches after the bad writes"
	assert_eq 1 "$(grep '^state:' <<<"$out" | sort -u | wc -l)" "distinct switch states seen"
}

test_proc_switches_switch_and_respect_parameters() {
	local out
	out=$(guest_run "$PROC_WRITE
		w sysemu 0 -s 0; $IN_MODE_CHECKS
		w sysemu 1+newline -s \$'1\n'; w sysemu 1-again -s 1" )
	echo "$out"
	assert_contains "$out" "sysemu 0: ok" "0 to /proc/sysemu"
	assert_contains "$out" $'sysemu 0: ok\nstate: 0 0' "the switches after 0 to /proc/sysemu"
	assert_in_mode_checks_pass "$out" "after 0 to /proc/sysemu (ptrace mode)"
	assert_contains "$out" $'sysemu 1+newline: ok\nstate: 0 1' "1 and a newline to /proc/sysemu"
	assert_contains "$out" $'sysemu 1-again: ok\nstate: 0 1' "1 to /proc/sysemu again"

	out=$(run_in ptrace -- "$PROC_WRITE w sysemu 1 -s 1; w sysptvm 1 -s 1; w sysemu 0 -s 0")
	echo "$out"
	assert_contains "$out" $'sysemu 1: write: EOPNOTSUPP\nstate: 0 0' "1 to /proc/sysemu after nosysemu"
	assert_contains "$out" $'sysptvm 1: write: EOPNOTSUPP\nstate: 0 0' "1 to /proc/sysptvm after nosysptvm"
	assert_contains "$out" $'sysemu 0: ok\nstate: 0 0' "0 to /proc/sysemu after nosysemu"
}

# 300 changes here, 10^3 in make soak (flips_outer).  In the nested UML,
# with sysptvm among its modes: make soak (flips_nested_sysptvm, 10^3) and
# make check-host (on build/bzImage, 300); make check changes its modes
# in test_nested_modes_switched_through_proc, under the checks of each.
# timeout: 900 s
test_outer_toggle_under_load() {
	local out rc=0
	out=$(guest_run 'toggle-load -f 300') || rc=$?
	echo "$out"
	assert_toggle_load_passed "$out" "$rc" 300 "in the guest"
}

test_nested_ptrace_mode_by_parameters() {
	local out
	out=$(run_in nested-ptrace -m 768M -v -- "$IN_MODE_CHECKS" 2>&1)
	while IFS= read -r line; do
		assert_contains "$out" "$line" "the inner boot log"
	done < <(expected_boot_lines 1 1 nosysptvm nosysemu)
	assert_in_mode_checks_pass "$out" "inside the inner UML in ptrace mode"
}

# With the FP checks in each mode (tests/fp.sh): the nested UML's modes
# are tested here, in one boot.
# timeout: 900 s
test_nested_modes_switched_through_proc() {
	# shellcheck disable=SC2034 # BOOT_TIMEOUT: read by run_in
	local out BOOT_TIMEOUT=800 checks="$IN_MODE_CHECKS; $FP_EVERY_MODE_CHECKS"
	# shellcheck disable=SC2016 # expanded by the inner shell
	out=$(run_in nested-sysptvm -m 768M -- "
		echo mode sysptvm: \$(cat /proc/sysptvm) \$(cat /proc/sysemu); $checks
		echo 0 >/proc/sysptvm; echo mode sysemu: \$(cat /proc/sysptvm) \$(cat /proc/sysemu); $checks
		echo 0 >/proc/sysemu; echo mode ptrace: \$(cat /proc/sysptvm) \$(cat /proc/sysemu); $checks
		echo 1 >/proc/sysptvm; echo mode sysptvm: \$(cat /proc/sysptvm) \$(cat /proc/sysemu); $checks" 2>&1)
	echo "$out"
	fp_checks_pass "$out" "in the nested UML"
	assert_eq 4 "$(grep -c '^fp_state_test status 0$' <<<"$out")" "fp_state_test runs that passed in the inner UML"
	assert_eq 4 "$(grep -c '^gdb-fpregs: ok' <<<"$out")" "gdb-fpregs checks that passed in the inner UML"
	assert_eq 4 "$(grep -c '^fp_threads: ok' <<<"$out")" "fp_threads runs that passed in the inner UML"
	assert_contains "$out" "mode sysptvm: 1 1" "the inner switches at boot"
	assert_contains "$out" "mode sysemu: 0 1" "the inner switches after 0 to /proc/sysptvm"
	assert_contains "$out" "mode ptrace: 0 0" "the inner switches after 0 to /proc/sysemu"
	assert_contains "$out" "mode sysptvm: 1 0" "the inner switches after 1 to /proc/sysptvm"
	assert_eq 4 "$(grep -cE '^# Totals: pass:[1-9][0-9]* fail:0 ' <<<"$out")" "guest suite runs that passed in the inner UML"
	assert_eq 4 "$(grep -c '^workload: ok' <<<"$out")" "workloads that passed in the inner UML"
	assert_eq 4 "$(grep -c '^gdb-stepi: ok' <<<"$out")" "gdb stepi checks that passed in the inner UML"
}

test_ours_in_stock_uses_ptrace_mode() {
	local out log
	# Stock 6.12 gives its processes neither PTRACE_SYSEMU nor the tags.
	run_in_apart out log nested-in-stock -m 768M -v -- 'echo inner-ok; ls / | grep -c ^usr$'
	echo "$log"; echo "$out"
	while IFS= read -r line; do
		assert_contains "$log" "$line" "the boot log of ours inside stock"
	done < <(expected_boot_lines 0 0)
	assert_contains "$out" "inner-ok" "the command inside ours inside stock"
	assert_eq 1 "$(tail -n 1 <<<"$out")" "ls / | grep -c ^usr\$ inside ours inside stock"
}


# Its CPU time is user time (USER_LOOP in tests/lib.sh), in both outer
# modes (patches/0036); stock 6.12
# counts every tick of a process as system time, and fails the check.
test_user_time_is_counted_as_user_time() {
	local mode out
	for mode in sysemu ptrace stock; do
		out=$(run_in "$mode" -- "$USER_LOOP")
		if [ "$mode" = stock ]; then
			assert_user_time_of_the_loop "$out" "stock 6.12" 0
		else
			assert_user_time_of_the_loop "$out" "$mode" 1
		fi
	done
}
