# shellcheck shell=bash
# The benchmark harness (issue 5): make bench-smoke, tiny counts.  It checks
# that every configuration produced a number for every workload, that the
# report and the charts were written and that no UML was left behind; not
# how fast anything was.

# timeout: 1800 s
test_bench_smoke_gives_every_number() {
	local out rc=0 c w n
	out=$(scripts/bench.sh --smoke 2>&1) || rc=$?
	echo "$out"
	assert_eq 0 "$rc" "the exit status of scripts/bench.sh --smoke"
	[ ! -s build/bench/partial ] || fail "partial results: $(cat build/bench/partial)"
	for c in native stock ours-sysemu ours-ptrace ours-ptrace-boot \
		nested-sysptvm nested-sysemu nested-ptrace debian-6.1; do
		for w in getpid pipe fork exec file-tmpfs file-ext4 macro tracer-syscall; do
			n=$(grep -cE "^$c,[0-9]+,$w,[0-9.]+,[a-z]+$" build/bench/results.csv || true)
			[ "$n" -ge 1 ] || fail "no $w result for $c in build/bench/results.csv"
		done
	done
	# Every UML configuration has the tags and SYSEMU for its processes
	# only if it is ours: the tracer's other modes ran there.
	for c in ours-sysemu nested-sysptvm; do
		for w in tracer-skipexit tracer-skipcall tracer-sysemu; do
			grep -qE "^$c,[0-9]+,$w,[0-9.]+,ns$" build/bench/results.csv ||
				fail "no $w result for $c"
		done
	done
	assert_contains "$(cat build/bench/report.md)" "| getpid | ns |" "the table in report.md"
	assert_contains "$(cat build/bench/report.md)" "## Goals" "the goals in report.md"
	for w in getpid pipe fork exec file-tmpfs file-ext4 macro tracer-syscall; do
		[ -s "build/bench/$w.png" ] || fail "no chart build/bench/$w.png"
	done
	assert_contains "$out" "no UML process left behind" "the clean-up check"
}

test_interrupted_bench_leaves_no_uml() {
	local pid n=0
	# Its own process group, as a terminal's Ctrl-C would reach it.
	setsid scripts/bench.sh --smoke ours >/dev/null 2>&1 &
	pid=$!
	until pgrep -f -- "umid=sysptvm-bench-$pid-" >/dev/null; do
		sleep 0.5
		n=$((n + 1))
		[ "$n" -lt 120 ] || { kill -TERM -- "-$pid"; fail "no UML of the bench run (umid=sysptvm-bench-$pid-*) within 60 s"; }
	done
	sleep 2
	kill -INT -- "-$pid"
	wait "$pid" || true
	sleep 3
	[ -z "$(pgrep -f -- "umid=sysptvm-bench-$pid-" || true)" ] ||
		fail "UML processes of the interrupted run left behind: $(pgrep -af -- "umid=sysptvm-bench-$pid-")"
}
