# shellcheck shell=bash
# Helpers for the test suites (tests/*.sh); the runner sources this first.
# A test passes when its function returns 0; the helpers below stop it with
# a message that says what was expected and what came instead.
set -euo pipefail

TOP=$(pwd)
BOOT=("$TOP/boot.sh" --no-build)
# Upper bound for one guest boot in a test; far above the normal ~10 s.
BOOT_TIMEOUT=${BOOT_TIMEOUT:-180}

fail() {
	echo "FAIL: $*" >&2
	exit 1
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
	local cmd=${*: -1}
	local opts=("${@:1:$#-1}")
	echo "+ boot.sh ${opts[*]} --run '$cmd'" >&2
	"${BOOT[@]}" --timeout "$BOOT_TIMEOUT" "${opts[@]}" --run "$cmd"
}

# The host processes of a UML, found by the umid on their command line.
uml_processes() {	# UMID-PATTERN
	pgrep -f -- "umid=$1" || true
}

tmpdir() {
	mktemp -d "${TMPDIR:-/tmp}/sysptvm-test.XXXXXX"
}

kernel_build_log() {
	echo "${SYSPTVM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sysptvm}/ours/src/_build/build.log"
}
