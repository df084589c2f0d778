#!/bin/bash
# toggle-load [-f FLIPS] [-n FILES] [-c DIR]: switch modes under load.
#
# While workloads (files written, read back and compared, pipelines,
# fork+exec), a gdb single-step check and fp_threads (threads whose vector
# registers are checked across system calls) run in a loop, change the mode
# FLIPS times through /proc/sysptvm and /proc/sysemu, cycling through the
# modes this UML has (sysptvm, sysemu, ptrace), and on until each workload
# has finished a round.  Every write must succeed and read back; no workload
# round may go wrong.  Prints a summary and exits 0 only if all of that
# held.  Restores the switches it found.
# -c DIR adds an I/O load: files of random data written into DIR, each one's
# sha256 taken from the stream as it was written; after the last flip the
# page cache is dropped and every file is checked against its sum, then
# removed.
set -uo pipefail

flips=1000
files=20
checked_dir=
while [ $# -gt 0 ]; do
	case "$1" in
	-f) flips=$2; shift 2 ;;
	-n) files=$2; shift 2 ;;
	-c) checked_dir=$2; shift 2 ;;
	-h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
	*) echo "usage: toggle-load [-f FLIPS] [-n FILES] [-c DIR]" >&2; exit 2 ;;
	esac
done

if ! orig_sysptvm=$(cat /proc/sysptvm) || ! orig_sysemu=$(cat /proc/sysemu); then
	echo "toggle-load: cannot read /proc/sysptvm and /proc/sysemu"
	exit 1
fi
# The modes this UML has, as the switches that select them.
modes=()
if echo 1 2>/dev/null >/proc/sysptvm; then modes+=("1 $orig_sysemu sysptvm"); fi
echo 0 >/proc/sysptvm
if echo 1 2>/dev/null >/proc/sysemu; then modes+=("0 1 sysemu"); fi
modes+=("0 0 ptrace")
echo "toggle-load: cycling through ${#modes[@]} mode(s): $(printf '%s\n' "${modes[@]}" | cut -d' ' -f3 | tr '\n' ' ')"

dir=$(mktemp -d /tmp/toggle-load.XXXXXX)
trap 'rm -rf "$dir"' EXIT

load() {	# NAME CMD...: run CMD in a loop until $dir/stop exists
	local name=$1 rounds=0 bad=0
	shift
	while [ ! -e "$dir/stop" ]; do
		if ! "$@" >"$dir/$name.last" 2>&1; then
			bad=$((bad + 1))
			cat "$dir/$name.last" >>"$dir/$name.errors"
		fi
		rounds=$((rounds + 1))
		: >"$dir/$name.done"
	done
	echo "$rounds $bad" >"$dir/$name.count"
}
load workload workload -n "$files" &
load pipeline bash -c 'seq 2000 | sort -rn | head -1 | grep -qx 2000' &
load stepi gdb-stepi &
load vectors fp_threads -t 2 -n 30 &
loads=(workload pipeline stepi vectors)
# One file of random data a round; its sum comes from the bytes written.
io_round() {
	local f
	f=$(mktemp "$checked_dir/data.XXXXXX") &&
		head -c 262144 /dev/urandom | tee "$f" | sha256sum | sed "s|-\$|$f|" >>"$dir/io.sums"
}
if [ -n "$checked_dir" ]; then
	if ! mkdir -p "$checked_dir"; then
		echo "toggle-load: cannot make $checked_dir"
		exit 1
	fi
	load io io_round &
	loads+=(io)
fi

errors=0
# Builtins only: the flips must not wait for forks of their own.
set_switch() {	# FILE VALUE
	local now
	if ! echo "$2" >"$1"; then
		echo "toggle-load: writing $2 to $1 failed"
		errors=$((errors + 1))
	elif ! read -r now <"$1" || [ "$now" != "$2" ]; then
		echo "toggle-load: $1 reads '$now' after writing $2"
		errors=$((errors + 1))
	fi
}
writes=0
i=0
all_done() {
	local name
	for name in "${loads[@]}"; do
		[ -e "$dir/$name.done" ] || return 1
	done
}
while [ "$i" -lt "$flips" ] || ! all_done; do
	read -r want_sysptvm want_sysemu _ <<<"${modes[i % ${#modes[@]}]}"
	# sysptvm first off, so that each write is allowed on its own.
	set_switch /proc/sysptvm 0
	set_switch /proc/sysemu "$want_sysemu"
	set_switch /proc/sysptvm "$want_sysptvm"
	writes=$((writes + 3))
	i=$((i + 1))
done
touch "$dir/stop"
wait

echo "$orig_sysptvm" >/proc/sysptvm
echo "$orig_sysemu" >/proc/sysemu
for name in "${loads[@]}"; do
	read -r rounds bad <"$dir/$name.count" || { rounds=0; bad=1; }
	echo "toggle-load: $name: $rounds round(s), $bad wrong"
	[ "$bad" = 0 ] || { head -20 "$dir/$name.errors"; errors=$((errors + 1)); }
	[ "$rounds" -gt 0 ] || { echo "toggle-load: $name never ran"; errors=$((errors + 1)); }
done
if [ -n "$checked_dir" ]; then
	# Read back from the disk, not from the pages that were written.
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sums=$(wc -l <"$dir/io.sums")
	if bad_sums=$(sha256sum --quiet -c "$dir/io.sums" 2>&1); then
		echo "toggle-load: io: $sums file(s) in $checked_dir match their sums after the flips"
	else
		echo "toggle-load: io: files in $checked_dir differ from their sums:"
		head -20 <<<"$bad_sums"
		errors=$((errors + 1))
	fi
	while read -r _ f; do rm -f "$f"; done <"$dir/io.sums"
fi
echo "toggle-load: $i mode changes ($writes writes to /proc), $errors error(s)"
[ "$errors" = 0 ]
