#!/bin/bash
# bench-workloads [-s full|quick|smoke] [WORKLOAD...]: time the workloads of
# the benchmark harness (make bench) once each, in the mode of the moment.
#
# Prints one line per result: "result WORKLOAD VALUE UNIT".  Workloads:
# getpid pipe fork exec file-tmpfs file-ext4 macro tracer (all by default).
# macro unpacks /usr/local/share/sysptvm/src.tar (a kernel source tree) and
# gzip-compresses it again; tracer is ptrace_vm_bench in its four modes.  A
# workload that fails prints "failed WORKLOAD" and the status is 1.
set -uo pipefail
PATH=/usr/local/bin:$PATH

scale=full
while [ $# -gt 0 ]; do
	case "$1" in
	-s) scale=$2; shift 2 ;;
	-h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
	-*) echo "usage: bench-workloads [-s full|quick|smoke] [WORKLOAD...]" >&2; exit 2 ;;
	*) break ;;
	esac
done
# The counts, per workload, read through ${!n_var} below.
# shellcheck disable=SC2034
case "$scale" in
full)  n_getpid=5000 n_pipe=1000 n_fork=200 n_exec=100 n_file=200 n_tracer=1000 ;;
quick) n_getpid=1000 n_pipe=200  n_fork=40  n_exec=20  n_file=40  n_tracer=200 ;;
smoke) n_getpid=20   n_pipe=10   n_fork=3   n_exec=2   n_file=3   n_tracer=10 ;;
*) echo "bench-workloads: unknown scale '$scale' (full, quick, smoke)" >&2; exit 2 ;;
esac
[ $# -gt 0 ] || set -- getpid pipe fork exec file-tmpfs file-ext4 macro tracer

status=0
failed() { echo "failed $1"; status=1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# A kernel that fell back to the jiffies clocksource (a TSC judged unstable
# where there is no HPET or ACPI PM timer, as under qemu with TCG) reads
# time in steps of a tick: a getpid would take 0 ns.  Nothing is measured
# on such a clock.  (BENCH_CLOCKSOURCE names another file to read, for the
# tests.)
cs=$(cat "${BENCH_CLOCKSOURCE:-/sys/devices/system/clocksource/clocksource0/current_clocksource}" 2>/dev/null || true)
case "$cs" in
jiffies|refined-jiffies)
	echo "bench-workloads: the clocksource is $cs, which reads time in whole ticks; no workload is timed on it" >&2
	for w in "$@"; do
		case "$w" in tracer) failed tracer-syscall ;; *) failed "$w" ;; esac
	done
	exit "$status" ;;
esac

for w in "$@"; do
	case "$w" in
	getpid|pipe|fork|exec)
		n_var=n_$w
		syscall_bench -w "$w" -n "${!n_var}" || failed "$w" ;;
	file-tmpfs|file-ext4)
		if [ "$w" = file-tmpfs ]; then
			d=$(mktemp -d "${BENCH_TMPFS:-/dev/shm}/bench.XXXXXX")
		else
			d=$(mktemp -d /var/tmp/bench.XXXXXX)
		fi
		syscall_bench -w file -n "$n_file" -d "$d" | sed "s/^result file /result $w /" || failed "$w"
		rm -rf "$d" ;;
	macro)
		d=$(mktemp -d /var/tmp/bench.XXXXXX)
		t0=$(now_ms)
		if tar -xf "${BENCH_SRC_TAR:-/usr/local/share/sysptvm/src.tar}" -C "$d" &&
		   tar -czf "$d.tgz" -C "$d" .; then
			echo "result macro $(($(now_ms) - t0)) ms"
		else
			failed macro
		fi
		rm -rf "$d" "$d.tgz" ;;
	tracer)
		ptrace_vm_bench -n "$n_tracer" 2>/dev/null |
			sed -n 's/^mode=\([a-z]*\) .* ns_per_call=\([0-9]*\)$/result tracer-\1 \2 ns/p' ;;
	*) echo "bench-workloads: unknown workload '$w'" >&2; status=2 ;;
	esac
done
exit "$status"
