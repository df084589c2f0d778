#!/usr/bin/env bash
# make soak: the long robustness run of issue 13, and its report.
#
#   scripts/soak.sh [--smoke] [-j JOBS] [-o DIR] [PART...]
#
# Runs the parts (tests/soak/parts.sh, all or the PARTs named) through the
# test runner, tests/run --set soak: JOBS at a time (default 2, one a
# core: each is one guest, or the strace suite), each under its time-out;
# a part that fails or times out does not stop the others, and a line
# every minute says which parts run.  Then writes DIR/SOAK.md (default
# build/soak/; the logs beside it), one table per part, from the results,
# and ends with the runner's "N passed, N failed".  The bar for every
# guest: no panic, no host-side UML crash, no Oops, BUG or WARNING in its
# log.  The committed SOAK.md is a copy of one full run's report.
#   --smoke  seconds instead of minutes, a few of strace's tests (make check
#            runs this to check the harness; its report proves nothing)
# strace's test suite must be built first (make soak does it: make
# strace-suite); the strace part fails without it, and is skipped at the
# smoke scale.
#   --list   print the parts and their time-outs
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SYSPTVM_TOP" || exit 1

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

# The parts, in the order of the file, and their annotations.
suite=tests/soak/parts.sh
mapfile -t parts < <(tests/run --set soak --list)
for w in "${wanted[@]}"; do
	printf '%s\n' "${parts[@]}" | grep -qx -- "$w" || die "no part '$w' (--list shows them)"
done
[ ${#wanted[@]} -eq 0 ] || parts=("${wanted[@]}")
title() { test_annotation "$suite" "test_$1" title; }
if [ "$list" = 1 ]; then
	for name in "${parts[@]}"; do
		printf '%-24s %8s  %s\n' "$name" "$(test_annotation "$suite" "test_$name" timeout)" "$(title "$name")"
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
say "soak: ${#parts[@]} part(s), $jobs at a time, scale $scale; logs in ${out#"$SYSPTVM_TOP"/}/logs"

# The smoke scale takes seconds; 900 s bounds a part that hangs.
export SOAK_DIR=$out/logs SOAK_SCALE=$scale SYSPTVM_TEST_LOGS=$out/logs
# At the full scale each part has its own (its annotation), whatever the
# caller's environment says.
if [ "$scale" = full ]; then unset TEST_TIMEOUT; else export TEST_TIMEOUT=900; fi
rc=0
tests/run --set soak -j "$jobs" --progress 60 "${parts[@]}" | tee "$out/run.txt" || rc=$?
took=$(($(date +%s) - started))

# A part's result, from the runner's tally: "passed", "skipped REASON" or
# "failed STATUS".
result() {	# NAME
	local t=$out/logs/$1.tally
	[ -e "$t" ] || { echo "failed -"; return; }
	if [ "$(awk '$1 == "skipped" { print $2 }' "$t")" != 0 ] &&
		[ "$(awk '$1 == "passed" { print $2 }' "$t")" = 0 ]; then
		echo "skipped $(sed -n 's/^skip //p' "$out/logs/$1.cases" | head -n 1)"
	elif [ "$(awk '$1 == "failed" { print $2 }' "$t")" = 0 ]; then
		echo passed
	else
		echo "failed $(awk '$1 == "status" { print $2 }' "$t")"
	fi
}

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
	echo "- The bar, for every guest: no panic ('$SOAK_PANIC_RE'), no host-side UML crash (boot.sh or nested-uml saying the UML did not finish or exited badly), no line matching '$SOAK_OOPS_RE' in its log (the console, and a nested UML's boot log). Not judged: the stack dump of an OOM-killer report or of a page allocation failure's (its CPU line, stack words and Call Trace; the OOM-killer reports are counted in the rows), and lines matching '$SOAK_BENIGN_RE' (a pr_warn(), not a WARN())."
	echo "- Raw logs: ${out#"$SYSPTVM_TOP"/}/logs/ (PART.log, and each guest's PART-PLACE.console and .out)"
	echo
	for name in "${parts[@]}"; do
		echo "## $name: $(title "$name")"
		echo
		secs=$(awk '$1 == "seconds" { printf "%d", $2 }' "$out/logs/$name.tally" 2>/dev/null)
		secs=${secs:-0}
		read -r verdict why <<<"$(result "$name")"
		if [ "$verdict" = skipped ]; then
			echo "Skipped: $why"
		else
			echo "Verdict: **$([ "$verdict" = passed ] && echo pass || echo "FAIL (status $why)")**, in $((secs / 60)) min $((secs % 60)) s."
			echo
			echo "| where | ran | counted | verdict |"
			echo "|---|---|---|---|"
			cat "$out/logs/$name.rows" 2>/dev/null || echo "| - | - | no figures: see logs/$name.log | FAIL |"
		fi
		echo
	done
	tail -n 1 "$out/run.txt"
} >"$out/SOAK.md"
say "soak: report in ${out#"$SYSPTVM_TOP"/}/SOAK.md ($((took / 60)) min)"
exit "$rc"
