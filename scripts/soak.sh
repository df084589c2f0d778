#!/usr/bin/env bash
# make soak: the long robustness run of issue 13, and its report.
#
#   scripts/soak.sh [--smoke] [-j JOBS] [-o DIR] [PART...]
#
# Runs the parts of tests/soak/parts.sh (all, or the PARTs named), JOBS at
# a time (default 2, one a core: each is one guest, or the strace suite),
# each under its own time-out; a part that fails or times out does not stop
# the others.  Every minute a line says which parts are running and for how
# long.  Writes DIR/SOAK.md (default build/soak/; the logs beside it), one
# table per part, and ends with "N passed, N failed".  The bar for every
# guest: no panic, no host-side UML crash, no Oops, BUG or WARNING in its
# log.  The committed SOAK.md is a copy of one full run's report.
#   --smoke  seconds instead of minutes, a few of strace's tests (make check
#            runs this to check the harness; its report proves nothing)
#   --list   print the parts and their time-outs
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SYSPTVM_TOP" || exit 1

# PART  TIME-OUT(s, full)  TIME-OUT(s, smoke)  TITLE, longest first, so
# that two lanes end close together.
PARTS=(
	"strace 16200 900 strace's test suite, in the guest and natively"
	"trinity 2100 300 30 minutes of trinity as an unprivileged user"
	"stress_nested_sysptvm 1200 300 stress-ng --ptrace and --seccomp, 5 minutes each"
	"stress_sysemu 900 300 stress-ng --ptrace and --seccomp, 5 minutes each"
	"stress_ptrace 900 300 stress-ng --ptrace and --seccomp, 5 minutes each"
	"flips_nested_sysptvm 1800 400 10^3 mode switches under a checked I/O load"
	"flips_outer 1800 400 10^3 mode switches under a checked I/O load"
	"fuzz_nested_sysptvm 1200 400 10^4 random ptrace requests from the fuzzer, as root and as nobody"
	"fuzz_sysemu 1200 400 10^4 random ptrace requests from the fuzzer, as root and as nobody"
	"fuzz_ptrace 1200 400 10^4 random ptrace requests from the fuzzer, as root and as nobody"
)

scale=full
jobs=2
out=$SYSPTVM_TOP/build/soak
list=0
wanted=()
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) scale=smoke ;;
	--list) list=1 ;;
	-j) [ $# -ge 2 ] || die "-j needs a number"; jobs=$2; shift ;;
	-o) [ $# -ge 2 ] || die "-o needs a directory"; out=$2; shift ;;
	-h|--help) usage_text "$0"; exit 0 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*) wanted+=("$1") ;;
	esac
	shift
done
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "-j wants a number of parts at a time, not '$jobs'"
# The guests reach it through hostfs, which wants an absolute path.
out=$(realpath -m "$out")

selected=()
for entry in "${PARTS[@]}"; do
	read -r name _ <<<"$entry"
	if [ ${#wanted[@]} -gt 0 ]; then
		match=0
		for w in "${wanted[@]}"; do [ "$w" = "$name" ] && match=1; done
		[ "$match" = 1 ] || continue
	fi
	selected+=("$entry")
done
for w in "${wanted[@]}"; do
	printf '%s\n' "${PARTS[@]}" | awk '{ print $1 }' | grep -qx -- "$w" ||
		die "no part '$w' (--list shows them)"
done
if [ "$list" = 1 ]; then
	for entry in "${selected[@]}"; do
		read -r name full smoke title <<<"$entry"
		printf '%-24s %6s s (smoke %s s)  %s\n' "$name" "$full" "$smoke" "$title"
	done
	exit 0
fi

for f in build/linux build/rootfs.img; do
	[ -e "$f" ] || die "$f is missing: run 'make' first (make soak does)"
done
# The bar's patterns, from the one place that the parts apply too.
# shellcheck source=tests/soak/bar.sh
. tests/soak/bar.sh
rm -rf "$out" && mkdir -p "$out/logs"
started=$(date +%s)
say "soak: ${#selected[@]} part(s), $jobs at a time, scale $scale; logs in ${out#"$SYSPTVM_TOP"/}/logs"

# One part in its own bash, under its time-out; its status goes to a file.
start_part() {	# NAME TIME-OUT
	local name=$1 secs=$2
	(
		export SOAK_DIR=$out/logs SOAK_SCALE=$scale SOAK_PART=$name
		export SYSPTVM_SUBRESULTS=$out/logs/$name.skip SYSPTVM_CACHE
		# Its guests are named after it, so that a time-out can end them.
		export SYSPTVM_UMID_PREFIX=soak-$name
		# shellcheck disable=SC2016 # expanded by the inner bash
		timeout --kill-after=30 "$secs" bash -c \
			'. tests/lib.sh && . tests/soak/parts.sh && "part_$1"' _ "$name" \
			>"$out/logs/$name.log" 2>&1 </dev/null
		rc=$?
		[ "$rc" != 124 ] || pkill -TERM -f "umid=soak-$name-" || true
		echo "$rc" >"$out/logs/$name.status"
	) &
}

declare -A began
queue=("${selected[@]}")
running=()
passed=0
failed=0
skipped=0
last_progress=$started
while [ ${#queue[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
	while [ ${#running[@]} -lt "$jobs" ] && [ ${#queue[@]} -gt 0 ]; do
		read -r name full smoke _ <<<"${queue[0]}"
		queue=("${queue[@]:1}")
		secs=$full
		[ "$scale" = full ] || secs=$smoke
		say "soak: starting $name (time-out $((secs / 60)) min)"
		start_part "$name" "$secs"
		began[$name]=$(date +%s)
		running+=("$name")
	done
	sleep 5
	still=()
	for name in "${running[@]}"; do
		if [ ! -e "$out/logs/$name.status" ]; then
			still+=("$name")
			continue
		fi
		rc=$(cat "$out/logs/$name.status")
		took=$(($(date +%s) - began[$name]))
		if [ -s "$out/logs/$name.skip" ]; then
			skipped=$((skipped + 1))
			printf 'skip %-24s %5ds  %s\n' "$name" "$took" "$(sed 's/^skip //' "$out/logs/$name.skip")"
		elif [ "$rc" = 0 ]; then
			passed=$((passed + 1))
			printf 'ok   %-24s %5ds\n' "$name" "$took"
		else
			failed=$((failed + 1))
			[ "$rc" = 124 ] && echo "timed out" >>"$out/logs/$name.log"
			printf 'FAIL %-24s %5ds (status %s, log %s)\n' "$name" "$took" "$rc" "${out#"$SYSPTVM_TOP"/}/logs/$name.log"
			tail -n 12 "$out/logs/$name.log" | sed 's/^/     | /'
		fi
		echo "$rc $took" >"$out/logs/$name.done"
	done
	running=("${still[@]+"${still[@]}"}")
	now=$(date +%s)
	if [ $((now - last_progress)) -ge 60 ] && [ ${#running[@]} -gt 0 ]; then
		last_progress=$now
		line=
		for name in "${running[@]}"; do
			line+=" $name ($(((now - began[$name]) / 60)) min),"
		done
		say "soak: $(((now - started) / 60)) min in; running:${line%,}; ${#queue[@]} waiting; $passed passed, $failed failed so far"
	fi
done
took=$(($(date +%s) - started))

# The report: one table per part, from the rows each part left.
{
	echo "# Soak report"
	echo
	if [ "$scale" = smoke ]; then
		echo "**A smoke run (seconds, not minutes): it checks the harness and proves nothing about the kernel.**"
		echo
	fi
	echo "- Date: $(date -u '+%F %H:%M') UTC; the whole run took $((took / 60)) min $((took % 60)) s, $jobs part(s) at a time"
	echo "- Commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with local changes)')"
	echo "- Machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), host kernel $(uname -r)"
	echo "- Guest kernel: build/linux ($(strings build/linux | grep -oE '^Linux version [^ ]+' | head -n 1 | cut -d' ' -f3))"
	echo "- The bar, for every guest: no panic ('$SOAK_PANIC_RE'), no host-side UML crash (boot.sh or nested-uml saying the UML did not finish or exited badly), no line matching '$SOAK_OOPS_RE' in its log (the console, and a nested UML's boot log). Not judged: the stack dump of an OOM-killer report (its CPU line, stack words and Call Trace; the reports are counted in the rows), and lines matching '$SOAK_BENIGN_RE' (a pr_warn(), not a WARN())."
	echo "- Raw logs: ${out#"$SYSPTVM_TOP"/}/logs/ (PART.log, and each guest's PART-PLACE.console and .out)"
	echo
	for entry in "${selected[@]}"; do
		read -r name _ _ title <<<"$entry"
		echo "## $name: $title"
		echo
		if [ -e "$out/logs/$name.done" ]; then
			read -r rc secs <"$out/logs/$name.done"
		else
			rc=- secs=0
		fi
		if [ -s "$out/logs/$name.skip" ]; then
			echo "Skipped: $(sed 's/^skip //' "$out/logs/$name.skip")"
		else
			echo "Verdict: **$([ "$rc" = 0 ] && echo pass || echo "FAIL (status $rc)")**, in $((secs / 60)) min $((secs % 60)) s."
			echo
			echo "| where | ran | counted | verdict |"
			echo "|---|---|---|---|"
			cat "$out/logs/$name.rows" 2>/dev/null || echo "| - | - | no figures: see logs/$name.log | FAIL |"
		fi
		echo
	done
	echo "$passed passed, $failed failed$([ "$skipped" = 0 ] || echo ", $skipped skipped")"
} >"$out/SOAK.md"
say "soak: report in ${out#"$SYSPTVM_TOP"/}/SOAK.md ($((took / 60)) min)"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
