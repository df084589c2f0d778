# shellcheck shell=bash
# PTRACE_VM on a native x86_64 kernel (issue 11): build/bzImage, booted
# under qemu (TCG) by scripts/qemu-host.sh, runs the PTRACE_VM suite
# natively, and our UML drives its processes there in sysptvm mode.
# build/bzImage-stock is the native reference without our series.

QEMU=("$TOP/scripts/qemu-host.sh" --timeout 600)

# On a native kernel without PTRACE_VM only the tag cases must fail
# (PTRACE_VM_TAG_CASES, tests/lib.sh): SYSEMU and the rest are native there.

# Boot a kernel under qemu that runs our UML (hostfs root: the initramfs)
# with an init that runs the guest suite, and print the UML's log.
uml_in_qemu() {	# QEMU-OPTIONS...
	local dir
	dir=$(tmpdir)
	printf '%s\n' '#!/bin/sh' 'mount -t proc proc /proc' \
		'/usr/local/bin/ptrace_vm_test >/tmp/t.out 2>&1' \
		'echo "inner-status $?"' \
		'/bin/busybox grep -E "^(not ok|# Totals)" /tmp/t.out' \
		'/bin/busybox poweroff -f' >"$dir/uml-init"
	chmod +x "$dir/uml-init"
	"${QEMU[@]}" "$@" --share "$dir:/share" --run \
		'timeout 500 linux mem=256M rootfstype=hostfs rootflags=/ rw init=/share/uml-init con=null con0=null,fd:1 >/tmp/u.log 2>&1; cat /tmp/u.log'
	rm -rf "$dir"
}

test_native_ptrace_vm_suite_on_patched_kernel() {
	local out rc=0
	out=$("${QEMU[@]}" --run 'ptrace_vm_test') || rc=$?
	report_tap host-native <<<"$out"
	assert_eq 0 "$rc" "exit status of ptrace_vm_test on build/bzImage"
}

test_native_stock_kernel_fails_the_tag_cases() {
	local out name failed
	out=$("${QEMU[@]}" --kernel build/bzImage-stock --run 'ptrace_vm_test') || true
	echo "$out"
	failed=$(sed -n 's/^not ok [0-9]* ptrace_vm\.//p' <<<"$out")
	grep -q '^ok ' <<<"$out" || fail "no passing case on build/bzImage-stock: did it run?"
	for name in $PTRACE_VM_TAG_CASES; do
		grep -qx "$name" <<<"$failed" || fail "$name should fail on the stock native kernel, but did not"
	done
	for name in $failed; do
		grep -qx "$name" <<<"$PTRACE_VM_TAG_CASES" ||
			fail "$name fails on the stock native kernel, where it needs no PTRACE_VM"
	done
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

test_qemu_host_returns_the_status_and_names_its_cpu() {
	local out rc=0
	out=$("${QEMU[@]}" --run 'echo out-token; exit 7' 2>&1) || rc=$?
	assert_eq 7 "$rc" "exit status of qemu-host.sh --run 'exit 7'"
	assert_contains "$out" "out-token" "the command's output"
	assert_contains "$out" "-cpu Haswell-noTSX" "the qemu command line it prints"
	assert_contains "$("$TOP/scripts/qemu-host.sh" --help)" "qemu64 has no XSAVE" "--help"
}
