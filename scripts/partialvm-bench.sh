#!/usr/bin/env bash
# partialvm's benchmark (part of make bench): its four tracers, sid's PRoot
# (its filter, and PROOT_NO_SECCOMP=1) and VUOS's umvu (its filter, and
# -S) on the same workloads, in three places: natively on this machine, in
# our guest, and on build/bzImage under qemu (the tags natively).  Each
# place runs partialvm-bench (partialvm/tests/bench.sh), pinned to one
# CPU; this script writes DIR/results.csv and DIR/report.md: medians, the
# ratio to the uninstrumented run in the same place, and the goals.
#
#   scripts/partialvm-bench.sh [--quick | --smoke] [-o DIR] [PLACE...]
#   scripts/partialvm-bench.sh --report [-o DIR] [PLACE...]   the report
#                                   again, from DIR's figures
#
# PLACE: native guest qemu (all by default).  DIR: build/bench/partialvm.
# The references come from scripts/partialvm-refs.sh (build/partialvm-refs,
# made by make); where they cannot be had, their rows say why.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SYSPTVM_TOP"

scale=()
report_only=0
out=build/bench/partialvm
while [ $# -gt 0 ]; do
	case "$1" in
	--quick|--smoke) scale=("$1"); shift ;;
	--report) report_only=1; shift ;;
	-o) out=$2; shift 2 ;;
	-h|--help) usage_text "$0"; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
places=("$@")
[ ${#places[@]} -gt 0 ] || places=(native guest qemu)
refs=$(readlink -f build/partialvm-refs 2>/dev/null) ||
	die "no build/partialvm-refs: run 'make build/partialvm-refs' (scripts/partialvm-refs.sh)"
bin=build/guest/bin
[ -x "$bin/partialvm-bench" ] || die "no $bin/partialvm-bench: run 'make partialvm'"
mkdir -p "$out"
[ "$report_only" = 1 ] || rm -f "$out"/*.txt

# The last CPU for the outer process of a place (UML, qemu), as the bench
# inside takes the last one of its own.
cpu=$(($(nproc) - 1))
for place in "${places[@]}"; do
	[ "$report_only" = 0 ] || break
	say "partialvm-bench: $place"
	case $place in
	native)
		ln -sfn "$refs" /tmp/pvm-refs
		run "$bin/partialvm-bench" "${scale[@]}" --place native --refs /tmp/pvm-refs \
			>"$out/native.txt" 2>"$out/native.err" || true ;;
	guest)
		run taskset -c "$cpu" scripts/run-in.sh uml -t 3000 -s "$refs:/tmp/pvm-refs" -- \
			"partialvm-bench ${scale[*]} --place guest --refs /tmp/pvm-refs" \
			>"$out/guest.txt" 2>"$out/guest.err" || true ;;
	qemu)
		run taskset -c "$cpu" scripts/run-in.sh qemu-rootfs -t 3000 -s "$refs:/tmp/pvm-refs" -- \
			"partialvm-bench ${scale[*]} --place qemu --refs /tmp/pvm-refs" \
			>"$out/qemu.txt" 2>"$out/qemu.err" || true ;;
	*) die "unknown place '$place': native, guest or qemu" ;;
	esac
	grep -q '^row ' "$out/$place.txt" || say "partialvm-bench: $place gave no figures (see $out/$place.err)"
done

cat "$out"/*.txt | awk '$1 == "row" { print $2 "," $3 "," $4 "," $5 "," $6 }' >"$out/results.csv"

# The report: per place, the median per call (µs) and its ratio to the
# uninstrumented run; then the goals of issue 29.
{
	echo "# partialvm benchmark ($(date -u '+%F'), $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'))"
	echo
	echo "Per call, µs (the median of the runs), and the ratio to the same workload"
	echo "uninstrumented in the same place; tar-gzip is ms per run.  Every"
	echo "configuration pinned to one CPU.  References: $(cat "$refs/versions" 2>/dev/null || echo none)."
	echo "partialvm answers uname (-n) and rewrites stat's path (-b); proot has no"
	echo "virtual hostname and umvu none set, so their uname is a plain call; umvu's"
	echo "stat goes through a vufs mount of the same tree."
	for place in "${places[@]}"; do
		[ -s "$out/$place.txt" ] || continue
		echo
		echo "## $place ($(sed -n 's/^# partialvm-bench: [a-z]*, \([^,]*\),.*/\1/p' "$out/$place.txt"))"
		echo
		awk -f - "$out/$place.txt" <<'AWK'
function median(key,   n, i, j, t, a) {
	n = split(vals[key], a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$1 == "row" { k = $3 SUBSEP $4; vals[k] = vals[k] " " $6; seen[$3] = 1 }
$1 == "na" { r = $0; sub(/^na [^ ]+ [^ ]+ [^ ]+ /, "", r); na[$3 SUBSEP $4] = r; seen[$3] = 1 }
END {
	nc = split("none partialvm-ptvm partialvm-seccomp partialvm-seccomp-all partialvm-ptrace proot proot-noseccomp umvu umvu-S", cs, " ")
	nw = split("getpid uname stat forkexec tar-gzip", ws, " ")
	line = "| workload |"; sep = "|---|"
	for (c = 1; c <= nc; c++) if (cs[c] in seen) { h = cs[c]; sub(/^partialvm-/, "", h); line = line " " h " |"; sep = sep "---|" }
	print line; print sep
	for (w = 1; w <= nw; w++) {
		line = "| " ws[w] " |"
		base = ((("none" SUBSEP ws[w]) in vals) ? median("none" SUBSEP ws[w]) : 0)
		for (c = 1; c <= nc; c++) {
			if (!(cs[c] in seen)) continue
			k = cs[c] SUBSEP ws[w]
			if (k in vals) {
				m = median(k); d = (ws[w] == "tar-gzip") ? 1e6 : 1e3
				cell = sprintf("%.2f", m / d)
				if (base > 0 && cs[c] != "none") cell = cell sprintf(" (%.1f×)", m / base)
			} else cell = "n/a"
			line = line " " cell " |"
		}
		print line
	}
	for (k in na) { split(k, kc, SUBSEP); notes[kc[1] " " kc[2] ": " na[k]] = 1 }
	for (n in notes) print "\n- n/a " n
	# The goals, per traced call (getpid, uname, stat): ptvm at least 1.8x
	# faster than ptrace; no slower than seccomp-all; and against seccomp,
	# whose filter lets getpid run untraced.
	if (("partialvm-ptvm" SUBSEP "getpid") in vals) {
		print "\nGoals, per traced call:\n"
		for (w = 1; w <= 3; w++) {
			p = median("partialvm-ptvm" SUBSEP ws[w])
			b = median("none" SUBSEP ws[w])
			if (("partialvm-ptrace" SUBSEP ws[w]) in vals) {
				q = median("partialvm-ptrace" SUBSEP ws[w]); r = q / p
				printf "- %s: ptvm %.2fx faster than ptrace per call, %.2fx on the cost over the untraced call: %s (goal 1.8x)\n", ws[w], r, (q - b) / (p - b), r >= 1.8 ? "met" : "not met"
			}
			if (("partialvm-seccomp-all" SUBSEP ws[w]) in vals) {
				r = median("partialvm-seccomp-all" SUBSEP ws[w]) / p
				printf "- %s: ptvm %.2fx the speed of seccomp-all: %s (goal: no slower)\n", ws[w], r, r >= 1 ? "met" : r >= 0.97 ? "even, within 3%" : "not met"
			}
			if (("partialvm-seccomp" SUBSEP ws[w]) in vals) {
				r = median("partialvm-seccomp" SUBSEP ws[w]) / p
				printf "- %s: seccomp (the mask) %.2fx the time of ptvm%s\n", ws[w], r, ws[w] == "getpid" ? " (its filter lets getpid run untraced)" : ""
			}
		}
	}
}
AWK
	done
} >"$out/report.md"
say "partialvm-bench: $out/report.md"
cat "$out/report.md"
