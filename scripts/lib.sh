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

# Kernels that cannot boot on some hosts, and the line by which that is
# recognised.  Only such a failure is reported as "skipped"; any other
# failure of the same kernel fails.  Debian's 6.1 UML keeps a fixed
# 2696-byte XSTATE buffer, which a host with a larger XSTATE (AMX) refuses.
KNOWN_HOST_INCOMPATIBILITIES=(
	"debian-6.1|ptrace set fp regs failed, errno = 14"
)
# Print the recognised line when LOG shows the known host incompatibility
# of CONFIG; fail otherwise.
known_host_incompatibility() {	# CONFIG LOG
	local entry
	for entry in "${KNOWN_HOST_INCOMPATIBILITIES[@]}"; do
		[ "${entry%%|*}" = "$1" ] || continue
		# The line as the kernel printed it, without a caller's quoting.
		grep -m1 -F -- "${entry#*|}" "$2" | sed 's/^[[:space:]|>]*//' | grep . && return 0
	done
	return 1
}

# merge_config.sh only warns: say which options of a config FRAGMENT did not
# stick in the .config CONFIG (on stderr), and print how many.
fragment_misses() {	# FRAGMENT CONFIG
	local line name missing=0
	while read -r line; do
		case "$line" in
		CONFIG_*=*) name=${line%%=*} ;;
		"# CONFIG_"*" is not set") name=${line#\# }; name=${name%% *}; line="# $name is not set" ;;
		*) continue ;;
		esac
		if ! grep -qxF "$line" "$2"; then
			if [ "${line#\#}" != "$line" ] && ! grep -q "^$name=" "$2"; then
				continue	# absent counts as not set
			fi
			echo "  warning: $line requested, .config has: $(grep -E "^$name=|^# $name is not set" "$2" || echo '(absent)')" >&2
			missing=$((missing + 1))
		fi
	done <"$1"
	echo "$missing"
}

# The environment of every kernel build, UML or native: one ccache for all
# trees (kbuild's relative paths make their command lines alike), fixed
# build user and host.  Sets KERNEL_CC.
kernel_build_env() {
	export CCACHE_DIR="${CCACHE_DIR:-$SYSPTVM_CACHE/ccache}"
	export CCACHE_BASEDIR="$SYSPTVM_CACHE"
	export CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-4G}"
	export KBUILD_BUILD_USER=sysptvm KBUILD_BUILD_HOST=sysptvm
	# shellcheck disable=SC2034 # read by the build scripts
	KERNEL_CC=gcc
	# shellcheck disable=SC2034
	if command -v ccache >/dev/null; then KERNEL_CC="ccache gcc"; fi
}

# The files that make up our kernel changes, in a stable order.
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SYSPTVM_TOP/patches/series"
}
# The host-compatibility prefix of the series: the patches before the line
# '# end of host compatibility'.  build/linux-stock gets these and no more.
HOST_COMPAT_MARKER='# end of host compatibility'
host_compat_patches() {
	grep -qxF "$HOST_COMPAT_MARKER" "$SYSPTVM_TOP/patches/series" ||
		die "patches/series has no line '$HOST_COMPAT_MARKER'"
	sed -e "/^$HOST_COMPAT_MARKER\$/,\$d" -e 's/#.*//' -e '/^[[:space:]]*$/d' \
		"$SYSPTVM_TOP/patches/series"
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

# apt-get and apt-cache options for a private sources list DIR/sources.list,
# with its lists and downloads under DIR too, so that the machine's own
# apt state is neither read nor written (scripts/upstream-uml.sh,
# scripts/strace-suite.sh).  Sets APT_OPTS.
private_apt() {	# DIR
	mkdir -p "$1/lists/partial" "$1/archives/partial"
	# shellcheck disable=SC2034 # read by the callers
	APT_OPTS=(-o "Dir::Etc::SourceList=$1/sources.list"
		-o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$1/lists"
		-o "Dir::Cache=$1" -o "Dir::Cache::Archives=$1/archives"
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root)
}
