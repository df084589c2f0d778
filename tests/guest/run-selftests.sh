#!/bin/sh
# Run the kernel's selftests that scripts/selftests.sh built:
#   run-selftests [-d DIR] [-t SECONDS] [-x PROGRAM]... [PROGRAM...]
#
# DIR holds them as SUITE/PROGRAM, listed in DIR/programs (default
# /selftests).  PROGRAMs (SUITE/PROGRAM) run in the order given, or all of
# DIR/programs without -x's.  Each runs from its own directory, as
# kselftest's runner does, under a time-out of SECONDS (default 300), and
# its output is framed for the reader on the other side:
#   === SUITE/PROGRAM
#   ...its TAP output...
#   === SUITE/PROGRAM exit STATUS
# A program that does not exist gives exit status 127, a time-out 124.
# POSIX sh: the same script runs in the guest, in a nested UML, natively
# under qemu (busybox) and on the build machine.
set -u

dir=/selftests
secs=300
skip=" "
while [ $# -gt 0 ]; do
	case "$1" in
	-d) dir=$2; shift 2 ;;
	-t) secs=$2; shift 2 ;;
	-x) skip="$skip$2 "; shift 2 ;;
	-h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
	-*) echo "run-selftests: unknown option $1 (see --help)" >&2; exit 2 ;;
	*) break ;;
	esac
done
case "$secs" in ''|*[!0-9]*) echo "run-selftests: -t wants a number of seconds, not '$secs'" >&2; exit 2 ;; esac
if [ $# -eq 0 ]; then
	[ -r "$dir/programs" ] || { echo "run-selftests: no $dir/programs: is the selftest directory there?" >&2; exit 2; }
	# shellcheck disable=SC2046 # one SUITE/PROGRAM a line, no spaces
	set -- $(cat "$dir/programs")
fi

for p; do
	case "$skip" in *" $p "*) continue ;; esac
	echo "=== $p"
	if [ -x "$dir/$p" ]; then
		(cd "$dir/${p%/*}" && exec timeout -k 10 "$secs" "./${p##*/}" </dev/null 2>&1)
		status=$?
	else
		echo "run-selftests: $dir/$p does not exist"
		status=127
	fi
	echo "=== $p exit $status"
done
