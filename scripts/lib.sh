# shellcheck shell=bash
# Common helpers for the build scripts: where things live, how to report.
# Sourced, never run.

SYSPTVM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Expensive, reusable work lives outside the checkout so that a fresh clone
# (CI) finds it again: the extracted kernel, the kernel build trees, ccache
# and the debootstrap base.
SYSPTVM_CACHE="${SYSPTVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sysptvm}"
LINUX_SOURCE_PKG=linux-source-6.12
LINUX_SOURCE_TARBALL=/usr/src/linux-source-6.12.tar.xz

say() { printf '==> %s\n' "$*" >&2; }
# Print a command before running it, so that a user can rerun it by hand.
run() {
	printf '  $ %s\n' "$*" >&2
	"$@"
}
die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# The Debian version of the kernel source, usable in a path.
linux_source_version() {
	local v
	v=$(dpkg-query -W -f='${Version}' "$LINUX_SOURCE_PKG" 2>/dev/null) ||
		die "$LINUX_SOURCE_PKG is not installed: run 'make deps' (or: apt-get install $LINUX_SOURCE_PKG)"
	printf '%s\n' "${v//\~/_}"
}

# The extracted, never modified, kernel tree; extracted on first use.
pristine_tree() {
	local ver dir tmp
	ver=$(linux_source_version)
	dir="$SYSPTVM_CACHE/pristine-$ver"
	if [ ! -e "$dir/.sysptvm-complete" ]; then
		[ -r "$LINUX_SOURCE_TARBALL" ] ||
			die "$LINUX_SOURCE_TARBALL is missing: reinstall it with 'apt-get install --reinstall $LINUX_SOURCE_PKG'"
		say "extracting $LINUX_SOURCE_TARBALL ($ver) into $dir"
		tmp="$dir.tmp.$$"
		rm -rf "$tmp" && mkdir -p "$tmp"
		run tar -xf "$LINUX_SOURCE_TARBALL" -C "$tmp" --strip-components=1
		touch "$tmp/.sysptvm-complete"
		rm -rf "$dir" && mv "$tmp" "$dir"
	fi
	printf '%s\n' "$dir"
}

# The files that make up our kernel changes, in a stable order.
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SYSPTVM_TOP/patches/series"
}
series_inputs() {
	local p
	printf '%s\n' patches/series
	series_patches | while read -r p; do printf 'patches/%s\n' "$p"; done
	(cd "$SYSPTVM_TOP" && find arch-um os-Linux -type f ! -name '*.config' | LC_ALL=C sort)
}
# One short name for the whole of it; the UML kernel prints it at boot.
series_id() {
	local n
	n=$(series_patches | wc -l)
	(cd "$SYSPTVM_TOP" && series_inputs | xargs sha256sum) | sha256sum |
		cut -c1-12 | tr -d '\n'
	printf ' (%d patches)\n' "$n"
}
