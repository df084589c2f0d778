#!/bin/bash
# set-mode MODE: drive processes in MODE (sysptvm, sysemu or ptrace) from
# now on, through /proc/sysptvm and /proc/sysemu.  Prints the two switches
# afterwards ("0 1" for sysemu); exits 1 if a write failed or a switch does
# not read back what was written.
set -uo pipefail

case "${1:-}" in
sysptvm) sysptvm=1 sysemu=$(cat /proc/sysemu) ;;
sysemu) sysptvm=0 sysemu=1 ;;
ptrace) sysptvm=0 sysemu=0 ;;
*) echo "usage: set-mode sysptvm|sysemu|ptrace" >&2; exit 2 ;;
esac
# sysptvm first off, so that each write is allowed on its own.
echo 0 >/proc/sysptvm && echo "$sysemu" >/proc/sysemu &&
	echo "$sysptvm" >/proc/sysptvm || exit 1
now="$(cat /proc/sysptvm) $(cat /proc/sysemu)"
echo "$now"
[ "$now" = "$sysptvm $sysemu" ]
