#!/usr/bin/env bash
# make check-i386: the FP state of 32-bit processes, as their tracers and
# signal handlers see it, in a 32-bit UML with the whole series, against
# the same program run natively on the same host kernel.
#
#   scripts/check-i386.sh
#
# This project's runners cannot run 32-bit programs (their kernels have no
# IA32 emulation), so both runs are on a qemu host: the stock 6.12 bzImage
# with host/ia32.config (scripts/host-kernel.sh stock-ia32).  There
# tests/i386/fpregs32_test runs natively (the reference), then as init of
# the 32-bit UML of scripts/i386-uml.sh, whose root is a hostfs of the
# directory that holds it.  A case fails when it passes natively and not
# in the UML; the reference must pass every case.  The last line is
# "N passed, N failed", the cases of the UML run.
#
# SYSPTVM_I386_UML=FILE runs another 32-bit UML instead (a build without
# the fix, to see the test fail).  Cold, its two kernels are about 1900
# files to compile; warm, it takes about 35 s.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SYSPTVM_TOP"

dir=build/i386
mkdir -p "$dir/root"
scripts/host-kernel.sh stock-ia32 build/bzImage-stock-ia32
uml=${SYSPTVM_I386_UML:-$dir/linux}
[ -n "${SYSPTVM_I386_UML:-}" ] || scripts/i386-uml.sh "$uml"
[ -r "$uml" ] || die "no 32-bit UML at $uml"
say "check-i386: building tests/i386/fpregs32_test (gcc -m32 -static -mno-sse)"
gcc -m32 -static -O2 -mno-sse -Wall -Wextra -Werror \
	-o "$dir/root/fpregs32_test" tests/i386/fpregs32_test.c
cp "$uml" "$dir/root/linux-i386"
mkdir -p "$dir/root/proc" "$dir/root/dev"	# devtmpfs: the console

say "check-i386: natively, then in the 32-bit UML, on build/bzImage-stock-ia32 under qemu"
rc=0
scripts/qemu-host.sh -k build/bzImage-stock-ia32 -t 900 -s "$SYSPTVM_TOP/$dir/root:/mnt/i386" --run '
	echo "=== natively"
	/mnt/i386/fpregs32_test
	echo "=== in the 32-bit UML"
	/mnt/i386/linux-i386 mem=96M rootfstype=hostfs rootflags=/mnt/i386 rw \
		init=/fpregs32_test con=null con0=null,fd:1 </dev/null
	echo "=== the 32-bit UML ended with status $?"' >"$dir/run.out" 2>&1 || rc=$?
cat "$dir/run.out"
[ "$rc" = 0 ] || die "check-i386: the qemu run failed (status $rc); its output is above"

# The lines "ok NAME" and "FAIL NAME: why" of each run.
cases() {	# SECTION
	awk -v s="=== $1" 'index($0, "===") == 1 { on = ($0 == s); next }
		on && /^(ok|FAIL) [a-z_0-9]+/ { n = $2; sub(/:$/, "", n); print n, $1 }' "$dir/run.out"
}
native=$(cases natively)
guest=$(cases "in the 32-bit UML")
[ -n "$native" ] || die "check-i386: no case ran natively"
passed=0 failed=0
while read -r name verdict; do
	g=$(awk -v n="$name" '$1 == n { print $2 }' <<<"$guest")
	if [ "$verdict" != ok ]; then
		echo "FAIL $name: fails natively (the reference)"
		failed=$((failed + 1))
	elif [ "$g" = ok ]; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: natively ok, in the 32-bit UML ${g:-not run}"
		failed=$((failed + 1))
	fi
done <<<"$native"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
