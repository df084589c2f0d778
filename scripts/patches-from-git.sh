#!/usr/bin/env bash
# Write patches/ (patches-7.3/ with SYSPTVM_KERNEL_LINE=7.3) from a git branch of the series: the inverse of
# scripts/series.sh, for reordering, splitting or rewording patches with
# git (rebase -i, commit --amend) instead of by hand.
#
#   scripts/patches-from-git.sh REPO [BASE [HEAD]]
#
# REPO is a git tree of the extracted kernel (scripts/series.sh --tree, or
# any tree with the same base); BASE (default: the tag 'base') is the
# pristine tree, HEAD (default: HEAD) the last patch.  For each commit of
# BASE..HEAD it writes patches/NNNN-SUBJECT.patch without the project's own
# files; it rewrites patches/series (the first HOSTCOMPAT commits, given
# by the line '# end of host compatibility' of the current patches/series,
# stay before it) and patches/files (each own file with the patch whose
# commit adds it).  The own files themselves must already be in arch-um/
# and os-Linux/ as they are at HEAD: the script checks that, and stops
# before writing anything when one differs.  A line '# end of fixes'
# stays after as many patches as before (SYSPTVM_FIXES=N: after N fixes).
# The names in
# patches/checkpatch-exceptions follow a patch whose number changed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
	usage_text "$0"
	exit 2
fi
repo=$1 base=${2:-base} head=${3:-HEAD}
g() { git -C "$repo" "$@"; }
g rev-parse -q --verify "$base^{commit}" >/dev/null || die "no commit $base in $repo"
g rev-parse -q --verify "$head^{commit}" >/dev/null || die "no commit $head in $repo"

# The own files: where each goes in the tree, and that HEAD has them as
# the checkout has them.
# On 6.12 every file of arch-um/ and os-Linux/ is the line's; another line
# takes those that HEAD adds to BASE (7.3 has a pgtable-4level.h of its
# own).
declare -A dest_of=()
while read -r f; do
	d=$(own_file_dest "$f")
	if [ "$SYSPTVM_KERNEL_LINE" != 6.12 ]; then
		g cat-file -e "$head:$d" 2>/dev/null || continue
		! g cat-file -e "$base:$d" 2>/dev/null || continue
	fi
	g cat-file -e "$head:$d" 2>/dev/null || die "$head has no $d (for $f)"
	dest_of[$d]=$f
	cmp -s <(g show "$head:$d") "$SYSPTVM_TOP/$f" ||
		die "$f differs from $d at $head: copy it into the checkout first"
done < <(cd "$SYSPTVM_TOP" && find arch-um os-Linux -type f ! -name '*.config' | LC_ALL=C sort)
for d in $(g diff --name-only --diff-filter=A "$base" "$head"); do
	case "$d" in
	arch/um/*|arch/x86/um/*)
		[ -n "${dest_of[$d]:-}" ] || die "$head adds $d, which is no file of arch-um/ or os-Linux/"
		;;
	esac
done

ncompat=$(host_compat_patches | wc -l)
# The fixes that follow them, up to the line '# end of fixes' where the
# series has one (make series-fixes); SYSPTVM_FIXES=N says how many there
# are now, after a fix was added or dropped.
nfixes=${SYSPTVM_FIXES:-}
if [ -z "$nfixes" ] && grep -qxF "$FIXES_MARKER" "$PATCH_DIR/series"; then
	nfixes=$(fix_patches | wc -l)
fi
[ -z "$nfixes" ] || [[ "$nfixes" =~ ^[0-9]+$ ]] || die "SYSPTVM_FIXES takes a number of patches, not '$nfixes'"
mapfile -t commits < <(g rev-list --reverse "$base..$head")
n=${#commits[@]}
[ "$n" -gt "$ncompat" ] || die "$base..$head has $n commits, not more than the $ncompat of host compatibility"
excludes=()
for d in "${!dest_of[@]}"; do excludes+=(":(exclude)$d"); done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
	sed -n "1,/^$HOST_COMPAT_MARKER\$/p" "$PATCH_DIR/series" | grep '^#' |
		grep -vxF "$HOST_COMPAT_MARKER"
} >"$tmp/series"
{
	sed -n '/^[^#]/q; p' "$PATCH_DIR/files"
} >"$tmp/files"
i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	# Authors and dates are not kept: the series has one author, and
	# patches/ must not change when nothing but the date did.
	# The file name as git format-patch (make series) gives it.
	rm -rf "$tmp/fp"
	p=$(g format-patch -o "$tmp/fp" --start-number "$i" -1 --subject-prefix="PATCH $i/$n" \
		--no-numbered --zero-commit "$c" -- . "${excludes[@]}")
	[ -s "$p" ] || die "commit $i ($(g log -1 --format=%s "$c")) changes nothing but own files"
	name=${p##*/}
	sed -e '1{/^From 0\{40\} /d}' -e '/^Date: /d' "$p" >"$tmp/$name"
	[ "$i" -eq $((ncompat + 1)) ] && echo "$HOST_COMPAT_MARKER" >>"$tmp/series"
	echo "$name" >>"$tmp/series"
	[ -z "$nfixes" ] || [ "$i" -ne $((ncompat + nfixes)) ] || echo "$FIXES_MARKER" >>"$tmp/series"
	for d in $(g diff --name-only --diff-filter=A "$c~1" "$c"); do
		[ -z "${dest_of[$d]:-}" ] || printf '%s\t%s\n' "${dest_of[$d]}" "$name" >>"$tmp/files"
	done
done

# patches/checkpatch-exceptions names patches too: a patch whose number
# changed keeps its exceptions under the new name (the part of the name
# after the number is the subject, which a renumbering leaves alone).
exceptions=$PATCH_DIR/checkpatch-exceptions
if [ -f "$exceptions" ]; then
	while read -r old _; do
		case "$old" in [0-9][0-9][0-9][0-9]-*.patch) ;; *) continue ;; esac
		[ -e "$tmp/$old" ] && continue
		new=$(cd "$tmp" && ls -- [0-9][0-9][0-9][0-9]-"${old#*-}" 2>/dev/null) ||
			die "checkpatch-exceptions names $old, which is in the new series under no number"
		printf '%s\t%s\n' "$old" "$new"
	done <"$exceptions" | sort -u >"$tmp/renamed"
	cp "$exceptions" "$tmp/exceptions"
	while IFS=$'\t' read -r old new; do
		sed -i "s|^$old |$new |" "$tmp/exceptions"
	done <"$tmp/renamed"
fi

rm -f "$PATCH_DIR"/[0-9][0-9][0-9][0-9]-*.patch
cp "$tmp"/[0-9][0-9][0-9][0-9]-*.patch "$PATCH_DIR/"
cp "$tmp/series" "$PATCH_DIR/series"
cp "$tmp/files" "$PATCH_DIR/files"
[ ! -f "$tmp/exceptions" ] || cp "$tmp/exceptions" "$exceptions"
say "$PATCH_REL: $n patches from $base..$head of $repo"
