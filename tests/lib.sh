# shellcheck shell=bash
# Helpers for the test suites (tests/*.sh); the runner sources this first.
# A test passes when its function returns 0; the helpers below stop it with
# a message that says what was expected and what came instead.
set -euo pipefail

TOP=$(pwd)
BOOT=("$TOP/boot.sh" --no-build)
# The runner's own test boots a stand-in kernel through the suites.
[ -z "${SYSPTVM_TEST_KERNEL:-}" ] || BOOT+=(--kernel "$SYSPTVM_TEST_KERNEL")
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

# guest_run [BOOT-OPTIONS...] CMD: boot, run CMD, print its stdout.  The
# status is CMD's; stderr goes to the test log.
guest_run() {
	guest_run_args "" "$@"
}
# guest_run_args KERNEL-ARGS [BOOT-OPTIONS...] CMD: guest_run, with
# KERNEL-ARGS (one word list) on the kernel command line.
guest_run_args() {
	local args=$1 cmd=${*: -1}
	local opts=("${@:2:$#-2}") kargs
	read -ra kargs <<<"$args"
	echo "+ boot.sh ${opts[*]} --run '$cmd' $args" >&2
	"${BOOT[@]}" --timeout "$BOOT_TIMEOUT" "${opts[@]}" --run "$cmd" "${kargs[@]}"
}

# The host processes of a UML, found by the umid on their command line.
uml_processes() {	# UMID-PATTERN
	pgrep -f -- "umid=$1" || true
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

# scripts/lib.sh is the one place that knows where the cache is.
kernel_build_log() {
	echo "$(bash -c '. scripts/lib.sh && echo "$SYSPTVM_CACHE"')/ours/src/_build/build.log"
}

# Report the results of a kselftest TAP run (stdin) as cases of the current
# test, named PREFIX/TEST.  Prints the TAP too.  Fails when no case was found.
report_tap() {	# PREFIX
	local prefix=$1 line n=0 name
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case "$line" in
		"ok "*"# SKIP"*) name=${line#ok * }; echo "skip $prefix/${name#*.}" ;;
		"ok "*) name=${line#ok * }; echo "ok $prefix/${name#*.}" ;;
		"not ok "*) name=${line#not ok * }; echo "FAIL $prefix/${name#*.}" ;;
		*) continue ;;
		esac >>"$SYSPTVM_SUBRESULTS"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no TAP results from $prefix"
}
assert_matches() {	# HAYSTACK EXTENDED-REGEX WHAT
	grep -qE -- "$2" <<<"$1" || fail "$3: no line matches /$2/ in: $(printf '%s' "$1" | head -c 2000)"
}
