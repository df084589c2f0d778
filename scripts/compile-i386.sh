#!/usr/bin/env bash
# Compile, for a 32-bit UML (SUBARCH=i386), every C file that the patch
# series changes or that the project installs, in the tree that
# scripts/kernel.sh keeps for build/linux.  Nothing is linked and nothing
# is kept but the objects: the 32-bit UML is not a product of this project,
# but the files it shares with the 64-bit one must not break it.
#
#   scripts/compile-i386.sh [--list]    --list: only print the files
#
# Files that the 32-bit build does not use (the *_64.c files and the ones
# its Makefiles leave out) are not compiled, and are named.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/kbuild.sh
. "$SYSPTVM_TOP/scripts/kbuild.sh"

list=0
case "${1:-}" in
--list) list=1 ;;
"") ;;
*) echo "usage: $0 [--list]" >&2; exit 2 ;;
esac

require_variant_tree ours
tree=$(variant_tree ours)

# The C files of the tree that the series or the project changed: the
# staged files of kernel.sh, which are exactly those.
files=$(grep '\.c$' "$(variant_overlay ours)" | LC_ALL=C sort -u)
if [ "$list" = 1 ]; then
	printf '%s\n' "$files"
	exit 0
fi

# The report names them (tests/pipeline.sh compares it with --list).
while read -r f; do echo "  file $f"; done <<<"$files" >&2

echo 'int main(void) { return 0; }' | gcc -m32 -x c -o /dev/null - 2>/dev/null ||
	die "gcc -m32 cannot link: install gcc-multilib ('make deps')"

kbuild_target i386 "$tree" _build-i386 um i386
kbuild_config i386_defconfig --fragment "$SYSPTVM_TOP/arch-um/sysptvm.config"

# The objects of the 32-bit build: those its Makefiles name under its
# .config, as kbuild reads them (a single-object target would compile
# even a file the build leaves out).
dir_objs() {	# DIR
	# shellcheck disable=SC2016 # make's $(...), not the shell's
	printf '%s\n' 'include $(CONFIG)' 'srctree := $(TREE)' 'obj := $(DIR)' \
		'src := $(DIR)' 'include $(TREE)/$(DIR)/Makefile' \
		'print-objs:' $'\t@echo $(obj-y)' |
		make -s --no-print-directory -f - TREE="$tree" DIR="$1" \
			CONFIG="$KB_OBJ/.config" print-objs
}
targets=() skipped=() first=()
for f in $files; do
	o=${f%.c}.o
	d=$(dirname "$f")
	if [ "${f##*/}" = user-offsets.c ]; then
		first+=("$f")	# compiled by the build's first step (prepare)
	elif dir_objs "$d" | tr ' ' '\n' | grep -qxF "${o##*/}"; then
		targets+=("$o")
	else
		skipped+=("$f")
	fi
done
say "i386: compiling ${#targets[@]} file(s) of the series${first[*]:+, and ${first[*]} in the first step} (${#skipped[@]} not in a 32-bit build: ${skipped[*]:-none})"
[ ${#targets[@]} -gt 0 ] || die "i386: no file of the series is in a 32-bit build: the Makefile query failed"
start=$(date +%s)
kbuild_make "$KB_OBJ/build.log" --werror --cflags -m32 "${targets[@]}" || exit 1
say "i386: $((${#targets[@]} + ${#first[@]})) file(s) compiled in $(($(date +%s) - start)) s, no warnings"
