#!/usr/bin/env bash
# Build a native x86_64 kernel (bzImage) from the same extracted 6.12 tree
# as the UML kernels, to boot under qemu as a host for UML.
#
#   scripts/host-kernel.sh ours  OUTPUT   the tree of build/linux: the whole
#                                         series, so PTRACE_VM natively
#   scripts/host-kernel.sh stock OUTPUT   the tree of build/linux-stock: only
#                                         the host-compatibility patches,
#                                         which touch UML alone
#   scripts/host-kernel.sh stock-ia32 OUTPUT  the same with host/ia32.config
#                                         added: a host that runs 32-bit
#                                         programs, for a 32-bit UML
#                                         (make check-i386)
#
# The tree must be prepared by scripts/kernel.sh (make kernel / make stock).
# Objects go to <tree>/_build-x86_64, next to the UML build, with the same
# ccache (stock-ia32: _build-x86_64-ia32).  The config is x86_64
# tinyconfig plus host/x86_64.config.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage="usage: $0 ours|stock|stock-ia32 OUTPUT"
[ $# -eq 2 ] || { echo "$usage" >&2; exit 2; }
variant=$1 output=$2
fragments=("$SYSPTVM_TOP/host/x86_64.config")
case "$variant" in
ours|stock) src=$variant o=_build-x86_64 ;;
stock-ia32) src=stock o=_build-x86_64-ia32 fragments+=("$SYSPTVM_TOP/host/ia32.config") ;;
*) echo "$usage" >&2; exit 2 ;;
esac

kernel_build_lock "host-$variant"
require_variant_tree "$src"
tree=$(variant_tree "$src")
obj="$tree/$o"

want=$( (cat "$tree/.sysptvm-pristine"; cat "${fragments[@]}") | sha256sum | cut -c1-16)
if [ ! -e "$obj/.config" ] || [ "$(cat "$obj/.sysptvm-config" 2>/dev/null)" != "$want" ]; then
	say "host-$variant: configuring (x86_64 tinyconfig + ${fragments[*]##*/})"
	mkdir -p "$obj"
	run make -s -C "$tree" O="$o" ARCH=x86_64 tinyconfig
	run "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "${fragments[@]}" >/dev/null
	run make -s -C "$tree" O="$o" ARCH=x86_64 olddefconfig
	missing=0
	for f in "${fragments[@]}"; do
		missing=$((missing + $(fragment_misses "$f" "$obj/.config")))
	done
	[ "$missing" -eq 0 ] || say "host-$variant: $missing option(s) of the fragment not taken"
	echo "$want" >"$obj/.sysptvm-config"
fi

kernel_build_env
cc=$KERNEL_CC
say "host-$variant: building the x86_64 bzImage (a few minutes cold, seconds when warm)"
start=$(date +%s)
if ! run make -C "$tree" O="$o" ARCH=x86_64 -j"$(($(nproc) + 1))" CC="$cc" bzImage \
	>"$obj/build.log" 2>&1; then
	grep -E -B2 -A8 'error|Error' "$obj/build.log" | tail -60 >&2 || tail -60 "$obj/build.log" >&2
	die "host-$variant: kernel build failed; full log: $obj/build.log"
fi
say "host-$variant: built in $(($(date +%s) - start)) s ($(grep -c '^  CC' "$obj/build.log" || true) files compiled)"
mkdir -p "$(dirname "$output")"
cmp -s "$obj/arch/x86/boot/bzImage" "$output" || cp "$obj/arch/x86/boot/bzImage" "$output"
say "host-$variant: $output ($(du -h "$output" | cut -f1))"
