#!/usr/bin/env bash
# Fetch upstream UML as Debian sid packages it (user-mode-linux), the
# reference that make bench measures ours against, and print the path of a
# runnable kernel.
#
#   scripts/upstream-uml.sh         fetch if needed; print the kernel's path
#   scripts/upstream-uml.sh --name  print the configuration name of the
#                                   version fetched (upstream-7.2, ...)
#   scripts/upstream-uml.sh --record DIR   fetch if needed, and record in DIR
#                                   what make bench reads: DIR/kernel (a
#                                   link), DIR/name, or DIR/unavailable (the
#                                   reason, and exit 0)
#
# Sid's kernel needs a newer glibc than bookworm's, so trixie's libc6 goes
# beside it, and the binary's interpreter and library path point there
# (patchelf): UML re-executes /proc/self/exe at boot, so a wrapper that
# starts it through the loader would not do.  Both are fetched with
# apt-get download and a private sources list, and kept under
# $SYSPTVM_CACHE/upstream-uml/VERSION; the package lists are refreshed once
# a day, since sid moves.  Exits with status 3 and the reason on stderr
# when the packages cannot be had.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

want=path record=
case "${1:-}" in
--name) want=name ;;
--record) [ $# -eq 2 ] || die "--record needs a directory"; want=record record=$2 ;;
"") ;;
-h|--help) usage_text "$0"; exit 0 ;;
*) die "unknown argument '$1' (see --help)" ;;
esac

base="$SYSPTVM_CACHE/upstream-uml"
apt_dir="$base/apt"
private_apt "$apt_dir"
cat >"$apt_dir/sources.list" <<EOF
deb http://deb.debian.org/debian sid main
deb http://deb.debian.org/debian trixie main
EOF

unavailable() {
	echo "upstream-uml: $*" >&2
	if [ "$want" = record ]; then
		mkdir -p "$record" && rm -f "$record/kernel" "$record/name"
		echo "$*" >"$record/unavailable"
		exit 0
	fi
	exit 3
}

failed=$(private_apt_refresh "$apt_dir" upstream-uml) ||
	unavailable "apt-get update of sid and trixie failed: $failed"
# awk reads to the end: a reader that left early would kill apt-cache
# with SIGPIPE, and pipefail would end this script without a word.
version=$(apt-cache "${APT_OPTS[@]}" madison user-mode-linux 2>/dev/null |
	awk -F' *[|] *' '$3 ~ / sid\/main / && !v { v = $2 } END { print v }') ||
	unavailable "apt-cache madison user-mode-linux failed"
[ -n "$version" ] || unavailable "sid has no user-mode-linux package"
# 7.2um1 -> 7.2: the kernel version names the configuration.
short=${version%%um*}
name="upstream-$short"
if [ "$want" = name ]; then
	echo "$name"
	exit 0
fi

dir="$base/$version"
kernel="$dir/linux"
if [ ! -e "$dir/.complete" ]; then
	command -v patchelf >/dev/null ||
		unavailable "patchelf is not installed (make deps installs it)"
	say "upstream-uml: fetching user-mode-linux $version (sid) and libc6 (trixie)"
	rm -rf "$dir" && mkdir -p "$dir/debs"
	(cd "$dir/debs" && apt-get "${APT_OPTS[@]}" -q download "user-mode-linux=$version" libc6/trixie) \
		>"$dir/download.log" 2>&1 ||
		unavailable "apt-get download failed: $(tail -n 2 "$dir/download.log" | tr '\n' ' ')"
	for deb in "$dir"/debs/*.deb; do
		dpkg-deb -x "$deb" "$dir/root"
	done
	rm -rf "$dir/root/usr/lib/uml/modules"
	cp "$dir/root/usr/bin/linux.uml" "$kernel"
	patchelf --set-interpreter "$dir/root/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
		--set-rpath "$dir/root/usr/lib/x86_64-linux-gnu" "$kernel" ||
		unavailable "patchelf could not point $kernel at trixie's libc"
	dpkg-deb -f "$dir"/debs/libc6_*.deb Version >"$dir/libc6-version"
	touch "$dir/.complete"
fi
if [ "$want" = record ]; then
	mkdir -p "$record" && rm -f "$record/unavailable"
	ln -sfn "$kernel" "$record/kernel"
	echo "$name" >"$record/name"
fi
echo "$kernel"
