# shellcheck shell=bash
# make check-i386: the FP state of 32-bit processes, as their tracers and
# signal handlers see it, in a 32-bit UML with the whole series, against
# the same program run natively on the same host kernel.
#
# This project's runners cannot run 32-bit programs (their kernels have no
# IA32 emulation), so both runs are on a qemu host: the stock 6.12 bzImage
# with host/ia32.config (build/bzImage-stock-ia32).  There
# build/i386/fpregs32_test (tests/i386/) runs natively, the reference, then
# as init of the 32-bit UML build/i386/linux (scripts/i386-uml.sh), whose
# root is a hostfs of a directory that holds both.  make check-i386 builds
# all three.  A case fails when it passes natively and not in the UML; the
# reference must pass every case.
#
# SYSPTVM_I386_UML=FILE runs another 32-bit UML instead (a build without
# the fix, to see the test fail).

# The lines of the run between the line HEADER and the next "===" line.
run_section() {	# HEADER
	awk -v s="$1" 'index($0, "===") == 1 { on = ($0 == s); next } on'
}

# timeout: 1200 s
test_i386_fp_state_as_natively() {
	local root uml out rc=0 native guest name verdict g
	uml=${SYSPTVM_I386_UML:-build/i386/linux}
	[ -r "$uml" ] || fail "no 32-bit UML at $uml ('make check-i386' builds build/i386/linux)"
	root=$(tmpdir)
	cp build/i386/fpregs32_test "$uml" "$root/" || fail "build/i386/fpregs32_test is missing: run 'make check-i386'"
	mv "$root/${uml##*/}" "$root/linux-i386"
	mkdir -p "$root/proc" "$root/dev"	# devtmpfs: the console
	out=$(run_in qemu -k build/bzImage-stock-ia32 -t 900 -s "$root:/mnt/i386" -- '
		echo "=== natively"
		/mnt/i386/fpregs32_test
		echo "=== in the 32-bit UML"
		/mnt/i386/linux-i386 mem=96M rootfstype=hostfs rootflags=/mnt/i386 rw \
			init=/fpregs32_test con=null con0=null,fd:1 </dev/null
		echo "=== the 32-bit UML ended with status $?"' 2>&1) || rc=$?
	rm -rf "$root"
	echo "$out"
	assert_eq 0 "$rc" "the exit status of the qemu run"
	native=$(run_section "=== natively" <<<"$out" | tap_verdicts)
	guest=$(run_section "=== in the 32-bit UML" <<<"$out" | tap_verdicts)
	[ -n "$native" ] || fail "no case ran natively"
	while read -r name verdict; do
		g=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$guest")
		if [ "$verdict" != ok ]; then
			echo "FAIL $name: fails natively (the reference)"
		elif [ "$g" = ok ]; then
			echo "ok $name"
		else
			echo "FAIL $name: natively ok, in the 32-bit UML ${g:-not run}"
		fi
	done <<<"$native" >>"$SYSPTVM_SUBRESULTS"
}
