#!/usr/bin/env bash
# The time-out of boot.sh and qemu-host.sh:
#   setpriv --pdeathsig TERM -- scripts/watchdog.sh SECONDS FLAG SIGNAL TARGET
# After SECONDS, create the file FLAG and send SIGNAL to TARGET (a pid, or
# -PGID for a process group).  SIGTERM ends it, its sleep included; the
# parent-death signal sends that when its starter dies, even by SIGKILL, so
# that it never outlives it (and never signals a reused pid).
set -u
[ $# -eq 4 ] || { echo "usage: ${0##*/} SECONDS FLAG SIGNAL TARGET" >&2; exit 2; }
sleeper=
trap '[ -z "$sleeper" ] || kill "$sleeper" 2>/dev/null; exit 0' TERM
sleep "$1" &
sleeper=$!
wait "$sleeper" && touch "$2" && kill -"$3" -- "$4" 2>/dev/null
