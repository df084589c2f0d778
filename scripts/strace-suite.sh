#!/usr/bin/env bash
# Fetch Debian's strace source (bookworm's, the strace in the guest image),
# build it and its test suite, and print the path of the built tree.
#
#   scripts/strace-suite.sh          build if needed; print the tree's path
#   scripts/strace-suite.sh --list   print the names of the suite's tests
#   scripts/strace-suite.sh --if-built  print the tree's path if it is
#                                    built; else exit 3 and build nothing
#
# The machine's own sources lists have no deb-src lines, so the source comes
# through a private list (under $SYSPTVM_CACHE/strace/apt), like
# scripts/upstream-uml.sh.  The tree is configured in place, so that the
# suite's scripts and programs sit side by side as its runner expects
# (tests/guest/run-strace-tests.sh), without the 32-bit personalities (this
# kernel has no 32-bit ABI) and without stack tracing (libunwind/libdw).
# The test programs are built too (make check TESTS=, which runs none).
# sysptvm-env in the tree holds what the suite's Makefile would pass to each
# test.  Exits with status 3 and the reason when the source cannot be had.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

want=path
case "${1:-}" in
--list) want=list ;;
--if-built) want=if-built ;;
"") ;;
-h|--help) usage_text "$0"; exit 0 ;;
*) die "unknown argument '$1' (see --help)" ;;
esac

base="$SYSPTVM_CACHE/strace"
apt_dir="$base/apt"
unavailable() {
	echo "strace-suite: $*" >&2
	exit 3
}

# The version of the strace in the guest image, so that the suite matches
# the binary Debian ships there.
version=$(dpkg-query -W -f='${Version}' strace 2>/dev/null) ||
	unavailable "strace is not installed on this host (make deps installs it)"
dir="$base/$version"
if [ "$want" = if-built ] && [ ! -e "$dir/.complete" ]; then
	unavailable "not built for strace $version (make strace-suite builds it)"
fi
if [ ! -e "$dir/.complete" ]; then
	private_apt "$apt_dir"
	echo "deb-src http://deb.debian.org/debian bookworm main" >"$apt_dir/sources.list"
	command -v dpkg-source >/dev/null ||
		unavailable "dpkg-source is missing (apt-get install dpkg-dev)"
	say "strace-suite: fetching the source of strace $version (bookworm, private deb-src list)"
	rm -rf "$dir" && mkdir -p "$dir/src"
	apt-get "${APT_OPTS[@]}" -q update >"$dir/fetch.log" 2>&1 ||
		unavailable "apt-get update of bookworm's sources failed: $(tail -n 2 "$dir/fetch.log" | tr '\n' ' ')"
	(cd "$dir/src" && apt-get "${APT_OPTS[@]}" -q source --download-only "strace=$version") \
		>>"$dir/fetch.log" 2>&1 ||
		unavailable "apt-get source strace=$version failed: $(tail -n 2 "$dir/fetch.log" | tr '\n' ' ')"
	(cd "$dir/src" && dpkg-source -x ./*.dsc tree) >>"$dir/fetch.log" 2>&1 ||
		unavailable "dpkg-source could not unpack strace $version: $(tail -n 2 "$dir/fetch.log" | tr '\n' ' ')"
	tree="$dir/src/tree"
	say "strace-suite: building strace and its test programs (a few minutes; log: $dir/build.log)"
	(
		cd "$tree"
		run ./configure --enable-mpers=no --without-libdw --without-libunwind \
			--without-libselinux
		run make -j"$(nproc)"
		run make -j"$(nproc)" -C tests check TESTS=
	) >"$dir/build.log" 2>&1 || {
		tail -n 20 "$dir/build.log" >&2
		die "the strace build failed; log: $dir/build.log"
	}
	ln -sfn src/tree "$dir/tree"
	touch "$dir/.complete"
	say "strace-suite: strace and its tests built in $tree"
fi
tree="$dir/src/tree"
# The suite's Makefile passes these to every test (AM_TEST_LOG_FLAGS),
# and lists the tests expected to fail; keep both for the runner.  Written
# on every call, so that a tree built before a change here gets them too
# (MIPS_ABI, empty on x86, was missing until 2026-12-06: the 28 tests
# whose init.sh reads it failed under sh -u, natively and in the guest).
# shellcheck disable=SC2016 # make's variables, expanded by make
printf '.PHONY: print-env print-tests print-xfail\nprint-env:\n\t@echo "STRACE_ARCH=$(ARCH) STRACE_NATIVE_ARCH=$(NATIVE_ARCH) SIZEOF_KERNEL_LONG_T=$(SIZEOF_KERNEL_LONG_T) SIZEOF_LONG=$(SIZEOF_LONG) MIPS_ABI=$(MIPS_ABI)"\nprint-tests:\n\t@echo $(TESTS)\nprint-xfail:\n\t@echo $(XFAIL_TESTS)\n' >"$dir/print.mk"
print() { make -s -C "$tree/tests" -f Makefile -f "$dir/print.mk" "print-$1"; }
print env >"$tree/tests/sysptvm-env"
print tests | tr ' ' '\n' | sed '/^$/d' >"$tree/tests/sysptvm-tests"
print xfail | tr ' ' '\n' | sed '/^$/d' >"$tree/tests/sysptvm-xfail"
[ -s "$tree/tests/sysptvm-tests" ] || die "no tests listed in $tree/tests/Makefile"
case "$want" in
list) cat "$dir/tree/tests/sysptvm-tests" ;;
path|if-built) realpath "$dir/tree" ;;
esac
