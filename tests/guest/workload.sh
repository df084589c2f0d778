#!/bin/bash
# workload [-n FILES] [-d DIR]: a small workload that checks its own results.
#
# Writes FILES files of distinct contents, reads each back and compares;
# runs pipelines and fork+exec.  Prints "workload: ok" or what went wrong;
# exits 0 only if everything was right.
set -uo pipefail

n=50
dir=
while [ $# -gt 0 ]; do
	case "$1" in
	-n) n=$2; shift 2 ;;
	-d) dir=$2; shift 2 ;;
	-h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
	*) echo "usage: workload [-n FILES] [-d DIR]" >&2; exit 2 ;;
	esac
done
[ -n "$dir" ] || dir=$(mktemp -d /tmp/workload.XXXXXX)
mkdir -p "$dir" || exit 1
errors=0
bad() { echo "workload: $*"; errors=$((errors + 1)); }

for i in $(seq "$n"); do
	printf 'file %d of %d, %s\n' "$i" "$n" "$(printf '%*s' "$i" '' | tr ' ' x)" >"$dir/f$i" ||
		bad "writing $dir/f$i failed"
done
for i in $(seq "$n"); do
	want=$(printf 'file %d of %d, %s' "$i" "$n" "$(printf '%*s' "$i" '' | tr ' ' x)")
	got=$(cat "$dir/f$i") || bad "reading $dir/f$i failed"
	[ "$got" = "$want" ] || bad "$dir/f$i holds '$got', not '$want'"
done
lines=$(cat "$dir"/f* | wc -l)
[ "$lines" = "$n" ] || bad "the files hold $lines lines, not $n"
sum=$(cat "$dir"/f* | cut -d' ' -f2 | sort -n | awk '{ s += $1 } END { print s }')
[ "$sum" = $((n * (n + 1) / 2)) ] || bad "the file numbers add up to $sum, not $((n * (n + 1) / 2))"
[ "$(/bin/echo exec-ok)" = exec-ok ] || bad "fork+exec of /bin/echo"
rm -rf "$dir"

if [ "$errors" -gt 0 ]; then
	echo "workload: $errors error(s)"
	exit 1
fi
echo "workload: ok"
