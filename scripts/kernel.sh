#!/usr/bin/env bash
# Build a UML kernel from Debian's linux-source-6.12.
#
#   scripts/kernel.sh ours  OUTPUT   patches/series + arch-um/ + os-Linux/
#   scripts/kernel.sh stock OUTPUT   the same source and config with only the
#                                    host-compatibility patches (the prefix
#                                    of patches/series) and no file of ours
#
# Each variant has a source tree in the cache made of hard links to the
# pristine tree.  Only files that the patches or the project change are
# replaced, always by writing a new file and renaming it into place, so the
# pristine tree is never written and make sees the new mtime.  The objects go
# to <tree>/_build: kbuild then uses the relative srctree "..", so both
# variants produce the same compiler command lines and share ccache.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
	echo "usage: $0 ours|stock OUTPUT" >&2
	exit 2
}
[ $# -eq 2 ] || usage
variant=$1
output=$2
case "$variant" in ours|stock) ;; *) usage ;; esac

fragment="$SYSPTVM_TOP/arch-um/sysptvm.config"
pristine=$(pristine_tree)
ver=${pristine##*/pristine-}
tree="$SYSPTVM_CACHE/$variant/src"
obj="$tree/_build"
stage="$SYSPTVM_CACHE/$variant/stage"

if [ "$(cat "$tree/.sysptvm-pristine" 2>/dev/null)" != "$ver" ]; then
	say "$variant: new source tree $tree (hard links to $pristine)"
	rm -rf "${SYSPTVM_CACHE:?}/$variant"
	mkdir -p "$SYSPTVM_CACHE/$variant"
	run cp -al "$pristine" "$tree"
	echo "$ver" >"$tree/.sysptvm-pristine"
fi

# Paths (relative to the tree) that a patch reads or writes.
patch_paths() {
	awk '/^(---|\+\+\+) / {
		p = $2; sub(/\t.*/, "", p)
		if (p != "/dev/null") { sub(/^[^\/]*\//, "", p); print p }
	}' "$1"
}

# The patches of this variant, in order.
if [ "$variant" = ours ]; then
	patches=$(series_patches)
else
	patches=$(host_compat_patches) || exit 1
fi

# Stock says what it is made of in its version string (uname -r): the
# number of host-compatibility patches and a hash of them.
localversion=
if [ "$variant" = stock ]; then
	localversion="-stock+$(printf '%s\n' "$patches" | grep -c .)hostcompat-$(
		cd "$SYSPTVM_TOP/patches" && printf '%s\n' "$patches" |
			xargs -r cat | sha256sum | cut -c1-8)"
fi

# Build the wanted contents of every changed file in a small staging tree.
make_stage() {
	local p file rej
	rm -rf "$stage" && mkdir -p "$stage"

	while read -r p; do
		[ -n "$p" ] || continue
		file="$SYSPTVM_TOP/patches/$p"
		[ -r "$file" ] || die "patches/series names $p, but patches/$p does not exist"
		patch_paths "$file" | while read -r f; do
			if [ ! -e "$stage/$f" ] && [ -e "$pristine/$f" ]; then
				mkdir -p "$stage/$(dirname "$f")"
				cp "$pristine/$f" "$stage/$f"
			fi
		done
		rej="$stage.rej"
		rm -f "$rej"
		if ! patch -p1 -d "$stage" --batch --forward --fuzz=0 \
			--no-backup-if-mismatch -r "$rej" -i "$file" >"$stage.log" 2>&1; then
			cat "$stage.log" >&2
			if [ -s "$rej" ]; then
				echo "--- rejected hunks of $p:" >&2
				cat "$rej" >&2
			fi
			die "patch $p does not apply to $LINUX_SOURCE_PKG $ver (see above)"
		fi
	done <<<"$patches"
	[ "$variant" = ours ] || return 0

	# The project's own files, see DESIGN.md section 4.
	install_dir "$SYSPTVM_TOP/arch-um" arch/um/kernel '*.c' '*.h'
	install_dir "$SYSPTVM_TOP/arch-um/include/shared" arch/um/include/shared '*.h'
	install_dir "$SYSPTVM_TOP/arch-um/include/asm" arch/um/include/asm '*.h'
	install_dir "$SYSPTVM_TOP/os-Linux" arch/um/os-Linux '*.c' '*.h'
	install_dir "$SYSPTVM_TOP/arch-um/x86" arch/x86/um '*.c' '*.h'
	install_dir "$SYSPTVM_TOP/os-Linux/x86" arch/x86/um/os-Linux '*.c' '*.h'
	printf '#define SYSPTVM_SERIES "%s"\n' "$(series_id)" \
		>"$stage/arch/um/kernel/sysptvm_series.h"
}

install_dir() {
	local from=$1 to=$2 pat f
	shift 2
	mkdir -p "$stage/$to"
	for pat in "$@"; do
		for f in "$from"/$pat; do
			[ -f "$f" ] && cp "$f" "$stage/$to/"
		done
	done
	return 0
}

# Make the tree match pristine + stage for the files touched now or before.
sync_tree() {
	local manifest="$tree/.sysptvm-overlay" rel src dst changed=0
	: >"$manifest.new"
	(cd "$stage" && find . -type f | sed 's|^\./||') >>"$manifest.new"
	while read -r rel; do
		dst="$tree/$rel"
		if [ -e "$stage/$rel" ]; then
			src="$stage/$rel"
		elif [ -e "$pristine/$rel" ]; then
			src="$pristine/$rel"
		else
			if [ -e "$dst" ]; then
				rm -f "$dst"
				echo "  removed $rel" >&2
				changed=$((changed + 1))
			fi
			continue
		fi
		if [ -e "$dst" ] && cmp -s "$src" "$dst"; then
			continue
		fi
		mkdir -p "$(dirname "$dst")"
		cp "$src" "$dst.sysptvm-new"
		mv -f "$dst.sysptvm-new" "$dst"
		echo "  updated $rel" >&2
		changed=$((changed + 1))
	done < <(touch "$manifest" && sort -u "$manifest.new" "$manifest")
	mv -f "$manifest.new" "$manifest"
	say "$variant: $changed file(s) changed in the source tree"
}

configure() {
	local stamp want
	# The patches count too: they may change a Kconfig default (0019 makes
	# four page table levels the default), which olddefconfig does not
	# apply to a .config that already has the old choice.
	want=$( (echo "$ver $localversion"; cat "$fragment"
		cd "$SYSPTVM_TOP/patches" && printf '%s\n' "$patches" | xargs cat) |
		sha256sum | cut -c1-16)
	stamp="$obj/.sysptvm-config"
	if [ -e "$obj/.config" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	say "$variant: configuring (x86_64_defconfig + arch-um/sysptvm.config)"
	mkdir -p "$obj"
	run make -s -C "$tree" O=_build ARCH=um SUBARCH=x86_64 x86_64_defconfig
	run "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$fragment" >/dev/null
	if [ -n "$localversion" ]; then
		run "$tree/scripts/config" --file "$obj/.config" --set-str LOCALVERSION "$localversion"
	fi
	run make -s -C "$tree" O=_build ARCH=um SUBARCH=x86_64 olddefconfig
	local missing
	missing=$(fragment_misses "$fragment" "$obj/.config")
	[ "$missing" -eq 0 ] || say "$variant: $missing option(s) of the fragment not taken (dependencies)"
	echo "$want" >"$stamp"
}

make_stage
sync_tree
configure

kernel_build_env
jobs=$(($(nproc) + 1))
cc=$KERNEL_CC

[ -z "$localversion" ] || say "$variant: version suffix $localversion (patches: ${patches//$'\n'/ })"
say "$variant: building UML (this takes 6 to 9 minutes cold, seconds when warm)"
start=$(date +%s)
# The full output goes to the log; the terminal gets a count every 250 files.
progress() {
	local line n=0
	while IFS= read -r line; do
		case "$line" in
		"  CC "*) n=$((n + 1)); [ $((n % 250)) -ne 0 ] || echo "  ... $n files compiled" >&2 ;;
		esac
	done
}
if ! run make -C "$tree" O=_build ARCH=um SUBARCH=x86_64 -j"$jobs" CC="$cc" 2>&1 |
	tee "$obj/build.log" |
	progress; then
	grep -E -B2 -A8 'error|Error' "$obj/build.log" | tail -60 >&2 || tail -60 "$obj/build.log" >&2
	die "$variant: kernel build failed; full log: $obj/build.log"
fi
say "$variant: built in $(($(date +%s) - start)) s ($(grep -c '^  CC' "$obj/build.log" || true) files compiled; log $obj/build.log)"

mkdir -p "$(dirname "$output")"
if cmp -s "$obj/linux" "$output"; then
	touch "$output"
else
	cp "$obj/linux" "$output.new"
	mv -f "$output.new" "$output"
fi
say "$variant: $output ($(du -h "$output" | cut -f1))"
