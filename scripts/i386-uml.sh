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

[ $# -eq 1 ] || { echo "usage: $0 OUTPUT" >&2; exit 2; }
output=$1
require_variant_tree ours
tree=$(variant_tree ours)
o=_build-i386-run
obj="$tree/$o"
echo 'int main(void) { return 0; }' | gcc -m32 -static -x c -o /dev/null - 2>/dev/null ||
	die "gcc -m32 -static cannot link: install gcc-multilib ('make deps')"

kernel_build_lock i386-uml
kernel_build_env
fragment="$SYSPTVM_TOP/arch-um/sysptvm.config"
want=$( (cat "$tree/.sysptvm-pristine"; cat "$fragment"; echo CONFIG_STATIC_LINK=y) |
	sha256sum | cut -c1-16)
if [ ! -e "$obj/.config" ] || [ "$(cat "$obj/.sysptvm-config" 2>/dev/null)" != "$want" ]; then
	say "i386-uml: configuring (i386_defconfig + arch-um/sysptvm.config + CONFIG_STATIC_LINK)"
	mkdir -p "$obj"
	run make -s -C "$tree" O="$o" ARCH=um SUBARCH=i386 i386_defconfig
	echo CONFIG_STATIC_LINK=y >"$obj/static.config"
	run "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"$fragment" "$obj/static.config" >/dev/null
	run make -s -C "$tree" O="$o" ARCH=um SUBARCH=i386 olddefconfig
	grep -qx CONFIG_STATIC_LINK=y "$obj/.config" ||
		die "i386-uml: CONFIG_STATIC_LINK was not taken; see $obj/.config"
	echo "$want" >"$obj/.sysptvm-config"
fi

say "i386-uml: building the 32-bit UML (several minutes cold, seconds when warm)"
start=$(date +%s)
if ! run make -C "$tree" O="$o" ARCH=um SUBARCH=i386 -j"$(($(nproc) + 1))" \
	CC="$KERNEL_CC -m32" linux >"$obj/build.log" 2>&1; then
	grep -E -B2 -A8 'error|Error' "$obj/build.log" | tail -60 >&2 || tail -60 "$obj/build.log" >&2
	die "i386-uml: build failed; full log: $obj/build.log"
fi
say "i386-uml: built in $(($(date +%s) - start)) s ($(grep -c '^  CC' "$obj/build.log" || true) files compiled)"
readelf -h "$obj/linux" | grep -q 'Class:[[:space:]]*ELF32' ||
	die "i386-uml: $obj/linux is not a 32-bit program"
! readelf -l "$obj/linux" | grep -q INTERP ||
	die "i386-uml: $obj/linux is linked dynamically"
mkdir -p "$(dirname "$output")"
cmp -s "$obj/linux" "$output" || cp "$obj/linux" "$output"
say "i386-uml: $output ($(du -h "$output" | cut -f1))"
