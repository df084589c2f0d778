# shellcheck shell=bash
# The harness of make soak (scripts/soak.sh, tests/soak/parts.sh,
# tests/guest/run-strace-tests.sh): that its bar and its verdicts can fail,
# and a smoke run of its parts.  The soak itself is not in make check.

# The bar fails on each kind of line that breaks it and passes a clean log.
test_soak_bar_catches_panics_crashes_and_oopses() {
	local dir line out
	dir=$(tmpdir)
	SOAK_SCALE=smoke . tests/soak/parts.sh
	printf 'Linux version 6.12\nDriving processes with PTRACE_SYSEMU (sysemu)\nstatus 0\n' >"$dir/clean"
	soak_bar "$dir/clean" || fail "the bar failed a clean log"
	while IFS= read -r line; do
		cp "$dir/clean" "$dir/bad"
		echo "$line" >>"$dir/bad"
		if soak_bar "$dir/bad" 2>/dev/null; then
			fail "the bar passed a log with: $line"
		fi
		echo "caught: $line"
	done <<'LINES'
Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009
WARNING: CPU: 0 PID: 42 at kernel/ptrace.c:123 ptrace_resume+0x1/0x2
BUG: kernel NULL pointer dereference, address: 0000000000000008
Oops: general protection fault, probably for non-canonical address
Call Trace:
boot.sh: the guest did not run the command to the end (UML exit status 139)
boot.sh: the UML exited with status 139 after the command
nested-uml: /usr/local/bin/linux exited with status 134 after the command
LINES
	# Neither an OOM-killer report (whose dump_stack() has a Call Trace)
	# nor the pr_warn() banner of a mount with MS_MANDLOCK is a fault; both
	# came in the first full soak's trinity run.  They pass, and the report
	# is counted.  A fault inside a report still fails.
	cat "$dir/clean" - >"$dir/oom" <<'OOM'
trinity-c0 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=500
CPU: 0 UID: 65534 PID: 2941 Comm: trinity-c0 Not tainted 6.12.118-sysptvm+28-3bb5ff2a3e7d #8
Stack:
 60395a8e 604612df c012ba10 6037e231
Call Trace:
 [<60395a8e>] ? _printk+0x0/0x57
 [<6002304c>] show_stack+0x184/0x193
 [<600a930a>] oom_kill_process+0x8f/0x384
Mem-Info:
active_anon:4652 inactive_anon:241264 isolated_anon:0
Out of memory: Killed process 2941 (trinity-c0) total-vm:45376kB, anon-rss:2592kB
=======================================================
WARNING: The mand mount option has been deprecated and
         and is ignored by this kernel. Remove the mand
=======================================================
OOM
	out=$(soak_bar "$dir/oom") || fail "the bar failed an OOM-killer report and the mand banner: $out"
	assert_eq "bar: panics=0 crashes=0 oops=0 (OOM-killer reports: 1)" "$out" "the bar's line"
	sed 's/^Call Trace:$/&\nBUG: kernel NULL pointer dereference, address: 0000000000000008/' \
		"$dir/oom" >"$dir/bad"
	if soak_bar "$dir/bad" 2>/dev/null; then
		fail "the bar passed a BUG inside an OOM-killer report"
	fi
	# A failed allocation's report (warn_alloc()) is the same dump of the
	# same exhaustion: the quick soak's trinity run had one on 2026-12-07,
	# from fallocate() on tmpfs, and the bar failed it as an Oops.
	cat "$dir/clean" - >"$dir/allocfail" <<'ALLOC'
trinity-c0: page allocation failure: order:0, mode:0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), nodemask=(null)
CPU: 0 UID: 65534 PID: 66 Comm: trinity-c0 Not tainted 6.12.118-sysptvm+38-476ffc08b7fd #14
Stack:
 60395d39 60461309 d691bb30 6037e4dc
Call Trace:
 [<600e35a2>] warn_alloc+0x107/0x19f
 [<600f5507>] sys_fallocate+0x10/0x14
Mem-Info:
active_anon:1974 inactive_anon:247762 isolated_anon:0
ALLOC
	out=$(soak_bar "$dir/allocfail") || fail "the bar failed a page allocation failure's report: $out"
	assert_eq "bar: panics=0 crashes=0 oops=0" "$out" "the bar's line for a page allocation failure"
	# After the report's Mem-Info: a Call Trace is judged again.
	echo "Call Trace:" >>"$dir/oom"
	if soak_bar "$dir/oom" 2>/dev/null; then
		fail "the bar passed a Call Trace after an OOM-killer report"
	fi
	rm -rf "$dir"
}

# run-strace-tests gives automake's verdicts: 0 passes, 77 skips, 99 errs,
# another status fails, and the suite's expected failures are XFAIL; its
# status is non-zero when a test failed.  On a made-up tree.
test_strace_runner_verdicts() {
	local dir out rc=0 t
	dir=$(tmpdir)
	mkdir -p "$dir/tests"
	printf '#!/bin/sh\nexec "$@"\n' >"$dir/tests/run.sh"
	echo "STRACE_ARCH=x86_64 SIZEOF_LONG=8" >"$dir/tests/sysptvm-env"
	printf '%s\n' pass.test skip.test err.test fail.test xfail.test env.test >"$dir/tests/sysptvm-tests"
	echo xfail.test >"$dir/tests/sysptvm-xfail"
	# Each leaves its working directory behind, as init.sh does.
	for t in pass:0 skip:77 err:99 fail:1 xfail:1; do
		printf '#!/bin/sh\nmkdir %s.dir\nexit %s\n' "${t%:*}" "${t#*:}" >"$dir/tests/${t%:*}.test"
	done
	# The Makefile's variables and srcdir reach each test.
	# shellcheck disable=SC2016 # expanded by the test
	printf '#!/bin/sh\n[ "$STRACE_ARCH" = x86_64 ] && [ "$srcdir" = . ]\n' >"$dir/tests/env.test"
	chmod +x "$dir"/tests/*
	out=$(tests/guest/run-strace-tests.sh -o "$dir/out" "$dir") || rc=$?
	echo "$out"
	assert_matches "$out" '^PASS pass\.test [0-9.]+$' "a test that exits 0"
	assert_matches "$out" '^SKIP skip\.test ' "a test that exits 77"
	assert_matches "$out" '^ERROR err\.test ' "a test that exits 99"
	assert_matches "$out" '^FAIL fail\.test ' "a test that exits 1"
	assert_matches "$out" '^XFAIL xfail\.test ' "an expected failure"
	assert_matches "$out" '^PASS env\.test ' "the variables of sysptvm-env and srcdir"
	assert_contains "$out" "strace-tests: 6 tests: 2 pass, 1 fail, 1 skip, 1 error, 1 xfail, 0 xpass" "the summary"
	assert_eq 1 "$rc" "the status with a failure"
	[ -r "$dir/out/fail.test.log" ] || fail "no log kept for the failed test"
	[ ! -e "$dir/out/pass.test.log" ] || fail "a log kept for a test that passed"
	out=$(cd "$dir/tests" && echo ./*.dir)
	[ "$out" = "./*.dir" ] || fail "the tests' working directories are left behind: $out"
	rm -rf "$dir"
}

# Parts of make soak at the smoke scale (seconds): the harness works in
# each kind of place (outer sysemu and ptrace, nested sysptvm, natively).
# Its figures prove nothing.  strace's suite is skipped when make soak has
# not built it.  make soak-smoke runs every part (3 minutes).
# timeout: 900 s
test_soak_smoke_runs_its_parts() {
	local out rc=0 dir report
	dir=$TOP/build/soak-smoke
	out=$(scripts/soak.sh --smoke -o "$dir" trinity strace stress_ptrace fuzz_nested_sysptvm flips_outer) || rc=$?
	echo "$out"
	report=$(cat "$dir/SOAK.md")
	echo "$report"
	assert_eq 0 "$rc" "the status of scripts/soak.sh --smoke"
	assert_matches "$out" '^[1-9][0-9]* passed, 0 failed' "the closing line"
	assert_matches "$report" '^\| outer UML, sysemu, as nobody \| 20 s \| [1-9][0-9]* system calls; bar: panics=0 crashes=0 oops=0 \| pass \|$' \
		"trinity's row"
	assert_matches "$report" '^\| ptrace \| 10 s each \| ptrace [0-9]+ bogo ops; seccomp [0-9]+ bogo ops; bar: panics=0 crashes=0 oops=0 \| pass \|$' \
		"stress-ng's row"
	assert_matches "$report" '^\| nested-sysptvm, root then nobody \| 300 requests each \| requests=300 ok=[0-9]+ \(seed=11\); requests=300 ok=[0-9]+ \(seed=12\); bar: panics=0 crashes=0 oops=0 \| pass \|$' \
		"the nested fuzzer's row"
	assert_matches "$report" '^\| sysemu: [23] mode\(s\): [a-z ]+\| [0-9]+ flips \| [1-9][0-9]* file\(s\) in /var/tmp/toggle-io match their sums after the flips; bar: panics=0 crashes=0 oops=0 \| pass \|$' \
		"the flips' row"
}
