#!/usr/bin/env bash
# Make build/rootfs.img: the cached Debian base (rootfs/mkbase.sh), with
# rootfs/overlay/ laid over it, the static guest programs under /usr/local,
# and both kernels (stripped) as /usr/local/bin/linux and linux-stock for the
# nested tests.  mkfs.ext4 -d writes the image straight from a directory: no
# loop mounts.
#
#   rootfs/mkimage.sh OUTPUT LINUX LINUX_STOCK BINDIR SBINDIR
#     BINDIR   static test programs, installed in /usr/local/bin
#     SBINDIR  static system programs (poweroff...), in /usr/local/sbin
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"

[ $# -eq 5 ] || { echo "usage: $0 OUTPUT LINUX LINUX_STOCK BINDIR SBINDIR" >&2; exit 2; }
output=$1 linux=$2 linux_stock=$3 bindir=$4 sbindir=$5

base=$("$SYSPTVM_TOP/rootfs/mkbase.sh")
stage="$SYSPTVM_CACHE/rootfs/stage.$$"

say "rootfs: assembling the image tree in $stage"
rm -rf "$stage"
run cp -a "$base" "$stage"
rm -f "$stage/.sysptvm-complete"
run cp -a "$SYSPTVM_TOP/rootfs/overlay/." "$stage/"
install -d "$stage/usr/local/bin" "$stage/usr/local/sbin"
for f in "$bindir"/*; do
	[ -f "$f" ] && install -m 755 "$f" "$stage/usr/local/bin/"
done
for f in "$sbindir"/*; do
	[ -f "$f" ] && install -m 755 "$f" "$stage/usr/local/sbin/"
done
ln -sf poweroff "$stage/usr/local/sbin/halt"
ln -sf poweroff "$stage/usr/local/sbin/reboot"
# The macro workload of make bench: a real source tree to unpack and gzip.
install -d "$stage/usr/local/share/sysptvm"
tar -cf "$stage/usr/local/share/sysptvm/src.tar" -C "$(pristine_tree)" tools/lib
install -m 755 -s "$linux" "$stage/usr/local/bin/linux"
install -m 755 -s "$linux_stock" "$stage/usr/local/bin/linux-stock"

# Room for the guest to write: the tree plus 384 MiB (a sparse file).
used_mb=$(du -sm "$stage" | cut -f1)
size_mb=$((used_mb + 384))
say "rootfs: mkfs.ext4 -d ($used_mb MiB of files, ${size_mb} MiB image)"
mkdir -p "$(dirname "$output")"
rm -f "$output.new"
run mkfs.ext4 -q -F -L sysptvm-root -d "$stage" "$output.new" "${size_mb}M"
mv -f "$output.new" "$output"
rm -rf "$stage"
say "rootfs: $output ready ($(du -h "$output" | cut -f1) on disk, ${size_mb} MiB apparent)"
