#!/usr/bin/env bash
# Make the Debian base of the guest image: debootstrap (bookworm, minbase)
# plus rootfs/packages, cached under ~/.cache/sysptvm/rootfs/base-<hash>,
# where the hash covers this script and the package list.  Prints the path.
#
# debootstrap's resolver cannot install everything itself (gdb needs a boost
# library through a virtual package), so the extra packages are installed
# with apt-get inside the new tree.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

suite=bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SYSPTVM_TOP/rootfs/packages" | tr '\n' ' ')
key=$( (cat "$0"; echo "$suite $mirror $pkgs") | sha256sum | cut -c1-16)
base="$SYSPTVM_CACHE/rootfs/base-$key"

if [ -e "$base/.sysptvm-complete" ]; then
	say "rootfs: base up to date ($base)"
	echo "$base"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "debootstrap needs root (run as root, or with sudo)"
command -v debootstrap >/dev/null || die "debootstrap is missing: run 'make deps'"

tmp="$base.tmp"
rm -rf "$tmp"
mkdir -p "$(dirname "$base")"
say "rootfs: debootstrap $suite (minbase) from $mirror (about a minute)"
if ! run debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$tmp.log" 2>&1; then
	tail -20 "$tmp.log" >&2
	die "debootstrap failed; log: $tmp.log"
fi

say "rootfs: installing $pkgs"
cp /etc/resolv.conf "$tmp/etc/resolv.conf"
# No daemons start inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
chmod +x "$tmp/usr/sbin/policy-rc.d"
# shellcheck disable=SC2086 # $pkgs is a list of words
if ! run chroot "$tmp" env DEBIAN_FRONTEND=noninteractive \
	sh -c "apt-get update -q && apt-get install -y -q --no-install-recommends $pkgs" \
	>>"$tmp.log" 2>&1; then
	tail -20 "$tmp.log" >&2
	die "apt-get install in the guest tree failed; log: $tmp.log"
fi
chroot "$tmp" apt-get clean
rm -f "$tmp/usr/sbin/policy-rc.d" "$tmp/etc/resolv.conf"
rm -rf "$tmp/var/lib/apt/lists/"*
touch "$tmp/.sysptvm-complete"
rm -rf "$base"
mv "$tmp" "$base"
rm -f "$tmp.log"
say "rootfs: base ready, $(du -sh "$base" | cut -f1) ($base)"
echo "$base"
