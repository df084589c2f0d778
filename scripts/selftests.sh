#!/usr/bin/env bash
# Build the kernel's own ptrace, seccomp and syscall_user_dispatch selftests,
# and seven of its x86 ones (X86_PROGRAMS below, 64-bit builds), statically,
# from the pristine Debian source, with their own Makefiles:
#
#   scripts/selftests.sh OUTDIR
#
# OUTDIR/usr/include   the uapi headers of the same source (headers_install),
#                      so the tests see the 6.12 interface, not the build
#                      machine's linux-libc-dev
# OUTDIR/<suite>/      the programs, built out of tree (OUTPUT=): nothing is
#                      written into the source tree, whose files are hard
#                      links shared with the cache's kernel trees
#
# They run in the guest (tests/selftests.sh) and natively under qemu on
# build/bzImage-stock, the reference, and on build/bzImage (tests/host.sh).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
mkdir -p "$1"
dest=$(cd "$1" && pwd)
tree=$(pristine_tree)
ver=$(basename "$tree")
SUITES="ptrace seccomp syscall_user_dispatch"
# The x86 selftests of a process's start, its own trap flag, call numbers
# and sigreturn, and of a tracer's view of them (issue 30).  Their
# Makefile builds a _32 and a _64 program of each; the guest runs 64-bit
# programs only.  The 64-bit ones also test int $0x80 where gcc can build
# 32-bit code (gcc-multilib), as upstream's do.
X86_PROGRAMS="check_initial_reg_state single_step_syscall syscall_nt syscall_numbering sigreturn mov_ss_trap ptrace_syscall"

# Build them into $out (below), which is complete once .complete is there.
build() {
	rm -rf "$out" && mkdir -p "$out"

	say "selftests: installing the uapi headers of $tree into $out/usr"
	run make -s -C "$tree" O="$out/.headers-obj" ARCH=x86_64 headers_install INSTALL_HDR_PATH="$out/usr"
	rm -rf "$out/.headers-obj"

	# The Makefiles add their own flags to these (CFLAGS +=), so they come
	# from the environment, not the command line, which would replace
	# them.  The syscall_user_dispatch Makefile looks for the headers in
	# the source tree (-I../../../../usr/include/), which has none:
	# -isystem finds them here.  No -O: as kselftest builds them.
	# sud_benchmark's SIGSYS handler returns through its own inline
	# "leave; add $8, %rsp; syscall", which assumes the frame that gcc
	# gives it without optimization.
	export CFLAGS="-static -isystem $out/usr/include"
	export LDFLAGS=-static
	for s in $SUITES; do
		[ -d "$tree/tools/testing/selftests/$s" ] || die "selftests: $tree has no tools/testing/selftests/$s"
		say "selftests: building $s"
		mkdir -p "$out/$s"
		if ! run make -s -C "$tree/tools/testing/selftests/$s" OUTPUT="$out/$s" \
			KHDR_INCLUDES="-isystem $out/usr/include" >"$out/$s.log" 2>&1; then
			tail -30 "$out/$s.log" >&2
			die "selftests: building $s failed; full log: $out/$s.log"
		fi
		for p in "$out/$s"/*; do
			{ [ -f "$p" ] && [ -x "$p" ]; } || continue
			! readelf -l "$p" | grep -q 'program interpreter' || die "selftests: $p is not statically linked"
		done
	done
	# The x86 Makefile sets CFLAGS itself (:=), so -static goes with CC;
	# its targets are the programs' paths.  Their stdout is line-buffered,
	# as on a terminal, wherever it goes: a program that dies (natively,
	# without IA32 emulation, at its int $0x80 case) keeps what it printed
	# before, in the guest as under qemu.  (EXTRA_FILES: none of the seven
	# has files of its own.)
	say "selftests: building x86 ($X86_PROGRAMS)"
	mkdir -p "$out/x86"
	cat >"$out/linebuf.c" <<-'EOF'
		#include <stdio.h>

		__attribute__((constructor)) static void linebuf(void)
		{
			setvbuf(stdout, NULL, _IOLBF, 0);
		}
	EOF
	local targets=() t
	for t in $X86_PROGRAMS; do targets+=("$out/x86/${t}_64"); done
	if ! run make -s -C "$tree/tools/testing/selftests/x86" OUTPUT="$out/x86" \
		CC="gcc -static" KHDR_INCLUDES="-isystem $out/usr/include" \
		EXTRA_FILES="$out/linebuf.c" "${targets[@]}" >"$out/x86.log" 2>&1; then
		tail -30 "$out/x86.log" >&2
		die "selftests: building x86 failed; full log: $out/x86.log"
	fi
	for p in "${targets[@]}"; do
		[ -x "$p" ] || die "selftests: x86 built no $p (is gcc-multilib there?); log: $out/x86.log"
		! readelf -l "$p" | grep -q 'program interpreter' || die "selftests: $p is not statically linked"
	done
	# The programs, one per line, as SUITE/PROGRAM: what the runners run.
	(cd "$out" && for s in $SUITES x86; do
		find "$s" -maxdepth 1 -type f -perm -u+x | sort
	done) >"$out/programs.new"
	mv "$out/programs.new" "$out/programs"
	touch "$out/.complete"
}

# A build is cached outside the checkout, by the source and this script,
# and copied into OUTDIR: a fresh clone does not build them again.
key=$( (echo "$ver"; cat "${BASH_SOURCE[0]}") | sha256sum | cut -c1-16)
out="$SYSPTVM_CACHE/selftests/$key"
if [ -e "$out/.complete" ]; then
	say "selftests: the build of $ver from the cache ($out)"
else
	build
fi
rm -rf "${dest:?}"/* && cp -a "$out/." "$dest/"
say "selftests: $(wc -l <"$out/programs") programs in $dest ($(tr '\n' ' ' <"$out/programs"))"
