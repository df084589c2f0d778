#!/usr/bin/env bash
# Build a native x86_64 kernel (bzImage) from the same extracted 6.12 tree
# as the UML kernels, to boot under qemu as a host for UML.
#
#   scripts/host-kernel.sh ours  OUTPUT   the tree of build/linux: the whole
#                                         series, so PTRACE_VM natively
#   scripts/host-kernel.sh stock OUTPUT   the tree of build/linux-stock: only
#                                         the host-compatibility patches,
#                                         which touch UML alone
#
# The tree must be prepared by scripts/kernel.sh (make kernel / make stock).
# Objects go to <tree>/_build-x86_64, next to the UML build, with the same
# ccache.  The config is x86_64 tinyconfig plus host/x86_64.config.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 2 ] || { echo "usage: $0 ours|stock OUTPUT" >&2; exit 2; }
variant=$1 output=$2
case "$variant" in ours|stock) ;; *) echo "usage: $0 ours|stock OUTPUT" >&2; exit 2 ;; esac

kernel_build_lock "host-$variant"
tree="$SYSPTVM_CACHE/$variant/src"
obj="$tree/_build-x86_64"
fragment="$SYSPTVM_TOP/host/x86_64.config"
[ -e "$tree/.sysptvm-pristine" ] ||
	die "no $variant kernel tree in $tree: build it first with 'make $( [ "$variant" = ours ] && echo kernel || echo stock)'"

want=$( (cat "$tree/.sysptvm-pristine"; cat "$fragment") | sha256sum | cut -c1-16)
if [ ! -e "$obj/.config" ] || [ "$(cat "$obj/.sysptvm-config" 2>/dev/null)" != "$want" ]; then
	say "host-$variant: configuring (x86_64 tinyconfig + host/x86_64.config)"
	mkdir -p "$obj"
	run make -s -C "$tree" O=_build-x86_64 ARCH=x86_64 tinyconfig
	run "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >/dev/null
	run make -s -C "$tree" O=_build-x86_64 ARCH=x86_64 olddefconfig
	missing=$(fragment_misses "$fragment" "$obj/.config")
	[ "$missing" -eq 0 ] || say "host-$variant: $missing option(s) of the fragment not taken"
	echo "$want" >"$obj/.sysptvm-config"
fi

kernel_build_env
cc=$KERNEL_CC
say "host-$variant: building the x86_64 bzImage (a few minutes cold, seconds when warm)"
start=$(date +%s)
if ! run make -C "$tree" O=_build-x86_64 ARCH=x86_64 -j"$(($(nproc) + 1))" CC="$cc" bzImage \
	>"$obj/build.log" 2>&1; then
	grep -E -B2 -A8 'error|Error' "$obj/build.log" | tail -60 >&2 || tail -60 "$obj/build.log" >&2
	die "host-$variant: kernel build failed; full log: $obj/build.log"
fi
say "host-$variant: built in $(($(date +%s) - start)) s ($(grep -c '^  CC' "$obj/build.log" || true) files compiled)"
mkdir -p "$(dirname "$output")"
cmp -s "$obj/arch/x86/boot/bzImage" "$output" || cp "$obj/arch/x86/boot/bzImage" "$output"
say "host-$variant: $output ($(du -h "$output" | cut -f1))"
