#!/usr/bin/env bash
# The lists of patches that the documentation shows (docs/series.md,
# docs/host-kernel.md), made from patches/series, so that they follow the
# series when it changes.
#
#   scripts/series-list.sh table     the series: number, subject, the
#                                    project's files each patch adds
#   scripts/series-list.sh host      the patch commands for a native host
#                                    kernel: the patches that touch files
#                                    outside arch/um/ and arch/x86/um/
#   scripts/series-list.sh --update FILE    rewrite the blocks in FILE
#   scripts/series-list.sh --check FILE     exit 1 when FILE's blocks differ
#
# A block is the lines between "<!-- series-list NAME -->" and
# "<!-- end series-list -->"; tests/style.sh checks those of README.md and
# docs/*.md.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

subject() {	# PATCH-FILE
	# The mail header, its folded lines joined.
	awk '/^$/ { exit } /^[ \t]/ { line = line $0; next }
		{ if (line != "") print line; line = $0 }
		END { if (line != "") print line }' "$1" |
		sed -n 's/^Subject: \[PATCH[^]]*\] //p' | head -n1
}

# Files a patch touches, as paths in the kernel tree.
patch_files() {	# PATCH-FILE
	sed -n 's|^+++ b/||p' "$1"
}

table() {
	local p n compat own adds
	compat=$(host_compat_patches)
	own=$(own_files)
	echo "| # | patch | the project's files it adds |"
	echo "|---|---|---|"
	while read -r p; do
		n=${p%%-*}
		adds=$(awk -v p="$p" '$2 == p { printf "%s`%s`", sep, $1; sep = ", " }' <<<"$own")
		if grep -qxF "$p" <<<"$compat"; then
			printf '| %s | %s (host compatibility) | %s |\n' "$n" "$(subject "$SYSPTVM_TOP/patches/$p")" "$adds"
		else
			printf '| %s | %s | %s |\n' "$n" "$(subject "$SYSPTVM_TOP/patches/$p")" "$adds"
		fi
	done < <(series_patches)
}

host() {
	local p
	echo '```sh'
	echo 'cd linux-6.12'
	while read -r p; do
		patch_files "$SYSPTVM_TOP/patches/$p" | grep -qvE '^arch/(x86/)?um/' || continue
		echo "patch -p1 < /path/to/sysptvm/patches/$p"
	done < <(series_patches)
	echo '```'
}

# FILE with its blocks made anew, on stdout.
updated() {	# FILE
	local file=$1 line name
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case "$line" in
		'<!-- series-list '*' -->')
			name=${line#<!-- series-list }
			name=${name% -->}
			case "$name" in
			table) table ;;
			host) host ;;
			*) die "$file: no series list '$name'" ;;
			esac
			# Skip the old block up to its end marker.
			while IFS= read -r line; do
				[ "$line" = '<!-- end series-list -->' ] && break
			done
			printf '%s\n' '<!-- end series-list -->'
			;;
		esac
	done <"$file"
}

case "${1:-}" in
table) table ;;
host) host ;;
--update)
	[ -n "${2:-}" ] || die "usage: $0 --update FILE"
	updated "$2" >"$2.new"
	mv "$2.new" "$2"
	;;
--check)
	[ -n "${2:-}" ] || die "usage: $0 --check FILE"
	diff -u "$2" <(updated "$2")
	;;
*) usage_text "$0"; exit 2 ;;
esac
