#!/usr/bin/env bash
# The benchmark harness behind make bench (issue 5): boot each
# configuration with tests/expect/bench.exp, run the guest workloads
# (tests/guest/bench-workloads.sh) in each of its modes, several runs per
# point, and write build/bench/: results.csv, report.md (medians, spreads,
# ratios between configurations of this one session) and one PNG chart per
# workload (gnuplot).
#
#   scripts/bench.sh [--quick | --smoke] [--runs N] [CONFIG...]
#
# CONFIG: native stock ours ours-ptrace-boot nested debian-6.1 upstream
# host host-calls (all by default).  upstream is Debian sid's
# user-mode-linux (scripts/upstream-uml.sh), booted in ptrace mode and with
# seccomp=on, as upstream-VERSION-ptrace and -seccomp; if it cannot be
# fetched it is skipped, with the reason.  host is one boot of build/bzImage
# under qemu (scripts/qemu-host.sh): the workloads natively on the PTRACE_VM
# kernel (host-native, the tracer's four modes included) and our UML there
# in its three modes (host-uml-sysptvm, -sysemu, -ptrace).  host-calls
# counts the host calls per guest call (scripts/host-calls.sh; --smoke:
# sysemu only).  A configuration that fails or times out is named, the
# others still run, and the report says which results are partial.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SYSPTVM_TOP"
# Ctrl-C ends the whole run, not only the configuration being measured
# (expect and boot.sh clean up after themselves).
trap 'echo "bench: interrupted" >&2; exit 130' INT
trap 'echo "bench: terminated" >&2; exit 143' TERM

scale=full
runs=5
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) scale=quick; runs=3; shift ;;
	--smoke) scale=smoke; runs=1; shift ;;
	--runs) runs=$2; shift 2 ;;
	-h|--help) usage_text "$0"; exit 0 ;;
	-*) die "unknown option '$1' (see scripts/bench.sh --help)" ;;
	*) break ;;
	esac
done
all_configs=(native stock ours ours-ptrace-boot nested debian-6.1 upstream host host-calls)
[ $# -gt 0 ] || set -- "${all_configs[@]}"
for c; do
	[[ " ${all_configs[*]} " == *" $c "* ]] || die "unknown configuration '$c' (${all_configs[*]})"
done

# SYSPTVM_BENCH_OUT: another directory (a test that must not touch the
# results of a run beside it).
out=${SYSPTVM_BENCH_OUT:-build/bench}
mkdir -p "$out"
csv=$out/results.csv
echo "config,run,workload,value,unit" >"$csv"
: >"$out/partial"
: >"$out/skipped"
: >"$out/versions"
rm -rf "$out/host-calls"
# What make bench made for the configurations (BENCH_INPUTS in the
# Makefile): nothing is built or fetched here.
made() {	# FILE
	[ -e "$1" ] || die "$1 is missing: run 'make bench' (or bench-quick, bench-smoke), which makes it"
	echo "$1"
}

# The UML processes of boots started by this run, by umid.
export SYSPTVM_UMID_PREFIX="sysptvm-bench-$$"
leftover_umls() { pgrep -f -- "umid=$SYSPTVM_UMID_PREFIX-" || true; }

# The "point CONFIG RUN WORKLOAD VALUE UNIT" lines of FILE, into the CSV.
points_to_csv() {	# FILE
	sed -n 's/^point \([^ ]*\) \([^ ]*\) \([^ ]*\) \([^ ]*\) \([^ ]*\)$/\1,\2,\3,\4,\5/p' \
		"$1" >>"$csv"
}

# Run one configuration: bench.exp's points go to the CSV.
bench_exp() {	# NAME LABEL MODES [BOOT-ARGS...]
	local name=$1 label=$2 modes=$3 rc=0
	shift 3
	say "bench: $name ($scale, $runs run(s)): tests/expect/bench.exp $label $modes $*"
	# Its progress goes to the terminal and to a log (for the known
	# incompatibilities); under pipefail, rc is bench.exp's status.
	tests/expect/bench.exp "$SYSPTVM_TOP" "$label" "$scale" "$runs" "$modes" "$@" \
		2>&1 >"$out/$name.points" | tee "$out/$name.log" >&2 || rc=$?
	points_to_csv "$out/$name.points"
	if [ "$rc" != 0 ] && [ ! -s "$out/$name.points" ] &&
		why=$(known_host_incompatibility "$name" "$out/$name.log"); then
		echo "$name: cannot boot on this host: $why" >>"$out/skipped"
		say "bench: $name SKIPPED: it cannot boot on this host ($why)"
	elif [ "$rc" != 0 ]; then
		echo "$name: bench.exp exited with status $rc" >>"$out/partial"
		say "bench: $name FAILED (status $rc); its results so far are kept, marked partial"
	fi
	if [ -n "$(leftover_umls)" ]; then
		echo "$name: UML processes left behind: $(leftover_umls | tr '\n' ' ')" >>"$out/partial"
		die "bench: $name left UML processes behind (umid=$SYSPTVM_UMID_PREFIX-*): $(leftover_umls | tr '\n' ' ')"
	fi
}

bench_native() {
	local run tar="$out/src.tar" tmp rc=0
	say "bench: native ($scale, $runs run(s)): tests/guest/bench-workloads.sh on $(uname -r)"
	tar -cf "$tar" -C "$(pristine_tree)" tools/lib
	tmp=$(mktemp -d)
	for run in $(seq "$runs"); do
		PATH="$SYSPTVM_TOP/build/guest/bin:$PATH" BENCH_SRC_TAR="$tar" BENCH_TMPFS=/dev/shm \
			TMPDIR="$tmp" bash tests/guest/bench-workloads.sh -s "$scale" >"$tmp/out" || rc=$?
		sed -n "s/^result \([^ ]*\) \([^ ]*\) \([^ ]*\)$/native,$run,\1,\2,\3/p" "$tmp/out" >>"$csv"
	done
	rm -rf "$tmp" "$tar"
	# Without PTRACE_VM on this host two tracer modes fail: that is a
	# finding about the host, not a failed run.
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || echo "native: status $rc" >>"$out/partial"
}

# build/bzImage under qemu: TCG makes every instruction dearer, so the
# UML runs at the counts of one scale down, like nested; only the ratios
# within this one boot mean something.
bench_host() {
	local inner secs rc=0 cmd
	inner=$(case "$scale" in full) echo quick ;; *) echo smoke ;; esac)
	secs=$(case "$scale" in full) echo 7200 ;; quick) echo 3600 ;; *) echo 900 ;; esac)
	made build/bzImage >/dev/null
	say "bench: host ($scale natively, $inner in our UML, $runs run(s)): scripts/run-in.sh qemu-rootfs, and qemu-sysptvm in it"
	# shellcheck disable=SC2016 # expanded in the qemu guest
	cmd='set -o pipefail; st=0
		for run in $(seq '"$runs"'); do
			bench-workloads -s '"$scale"' | sed "s/^result /point host-native $run /; s/^failed /point-failed host-native $run /" || st=1
		done
		'"$(scripts/run-in.sh qemu-sysptvm -M 512M -t "$secs" --inner-command -- \
			"bench-modes $inner $runs sysptvm sysemu ptrace")"' | sed -E "s/^(point|point-failed) /\1 host-uml-/" || st=1
		exit $st'
	scripts/run-in.sh qemu-rootfs --timeout "$secs" -- "$cmd" >"$out/host.points" 2>"$out/host.log" || rc=$?
	points_to_csv "$out/host.points"
	grep '^point-failed ' "$out/host.points" | sed 's/^point-failed \([^ ]*\) \([^ ]*\) \(.*\)/bench: workload \3 failed in \1, run \2/' >&2 || true
	[ "$rc" = 0 ] || { echo "host: run-in.sh qemu-rootfs exited with status $rc ($out/host.log)" >>"$out/partial"; cat "$out/host.log" >&2; }
	say "bench: host: $(grep -c '^point ' "$out/host.points" || true) points"
}

# Upstream UML, as Debian sid has it today (make upstream-uml fetched it):
# both of its modes.
bench_upstream() {
	local kernel name why
	if [ -e build/upstream-uml/unavailable ]; then
		why=$(cat build/upstream-uml/unavailable)
		echo "upstream: cannot be fetched: $why" >>"$out/skipped"
		say "bench: upstream SKIPPED: it cannot be fetched ($why)"
		return 0
	fi
	kernel=$(readlink "$(made build/upstream-uml/kernel)")
	name=$(cat build/upstream-uml/name)
	echo "$name: Debian sid user-mode-linux $(basename "$(dirname "$kernel")"), run with trixie's libc6 $(cat "$(dirname "$kernel")/libc6-version")" >>"$out/versions"
	bench_exp "$name-ptrace" "$name-ptrace" - --kernel "$kernel"
	bench_exp "$name-seccomp" "$name-seccomp" - --kernel "$kernel" seccomp=on
}

bench_host_calls() {
	local places=()
	[ "$scale" != smoke ] || places=(sysemu)
	say "bench: host-calls: scripts/host-calls.sh ${places[*]:-(every place)}"
	scripts/host-calls.sh --out "$out/host-calls" "${places[@]}" >"$out/host-calls.log" 2>&1 || {
		echo "host-calls: scripts/host-calls.sh failed ($out/host-calls.log)" >>"$out/partial"
		tail -n 20 "$out/host-calls.log" >&2
	}
}

start=$(date +%s)
for c; do
	t0=$(date +%s)
	case "$c" in
	native) bench_native ;;
	stock) bench_exp stock stock - --kernel build/linux-stock ;;
	ours) bench_exp ours ours sysemu,ptrace ;;
	ours-ptrace-boot) bench_exp ours-ptrace-boot ours-ptrace-boot - nosysemu ;;
	nested) bench_exp nested nested nested:sysptvm,sysemu,ptrace --mem 1G ;;
	debian-6.1) bench_exp debian-6.1 debian-6.1 - --kernel "$(cat "$(made build/debian-6.1-uml.path)")" ;;
	upstream) bench_upstream ;;
	host) bench_host ;;
	host-calls) bench_host_calls ;;
	esac
	say "bench: $c took $(($(date +%s) - t0)) s"
done
[ -z "$(leftover_umls)" ] && say "bench: no UML process left behind (umid=$SYSPTVM_UMID_PREFIX-*)"
say "bench: all configurations in $(($(date +%s) - start)) s; writing the report"
scripts/bench-report.sh "$out" "$scale" "$runs"
