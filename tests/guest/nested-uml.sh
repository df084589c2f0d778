#!/bin/bash
# Run a UML inside this guest: nested-uml [-m MEM] [-u UMID] [-t SECONDS] [-v] KERNEL CMD [KERNEL-ARGS...]
#
# The inner kernel gets this guest's / as its root through hostfs, runs CMD
# (bash -c) as its init, and powers off.  CMD's stdout and stderr are
# nested-uml's, apart; the inner boot log goes to stderr with -v.  Exits
# with CMD's status; 124 when the time-out ended it; 125 when the inner
# system did not run it to the end, with the boot log's lines that say why
# (boot-failure-cause) and its end.  -u names the inner UML (umid=UMID on
# its command line; nested-PID else).  -t kills the inner UML after
# SECONDS (default 600).  An inner UML that ran CMD but then exited with a
# non-zero status is named on stderr, with the end of its boot log.
set -uo pipefail

mem=192M
umid=nested-$$
verbose=0
secs=600
while [ $# -gt 0 ]; do
	case "$1" in
	-m) mem=$2; shift 2 ;;
	-u) umid=$2; shift 2 ;;
	-t) secs=$2; shift 2 ;;
	-v) verbose=1; shift ;;
	-h|--help) awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; exit 0 ;;
	*) break ;;
	esac
done
usage="usage: nested-uml [-m MEM] [-u UMID] [-t SECONDS] [-v] KERNEL CMD [KERNEL-ARGS...]"
[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
case "$secs" in ''|*[!0-9]*) echo "nested-uml: -t wants seconds, not '$secs'; $usage" >&2; exit 2 ;; esac
kernel=$1 cmd=$2
shift 2

# The inner UML maps its memory from /dev/shm (tmpfs, exec allowed).  A
# UML with a hostfs root and init=nested-uml's has no /dev/shm of its own.
mountpoint -q /dev/shm || { mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 tmpfs /dev/shm; }
dir=$(mktemp -d /tmp/nested.XXXXXX)
trap 'rm -rf "$dir"' EXIT
printf '%s\n' "$cmd" >"$dir/cmd"
cat >"$dir/init" <<INIT
#!/bin/bash
mount -t proc proc /proc 2>/dev/null
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
bash $dir/cmd >$dir/out 2>$dir/err </dev/null
echo \$? >$dir/status
sync
exec poweroff
INIT
chmod +x "$dir/init"

TMPDIR=/dev/shm timeout "$secs" "$kernel" "mem=$mem" rootfstype=hostfs rootflags=/ rw \
	"init=$dir/init" "umid=$umid" "uml_dir=$dir" con=null ssl=null \
	con0=null,fd:1 "$@" </dev/null >"$dir/boot.log" 2>&1
uml_status=$?

[ "$verbose" = 0 ] || sed 's/\r$//' "$dir/boot.log" >&2
[ -e "$dir/out" ] && cat "$dir/out"
[ -e "$dir/err" ] && cat "$dir/err" >&2
if [ ! -s "$dir/status" ]; then
	if [ "$uml_status" = 124 ]; then
		echo "nested-uml: timed out after $secs s; $kernel was killed" >&2
		exit 124
	fi
	echo "nested-uml: $kernel did not run the command to the end (exit status $uml_status)" >&2
	boot-failure-cause --say nested-uml "$dir/boot.log"
	if [ "$verbose" = 0 ]; then
		echo "nested-uml: the last lines of its boot log:" >&2
		tail -n 30 "$dir/boot.log" | sed 's/\r$//; s/^/  > /' >&2
	fi
	exit 125
fi
if [ "$uml_status" != 0 ]; then
	echo "nested-uml: $kernel exited with status $uml_status after the command" >&2
	if [ "$verbose" = 0 ]; then
		echo "nested-uml: the last lines of its boot log:" >&2
		tail -n 20 "$dir/boot.log" | sed 's/\r$//; s/^/  > /' >&2
	fi
fi
exit "$(cat "$dir/status")"
