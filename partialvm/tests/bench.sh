#!/bin/bash
# partialvm-bench: time partialvm's tracers, PRoot and VUOS's umvu on the
# same workloads in the place it runs in (natively, in the guest, on the
# host kernel under qemu); scripts/partialvm-bench.sh runs it in each place
# and writes the report.
#
#   partialvm-bench [--smoke | --quick] [--refs DIR] [--runs N] [--place NAME]
#
# DIR holds sid's proot and umvu (scripts/partialvm-refs.sh); without it,
# or where one is missing, its rows say why.  Each configuration runs
# pinned to one CPU (taskset, the last one), tracer and tracee together.
# Output, one line per measurement:
#   row PLACE CONFIG WORKLOAD RUN NS-PER-OP
#   na PLACE CONFIG WORKLOAD REASON...
# The workloads: getpid (a call nobody handles), uname (one the tool
# answers, with -n), stat (a path under a bind, rewritten), forkexec
# (fork, exec /bin/true, wait), and tar-gzip (tar c of a tree under the
# bind through gzip -n; per run, not per call).
set -u

here=$(cd "$(dirname "$0")" && pwd)
scale=full refs='' runs=3 place=$(uname -n)
args=("$@")
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) scale=smoke runs=1; shift ;;
	--quick) scale=quick; shift ;;
	--refs) refs=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--place) place=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "partialvm-bench: unknown argument '$1'; see --help" >&2; exit 2 ;;
	esac
done
case $scale in
full) n_call=20000 n_fork=300 n_files=300 ;;
quick) n_call=5000 n_fork=100 n_files=100 ;;
smoke) n_call=200 n_fork=5 n_files=10 ;;
esac
# Under qemu (TCG) a call costs ten times more: ten times fewer.
if [ "$place" = qemu ]; then
	n_call=$((n_call / 10)) n_fork=$((n_fork / 5 > 2 ? n_fork / 5 : 2))
fi
tool=$here/partialvm workload=$here/partialvm-workload
cpu=${PVM_BENCH_PINNED:-$(($(nproc) - 1))}
# Everything on one CPU: the tracer and its tracee share it, in every
# configuration alike.
if [ -z "${PVM_BENCH_PINNED:-}" ]; then
	PVM_BENCH_PINNED=$cpu exec taskset -c "$cpu" "$0" "${args[@]}"
fi

W=$(mktemp -d /tmp/pvm-bench.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
H=$W/host G=$W/guest
mkdir -p "$H/dir" "$H/tree/d" "$W/home/.vu"
echo "a file under the bind" >"$H/dir/file"
for i in $(seq "$n_files"); do
	head -c $((i * 37 % 4096 + 1)) /dev/urandom >"$H/tree/d/f$i"
done

# The references, where DIR has them: proot (sid's, PRoot's filter, and
# PROOT_NO_SECCOMP=1) and umvu (VUOS: its filter, and -S).
proot='' umvu='' vubin=''
if [ -n "$refs" ] && [ -x "$refs/bin/proot" ] && "$refs/bin/proot" true 2>/dev/null; then
	proot=$refs/bin/proot
fi
umvu_said=''
if [ -n "$refs" ] && [ -x "$refs/bin/umvu" ]; then
	ln -s "$refs/modules" "$W/home/.vu/modules"
	# In qemu-rootfs's chroot, umvu runs but every exec it makes fails.
	if umvu_said=$(HOME=$W/home "$refs/bin/umvu" -x --norc /bin/true 2>&1); then
		umvu=$refs/bin/umvu vubin=$refs/bin
	fi
fi
why_no() {	# REF
	if [ -z "$refs" ]; then
		echo "no references given (--refs)"
	elif [ -e "$refs/unavailable-$1" ]; then
		cat "$refs/unavailable-$1"
	elif [ "$1" = vuos ] && [ -n "$umvu_said" ]; then
		echo "umvu cannot run a command here: $(tr '\n' ' ' <<<"$umvu_said" | cut -c1-150)"
	else
		echo "$1 does not run here"
	fi
}

# The command line of CONFIG around "WORKLOAD ARGS...".  A umvu run is a
# script: insmod vufs, mount the tree, then the workload.
run_in_config() {	# CONFIG WORKLOAD...
	local config=$1 script
	shift
	case $config in
	none) "$@" ;;
	partialvm-*) "$tool" --tracer="${config#partialvm-}" -n pvm-bench -b "$H:$G" -- "$@" ;;
	proot) "$proot" -b "$H:$G" "$@" ;;
	proot-noseccomp) PROOT_NO_SECCOMP=1 "$proot" -b "$H:$G" "$@" ;;
	umvu|umvu-S)
		script=$W/umvu-run.sh
		{
			echo '#!/bin/sh'
			echo "$vubin/vu_insmod vufs || exit 90"
			echo "$vubin/vumount -t vufs $H $G || exit 91"
			printf '%q ' "$@"; echo
		} >"$script"
		chmod 755 "$script"
		# shellcheck disable=SC2046
		HOME=$W/home "$umvu" -x --norc $([ "$config" = umvu-S ] && echo -S) "$script" ;;
	esac
}

# One measurement: ns per call from the workload's own line, or the
# wall time of a run; a run that did not do its work says so.
measure() {	# CONFIG WORKLOAD RUN
	local config=$1 w=$2 out t0 t1 ns='' p=$G
	# Uninstrumented, the tree is where it is.
	[ "$config" = none ] && p=$H
	case $w in
	getpid|uname) out=$(run_in_config "$config" "$workload" "$w" "$n_call" 2>&1 >/dev/null) ;;
	stat) out=$(run_in_config "$config" "$workload" stat "$n_call" "$p/dir/file" 2>&1 >/dev/null) ;;
	forkexec) out=$(run_in_config "$config" "$workload" forkexec "$n_fork" /bin/true 2>&1 >/dev/null) ;;
	tar-gzip)
		t0=$(date +%s%N)
		out=$(run_in_config "$config" sh -c "tar -C $p/tree -cf - d | gzip -n | wc -c" 2>&1)
		t1=$(date +%s%N)
		[ "${out##*$'\n'}" -gt 1000 ] 2>/dev/null && ns=$((t1 - t0)) ;;
	esac
	[ "$w" = tar-gzip ] || ns=$(sed -n "s/^$w: .* \([0-9.]*\) ns per call\$/\1/p" <<<"$out")
	if [ -n "$ns" ]; then
		echo "row $place $config $w $3 $ns"
	else
		echo "na $place $config $w it failed: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
	fi
}

configs="none"
workloads="getpid uname stat forkexec tar-gzip"
# CONFIG... -- REASON: a line for each workload of each, with the reason.
not_here() {
	local c w names=()
	while [ "$1" != -- ]; do names+=("$1"); shift; done
	shift
	for c in "${names[@]}"; do
		for w in $workloads; do
			echo "na $place $c $w $*"
		done
	done
}
for t in ptvm seccomp seccomp-all ptrace; do
	if "$tool" --tracer="$t" -- true 2>/dev/null; then
		configs="$configs partialvm-$t"
	else
		not_here "partialvm-$t" -- "$("$tool" --tracer="$t" -- true 2>&1 | head -1)"
	fi
done
if [ -n "$proot" ]; then
	configs="$configs proot proot-noseccomp"
else
	not_here proot proot-noseccomp -- "$(why_no proot)"
fi
if [ -n "$umvu" ]; then
	configs="$configs umvu umvu-S"
else
	not_here umvu umvu-S -- "$(why_no vuos)"
fi
echo "# partialvm-bench: $place, $(uname -r), pinned to CPU $cpu, $runs run(s): $n_call calls, $n_fork forks, $n_files files"
for run in $(seq "$runs"); do
	for config in $configs; do
		for w in $workloads; do
			measure "$config" "$w" "$run"
		done
	done
done
