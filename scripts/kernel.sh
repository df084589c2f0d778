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
# pristine tree is never written and make sees the new mtime.  A write in
# place by anyone else is caught before the next build, which then starts
# from a new extraction (checked_pristine_tree in lib.sh).  One kernel build
# runs at a time (kernel_build_lock).  The objects go
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
kernel_build_lock "$variant"
pristine=$(checked_pristine_tree)
ver=${pristine##*/pristine-}
tree=$(variant_tree "$variant")
obj="$tree/_build"
log=$(variant_build_log "$variant")
stage="$SYSPTVM_CACHE/$variant/stage"

if [ "$(cat "$tree/.sysptvm-pristine" 2>/dev/null)" != "$(pristine_id "$pristine")" ]; then
	say "$variant: new source tree $tree (hard links to $pristine)"
	rm -rf "${SYSPTVM_CACHE:?}/$variant"
	mkdir -p "$SYSPTVM_CACHE/$variant"
	run cp -al "$pristine" "$tree"
	pristine_id "$pristine" >"$tree/.sysptvm-pristine"
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
# Ours names the patch series and the project's files it was built from
# (series_id): a test, or a bug report, can tell which build runs.
if [ "$variant" = stock ]; then
	localversion="-stock+$(printf '%s\n' "$patches" | grep -c .)hostcompat-$(
		cd "$SYSPTVM_TOP/patches" && printf '%s\n' "$patches" |
			xargs -r cat | sha256sum | cut -c1-8)"
else
	localversion=$(ours_localversion)
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

	# The project's own files (DESIGN.md section 4), as patches/files
	# lists them, which is also what make series puts in the patches.
	local own f dest
	own=$(own_files) || exit 1
	while read -r f _; do
		dest=$(own_file_dest "$f") || exit 1
		mkdir -p "$stage/$(dirname "$dest")"
		cp "$SYSPTVM_TOP/$f" "$stage/$dest"
	done <<<"$own"
}

# Make the tree match pristine + stage for the files touched now or before.
sync_tree() {
	local manifest rel src dst changed=0
	manifest=$(variant_overlay "$variant")
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
	# The patches count too: they may change a Kconfig default (0028 makes
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

if [ "$variant" = stock ]; then
	say "$variant: version suffix $localversion (patches: ${patches//$'\n'/ })"
else
	say "$variant: version suffix $localversion (patches/series and the project's files)"
fi
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
	tee "$log" |
	progress; then
	grep -E -B2 -A8 'error|Error' "$log" | tail -60 >&2 || tail -60 "$log" >&2
	die "$variant: kernel build failed; full log: $log"
fi
say "$variant: built in $(($(date +%s) - start)) s ($(grep -c '^  CC' "$log" || true) files compiled; log $log)"

mkdir -p "$(dirname "$output")"
if cmp -s "$obj/linux" "$output"; then
	touch "$output"
else
	cp "$obj/linux" "$output.new"
	mv -f "$output.new" "$output"
fi
say "$variant: $output ($(du -h "$output" | cut -f1))"
