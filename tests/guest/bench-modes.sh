#!/bin/bash
# bench-modes SCALE RUNS MODE...: bench-workloads RUNS times in each MODE
# (sysptvm, sysemu, ptrace), switched through /proc/sysptvm and
# /proc/sysemu, the modes interleaved run by run.  For a UML inside the
# guest, where the expect script cannot type.  Prints
# "point MODE RUN WORKLOAD VALUE UNIT" lines; exits 1 if a switch or a
# workload failed.
set -uo pipefail
PATH=/usr/local/bin:$PATH

[ $# -ge 3 ] || { echo "usage: bench-modes SCALE RUNS MODE..." >&2; exit 2; }
scale=$1 runs=$2
shift 2
for mode; do
	case "$mode" in
	sysptvm|sysemu|ptrace) ;;
	*) echo "bench-modes: unknown mode '$mode'" >&2; exit 2 ;;
	esac
done
mountpoint -q /dev/shm || mount -t tmpfs -o mode=1777 tmpfs /dev/shm
status=0
for run in $(seq "$runs"); do
	for mode in "$@"; do
		set-mode "$mode" >/dev/null || { echo "failed switch-to-$mode"; status=1; continue; }
		bench-workloads -s "$scale" | sed "s/^result /point $mode $run /; s/^failed /point-failed $mode $run /" ||
			status=1
	done
done
exit "$status"
