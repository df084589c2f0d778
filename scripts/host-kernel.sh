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
# shellcheck source=scripts/kbuild.sh
. "$SYSPTVM_TOP/scripts/kbuild.sh"

usage="usage: $0 ours|stock|stock-ia32 OUTPUT"
[ $# -eq 2 ] || { echo "$usage" >&2; exit 2; }
variant=$1 output=$2
fragments=(--fragment "$SYSPTVM_TOP/host/x86_64.config")
case "$variant" in
ours|stock) src=$variant o=_build-x86_64 ;;
stock-ia32) src=stock o=_build-x86_64-ia32 fragments+=(--fragment "$SYSPTVM_TOP/host/ia32.config") ;;
*) echo "$usage" >&2; exit 2 ;;
esac

tree=$(variant_tree "$src")
kbuild_target "host-$variant" "$tree" "$o" x86_64
require_variant_tree "$src"
kbuild_config tinyconfig "${fragments[@]}"
say "host-$variant: building the x86_64 bzImage (a few minutes cold, seconds when warm)"
kbuild_make "$KB_OBJ/build.log" bzImage || exit 1
kbuild_install arch/x86/boot/bzImage "$output"
