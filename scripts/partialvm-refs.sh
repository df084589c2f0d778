#!/usr/bin/env bash
# Fetch the references that partialvm's benchmark measures against, as
# Debian sid packages them: PRoot 5.4 (proot) and VUOS 0.9.4's hypervisor
# (vuos-umvu, with vuos-cmds and vuos-modules for a vufs mount), and lay
# them out for partialvm-bench (partialvm/tests/bench.sh).
#
#   scripts/partialvm-refs.sh --record DIR   fetch if needed; DIR becomes a
#                                   link to the references: bin/proot,
#                                   bin/umvu, bin/vu_insmod, bin/vumount,
#                                   modules/, and unavailable-proot or
#                                   unavailable-vuos (the reason) for what
#                                   could not be had
#
# Sid's binaries need sid's glibc, newer than bookworm's: it goes beside
# them, and their interpreter and library path point to it at the fixed
# path /tmp/pvm-refs (patchelf; umvu re-executes /proc/self/exe, so a
# start through the loader would not do).  The benchmark makes that path
# lead to the references in each place: a link here, the shared directory
# in the guest and under qemu.  The packages come with apt-get download
# and a private sources list (as scripts/upstream-uml.sh), cached in
# $SYSPTVM_CACHE/partialvm-refs/VERSIONS.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
--record) [ $# -eq 2 ] || die "--record needs a directory"; record=$2 ;;
-h|--help) usage_text "$0"; exit 0 ;;
*) die "usage: scripts/partialvm-refs.sh --record DIR (see --help)" ;;
esac
fixed=/tmp/pvm-refs

base="$SYSPTVM_CACHE/partialvm-refs"
apt_dir="$base/apt"
private_apt "$apt_dir"
echo "deb http://deb.debian.org/debian sid main" >"$apt_dir/sources.list"

# With nothing fetched, a directory that says why.
none() {
	mkdir -p "$base/none"
	echo "$*" >"$base/none/unavailable-proot"
	echo "$*" >"$base/none/unavailable-vuos"
	ln -sfn "$base/none" "$record"
	echo "partialvm-refs: $*" >&2
	exit 0
}

failed=$(private_apt_refresh "$apt_dir" partialvm-refs) ||
	none "apt-get update of sid failed: $failed"
command -v patchelf >/dev/null || none "patchelf is not installed (make deps installs it)"
version_of() {
	apt-cache "${APT_OPTS[@]}" madison "$1" 2>/dev/null |
		awk -F' *[|] *' '$3 ~ / sid\/main / && !v { v = $2 } END { print v }'
}
pv=$(version_of proot) vv=$(version_of vuos-umvu)
dir="$base/proot-${pv:-none}+vuos-${vv:-none}"
if [ ! -e "$dir/.complete" ]; then
	rm -rf "$dir" && mkdir -p "$dir/debs" "$dir/bin"
	say "partialvm-refs: fetching proot ${pv:-(none)} and vuos ${vv:-(none)} from sid, with sid's libc6"
	(cd "$dir/debs" && apt-get "${APT_OPTS[@]}" -q download libc6/sid) >"$dir/download.log" 2>&1 ||
		none "apt-get download libc6/sid failed: $(tail -n 2 "$dir/download.log" | tr '\n' ' ')"
	if [ -z "$pv" ]; then
		echo "sid has no proot package" >"$dir/unavailable-proot"
	elif ! (cd "$dir/debs" && apt-get "${APT_OPTS[@]}" -q download proot/sid libtalloc2/sid) \
		>>"$dir/download.log" 2>&1; then
		echo "apt-get download proot failed: $(tail -n 1 "$dir/download.log")" >"$dir/unavailable-proot"
	fi
	if [ -z "$vv" ]; then
		echo "sid has no vuos-umvu package" >"$dir/unavailable-vuos"
	elif ! (cd "$dir/debs" && apt-get "${APT_OPTS[@]}" -q download vuos-umvu/sid vuos-cmds/sid \
		vuos-modules/sid libstropt0/sid libexecs1/sid libfuse3-4/sid libvdeplug2t64/sid \
		libvolatilestream1/sid libvumod0/sid) >>"$dir/download.log" 2>&1; then
		echo "apt-get download of vuos failed: $(tail -n 1 "$dir/download.log")" >"$dir/unavailable-vuos"
	fi
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	lib=$fixed/root/usr/lib/x86_64-linux-gnu
	for b in proot umvu vu_insmod vumount; do
		[ -e "$dir/root/usr/bin/$b" ] || continue
		cp "$dir/root/usr/bin/$b" "$dir/bin/$b"
		patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" --set-rpath "$lib" "$dir/bin/$b"
	done
	if [ -d "$dir/root/usr/lib/x86_64-linux-gnu/vu/modules" ]; then
		for m in "$dir"/root/usr/lib/x86_64-linux-gnu/vu/modules/*.so; do
			patchelf --set-rpath "$lib" "$m"
		done
		ln -sfn root/usr/lib/x86_64-linux-gnu/vu/modules "$dir/modules"
	fi
	echo "proot ${pv:-none}, vuos ${vv:-none}; libc6 $(dpkg-deb -f "$dir"/debs/libc6_*.deb Version)" >"$dir/versions"
	touch "$dir/.complete"
fi
mkdir -p "$(dirname "$record")"
ln -sfn "$dir" "$record"
cat "$dir/versions"
