#!/usr/bin/env bash
# Build a UML kernel of one kernel line (SYSPTVM_KERNEL_LINE, scripts/lib.sh):
# Debian's linux-source-6.12 with patches/, or linux-source-7.3 with
# patches-7.3/.
#
#   scripts/kernel.sh ours  OUTPUT   the line's series + its files of
#                                    arch-um/ and os-Linux/ (its files list)
#   scripts/kernel.sh stock OUTPUT   the same source and config with only the
#                                    host-compatibility patches (the prefix
#                                    of the series; none on 7.3) and no file
#                                    of ours
#
# OUTPUT.source records the Debian package and version it was built from.
#
# Each variant has a source tree in the cache made of hard links to the
# pristine tree.  Only files that the patches or the project change are
# replaced, always by writing a new file and renaming it into place, so the
# pristine tree is never written and make sees the new mtime.  A write in
# place by anyone else is caught before the next build, which then starts
# from a new extraction (checked_pristine_tree in lib.sh).  The build
# itself goes through the one build layer (scripts/kbuild.sh): objects in
# <tree>/_build, so both variants produce the same compiler command lines
# and share ccache.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/kbuild.sh
. "$SYSPTVM_TOP/scripts/kbuild.sh"

usage() {
	echo "usage: $0 ours|stock OUTPUT" >&2
	exit 2
}
[ $# -eq 2 ] || usage
variant=$1
output=$2
case "$variant" in ours|stock) ;; *) usage ;; esac

mapfile -t fragments < <(uml_config_fragments)
tree=$(variant_tree "$variant")
kbuild_target "$variant" "$tree" _build um x86_64
pristine=$(checked_pristine_tree)
ver=${pristine##*/pristine-}
log=$(variant_build_log "$variant")
stage="${tree%/src}/stage"

if [ "$(cat "$tree/.sysptvm-pristine" 2>/dev/null)" != "$(pristine_id "$pristine")" ]; then
	say "$variant: new source tree $tree (hard links to $pristine)"
	rm -rf "${tree%/src}"
	mkdir -p "${tree%/src}"
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
if [ "$variant" = stock ] && [ -z "$patches" ]; then
	localversion=-stock
elif [ "$variant" = stock ]; then
	localversion="-stock+$(printf '%s\n' "$patches" | grep -c .)hostcompat-$(
		cd "$PATCH_DIR" && printf '%s\n' "$patches" |
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
		file="$PATCH_DIR/$p"
		[ -r "$file" ] || die "$PATCH_REL/series names $p, but $PATCH_REL/$p does not exist"
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
	[ -n "$own" ] || return 0
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

make_stage
sync_tree

kbuild_config x86_64_defconfig "${fragments[@]}" --localversion "$localversion"

if [ "$variant" = stock ]; then
	say "$variant: version suffix $localversion (patches: ${patches//$'\n'/ })"
else
	say "$variant: version suffix $localversion ($PATCH_REL/series and the project's files)"
fi
say "$variant: building UML (this takes 6 to 9 minutes cold, seconds when warm)"
kbuild_make "$log" all || exit 1

kbuild_install linux "$output"
# The version the pristine tree was extracted from, as Debian spells it:
# its directory has ~ as _, which no Debian version has.
echo "$LINUX_SOURCE_PKG ${ver//_/\~}" >"$output.source"
say "$variant: built from $(cat "$output.source")"
