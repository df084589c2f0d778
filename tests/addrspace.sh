# shellcheck shell=bash
# The address space of a guest process (issue 13, item 5): 47 bits, as an
# x86_64 process has on the host, with the stack near the top; enough for
# AddressSanitizer, whose shadow reaches 16 TiB and whose allocator is at
# 96 TiB.  Each program runs natively first, as the reference, then in the
# guest and in a UML nested in ours.

# The lines of an ASan report that say what happened and where, without
# the addresses and the process id, which differ from run to run.
asan_report_key() {
	grep -E 'ERROR: AddressSanitizer|^(READ|WRITE) of size|is located|allocated by thread|#[0-9]+ 0x[0-9a-f]+ in main |^SUMMARY: AddressSanitizer' |
		sed -E 's/==[0-9]+==//; s/0x[0-9a-f]+/ADDR/g'
}
ASAN_CMD='asan_hello 2>&1; echo "asan_hello exit $?"; asan_heap_overflow 2>&1; echo "asan_heap_overflow exit $?"'
asan_native() {
	(cd build/guest/bin && PATH=.:$PATH bash -c "$ASAN_CMD")
}
asan_case() {	# REFERENCE-KEY PLACE
	local out
	out=$(run_in "$2" -m 768M -M 384M -- "$ASAN_CMD") || fail "the ASan programs: $out"
	echo "$out"
	assert_contains "$out" "asan_hello exit 0" "asan_hello"
	assert_matches "$out" '^asan_hello: heap at 0x[0-9a-f]+, stack at 0x[0-9a-f]+: ok$' "asan_hello's line"
	assert_contains "$out" "asan_heap_overflow exit 1" "asan_heap_overflow's status"
	assert_eq "$1" "$(asan_report_key <<<"$out")" "the ASan report, against the native one"
}
# timeout: 400 s
test_asan_runs_and_reports_as_native() {
	local ref key
	ref=$(asan_native)
	echo "natively on $(uname -r): $ref"
	key=$(asan_report_key <<<"$ref")
	assert_contains "$ref" "asan_hello exit 0" "asan_hello natively (the reference)"
	assert_contains "$key" "heap-buffer-overflow" "the native report (the reference)"
	assert_matches "$key" 'in main .*asan_heap_overflow\.c:14$' "the native report's place (the reference)"
	run_case guest asan_case "$key" uml
	run_case nested-sysptvm asan_case "$key" nested-sysptvm
}

address_space_case() {	# PLACE
	guest_output_matches "$1" 'address_space_test 2>&1' '^# PASSED: 3 / 3 tests passed\.$' "address_space_test"
}
# timeout: 300 s
test_address_space_as_native() {
	local out
	out=$(build/guest/bin/address_space_test 2>&1) || fail "natively (the reference): $out"
	echo "natively on $(uname -r): $out"
	run_case guest address_space_case uml
	run_case nested-sysptvm address_space_case nested-sysptvm
}

# Stock 6.12 UML has three-level page tables: its processes end below
# 512 GiB, and both programs fail as the issue describes.
test_address_space_fails_on_stock() {
	local out
	out=$(guest_run --kernel build/linux-stock "address_space_test 2>&1; $ASAN_CMD") || true
	echo "$out"
	assert_matches "$out" '^not ok 1 global\.mmap_fixed_noreplace_at_1_tib$' "the mmap at 1 TiB on linux-stock"
	assert_matches "$out" '^not ok 3 global\.stack_is_in_the_top_tib$' "the stack on linux-stock"
	assert_contains "$out" "Shadow memory range interleaves with an existing memory mapping" "asan_hello on linux-stock"
}

# The top of the address space that UML probes at boot (patch 0012,
# os-Linux/x86/top_address.c) is the same with ASLR off (setarch -R, as
# gdb runs a program) and on a host older than Linux 4.17, whose mmap()
# takes MAP_FIXED_NOREPLACE for a hint (the shim tests/shim/old_mmap.c).
# With ASLR off the stack ends at the top, and with 64 KiB of environment
# it holds more pages than the one the probe starts in, which the probes
# then meet; there, without the flag, mmap() gives another address for a
# page in use, and a probe that trusted mmap() alone put the top inside
# the stack (0x7ffffffef000 here, where the right top is 0x7ffffffff000).
test_top_address_probe_without_aslr_and_on_old_hosts() {
	local shim out want got how
	SYSPTVM_PAD=$(head -c 65536 /dev/zero | tr '\0' x)
	export SYSPTVM_PAD
	shim=$(test_tool_path old_mmap.so)
	out=$(guest_run -v 'echo top-ok' 2>&1) || fail "the boot with ASLR: $out"
	want=$(sed -n 's/.*Checking the top of the address space\.\.\.\(0x[0-9a-f]*\).*/\1/p' <<<"$out")
	[ -n "$want" ] || fail "no line 'Checking the top of the address space' in: $out"
	echo "with ASLR: the top at $want"
	for how in "setarch -R" "old mmap" "setarch -R, old mmap"; do
		local pre=()
		case "$how" in *setarch*) pre=(setarch -R) ;; esac
		case "$how" in *"old mmap"*) pre+=(env LD_PRELOAD="$shim") ;; esac
		out=$("${pre[@]}" bash -c '. tests/lib.sh && guest_run -v "echo top-ok"' 2>&1) || true
		got=$(sed -n 's/.*Checking the top of the address space\.\.\.\(0x[0-9a-f]*\).*/\1/p' <<<"$out")
		echo "$how: the top at ${got:-(none)}"
		assert_eq "$want" "$got" "the top of the address space ($how)"
		assert_contains "$out" "top-ok" "the guest's command ($how)"
	done
}
