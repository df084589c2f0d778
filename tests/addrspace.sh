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
asan_case() {	# REFERENCE-KEY CMD
	local out
	out=$(guest_run_args "" -m 768M "$2") || fail "the ASan programs: $out"
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
	run_case guest asan_case "$key" "$ASAN_CMD"
	run_case nested-sysptvm asan_case "$key" "nested-uml -m 384M /usr/local/bin/linux '$ASAN_CMD'"
}

address_space_case() {	# CMD
	guest_output_matches "" "$1" '^# PASSED: 3 / 3 tests passed\.$' "address_space_test"
}
# timeout: 300 s
test_address_space_as_native() {
	local out
	out=$(build/guest/bin/address_space_test 2>&1) || fail "natively (the reference): $out"
	echo "natively on $(uname -r): $out"
	run_case guest address_space_case "address_space_test 2>&1"
	run_case nested-sysptvm address_space_case "nested-uml -m 384M /usr/local/bin/linux 'address_space_test 2>&1'"
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
