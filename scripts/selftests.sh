#!/usr/bin/env bash
# Build the kernel's own ptrace, seccomp and syscall_user_dispatch selftests,
# statically, from the pristine Debian source, with their own Makefiles:
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
	# The programs, one per line, as SUITE/PROGRAM: what the runners run.
	(cd "$out" && for s in $SUITES; do
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
