# shellcheck shell=bash
# Helpers for the test suites (tests/*.sh); the runner sources this first.
# A test passes when its function returns 0; the helpers below stop it with
# a message that says what was expected and what came instead.
set -euo pipefail

TOP=$(pwd)
# The one place that knows the cache and the series: the build's helpers.
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# boot.sh itself, for the tests of its own contract; the others run their
# commands through run_in (below).
BOOT=("$TOP/boot.sh" --no-build)
# The runner's own test boots a stand-in kernel through the suites.
[ -z "${SYSPTVM_TEST_KERNEL:-}" ] || BOOT+=(--kernel "$SYSPTVM_TEST_KERNEL")
# The test's log (the runner sends the test's stderr there), for lines
# that say what the test did.
exec {TEST_LOG_FD}>&2
# Upper bound for one guest boot in a test; far above the normal ~10 s.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-180}

fail() {
	echo "FAIL: $*" >&2
	exit 1
}
# Not run, with the reason: counted as skipped, never as passed.
skip() {
	echo "SKIP: $*" >&2
	echo "skip $*" >>"$SYSPTVM_SUBRESULTS"
	exit 0
}
assert_eq() {	# EXPECTED ACTUAL WHAT
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}
assert_contains() {	# HAYSTACK NEEDLE WHAT
	case "$1" in
	*"$2"*) ;;
	*) fail "$3: '$2' not found in: $(printf '%s' "$1" | head -c 2000)" ;;
	esac
}
assert_not_contains() {	# HAYSTACK NEEDLE WHAT
	case "$1" in
	*"$2"*) fail "$3: '$2' should not be in: $(printf '%s' "$1" | head -c 2000)" ;;
	esac
}

# Record one case of the current test; run in a subshell, so that a failed
# assertion ends the case and not the test.
run_case() {	# NAME FUNCTION [ARGS...]
	local name=$1
	shift
	if ("$@"); then
		echo "ok $name" >>"$SYSPTVM_SUBRESULTS"
	else
		echo "FAIL $name" >>"$SYSPTVM_SUBRESULTS"
	fi
}

# run_in PLACE [OPTIONS] -- CMD: CMD in PLACE, through the one layer that
# runs a command anywhere (scripts/run-in.sh: the places, its options and
# its contract: CMD's stdout and stderr apart, CMD's status, 124 on the
# time-out, 125 when CMD did not run to its end).  A UML place boots
# SYSPTVM_TEST_KERNEL instead of build/linux when it is set; the time-out
# is BOOT_TIMEOUT for a UML place and 540 s under qemu (below a test's 600
# s, so that a guest that hangs still shows its output), unless given.
run_in() {	# PLACE [OPTIONS...] -- CMD
	local place=$1 opts=()
	shift
	case "$place" in
	qemu*) opts+=(--timeout 540) ;;
	*) opts+=(--timeout "$BOOT_TIMEOUT") ;;
	esac
	case "$place" in
	*stock*|qemu*) ;;
	*) [ -z "${SYSPTVM_TEST_KERNEL:-}" ] || opts+=(--kernel "$SYSPTVM_TEST_KERNEL") ;;
	esac
	# To the test's log, not to a stderr that the test may be reading.
	echo "+ run-in $place ${*:1:$#-1} '${*: -1}'" >&"$TEST_LOG_FD"
	"$TOP/scripts/run-in.sh" "$place" "${opts[@]}" "$@"
}
# run_in, with CMD's stdout in the variable OUT and its stderr (and the
# consoles, with -v) in ERR.  Its status is run_in's.
# shellcheck disable=SC2034 # ria_out, ria_err: the caller's, by name
run_in_apart() {	# OUT ERR PLACE [OPTIONS...] -- CMD
	local -n ria_out=$1 ria_err=$2
	local ria_file ria_rc=0
	ria_file=$(mktemp)
	ria_out=$(run_in "${@:3}" 2>"$ria_file") || ria_rc=$?
	ria_err=$(cat "$ria_file")
	rm -f "$ria_file"
	return "$ria_rc"
}
# guest_run [OPTIONS...] CMD: CMD in our UML on this machine (run_in uml).
guest_run() {
	run_in uml "${@:1:$#-1}" -- "${*: -1}"
}

# Run CMD in PLACE (768M; a nested UML 384M); it must succeed and print a
# line that matches EXTENDED-REGEX.
guest_output_matches() {	# PLACE CMD EXTENDED-REGEX WHAT
	local out
	out=$(run_in "$1" -m 768M -M 384M -- "$2") || fail "$4: $out"
	echo "$out"
	assert_matches "$out" "$3" "$4"
}

# The host processes of a UML, found by the umid on their command line.
uml_processes() {	# UMID-PATTERN
	pgrep -f -- "umid=$1" || true
}

# A program of build/test-tools/ (make test-tools, which make check runs).
test_tool_path() {	# NAME
	local f=$TOP/build/test-tools/$1
	[ -e "$f" ] || fail "$f is missing: build it with 'make test-tools'"
	echo "$f"
}
test_tool() {	# NAME [ARGS...]
	local f
	f=$(test_tool_path "$1") || exit 1
	"$f" "${@:2}"
}

tmpdir() {
	mktemp -d "${TMPDIR:-/tmp}/sysptvm-test.XXXXXX"
}

# The cases of tests/guest/ptrace_vm_test.c that need the PTRACE_VM tags,
# and so must fail on a kernel without them, UML or native.
# shellcheck disable=SC2034 # used by the suites
PTRACE_VM_TAG_CASES="skipexit_runs_call_without_exit_stop
skipcall_skips_call_and_exit_stop
skipcall_keeps_tracer_result
skipcall_untouched_returns_enosys
cont_with_skipcall_skips_call
entry_tag_decides_not_older_tag
bits_outside_mask_keep_the_tag
tags_are_per_thread
unprivileged_own_tracee_accepts_every_tag
undefined_tag_is_refused_and_changes_nothing"

# The one TAP reader, for every test that reads TAP: the guest suites, the
# kernel's selftests (run-selftests' output), fpregs32_test.  TAP on stdin
# -> "NAME VERDICT" lines in order, VERDICT ok, FAIL or skip (a SKIP
# directive).  NAME is the description up to its directive, spaces made
# underscores, without the kselftest harness's fixture ("global.") unless
# --keep-fixture.  run-selftests' lines "=== DIR/PROGRAM" put PROGRAM/
# before the names that follow, and "=== DIR/PROGRAM exit N" is the case
# PROGRAM/exit-status (peeksiginfo and sud_benchmark have no TAP).
#
# The x86 selftests print no TAP but "[RUN] what", then "[OK] ...",
# "[FAIL] ..." or "[SKIP] ..." lines: there each [RUN] is a case, named by
# its text (a repeated text gets #2, #3...; an address, 0x and five hex
# digits or more, is dropped), FAIL if one of its lines is, skip if it has
# [SKIP] and no [OK], else ok.  Lines before the first [RUN] are the case
# "start".  The case that a program did not finish (it died, or exited
# with a status other than 0 after it) is FAIL unless it had an [OK].
tap_verdicts() {	# [--keep-fixture]
	awk -v keep="$([ "${1:-}" = --keep-fixture ] && echo 1 || echo 0)" '
		function x86_flush(last_status) {
			if (grp == "") return
			v = bad ? "FAIL" : (skipped && !oks) ? "skip" : "ok"
			if (last_status != "" && last_status != 0 && !oks) v = "FAIL"
			print prefix grp, v; grp = ""
		}
		function x86_case(name) {
			x86_flush("")
			gsub(/0x[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]+/, "0x", name)
			gsub(/^[ \t]+|[ \t]+$/, "", name); gsub(/[ \t]+/, "_", name)
			if (name == "") name = "unnamed"
			if (++times[prefix name] > 1) name = name "#" times[prefix name]
			grp = name; bad = 0; oks = 0; skipped = 0
		}
		/^=== [a-z0-9_]+\/[a-z0-9_]+ exit [0-9]+$/ { p = $2; sub(/^[^\/]*\//, "", p)
			if (x86) x86_flush($4)
			x86 = 0
			print p "/exit-status", ($4 == 0) ? "ok" : "FAIL"; next }
		/^=== [a-z0-9_]+\/[a-z0-9_]+$/ { p = $2; x86 = (p ~ /^x86\//); sub(/^[^\/]*\//, "", p)
			prefix = p "/"; grp = ""; next }
		x86 && /^[ \t]*\[RUN\]/ { t = $0; sub(/^[ \t]*\[RUN\]/, "", t); x86_case(t); next }
		x86 && /^[ \t]*\[(OK|FAIL|SKIP)\]/ { if (grp == "") x86_case("start")
			if ($0 ~ /\[OK\]/) oks++; else if ($0 ~ /\[FAIL\]/) bad++; else skipped++
			next }
		/^(not )?ok [0-9]+ / { v = ($1 == "ok") ? "ok" : "FAIL"; if ($0 ~ /# SKIP/) v = "skip"
			sub(/^(not )?ok [0-9]+ /, ""); sub(/ *#.*/, ""); gsub(/ /, "_")
			if (!keep) sub(/^[A-Za-z0-9_]+\./, "")
			print prefix $0, v }
		END { if (x86) x86_flush(1) }'
}
# The names of the cases that failed, from TAP on stdin.
tap_failed() {
	tap_verdicts | awk '$2 == "FAIL" { print $1 }'
}
# Report the results of a TAP run (stdin) as cases of the current test,
# named PREFIX/NAME.  Prints the TAP too.  Fails when no case was found.
report_tap() {	# PREFIX
	local tap verdicts
	tap=$(cat)
	printf '%s\n' "$tap"
	verdicts=$(tap_verdicts <<<"$tap")
	[ -n "$verdicts" ] || fail "no TAP results from $1"
	awk -v p="$1" '{ print $2, p "/" $1 }' <<<"$verdicts" >>"$SYSPTVM_SUBRESULTS"
}
assert_matches() {	# HAYSTACK EXTENDED-REGEX WHAT
	grep -qE -- "$2" <<<"$1" || fail "$3: no line matches /$2/ in: $(printf '%s' "$1" | head -c 2000)"
}

# The boot lines of the modes, and checks that any system running our UML
# can make in the mode of the moment (tests/modes.sh, tests/host.sh).
# shellcheck disable=SC2034 # used by the suites
SYSPTVM_LINE="Driving processes with PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL (sysptvm)"
SYSEMU_LINE="Driving processes with PTRACE_SYSEMU (sysemu)"
PTRACE_LINE="Driving processes with PTRACE_SYSCALL, two stops per call (ptrace)"

# In one guest: the guest suite, a workload, gdb's stepi and single steps
# over popf (tests/guest/popf_step_test.c), in the mode of
# the moment.  Each prints one line a test can check.
IN_MODE_CHECKS='ptrace_vm_test >/tmp/suite.out 2>&1; grep "^# Totals" /tmp/suite.out; grep "^not ok" /tmp/suite.out; workload -n 5; gdb-stepi | tail -n 1; popf_step_test | grep -v "^ok "'

assert_in_mode_checks_pass() {	# OUTPUT WHERE
	assert_matches "$1" '^# Totals: pass:[1-9][0-9]* fail:0 ' "the guest suite $2"
	assert_contains "$1" "workload: ok" "the workload $2"
	assert_contains "$1" "gdb-stepi: ok" "gdb stepi over a syscall $2"
	assert_contains "$1" "popf_step_test: ok" "single steps over popf $2"
}

# The FP state (issue 12: UML moves it only when it must): fp_state_test
# (signal frames, tracers, regsets), gdb-fpregs and fp_threads (threads,
# fork, vfork and signal handlers that keep their own vector registers),
# for tests/fp.sh and tests/modes.sh.
# shellcheck disable=SC2034 # used by the suites that source this file
FP_EVERY_MODE_CHECKS='fp_state_test >/tmp/fp.out 2>&1; echo "fp_state_test status $?"
	grep -E "^(not )?ok " /tmp/fp.out | sed "s/^/fp: /"
	gdb-fpregs | tail -n 1; fp_threads -t 3 -n 100'

fp_checks_pass() {	# OUTPUT WHERE
	assert_contains "$1" "fp_state_test status 0" "fp_state_test $2"
	assert_not_contains "$1" "fp: not ok" "fp_state_test $2"
	assert_contains "$1" "gdb-fpregs: ok" "gdb-fpregs $2"
	assert_contains "$1" "fp_threads: ok" "fp_threads $2"
}

# The three boot lines DESIGN.md section 3 asks for, from the host's
# features (0/1) and the boot parameters: the specification, written out.
expected_boot_lines() {	# HOST-TAGS HOST-SYSEMU [PARAMS...]
	local tags=$1 sysemu=$2 p nosysptvm=0 usesysemu=0 nosysemu=0
	local why_not_sysptvm why_not_sysemu
	shift 2
	for p; do
		case "$p" in
		nosysptvm) nosysptvm=1 ;;
		usesysemu) usesysemu=1 ;;
		nosysemu) nosysemu=1 ;;
		esac
	done
	if [ "$sysemu" = 0 ]; then
		echo "Checking syscall emulation for ptrace...missing"
		why_not_sysemu="the host lacks PTRACE_SYSEMU"
	elif [ "$nosysemu" = 1 ]; then
		echo "Checking syscall emulation for ptrace...(disabled)"
		why_not_sysemu="disabled by nosysemu"
	else
		echo "Checking syscall emulation for ptrace...OK"
	fi
	if [ "$tags" = 0 ]; then
		echo "Checking ptrace new tags for syscall emulation...unsupported"
		why_not_sysptvm="the host lacks the PTRACE_VM tags"
	elif [ "$nosysptvm" = 1 ]; then
		echo "Checking ptrace new tags for syscall emulation...(disabled)"
		why_not_sysptvm="disabled by nosysptvm"
	else
		echo "Checking ptrace new tags for syscall emulation...OK"
		why_not_sysptvm="usesysemu"
	fi
	echo "Checking that ptrace names syscall-entry and exit stops...OK"
	# usesysemu where PTRACE_SYSEMU cannot be used is ignored, with a
	# warning, and the best mode left is taken.
	if [ "$usesysemu" = 1 ] && [ -n "${why_not_sysemu:-}" ]; then
		echo "usesysemu ignored: $why_not_sysemu"
		usesysemu=0
	elif [ "$usesysemu" = 1 ] && [ "$nosysptvm" = 1 ]; then
		echo "usesysemu has no effect with nosysptvm"
	fi
	if [ "$tags" = 1 ] && [ "$nosysptvm" = 0 ] && [ "$usesysemu" = 0 ]; then
		echo "$SYSPTVM_LINE (the host supports the PTRACE_VM tags)"
	elif [ -z "${why_not_sysemu:-}" ]; then
		echo "$SYSEMU_LINE ($why_not_sysptvm)"
	else
		echo "$PTRACE_LINE (sysptvm: $why_not_sysptvm; sysemu: $why_not_sysemu)"
	fi
}

# The summary of tests/guest/toggle-load.sh: at least MIN-FLIPS mode changes
# (it goes on until every workload has had a round), no error, status 0.
assert_toggle_load_passed() {	# OUTPUT STATUS MIN-FLIPS WHERE
	local n
	n=$(sed -n 's/^toggle-load: \([0-9]*\) mode changes .*/\1/p' <<<"$1")
	[ -n "$n" ] || fail "no summary of toggle-load $4 in: $(printf '%s' "$1" | head -c 2000)"
	[ "$n" -ge "$3" ] || fail "toggle-load $4 made $n mode changes, fewer than the $3 asked for"
	assert_contains "$1" ", 0 error(s)" "the summary of toggle-load $4"
	assert_eq 0 "$2" "the exit status of toggle-load $4"
}

# strace in a guest, or natively with the guests' image: ls, and calls
# that succeed and fail, with -f.
# shellcheck disable=SC2034 # used by the suites
STRACE_CHECKS='cd /tmp && strace -o ls.trace ls -l / >/dev/null &&
	strace -f -e trace=mkdir,rmdir,close -o dirs.trace bash -c "mkdir /tmp/d; mkdir /tmp/d; rmdir /tmp/d; exec 7>&-" ;
	cat ls.trace dirs.trace'
assert_strace_checks_pass() {	# OUTPUT
	local out=$1
	# strace pads the column before " = ".
	assert_matches "$out" '^openat\(AT_FDCWD, "/", O_RDONLY\|O_NONBLOCK\|O_CLOEXEC\|O_DIRECTORY\) += 3$' "ls opening /"
	assert_matches "$out" '^getdents64\(3, .*\) += [1-9][0-9]*$' "ls reading /"
	assert_contains "$out" '+++ exited with 0 +++' "the end of ls"
	assert_matches "$out" 'mkdir\("/tmp/d", 0777\) += 0$' "the first mkdir"
	assert_matches "$out" 'mkdir\("/tmp/d", 0777\) += -1 EEXIST \(File exists\)$' "the second mkdir"
	assert_matches "$out" 'rmdir\("/tmp/d"\) += 0$' "rmdir"
	assert_matches "$out" 'close\(7\) += -1 EBADF \(Bad file descriptor\)$' "close of a closed fd"
}

# Our UML on build/bzImage, booted by nested-uml (tests/guest/) from the
# image, once for each COMBINATION of boot parameters ("" for none): its
# boot lines are those of the specification (expected_boot_lines).  With
# CHECKS 1, the guest suite, a workload and gdb's stepi also pass in the
# mode each combination chose.  qemu's time-out stays below the test's.
boot_parameter_matrix() {	# CHECKS COMBINATION...
	local checks=$1 out combo part line cmd script=''
	shift
	for combo; do
		cmd='echo booted'
		[ "$checks" = 0 ] || cmd=$IN_MODE_CHECKS
		script+="echo '=== combination: ${combo:-defaults}'; $("$TOP/scripts/run-in.sh" qemu-sysptvm \
			-v -M 256M -a "$combo" --inner-command -- "$cmd") 2>&1"$'\n'
	done
	out=$(run_in qemu-rootfs --timeout $((120 + $# * (checks ? 130 : 30))) -- "$script") || true
	echo "$out"
	for combo; do
		part=$(sed -n "/^=== combination: ${combo:-defaults}\$/,/^=== combination/p" <<<"$out")
		[ -n "$part" ] || fail "no output for the combination '${combo:-defaults}'"
		# shellcheck disable=SC2086 # the combination is a word list
		while IFS= read -r line; do
			assert_contains "$part" "$line" "the boot log with '${combo:-defaults}' on build/bzImage"
		done < <(expected_boot_lines 1 1 $combo)
		if [ "$checks" = 0 ]; then
			assert_matches "$part" '^booted$' "the command with '${combo:-defaults}'"
		else
			assert_in_mode_checks_pass "$part" "with '${combo:-defaults}' on build/bzImage"
		fi
	done
}

# The kernel's own selftests (scripts/selftests.sh, build/selftests), run
# by run-selftests (tests/guest/) wherever a test wants them.  In make
# check: all but seccomp_benchmark, whose verdicts are timings compared
# with each other.
SELFTEST_DIR=$TOP/build/selftests
SELFTEST_SKIP=seccomp/seccomp_benchmark
SELFTEST_RUN="run-selftests -t 400 -x $SELFTEST_SKIP"
# run-selftests' output -> "PROGRAM/CASE VERDICT" lines, VERDICT ok, FAIL
# or skip, in the order run (the TAP reader, fixtures kept).
selftest_parse() {
	tap_verdicts --keep-fixture
}
# Verdict lines -> "PROGRAM pass N fail N skip N" per program, in order.
selftest_totals() {
	awk '{ p = $1; sub(/\/.*/, "", p); if (!(p in seen)) { seen[p] = 1; order[++n] = p }
		if ($1 ~ /\/exit-status$/) next
		if ($2 == "ok") pass[p]++; else if ($2 == "skip") skip[p]++; else fail[p]++ }
		END { for (i = 1; i <= n; i++) { p = order[i]
			printf "%s pass %d fail %d skip %d\n", p, pass[p], fail[p], skip[p] } }'
}
# The verdicts of the native reference, build/bzImage-stock under qemu: the
# same 6.12 source without our series.  They are cached outside the
# checkout, by the kernel, the programs and what runs them, so a warm run
# reuses them: a new kernel or program makes a new reference.
# KERNEL: another native kernel for the reference (build/7.3/bzImage-stock).
selftest_reference() {	# [KERNEL]
	local kernel=${1:-build/bzImage-stock} dir key ref lock
	dir=$SYSPTVM_CACHE/selftest-reference
	key=$( (echo "$SELFTEST_RUN"; cat "$kernel" build/guest/bin/run-selftests scripts/qemu-host.sh scripts/run-in.sh host/init
		cd "$SELFTEST_DIR" && while read -r p; do echo "$p"; cat "$p"; done <programs) |
		sha256sum | cut -c1-16)
	ref=$dir/$key.txt
	if [ ! -e "$ref" ]; then
		mkdir -p "$dir"
		# One test makes it; another that needs it meanwhile (they run
		# side by side) waits for it, then reads it.
		exec {lock}>>"$dir/$key.lock"
		flock "$lock"
		if [ ! -e "$ref" ]; then
			{ run_in qemu-stock --kernel "$kernel" --share "$SELFTEST_DIR:/selftests" -- "$SELFTEST_RUN" 2>&1 || true; } |
				tee "$dir/$key.log" | selftest_parse >"$ref.new"
			[ "$(grep -c ' ok$' "$ref.new")" -gt 50 ] ||
				fail "too few passing selftest cases natively on $kernel: did they run? ($dir/$key.log)"
			mv "$ref.new" "$ref"
		fi
		exec {lock}>&-
	fi
	echo "reference: $ref" >&2
	cat "$ref"
}

# Shared by the suites of both kernel lines (pipeline.sh, console.sh,
# modes.sh and mainline.sh).

# Wait until the guest of boot.sh PID prints guest-up into FILE, not for a
# time: fails when boot.sh ends first or after 60 s.
wait_for_guest_up() {	# FILE PID
	for _ in $(seq 600); do
		grep -q guest-up "$1" && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.1
	done
	grep -q guest-up "$1"
}

# A UML that halts is back on the host's stack, where no interrupt handler
# may run (current_thread_info() comes from the stack pointer).  A timer or
# I/O signal that a busy host delivers while the UML powers off must not
# crash it: here they come without pause from the moment the guest is up
# until the UML has exited, in three boots (one boot of stock UML in six
# missed the window).  Unfixed, the UML died of SIGABRT after
# "reboot: Power down" (its panic no longer reached a console).
signals_at_poweroff() {	# ROUND [KERNEL [BOOT-ARGS...]]
	local round=$1 kernel=${2:-} dir pid uml rc=0 sent
	shift $(($# < 2 ? $# : 2))
	dir=$(tmpdir)
	SYSPTVM_UMID_PREFIX=sigoff "${BOOT[@]}" -v --timeout "$BOOT_TIMEOUT" ${kernel:+--kernel "$kernel"} \
		--run 'echo guest-up; sleep 1' "$@" >"$dir/out" 2>"$dir/err" &
	pid=$!
	wait_for_guest_up "$dir/out" "$pid" ||
		fail "round $round: the guest did not run the command: $(tail -n 20 "$dir/err")"
	# The UML's main process: the oldest with its umid (the guest's host
	# processes are its children).
	uml=$(pgrep -o -f -- "umid=sigoff-$pid-") || fail "round $round: no UML process of boot.sh (pid $pid)"
	(
		n=0
		while kill -ALRM "$uml" 2>/dev/null && kill -IO "$uml" 2>/dev/null; do
			n=$((n + 2))
		done
		echo "$n" >"$dir/sent"
	) &
	wait "$pid" || rc=$?
	wait
	sent=$(cat "$dir/sent")
	echo "round $round: $sent signals sent to UML pid $uml"
	tail -n 3 "$dir/err"
	[ "$sent" -ge 100 ] || fail "round $round: only $sent signals reached the UML; the test proves nothing"
	assert_eq 0 "$rc" "round $round: boot.sh's status (the command's)"
	assert_contains "$(cat "$dir/err")" "reboot: Power down" "round $round: the console"
	assert_not_contains "$(cat "$dir/err")" "the UML exited with status" \
		"round $round: boot.sh's report on the UML after signals at poweroff"
	rm -rf "$dir"
}

# The console and serial line drivers claimed every boot parameter that
# begins with "con" or "ssl" (patches/0038): printk's console_msg_format=
# never took effect.  KERNEL's version begins with VERSION (a regular
# expression).
kernel_takes_its_console_parameters() {	# KERNEL [VERSION [BOOT-ARGS...]]
	local kernel=$1 version=${2:-6\.12} log
	shift $(($# < 2 ? $# : 2))
	log=$("${BOOT[@]}" --timeout "$BOOT_TIMEOUT" --kernel "$kernel" --verbose --run true \
		console_msg_format=syslog ssl-non-raw "$@" 2>&1 >/dev/null) ||
		fail "boot of $kernel with console_msg_format=syslog: $log"
	assert_not_contains "$log" "Failed to set up console" "$kernel's boot log"
	assert_not_contains "$log" "Failed to set up serial line" "$kernel's boot log"
	assert_matches "$log" "^<[0-9]+>Linux version $version" "$kernel's console lines (syslog format)"
}
# A loop that never leaves user mode, timed by bash: "USER SYS" seconds.
# shellcheck disable=SC2016,SC2034 # expanded by the guest's bash; used by the suites
USER_LOOP='TIMEFORMAT="%U %S"; { time (i=0; while [ $i -lt 300000 ]; do i=$((i + 1)); done); } 2>&1 | tail -n 1'

# USER_LOOP's output (OUTPUT) on WHAT: with FIXED 1 (a kernel with the fix
# of patches/0036), its time is user time; with 0 (stock), all of it is
# system time, which shows the check can fail.
assert_user_time_of_the_loop() {	# OUTPUT WHAT FIXED
	local user sys
	read -r user sys <<<"$(tail -n 1 <<<"$1")"
	echo "$2: user $user s, sys $sys s"
	[[ "$user $sys" =~ ^[0-9.]+\ [0-9.]+$ ]] || fail "$2: no 'user sys' times from bash: $1"
	if [ "$3" = 0 ]; then
		awk -v u="$user" 'BEGIN { exit !(u < 0.05) }' ||
			fail "$2 counted $user s of user time: the check cannot tell"
	else
		awk -v u="$user" -v s="$sys" 'BEGIN { exit !(u >= 0.2 && u > 2 * s) }' ||
			fail "$2: a user-mode loop got $user s of user time and $sys s of system time"
	fi
}

# The selftests' verdicts on a native kernel with our series (OURS) and
# without (STOCK), case by case: one subresult NAME/CASE each, and one for
# the number of cases.
native_selftests_same() {	# NAME OURS STOCK
	local name verdict theirs
	[ "$(wc -l <<<"$2")" = "$(wc -l <<<"$3")" ] ||
		echo "FAIL $1/case-count ($(wc -l <<<"$2") with our series, $(wc -l <<<"$3") on stock)" >>"$SYSPTVM_SUBRESULTS"
	while read -r name verdict; do
		theirs=$(awk -v n="$name" '$1 == n { print $2; exit }' <<<"$3")
		if [ "$verdict" = "$theirs" ]; then
			echo "ok $1/$name ($verdict on both)"
		else
			echo "FAIL $1/$name ($verdict with our series, ${theirs:-absent} on stock)"
		fi
	done <<<"$2" >>"$SYSPTVM_SUBRESULTS"
}

# On a native kernel without PTRACE_VM only the tag cases of
# ptrace_vm_test fail (PTRACE_VM_TAG_CASES): SYSEMU and the rest are
# native there.  OUTPUT is its TAP; ALSO, cases that fail there too (a
# word list), and no others.
assert_only_the_tag_cases_fail() {	# OUTPUT WHAT [ALSO]
	local failed name allowed
	failed=$(tap_failed <<<"$1")
	# shellcheck disable=SC2086 # word lists
	allowed=$(printf '%s\n' $PTRACE_VM_TAG_CASES ${3:-})
	grep -q '^ok ' <<<"$1" || fail "no passing case on $2: did it run?"
	for name in $allowed; do
		grep -qx "$name" <<<"$failed" || fail "$name should fail on $2, but did not"
	done
	for name in $failed; do
		grep -qx "$name" <<<"$allowed" ||
			fail "$name fails on $2, where it needs no PTRACE_VM"
	done
}
