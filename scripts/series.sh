#!/usr/bin/env bash
# make series: the patch series in its posted form, a git format-patch
# series with a cover letter, against the extracted tree of a kernel line
# (SYSPTVM_KERNEL_LINE, scripts/lib.sh: 6.12 by default, 7.3 with patches-7.3/).
#
#   scripts/series.sh [-o DIR]    write it to DIR (default build/series,
#                                 build/7.3/series on 7.3)
#   scripts/series.sh --fixes [-o DIR]   the fixes alone (the patches up to
#                                 the line '# end of fixes' of the series),
#                                 with the cover letter cover-letter-fixes,
#                                 to post before the rest (default
#                                 build/7.3/series-fixes on 7.3)
#   scripts/series.sh --tree      only print the git work tree it is made in
#
# It is made from exactly what scripts/kernel.sh builds: the line's series,
# applied with git am, and the project's own files, each put into the
# patch that the line's files list names for it.  Nothing is generated at build
# time, so 'git am build/series/*.patch' on the same tree, then make,
# builds what build/linux is built from.
#
# The git repository is kept in the cache (series/repo); its first commit,
# tagged 'base', is the pristine tree, made once per extraction (a few
# minutes).  Authors and dates are fixed, so the same checkout gives the
# same series.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

out=
tree_only=0 fixes=0
while [ $# -gt 0 ]; do
	case "$1" in
	-o) out=${2:?-o needs a directory}; shift 2 ;;
	--tree) tree_only=1; shift ;;
	--fixes) fixes=1; shift ;;
	-h|--help) usage_text "$0"; exit 0 ;;
	*) echo "usage: $0 [--fixes] [-o DIR] [--tree]" >&2; exit 2 ;;
	esac
done
[ -n "$out" ] || out=$SYSPTVM_TOP/build${LINE_SUFFIX:+/$SYSPTVM_KERNEL_LINE}/series$([ "$fixes" = 0 ] || echo -fixes)

repo="$SYSPTVM_CACHE/series$LINE_SUFFIX/repo"
if [ "$tree_only" = 1 ]; then
	printf '%s\n' "$repo"
	exit 0
fi

own=$(own_files) || exit 1
pristine=$(checked_pristine_tree)
id=$(pristine_id "$pristine")
ver=${pristine##*/pristine-}
export GIT_AUTHOR_NAME="sysptvm developers" GIT_AUTHOR_EMAIL="sysptvm@localhost"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
# The date of this checkout's last commit, for every commit of the series.
date=$(git -C "$SYSPTVM_TOP" log -1 --format=%cI 2>/dev/null || echo 2026-01-01T00:00:00Z)
export GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date"
g() { git -C "$repo" -c core.autocrlf=false -c advice.detachedHead=false "$@"; }

if [ "$(cat "$repo/.git/sysptvm-base" 2>/dev/null)" != "$id" ]; then
	say "series: a git repository of the pristine tree ($ver) in $repo; once per extraction, a few minutes"
	rm -rf "${repo%/repo}"
	mkdir -p "$repo"
	run cp -a "$pristine/." "$repo/"
	rm -f "$repo"/.sysptvm-*
	g init -q
	# -f: Debian's .gitignore ignores everything at the top level
	g add -A -f
	GIT_AUTHOR_DATE=2024-11-17T00:00:00Z GIT_COMMITTER_DATE=2024-11-17T00:00:00Z \
		g commit -q -m "Linux $SYSPTVM_KERNEL_LINE ($LINUX_SOURCE_PKG $ver)"
	g tag base
	printf '%s\n' "$id" >"$repo/.git/sysptvm-base"
fi

if [ "$fixes" = 1 ]; then
	patches=$(host_compat_patches && fix_patches) || exit 1
	letter="$PATCH_DIR/cover-letter-fixes"
else
	patches=$(series_patches)
	letter="$PATCH_DIR/cover-letter"
	# A series that is all fixes so far (7.3, for now) has their letter.
	if [ ! -e "$letter" ] && grep -qxF "$FIXES_MARKER" "$PATCH_DIR/series" &&
		[ "$(printf '%s\n' "$patches" | grep -c .)" = "$( (host_compat_patches && fix_patches) | grep -c .)" ]; then
		letter="$PATCH_DIR/cover-letter-fixes"
	fi
fi
[ -r "$letter" ] || die "no ${letter#"$SYSPTVM_TOP"/}"
say "series: applying $PATCH_REL/series$([ "$fixes" = 0 ] || echo ", up to its last fix,") to the base with git am"
g am --abort >/dev/null 2>&1 || true
g checkout -q -f --detach base
# Not the object trees of make check-series.
g clean -q -f -d -x -e /_build-um -e /_build-x86_64
n=0
while read -r p; do
	[ -n "$p" ] || continue
	n=$((n + 1))
	if ! g am -q "$PATCH_DIR/$p" >"$repo/.git/am.log" 2>&1; then
		cat "$repo/.git/am.log" >&2
		g am --abort >/dev/null 2>&1 || true
		die "series: $p does not apply with git am (above)"
	fi
	files=$(awk -v p="$p" '$2 == p { print $1 }' <<<"$own")
	[ -n "$files" ] || continue
	for f in $files; do
		dest=$(own_file_dest "$f")
		mkdir -p "$repo/$(dirname "$dest")"
		cp "$SYSPTVM_TOP/$f" "$repo/$dest"
		g add -f "$dest"
	done
	g commit -q --amend --no-edit
done <<<"$patches"

rm -rf "$out"
mkdir -p "$out"
g format-patch -q --cover-letter --thread=shallow -o "$out" base..HEAD >/dev/null
cover=$(ls "$out"/0000-*.patch)
# Its first line is the subject, the rest the letter.
awk -v subj="$(head -n1 "$letter")" -v letter="$letter" '
	index($0, "*** SUBJECT HERE ***") { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj) }
	$0 == "*** BLURB HERE ***" {
		while ((getline line <letter) > 0)
			if (++n > 1)
				print line
		next
	}
	{ print }' "$cover" >"$cover.new"
mv "$cover.new" "$cover"
say "series: $n patches and a cover letter in $out (from $(g rev-parse --short HEAD) on base, the pristine $ver)"
