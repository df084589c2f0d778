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
		nested-sysptvm nested-sysemu nested-ptrace debian-6.1 \
		host-native host-uml-sysptvm host-uml-sysemu host-uml-ptrace; do
		# Only a known host incompatibility is a skip (scripts/lib.sh).
		if grep -q "^$c: cannot boot on this host: " build/bench/skipped; then
			echo "skip bench_smoke/$c: $(grep "^$c: " build/bench/skipped | cut -d' ' -f2-)" >>"$SYSPTVM_SUBRESULTS"
			continue
		fi
		for w in getpid pipe fork exec file-tmpfs file-ext4 macro tracer-syscall; do
			n=$(grep -cE "^$c,[0-9]+,$w,[0-9.]+,[a-z]+$" build/bench/results.csv || true)
			[ "$n" -ge 1 ] || fail "no $w result for $c in build/bench/results.csv"
		done
		echo "ok bench_smoke/$c" >>"$SYSPTVM_SUBRESULTS"
	done
	# Upstream UML, both modes, unless it could not be fetched.
	if grep -q "^upstream: cannot be fetched: " build/bench/skipped; then
		echo "skip bench_smoke/upstream: $(grep "^upstream: " build/bench/skipped | cut -d' ' -f2-)" >>"$SYSPTVM_SUBRESULTS"
	else
		for c in ptrace seccomp; do
			c=$(grep -o "^upstream-[0-9.]*-$c," build/bench/results.csv | head -n 1 | tr -d ,)
			[ -n "$c" ] || fail "no upstream configuration in build/bench/results.csv"
			for w in getpid pipe fork exec file-tmpfs file-ext4 macro; do
				grep -qE "^$c,[0-9]+,$w,[0-9.]+,[a-z]+$" build/bench/results.csv ||
					fail "no $w result for $c in build/bench/results.csv"
			done
			echo "ok bench_smoke/$c" >>"$SYSPTVM_SUBRESULTS"
		done
		assert_contains "$(cat build/bench/report.md)" "- Upstream reference: upstream-" "the upstream version in report.md"
	fi
	assert_contains "$(cat build/bench/report.md)" "## Host calls per guest call" "the host-call table in report.md"
	assert_matches "$(cat build/bench/report.md)" '^\| getpid \| [0-9.]+ \|' "a getpid count in report.md"
	# Every UML configuration has the tags and SYSEMU for its processes
	# only if it is ours: the tracer's other modes ran there.
	for c in ours-sysemu nested-sysptvm host-native; do
		for w in tracer-skipexit tracer-skipcall tracer-sysemu; do
			grep -qE "^$c,[0-9]+,$w,[0-9.]+,ns$" build/bench/results.csv ||
				fail "no $w result for $c"
		done
	done
	# A time of 0 is a clock that did not move, not a fast call.
	! grep -E '^[^,]+,[0-9]+,[^,]+,0(\.0*)?,' build/bench/results.csv ||
		fail "times of 0 in build/bench/results.csv (above): a coarse clock"
	assert_contains "$(cat build/bench/report.md)" "| getpid | ns |" "the table in report.md"
	assert_contains "$(cat build/bench/report.md)" "## Goals" "the goals in report.md"
	assert_contains "$(cat build/bench/report.md)" "| native tracer: PTRACE_SYSCALL / skipexit" "the host ratios in report.md"
	assert_contains "$(cat build/bench/report.md)" "| our UML: sysptvm / sysemu | getpid |" "the host ratios in report.md"
	for w in getpid pipe fork exec file-tmpfs file-ext4 macro tracer-syscall; do
		[ -s "build/bench/$w.png" ] || fail "no chart build/bench/$w.png"
	done
	assert_contains "$out" "no UML process left behind" "the clean-up check"
}

# Interrupt the run while one of its UMLs is up: the moment is a state that
# is waited for, never a time, since a fast machine may finish a smoke run in
# a few seconds.
test_interrupted_bench_leaves_no_uml() {
	local pid n=0 rc=0 umid
	# Its own results directory: bench_smoke may run beside it (tests/run
	# -j), and a second run in build/bench emptied that one's results.
	export SYSPTVM_BENCH_OUT
	SYSPTVM_BENCH_OUT=$(tmpdir)
	# Its own process group, as a terminal's Ctrl-C would reach it, and
	# SIGINT not ignored, as it is for a background job of a script.
	setsid env --default-signal=INT scripts/bench.sh --smoke ours >/dev/null 2>&1 &
	pid=$!
	umid="umid=sysptvm-bench-$pid-"
	until pgrep -f -- "$umid" >/dev/null; do
		kill -0 "$pid" 2>/dev/null || fail "scripts/bench.sh ended before any UML of it was seen"
		sleep 0.1
		n=$((n + 1))
		[ "$n" -lt 600 ] || { kill -TERM -- "-$pid"; fail "no UML of the bench run ($umid*) within 60 s"; }
	done
	kill -INT -- "-$pid"
	wait "$pid" || rc=$?
	# A run that was not interrupted would have ended with 0.
	[ "$rc" -ne 0 ] || fail "scripts/bench.sh ended with status 0: it finished before the interrupt"
	for n in $(seq 100); do
		[ -n "$(pgrep -f -- "$umid" || true)" ] || return 0
		sleep 0.1
	done
	fail "UML processes of the interrupted run left behind: $(pgrep -af -- "$umid")"
}

# Under qemu without a usable TSC the kernel falls back to jiffies, where a
# getpid takes 0 ns (a CI run's host-native column did): bench-workloads
# times nothing on such a clock and says why.
test_bench_workloads_refuse_a_jiffies_clock() {
	local d out rc=0
	d=$(tmpdir)
	echo refined-jiffies >"$d/cs"
	out=$(BENCH_CLOCKSOURCE=$d/cs bash tests/guest/bench-workloads.sh -s smoke getpid tracer 2>&1) || rc=$?
	echo "$out"
	assert_eq 1 "$rc" "bench-workloads' status on a jiffies clock"
	assert_contains "$out" "the clocksource is refined-jiffies" "the reason"
	assert_contains "$out" "failed getpid" "getpid failed"
	assert_contains "$out" "failed tracer-syscall" "the tracer failed"
	assert_not_contains "$out" "result " "no result"
}
