#!/bin/bash
# boot-failure-cause LOG: the lines of a kernel's console log that say why
# its system died, a failed probe or host call and the lines that lead up
# to a kernel panic, at most 12, each once.  The one source of these lines:
# boot.sh and scripts/qemu-host.sh run it from the checkout
# (tests/guest/boot-failure-cause.sh), nested-uml from the guest's image.
# Prints nothing when it finds none.
#   boot-failure-cause --say PROG LOG   the same lines on stderr, under
#                                "PROG: the kernel said:", indented
#   boot-failure-cause --regex   print the pattern of a failure line
FAILURE_RE='failed|errno|[Ee]rror|fatal|missing$|Oops|BUG'
say=
case "${1:-}" in
--regex) echo "$FAILURE_RE"; exit 0 ;;
--say) say=${2:-}; shift 2 ;;
-h|--help|'') awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; [ -n "${1:-}" ]; exit ;;
esac
[ -r "${1:-}" ] || { echo "boot-failure-cause: cannot read ${1:-}" >&2; exit 2; }
cause=$({
	tr -d '\r' <"$1" | grep -E -- "$FAILURE_RE" |
		grep -vE '^Checking .*\.\.\.(OK|unsupported|\(disabled\))$'
	tr -d '\r' <"$1" | grep -B3 -m1 -- 'Kernel panic'
} | awk '!seen[$0]++' | head -n 12)
[ -n "$cause" ] || exit 0
if [ -z "$say" ]; then
	printf '%s\n' "$cause"
else
	{ echo "$say: the kernel said:"; printf '%s\n' "$cause" | sed 's/^/  | /'; } >&2
fi
exit 0
