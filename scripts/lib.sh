# shellcheck shell=bash
# Common helpers for the build scripts: where things live, how to report.
# Sourced, never run.

SYSPTVM_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Expensive, reusable work lives outside the checkout so that a fresh clone
# (CI) finds it again: the extracted kernel, the kernel build trees, ccache
# and the debootstrap base.
SYSPTVM_CACHE="${SYSPTVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sysptvm}"
# The kernel line a script builds for (make LINE=..., or SYSPTVM_KERNEL_LINE):
#   6.12  Debian's linux-source-6.12 (installed by make deps), patches/
#   7.3   Debian's linux-source-7.3 from trixie-backports (fetched into
#         the cache with a private sources list), patches-7.3/
# Each line has its own series, its own kernel trees in the cache
# (ours-7.3/, stock-7.3/) and its own products (build/7.3/); the project's
# own files (arch-um/, os-Linux/) are shared, and each line's files list
# names those it installs.
SYSPTVM_KERNEL_LINE=${SYSPTVM_KERNEL_LINE:-6.12}
case "$SYSPTVM_KERNEL_LINE" in
6.12)
	LINE_SUFFIX=
	PATCH_DIR=$SYSPTVM_TOP/patches
	LINUX_SOURCE_TARBALL=/usr/src/linux-source-6.12.tar.xz
	;;
7.3)
	LINE_SUFFIX=-7.3
	PATCH_DIR=$SYSPTVM_TOP/patches-7.3
	LINUX_SOURCE_TARBALL=	# in the cache: line_source_fetch
	LINE_FETCHES_SOURCE=1
	;;
*)
	printf '%s: error: unknown kernel line SYSPTVM_KERNEL_LINE=%s (the lines are 6.12 and 7.3)\n' "${0##*/}" "$SYSPTVM_KERNEL_LINE" >&2
	exit 2
	;;
esac
LINUX_SOURCE_PKG=linux-source-$SYSPTVM_KERNEL_LINE
LINES=(6.12 7.3)

say() { printf '==> %s\n' "$*" >&2; }
# A script's usage text is its first comment block, after the #! line:
# what --help prints, however long the block grows.
usage_text() {	# SCRIPT
	awk 'NR == 1 && /^#!/ { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"
}
# The annotations of a test (tests/run): the comment lines right above
# test_NAME() in its suite file, "# KEY: VALUE"; prints each VALUE.
test_annotation() {	# SUITE FN KEY
	awk -v fn="$2()" -v key="# $3: " '
		index($0, "#") == 1 { block[++n] = $0; next }
		index($0, fn) == 1 { for (i = 1; i <= n; i++) if (index(block[i], key) == 1) print substr(block[i], length(key) + 1); exit }
		{ n = 0 }' "$1"
}
# Print a command before running it, so that a user can rerun it by hand.
run() {
	printf '  $ %s\n' "$*" >&2
	"$@"
}
die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# The layout of the kernel trees that scripts/kernel.sh makes, for every
# file that reads them: a variant's tree (ours, stock) of hard links to the
# pristine tree, the list of files it wrote there (the series' and ours),
# and the log of its UML build.
variant_tree() {	# VARIANT
	printf '%s\n' "$SYSPTVM_CACHE/$1$LINE_SUFFIX/src"
}
variant_overlay() {	# VARIANT
	printf '%s\n' "$(variant_tree "$1")/.sysptvm-overlay"
}
variant_build_log() {	# VARIANT
	printf '%s\n' "$(variant_tree "$1")/_build/build.log"
}
# Die unless kernel.sh has made VARIANT's tree.
require_variant_tree() {	# VARIANT
	[ -e "$(variant_overlay "$1")" ] ||
		die "no $1 kernel tree in $(variant_tree "$1"): build it first with 'make $([ "$1" = ours ] && echo kernel || echo stock)$LINE_SUFFIX'"
}

# The config fragments of the line's UML, ours and stock alike, as
# kbuild_config options: the project's (arch-um/sysptvm.config), then the
# line's own where it has one (arch-um/sysptvm-7.3.config).
uml_config_fragments() {
	local own="$SYSPTVM_TOP/arch-um/sysptvm$LINE_SUFFIX.config"
	printf '%s\n' --fragment "$SYSPTVM_TOP/arch-um/sysptvm.config"
	[ -z "$LINE_SUFFIX" ] || [ ! -e "$own" ] || printf '%s\n' --fragment "$own"
}

# The Debian version of the line's kernel source, as Debian spells it
# (a line whose source is not installed fetches it: line_source_fetch).
# The one place that knows where the version comes from: the pristine
# tree is named for it (kernel.sh records it beside each kernel from that
# name), make source-7.3 prints it.
linux_source_debian_version() {
	if [ -n "${LINE_FETCHES_SOURCE:-}" ]; then
		line_source_fetch || return 1
		printf '%s\n' "$LINE_SOURCE_VERSION"
	else
		dpkg-query -W -f='${Version}\n' "$LINUX_SOURCE_PKG" 2>/dev/null ||
			die "$LINUX_SOURCE_PKG is not installed: run 'make deps' (or: apt-get install $LINUX_SOURCE_PKG)"
	fi
}
# The same, usable in a path.
linux_source_version() {
	local v
	v=$(linux_source_debian_version) || exit 1
	printf '%s\n' "${v//\~/_}"
}

# A line whose source Debian ships only in another suite (7.3: trixie-
# backports, which keeps only its newest revision): the line is pinned,
# the revision is whatever the archive has.  Fetch the newest
# linux-source-LINE with apt-get download and a private sources list into
# $SYSPTVM_CACHE/source-LINE/VERSION/, once; the lists are refreshed once a
# day.  Without the network, the newest revision fetched before is used,
# and said so.  Sets LINUX_SOURCE_TARBALL and LINE_SOURCE_VERSION (the
# Debian version, as apt spells it); the version is also in
# $SYSPTVM_CACHE/source-LINE/used.
line_source_fetch() {
	local base="$SYSPTVM_CACHE/source-$SYSPTVM_KERNEL_LINE" apt_dir failed version dir lock
	[ -z "${LINE_SOURCE_VERSION:-}" ] || return 0
	apt_dir="$base/apt"
	mkdir -p "$base"
	exec {lock}>>"$base/.fetch.lock"
	flock "$lock"
	private_apt "$apt_dir"
	echo "deb http://deb.debian.org/debian trixie-backports main" >"$apt_dir/sources.list"
	version=
	if failed=$(private_apt_refresh "$apt_dir" "$LINUX_SOURCE_PKG"); then
		version=$(apt-cache "${APT_OPTS[@]}" madison "$LINUX_SOURCE_PKG" 2>/dev/null |
			awk -F' *[|] *' '!v { v = $2 } END { print v }')
		[ -n "$version" ] || say "$LINUX_SOURCE_PKG: trixie-backports has no such package"
	else
		say "$LINUX_SOURCE_PKG: cannot refresh the lists of trixie-backports: $failed"
	fi
	if [ -z "$version" ]; then
		version=$(cat "$base/used" 2>/dev/null) ||
			die "$LINUX_SOURCE_PKG cannot be had (see above), and none was fetched before"
		say "$LINUX_SOURCE_PKG: using $version, fetched before"
	fi
	dir="$base/${version//\~/_}"
	if [ ! -e "$dir/.complete" ]; then
		say "$LINUX_SOURCE_PKG: fetching $version from trixie-backports (167 MB, once)"
		rm -rf "$dir" && mkdir -p "$dir"
		private_apt_download "$dir" "$LINUX_SOURCE_PKG" "$version"
		dpkg-deb --fsys-tarfile "$dir"/*.deb |
			tar -x -C "$dir" --strip-components=3 "./usr/src/$LINUX_SOURCE_PKG.tar.xz" ||
			die "no usr/src/$LINUX_SOURCE_PKG.tar.xz in $(ls "$dir"/*.deb)"
		rm -f "$dir"/*.deb
		touch "$dir/.complete"
	fi
	echo "$version" >"$base/used"
	exec {lock}>&-
	LINE_SOURCE_VERSION=$version
	LINUX_SOURCE_TARBALL="$dir/$LINUX_SOURCE_PKG.tar.xz"
}

# The extracted, never modified, kernel tree; extracted on first use.  Its
# .sysptvm-complete holds the extraction's id, its .sysptvm-manifest the
# size and mtime of every file as extracted (see checked_pristine_tree).
pristine_tree() {
	local ver dir tmp lock
	# Not in $(...): a fetch sets LINUX_SOURCE_TARBALL here.
	[ -z "${LINE_FETCHES_SOURCE:-}" ] || line_source_fetch
	ver=$(linux_source_version) || exit 1
	dir="$SYSPTVM_CACHE/pristine-$ver"
	if [ ! -e "$dir/.sysptvm-complete" ]; then
		[ -r "$LINUX_SOURCE_TARBALL" ] ||
			die "$LINUX_SOURCE_TARBALL is missing: reinstall it with 'apt-get install --reinstall $LINUX_SOURCE_PKG'"
		mkdir -p "$SYSPTVM_CACHE"
		exec {lock}>>"$SYSPTVM_CACHE/.extract.lock"
		flock "$lock"
		if [ ! -e "$dir/.sysptvm-complete" ]; then
			say "extracting $LINUX_SOURCE_TARBALL ($ver) into $dir"
			tmp="$dir.tmp.$$"
			rm -rf "$tmp" && mkdir -p "$tmp"
			run tar -xf "$LINUX_SOURCE_TARBALL" -C "$tmp" --strip-components=1
			(cd "$tmp" && tree_manifest) >"$tmp/.sysptvm-manifest"
			date -u +%Y%m%dT%H%M%S.%N >"$tmp/.sysptvm-complete"
			rm -rf "$dir" && mv "$tmp" "$dir"
		fi
		exec {lock}>&-
	fi
	printf '%s\n' "$dir"
}

# Every file under the current directory with its size and mtime, sorted.
tree_manifest() {
	find . -type f ! -name '.sysptvm-*' -printf '%P %s %T@\n' | LC_ALL=C sort
}

# The variant trees of kernel.sh are hard links to the pristine tree, so
# that a file written in place in one of them is written in the pristine
# tree too, and in the other variant.  kernel.sh never does that (it renames
# a new file into place), but an editor or a 'cp' over a file can.  Such a
# write changes the file's size or mtime: print the pristine tree after
# comparing it with its manifest, and when a file differs, extract it again.
# The new extraction has a new id, which gives every variant a new tree.
checked_pristine_tree() {
	local dir changed n
	dir=$(pristine_tree) || exit 1
	if [ ! -e "$dir/.sysptvm-manifest" ]; then
		# Extracted before the manifest existed: trust it, once.
		(cd "$dir" && tree_manifest) >"$dir/.sysptvm-manifest.new" &&
			mv "$dir/.sysptvm-manifest.new" "$dir/.sysptvm-manifest"
	else
		changed=$(cd "$dir" && tree_manifest | { diff .sysptvm-manifest - || true; } |
			sed -n 's/^[<>] \(.*\) [0-9]* [0-9.]*$/\1/p' | LC_ALL=C sort -u)
		if [ -n "$changed" ]; then
			n=$(wc -l <<<"$changed")
			changed=$(head -n3 <<<"$changed" | paste -sd' ')
			[ "$n" -le 3 ] || changed+=" and $((n - 3)) more"
			say "the pristine tree $dir was written since its extraction," \
				"through a hard link from a variant tree: $changed"
			say "extracting it again; every variant tree will be made anew"
			rm -rf "$dir"
			dir=$(pristine_tree) || exit 1
		fi
	fi
	printf '%s\n' "$dir"
}

# What a variant tree records of the pristine tree it links to: the
# version, and the extraction's id when the extraction has one.
pristine_id() {	# PRISTINE-DIR
	local id
	id=$(cat "$1/.sysptvm-complete")
	printf '%s%s\n' "${1##*/pristine-}" "${id:+ $id}"
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

# The files that make up our kernel changes, in a stable order.
PATCH_REL=${PATCH_DIR#"$SYSPTVM_TOP"/}
series_patches() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$PATCH_DIR/series"
}
# The host-compatibility prefix of the series: the patches before the line
# '# end of host compatibility'.  build/linux-stock gets these and no more
# (none on 7.3, which runs on any host as Debian ships it).
HOST_COMPAT_MARKER='# end of host compatibility'
host_compat_patches() {
	grep -qxF "$HOST_COMPAT_MARKER" "$PATCH_DIR/series" ||
		die "$PATCH_REL/series has no line '$HOST_COMPAT_MARKER'"
	sed -e "/^$HOST_COMPAT_MARKER\$/,\$d" -e 's/#.*//' -e '/^[[:space:]]*$/d' \
		"$PATCH_DIR/series"
}
# The fixes of the series, after the host-compatibility patches and up to
# the line '# end of fixes': the patches that make series-fixes exports on
# their own, to be posted before the rest.
FIXES_MARKER='# end of fixes'
fix_patches() {
	grep -qxF "$FIXES_MARKER" "$PATCH_DIR/series" ||
		die "$PATCH_REL/series has no line '$FIXES_MARKER'"
	sed -e "1,/^$HOST_COMPAT_MARKER\$/d" -e "/^$FIXES_MARKER\$/,\$d" \
		-e 's/#.*//' -e '/^[[:space:]]*$/d' "$PATCH_DIR/series"
}
# The project's own files of this line, each with the patch that adds it
# (patches/files, patches-7.3/files): "FILE PATCH" lines, after checking
# that every file of arch-um/ and os-Linux/ but the config fragment is
# listed once in the files list of some line, that each listed file exists,
# and that each patch is in this line's series.
own_files() {
	local list="$PATCH_DIR/files" f p line all=''
	local listed present
	listed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list")
	for line in "${LINES[@]}"; do
		case "$line" in 6.12) f=$SYSPTVM_TOP/patches/files ;; *) f=$SYSPTVM_TOP/patches-$line/files ;; esac
		[ ! -r "$f" ] || all+=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$f" | cut -f1)$'\n'
	done
	present=$(cd "$SYSPTVM_TOP" && find arch-um os-Linux -type f ! -name '*.config' | LC_ALL=C sort)
	f=$(cut -f1 <<<"$listed" | LC_ALL=C sort | uniq -d)
	[ -z "$f" ] || die "$PATCH_REL/files lists more than once: $f"
	f=$(LC_ALL=C comm -13 <(grep . <<<"$all" | LC_ALL=C sort -u) <(printf '%s\n' "$present"))
	[ -z "$f" ] || die "in no line's files list (add each to patches/files or patches-LINE/files with the patch that adds it): $(paste -sd' ' <<<"$f")"
	[ -n "$listed" ] || return 0
	while IFS=$'\t' read -r f p; do
		[ -e "$SYSPTVM_TOP/$f" ] || die "$PATCH_REL/files lists $f, which does not exist"
		series_patches | grep -qxF "$p" || die "$PATCH_REL/files names $p for $f, which is not in $PATCH_REL/series"
		printf '%s %s\n' "$f" "$p"
	done <<<"$listed"
}
# Where an own file goes in the kernel tree.
own_file_dest() {	# FILE
	case "$1" in
	arch-um/include/shared/*) echo "arch/um/include/shared/${1##*/}" ;;
	arch-um/include/asm/*) echo "arch/um/include/asm/${1##*/}" ;;
	arch-um/x86/*) echo "arch/x86/um/${1##*/}" ;;
	arch-um/*) echo "arch/um/kernel/${1##*/}" ;;
	os-Linux/x86/*) echo "arch/x86/um/os-Linux/${1##*/}" ;;
	os-Linux/*) echo "arch/um/os-Linux/${1##*/}" ;;
	*) die "no place in the kernel tree for $1" ;;
	esac
}
series_inputs() {
	local p
	printf '%s\n' "$PATCH_REL/series" "$PATCH_REL/files"
	series_patches | while read -r p; do printf '%s/%s\n' "$PATCH_REL" "$p"; done
	own_files | cut -d' ' -f1 | LC_ALL=C sort
}
# One short name for the whole of it.
series_id() {
	local n
	n=$(series_patches | wc -l)
	(cd "$SYSPTVM_TOP" && series_inputs | xargs sha256sum) | sha256sum |
		cut -c1-12 | tr -d '\n'
	printf ' (%d patches)\n' "$n"
}

# The version suffix of build/linux (uname -r), from series_id:
# -sysptvm+PATCHES-HASH.
ours_localversion() {
	local id
	id=$(series_id)
	printf -- '-sysptvm+%s-%s\n' "$(series_patches | wc -l)" "${id%% *}"
}

# apt-get and apt-cache options for a private sources list DIR/sources.list,
# with its lists and downloads under DIR too, so that the machine's own
# apt state is neither read nor written (scripts/upstream-uml.sh,
# scripts/strace-suite.sh).  Sets APT_OPTS.
# Refresh the package lists of a private_apt DIR once a day (sid moves);
# WHO names the caller in the progress line.  Non-zero, with the end of
# apt-get's log on stdout, when it fails.
private_apt_refresh() {	# DIR WHO
	local stamp="$1/updated"
	[ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ] || return 0
	say "$2: refreshing the package lists of $(awk '{ printf "%s%s", sep, $3; sep = " and " }' "$1/sources.list") (private, under $1)"
	if ! apt-get "${APT_OPTS[@]}" -q update >"$1/update.log" 2>&1; then
		tail -n 2 "$1/update.log" | tr '\n' ' '
		return 1
	fi
	touch "$stamp"
}
# Install the Debian PACKAGEs that are missing (as root: otherwise stop,
# naming them); WHO names the caller in the progress lines.
install_missing_packages() {	# WHO PACKAGE...
	local who=$1 p missing=()
	shift
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "$who: all $# packages present"
		return 0
	fi
	[ "$(id -u)" -eq 0 ] ||
		die "missing packages: ${missing[*]}; install them as root: apt-get install ${missing[*]}"
	say "$who: installing ${missing[*]}"
	run apt-get update -q
	DEBIAN_FRONTEND=noninteractive run apt-get install -y -q --no-install-recommends "${missing[@]}" ||
		die "apt-get install failed for: ${missing[*]}"
}
# apt-get download PACKAGE=VERSION into DIR with the private list of
# APT_OPTS (private_apt); stop, with the end of its log, when it fails.
private_apt_download() {	# DIR PACKAGE VERSION
	(cd "$1" && apt-get "${APT_OPTS[@]}" -q download "$2=$3") >"$1/download.log" 2>&1 ||
		die "apt-get download $2=$3 failed: $(tail -n 2 "$1/download.log" | tr '\n' ' ')"
}
private_apt() {	# DIR
	mkdir -p "$1/lists/partial" "$1/archives/partial"
	# shellcheck disable=SC2034 # read by the callers
	APT_OPTS=(-o "Dir::Etc::SourceList=$1/sources.list"
		-o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$1/lists"
		-o "Dir::Cache=$1" -o "Dir::Cache::Archives=$1/archives"
		-o Debug::NoLocking=1 -o APT::Sandbox::User=root)
}
