#!/usr/bin/env bash
# Build a 32-bit UML (SUBARCH=i386), linked statically, from the tree that
# scripts/kernel.sh keeps for build/linux (the whole series), for
# make check-i386.  It runs only on a host that runs 32-bit programs: not
# this project's runners, whose kernels have no IA32 emulation, but the
# qemu host of 'scripts/host-kernel.sh stock-ia32'.
#
#   scripts/i386-uml.sh OUTPUT
#
# Objects go to <tree>/_build-i386-run (scripts/compile-i386.sh keeps
# _build-i386 for its objects only).  The config is i386_defconfig plus
# arch-um/sysptvm.config and CONFIG_STATIC_LINK: the qemu host's
# initramfs has no 32-bit C library.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/kbuild.sh
. "$SYSPTVM_TOP/scripts/kbuild.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUTPUT" >&2; exit 2; }
output=$1
tree=$(variant_tree ours)
echo 'int main(void) { return 0; }' | gcc -m32 -static -x c -o /dev/null - 2>/dev/null ||
	die "gcc -m32 -static cannot link: install gcc-multilib ('make deps')"

kbuild_target i386-uml "$tree" _build-i386-run um i386
require_variant_tree ours
kbuild_config i386_defconfig --fragment "$SYSPTVM_TOP/arch-um/sysptvm.config" \
	--require CONFIG_STATIC_LINK=y
say "i386-uml: building the 32-bit UML (several minutes cold, seconds when warm)"
kbuild_make "$KB_OBJ/build.log" --cflags -m32 linux || exit 1
obj=$KB_OBJ
readelf -h "$obj/linux" | grep -q 'Class:[[:space:]]*ELF32' ||
	die "i386-uml: $obj/linux is not a 32-bit program"
! readelf -l "$obj/linux" | grep -q INTERP ||
	die "i386-uml: $obj/linux is linked dynamically"
kbuild_install linux "$output"
