#!/usr/bin/env bash
# Make the base initramfs of scripts/qemu-host.sh: host/init, busybox,
# the static guest programs and the UML kernel (stripped).
#   scripts/host-initramfs.sh OUTPUT LINUX BINDIR
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 3 ] || { echo "usage: $0 OUTPUT LINUX BINDIR" >&2; exit 2; }
output=$1 linux=$2 bindir=$3
busybox=/bin/busybox
[ -x "$busybox" ] || die "no $busybox: install busybox-static ('make deps')"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
strip -o "$tmp/linux" "$linux"
{
	for d in /bin /dev /proc /sys /tmp /root /usr /usr/local /usr/local/bin; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /init $SYSPTVM_TOP/host/init 0755 0 0"
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "file /usr/local/bin/linux $tmp/linux 0755 0 0"
	for f in "$bindir"/*; do
		[ -f "$f" ] && echo "file /usr/local/bin/${f##*/} $f 0755 0 0"
	done
	# UML is linked dynamically: its libraries and loader, at their paths.
	ldd "$linux" | grep -o '/[^ ]*' | sort -u | while read -r lib; do
		d=$(dirname "$lib") dirs=()
		while [ "$d" != / ]; do dirs=("$d" "${dirs[@]}"); d=$(dirname "$d"); done
		printf 'dir %s 0755 0 0\n' "${dirs[@]}"
		echo "file $lib $(readlink -f "$lib") 0755 0 0"
	done | awk '!seen[$0]++'
} >"$tmp/list"
say "host-initramfs: $(grep -c '^file' "$tmp/list") files"
"$SYSPTVM_TOP/build/gen_init_cpio" "$tmp/list" | gzip -1 >"$output.new"
mv -f "$output.new" "$output"
say "host-initramfs: $output ($(du -h "$output" | cut -f1))"
