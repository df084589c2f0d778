#!/usr/bin/env bash
# The time-out of boot.sh and qemu-host.sh:
#   setpriv --pdeathsig TERM -- scripts/watchdog.sh SECONDS FLAG SIGNAL TARGET STARTER
# After SECONDS, create the file FLAG and send SIGNAL to TARGET (a pid, or
# -PGID for a process group).  SIGTERM ends it, its sleep included; the
# parent-death signal sends that when its STARTER (pid) dies, even by
# SIGKILL, so that it never outlives it (and never signals a reused pid).
set -u
[ $# -eq 5 ] || { echo "usage: ${0##*/} SECONDS FLAG SIGNAL TARGET STARTER" >&2; exit 2; }
trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM
# A starter that died before setpriv armed the signal sent none.
kill -0 "$5" 2>/dev/null || exit 0
sleep "$1" &
wait "$!" && touch "$2" && kill -"$3" -- "$4" 2>/dev/null
