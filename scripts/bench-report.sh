#!/usr/bin/env bash
# Turn build/bench/results.csv into summary.csv (median and spread per
# configuration and workload), report.md and one PNG chart per workload.
#   scripts/bench-report.sh DIR SCALE RUNS
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -eq 3 ] || die "usage: $0 DIR SCALE RUNS"
dir=$1 scale=$2 runs=$3
csv=$dir/results.csv
[ -s "$csv" ] || die "bench-report: no results in $csv"

# config,workload,unit,n,median,min,max: configurations in the order
# they ran, workloads in the order of bench-workloads.
tail -n +2 "$csv" | sort -t, -k1,1 -k3,3 -k4,4g | awk -F, '
	function flush() {
		if (n == 0) return
		m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		printf "%s,%s,%s,%d,%.1f,%.1f,%.1f\n", c, w, u, n, m, v[1], v[n]
		n = 0
	}
	{ if ($1 != c || $3 != w) { flush(); c = $1; w = $3; u = $5 } v[++n] = $4 }
	END { flush() }' >"$dir/summary.csv"

configs=$(tail -n +2 "$csv" | cut -d, -f1 | awk '!seen[$0]++')
# Those not under qemu, whose times compare with stock's.
uml_configs=$(echo "$configs" | grep -v '^host-' || true)
workloads="getpid pipe fork exec file-tmpfs file-ext4 macro tracer-syscall tracer-skipexit tracer-skipcall tracer-sysemu"
cell() {	# CONFIG WORKLOAD FIELD(5 median, 6 min, 7 max)
	awk -F, -v c="$1" -v w="$2" -v f="$3" '$1 == c && $2 == w { print $f }' "$dir/summary.csv"
}
# One row of the goals table, if both medians were measured.  A and B are
# configurations (the row's workload) or "CONFIG WORKLOAD".
goal_row() {	# GOAL WHERE A B OP LIMIT
	local goal=$1 where=$2 op=$5 limit=$6 a aw b bw r v
	read -r a aw <<<"$3"
	read -r b bw <<<"$4"
	r=$(ratio "$(cell "$a" "${aw:-$where}" 5)" "$(cell "$b" "${bw:-$where}" 5)")
	[ -n "$r" ] || return 0
	v=$(awk -v r="$r" -v l="$limit" -v op="$op" \
		'BEGIN { ok = (op == "<=") ? r <= l : r >= l; print ok ? "met" : "not met" }')
	# The tracer's modes are named without their workload prefix.
	a=${aw:-$a} b=${bw:-$b}
	echo "| $goal | $where | ${a#tracer-}/${b#tracer-} = $r | $v |"
}
ratio() {	# A B: A/B with 3 decimals, or empty
	if [ -n "$1" ] && [ -n "$2" ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b }'
	fi
}

{
	echo "# Benchmark report"
	echo
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "- Host kernel: $(uname -sr) (native runs; the outer UMLs' host)"
	echo "- Guest kernels: ours and stock are Linux $(linux_source_version) UML (Debian linux-source-6.12: ours with patches/series and arch-um/, os-Linux/; stock with only the host-compatibility patches at the head of the series, $(grep -a -o -m1 -- '-stock+[0-9a-z]*-[0-9a-f]*' build/linux-stock 2>/dev/null | head -n 1 || true) in its uname -r); debian-6.1 is Debian's user-mode-linux package"
	if [ -s "$dir/versions" ]; then
		echo "- Upstream reference: $(paste -sd';' "$dir/versions" | sed 's/;/; /g') (scripts/upstream-uml.sh; sid moves, so this names what ran)"
	fi
	echo "- Scale: $scale, $runs run(s) per point; each cell is the median, (min-max) the spread"
	echo "- Lower is better everywhere.  Ratios compare configurations measured in this same session."
	if [ -s "$dir/skipped" ]; then
		echo
		echo "**Skipped:** configurations that cannot boot on this host (a known incompatibility):"
		sed 's/^/- /' "$dir/skipped"
	fi
	if [ -s "$dir/partial" ]; then
		echo
		echo "**Partial results:** some configurations did not finish:"
		sed 's/^/- /' "$dir/partial"
	fi
	echo
	echo "| workload | unit | $(echo "$configs" | paste -sd'|' | sed 's/|/ | /g') |"
	echo "|---|---|$(echo "$configs" | sed 's/.*/---/' | paste -sd'|')|"
	for w in $workloads; do
		row="| $w | $(awk -F, -v w="$w" '$2 == w { print $3; exit }' "$dir/summary.csv") |"
		for c in $configs; do
			m=$(cell "$c" "$w" 5)
			if [ -n "$m" ]; then
				row+=" $m ($(cell "$c" "$w" 6)-$(cell "$c" "$w" 7)) |"
			else
				row+=" - |"
			fi
		done
		echo "$row"
	done
	if grep -qx stock <<<"$configs"; then
		echo
		echo "## Relative to stock 6.12 UML"
		echo
		echo "Each configuration's median divided by stock's, workload by workload (1.000 = as fast as stock); not those under qemu (host-*), whose times are TCG's."
		echo
		echo "| workload | $(echo "$uml_configs" | paste -sd'|' | sed 's/|/ | /g') |"
		echo "|---|$(echo "$uml_configs" | sed 's/.*/---/' | paste -sd'|')|"
		for w in $workloads; do
			[ -n "$(cell stock "$w" 5)" ] || continue
			row="| $w |"
			for c in $uml_configs; do
				r=$(ratio "$(cell "$c" "$w" 5)" "$(cell stock "$w" 5)")
				row+=" ${r:--} |"
			done
			echo "$row"
		done
	fi
	if [ -n "$(cell host-native getpid 5)$(cell host-uml-sysemu getpid 5)" ]; then
		echo
		echo "## On the PTRACE_VM kernel under qemu (host)"
		echo
		echo "One boot of build/bzImage under qemu-system-x86_64 with TCG, where absolute times mean little: ratios within that boot."
		echo "host-native is the workloads natively on it; host-uml-MODE is our UML on it in each mode (the UML at the counts of one scale down)."
		echo
		echo "| ratio | workload | value |"
		echo "|---|---|---|"
		for m in skipexit skipcall sysemu; do
			r=$(ratio "$(cell host-native tracer-syscall 5)" "$(cell host-native "tracer-$m" 5)")
			[ -z "$r" ] || echo "| native tracer: PTRACE_SYSCALL / $m (how many times faster $m is) | tracer | $r |"
		done
		for w in $workloads; do
			case "$w" in tracer-*) continue ;; esac
			for m in sysptvm ptrace; do
				r=$(ratio "$(cell "host-uml-$m" "$w" 5)" "$(cell host-uml-sysemu "$w" 5)")
				[ -z "$r" ] || echo "| our UML: $m / sysemu | $w | $r |"
			done
			r=$(ratio "$(cell host-uml-sysptvm "$w" 5)" "$(cell host-native "$w" 5)")
			[ -z "$r" ] || echo "| our UML in sysptvm / native | $w | $r |"
		done
	fi
	if compgen -G "$dir/host-calls/*.txt" >/dev/null; then
		# In scripts/host-calls.sh's order, stock first.
		places=$(for p in stock sysemu ptrace nested-sysptvm qemu-sysptvm; do
			[ ! -s "$dir/host-calls/$p.txt" ] || echo "$p"; done)
		echo
		echo "## Host calls per guest call"
		echo
		echo "Counted from outside the UML by scripts/host-calls.sh: strace, without -f, on the UML's kernel thread while hostcall_workload runs in it; the difference of two phases of each workload over the difference of their rounds.  The calls of the UML's interrupts (its timer and I/O signals, and the stops of the guest process its timer causes) are not counted, but given apart (irq).  stock, sysemu and ptrace are the outer UML on this machine, nested-sysptvm ours inside ours, qemu-sysptvm ours on build/bzImage under qemu.  tests/host-calls.expected holds the counts that make check allows."
		echo
		echo "| workload | $(echo "$places" | paste -sd'|' | sed 's/|/ | /g') |"
		echo "|---|$(echo "$places" | sed 's/.*/---/' | paste -sd'|')|"
		for w in getpid fault forkexec; do
			row="| $w |"
			for p in $places; do
				v=$(awk -v p="$p" -v w="$w" '$1 == "hostcalls" && $2 == p && $3 == w { print $4 }' "$dir/host-calls/$p.txt")
				row+=" ${v:--} |"
			done
			echo "$row"
		done
		echo
		echo "What one getpid costs, call by call:"
		echo
		for p in $places; do cat "$dir/host-calls/$p.txt"; done | awk '$1 == "hostcalls" && $3 == "getpid" {
			printf "- %s:", $2; for (i = 5; i <= NF; i++) printf " %s", $i; print "" }'
	fi
	up=$(echo "$configs" | sed -n 's/^\(upstream-.*\)-seccomp$/\1/p' | head -n 1)
	echo
	echo "## Goals"
	echo
	echo "ours-sysemu is ours in the mode it chooses on this host, which has no PTRACE_VM; host-uml-sysptvm is ours on a host that has it."
	echo
	echo "| goal | workload | figures | verdict |"
	echo "|---|---|---|---|"
	if [ -n "$up" ]; then
		goal_row "ours at most 0.85x upstream's seccomp mode" getpid ours-sysemu "$up-seccomp" "<=" 0.85
		goal_row "ours at most upstream's ptrace mode (fork + exec)" exec ours-sysemu "$up-ptrace" "<=" 1.0
	fi
	goal_row "ours at most 0.8x stock (reported; the design is not bent for it)" macro ours-sysemu stock "<=" 0.8
	# Never slower than stock: no median of ours above stock's maximum.
	for w in $workloads; do
		case "$w" in tracer-*) continue ;; esac
		a=$(cell ours-sysemu "$w" 5) b=$(cell stock "$w" 5) bmax=$(cell stock "$w" 7)
		if [ -z "$a" ] || [ -z "$b" ]; then continue; fi
		v=$(awk -v a="$a" -v m="$bmax" 'BEGIN { print a <= m ? "met" : "not met" }')
		echo "| ours-sysemu never slower than stock (its median at most stock's maximum) | $w | ours-sysemu/stock = $(ratio "$a" "$b"); $a vs stock's max $bmax | $v |"
	done
	for w in $workloads; do
		case "$w" in tracer-*) continue ;; esac
		goal_row "nested sysptvm at least as fast as nested sysemu" "$w" nested-sysptvm nested-sysemu "<=" 1.0
	done
	for w in $workloads; do
		case "$w" in tracer-*) continue ;; esac
		goal_row "on the PTRACE_VM host, sysptvm at least as fast as sysemu" "$w" host-uml-sysptvm host-uml-sysemu "<=" 1.0
	done
	for c in $(echo "$configs" | grep -v '^host-uml-'); do
		goal_row "guest tracer: SKIPEXIT 1.8x faster than PTRACE_SYSCALL" "tracer, in $c" \
			"$c tracer-syscall" "$c tracer-skipexit" ">=" 1.8
	done
	echo
	echo "## Charts"
	echo
	for w in $workloads; do
		[ -e "$dir/$w.png" ] || [ -n "$(awk -F, -v w="$w" '$2 == w' "$dir/summary.csv")" ] || continue
		echo "![$w]($w.png)"
	done
} >"$dir/report.md"

if command -v gnuplot >/dev/null; then
	for w in $workloads; do
		for c in $uml_configs; do
			awk -F, -v c="$c" -v w="$w" '$1 == c && $2 == w { print $1, $5, $6, $7 }' "$dir/summary.csv"
		done >"$dir/$w.dat"
		if [ ! -s "$dir/$w.dat" ]; then
			rm -f "$dir/$w.dat"
			continue
		fi
		unit=$(awk -F, -v w="$w" '$2 == w { print $3; exit }' "$dir/summary.csv")
		gnuplot <<GP
set terminal pngcairo size 800,420
set output "$dir/$w.png"
set title "$w (median and min-max of $runs run(s), log scale; lower is better)"
set ylabel "$unit"
set logscale y
set style fill solid 0.6
set boxwidth 0.6
set xtics rotate by -30
set grid ytics
unset key
plot "$dir/$w.dat" using 0:2:xtic(1) with boxes, "" using 0:2:3:4 with yerrorbars pt 0 lc rgb "black"
GP
		rm -f "$dir/$w.dat"
	done
else
	say "bench-report: gnuplot is missing: no charts (make deps installs gnuplot-nox)"
fi
say "bench: report in $dir/report.md, $(find "$dir" -maxdepth 1 -name '*.png' | wc -l) chart(s)"
