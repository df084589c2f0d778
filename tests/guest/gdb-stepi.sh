#!/bin/bash
# gdb-stepi: gdb breaks on the syscall instruction of gdb_target, stepi's
# over it, and checks that rax holds the pid and that one 2-byte
# instruction was stepped.  Prints gdb's output, then "gdb-stepi: ok" or
# what was wrong; exits 0 only if everything was right.
set -uo pipefail

# shellcheck disable=SC2016 # $rax, $pc and $1, $2 are gdb's, not ours
out=$(gdb -batch -ex 'break *syscall_insn' -ex run -ex stepi \
	-ex 'print/d $rax' -ex 'print (long)$pc - (long)&syscall_insn' \
	-ex continue /usr/local/bin/gdb_target 2>&1)
echo "$out"
pid=$(sed -n 's/^pid=\([0-9]*\) ret=.*/\1/p' <<<"$out")
# shellcheck disable=SC2016
rax=$(sed -n 's/^\$1 = \(-\{0,1\}[0-9]*\)$/\1/p' <<<"$out")
# shellcheck disable=SC2016
step=$(sed -n 's/^\$2 = \([0-9]*\)$/\1/p' <<<"$out")
err=
grep -q "Breakpoint 1, " <<<"$out" || err="gdb did not stop at the breakpoint on the syscall instruction"
[ -n "$err" ] || [ -n "$pid" ] || err="gdb_target did not print its pid"
[ -n "$err" ] || [ "$rax" = "$pid" ] || err="rax after stepi over getpid's syscall is '$rax', not the pid $pid"
[ -n "$err" ] || [ "$step" = 2 ] || err="stepi moved the pc by '$step' bytes, not 2 (one syscall instruction)"
[ -n "$err" ] || grep -q "exited normally" <<<"$out" || err="gdb_target did not exit normally"
if [ -n "$err" ]; then
	echo "gdb-stepi: $err"
	exit 1
fi
echo "gdb-stepi: ok"
