#!/usr/bin/env bash
# Boot the sysptvm User-Mode Linux on the Debian rootfs.  See --help.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=${0##*/}

usage() {
	cat <<EOF
usage: $prog [OPTIONS] [--] [KERNEL-ARGS...]

Boot build/linux (User-Mode Linux with sysptvm) on build/rootfs.img and give
root a shell on this terminal.  'poweroff' in the guest ends $prog with
status 0.  KERNEL-ARGS go onto the kernel command line, e.g.
  $prog nosysptvm mem=1G

Whatever is missing or out of date is built first (make all).  The base image
is never written: the guest writes to a copy-on-write overlay, a new one for
each boot unless --keep is given.

Options:
  -r, --run CMD      boot, run CMD in the guest as root (bash -c), print its
                     stdout and stderr, power off, exit with CMD's status
  -k, --kernel FILE  the UML binary to boot (default build/linux; the
                     unpatched reference is build/linux-stock)
  -i, --image FILE   the base image (default build/rootfs.img)
  -m, --mem SIZE     guest memory (default 512M)
      --keep         keep the overlay in build/overlay.cow between boots
      --reset        start a new build/overlay.cow (implies --keep)
  -t, --timeout SEC  kill the guest after SEC seconds (status 124)
  -v, --verbose      show the whole kernel log on the terminal (with --run: on
                     stderr); without it, a boot to a shell shows only the
                     probe and mode lines, warnings and errors, and keeps the
                     whole log in build/boot-logs/
      --no-build     do not run make first (fail if something is missing)
  -h, --help         this text

Exit status: CMD's status with --run, 0 after poweroff, 2 for bad usage,
124 on --timeout, 125 when the guest did not run CMD to the end (without
--run: did not reach its shell), 1 for other errors.  Several instances
may run at once: each has its own overlay, UML umid and run directory.
EOF
}

die() {
	echo "$prog: error: $*" >&2
	exit 1
}

# The lines of a console log that say why a guest died: a failed probe or
# host call, and the lines that lead up to a kernel panic.  One source for
# every place (scripts/run-in.sh), in the guest's image too.
FAILURE_CAUSE=$top/tests/guest/boot-failure-cause.sh
FAILURE_RE=$("$FAILURE_CAUSE" --regex)
boot_failure_cause() {	# CONSOLE-LOG
	"$FAILURE_CAUSE" "$1"
}

say_cause() {	# CONSOLE-LOG
	"$FAILURE_CAUSE" --say "$prog" "$1"
}

# SYSPTVM_BOOT_RECORD (set by tests/run) names a file that gets one line per
# --run boot: "ok KERNEL" when the guest ran the command, else "FAIL KERNEL"
# followed by the cause, indented.
# One write, so that the records of boots running side by side (tests/run
# -j) do not interleave.
record_boot() {	# ok|FAIL [CAUSE]
	local rec
	[ -n "${SYSPTVM_BOOT_RECORD:-}" ] || return 0
	rec="$1 $kernel ${kargs[*]}"$'\n'
	[ -z "${2:-}" ] || rec+=$(printf '%s\n' "$2" | sed 's/^/    /')$'\n'
	printf '%s' "$rec" >>"$SYSPTVM_BOOT_RECORD"
}

# The lines of a boot to a shell that the terminal shows without --verbose:
# UML's own lines on stderr that name a probe, the mode or the host, the
# init's line, and anything that sounds like a problem.  printk's lines come
# with their level (console_msg_format=syslog): warnings and worse are shown.
QUIET_SHOWN='^(Checking |Driving processes |Process address space|Host kernel:|sysptvm: )'
QUIET_PROBLEM="$FAILURE_RE|WARNING|[Ww]arning"
# The syslog prefix: <facility * 8 + level>.
SYSLOG_LEVEL='^<([0-9]{1,3})>(.*)$'

# Read UML's stderr and the printk console (both on the FIFO), write every
# line to the log, and show the lines above.  The terminal is raw while UML
# runs, hence the carriage returns.  It may be a background process group
# then: SIGTTOU would stop it on a terminal with tostop.
quiet_console() {	# FIFO LOG
	local line level
	trap '' TTOU
	while IFS= read -r line; do
		line=${line%$'\r'}
		level=7
		if [[ "$line" =~ $SYSLOG_LEVEL ]]; then
			level=$((BASH_REMATCH[1] % 8))
			line=${BASH_REMATCH[2]}
		fi
		printf '%s\n' "$line" >>"$2"
		# The init writes its line to the shell's terminal itself.
		[[ "$line" != "sysptvm: root shell on "* ]] || continue
		if [ "$level" -le 4 ] || [[ "$line" =~ $QUIET_SHOWN ]] ||
			[[ "$line" =~ $QUIET_PROBLEM ]]; then
			printf '%s\r\n' "$line"
		fi
	done <"$1"
}

# UML asks the terminal for its size changes (SIGWINCH) only when it is the
# terminal's foreground process group; started in a session of its own, it
# tries to make the terminal its controlling one, which the login session
# still holds ("winch_thread : TIOCSCTTY failed ... err = 1").  So where we
# are the foreground group, UML gets a group of its own and the terminal.
# Bash has no tcsetpgrp(); perl (perl-base, essential in Debian) has.
we_are_in_the_foreground() {
	local stat fields
	[ -t 0 ] || return 1
	stat=$(</proc/$$/stat)
	# After "pid (comm) ": state ppid pgrp session tty_nr tpgid
	read -ra fields <<<"${stat##*) }"
	[ "${fields[4]}" != 0 ] && [ "${fields[2]}" = "${fields[5]}" ]
}
# shellcheck disable=SC2016 # perl's variables
FOREGROUND_EXEC='$SIG{TTOU} = "IGNORE"; POSIX::setpgid(0, 0) or die "setpgid: $!\n";
	POSIX::tcsetpgrp(0, POSIX::getpgrp()) or die "tcsetpgrp: $!\n";
	$SIG{TTOU} = "DEFAULT"; exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\n"'
give_terminal_back() {
	# shellcheck disable=SC2016
	perl -MPOSIX -e '$SIG{TTOU} = "IGNORE"; POSIX::tcsetpgrp(0, POSIX::getpgrp())' 2>/dev/null || true
}

bad_usage() {
	echo "$prog: $*" >&2
	usage >&2
	exit 2
}

kernel="$top/build/linux"
image="$top/build/rootfs.img"
mem=512M
run_cmd=
run_mode=0
keep=0
reset=0
timeout=0
verbose=0
build=1
kargs=()

while [ $# -gt 0 ]; do
	case "$1" in
	-r|--run) [ $# -ge 2 ] || bad_usage "$1 needs a command"; run_mode=1; run_cmd=$2; shift ;;
	-k|--kernel) [ $# -ge 2 ] || bad_usage "$1 needs a file"; kernel=$2; shift ;;
	-i|--image) [ $# -ge 2 ] || bad_usage "$1 needs a file"; image=$2; shift ;;
	-m|--mem) [ $# -ge 2 ] || bad_usage "$1 needs a size"; mem=$2; shift ;;
	-t|--timeout) [ $# -ge 2 ] || bad_usage "$1 needs seconds"; timeout=$2; shift ;;
	--keep) keep=1 ;;
	--reset) keep=1; reset=1 ;;
	-v|--verbose) verbose=1 ;;
	--no-build) build=0 ;;
	-h|--help) usage; exit 0 ;;
	--) shift; kargs+=("$@"); break ;;
	-*) bad_usage "unknown option: $1" ;;
	*) kargs+=("$1") ;;
	esac
	shift
done
[[ "$timeout" =~ ^[0-9]+$ ]] || bad_usage "--timeout takes whole seconds, not '$timeout'"
[[ "$mem" =~ ^[0-9]+[KMG]?$ ]] || bad_usage "--mem takes a size like 512M or 1G, not '$mem'"

if [ "$build" = 1 ]; then
	echo "$prog: make all (builds what is missing; --no-build skips this)" >&2
	make -C "$top" --no-print-directory all >&2 ||
		die "the build failed (see above)"
fi

[ -x "$kernel" ] || die "no kernel at $kernel: build it with 'make kernel' (or 'make stock' for build/linux-stock)"
[ -f "$image" ] || die "no rootfs image at $image: build it with 'make rootfs'"
if ! dumpe2fs -h "$image" >/dev/null 2>&1; then
	die "$image is not a valid ext4 image (corrupt or truncated): rebuild it with 'rm -f $image && make rootfs'"
fi
image=$(realpath "$image")
kernel=$(realpath "$kernel")

run_dir=$(mktemp -d "${TMPDIR:-/tmp}/sysptvm-boot.XXXXXX")
# A caller that must find its own UMLs again (make bench) names a prefix.
umid="${SYSPTVM_UMID_PREFIX:-sysptvm}-$$-${run_dir##*.}"
uml_pid=
tails=()
saved_tty=
took_terminal=0
filter_pid=

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	local rc=$?
	# Ours alone: a child forked for a background job keeps our traps
	# until it has reset them, and one that a signal reaches in that
	# window (the watchdog, killed as soon as a guest that died at once is
	# reaped) would run this in its own copy and remove the run directory
	# under us.
	[ "$BASHPID" = "$$" ] || exit "$rc"
	trap - EXIT INT TERM HUP
	if [ -n "$uml_pid" ] && kill -0 "$uml_pid" 2>/dev/null; then
		# UML and the host processes of its guest share a process group.
		kill -TERM -- "-$uml_pid" 2>/dev/null || true
		sleep 0.5
		kill -KILL -- "-$uml_pid" 2>/dev/null || true
	fi
	[ ${#tails[@]} -eq 0 ] || kill "${tails[@]}" 2>/dev/null || true
	[ -z "${watchdog:-}" ] || kill "$watchdog" 2>/dev/null || true
	[ -z "$filter_pid" ] || kill "$filter_pid" 2>/dev/null || true
	# Ours again before stty: a background group's tcsetattr stops it.
	[ "$took_terminal" = 0 ] || give_terminal_back
	[ -z "$saved_tty" ] || stty "$saved_tty" 2>/dev/null || true
	rm -rf "$run_dir"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The copy-on-write overlay.  UML records the base image's mtime in it and
# refuses a base that changed, so a kept overlay remembers which base it was
# made for and is refused here, with the way out, instead of in the guest.
if [ "$keep" = 1 ]; then
	cow="$top/build/overlay.cow"
	base_id="$image $(stat -c '%s %Y' "$image")"
	if [ "$reset" = 1 ]; then
		rm -f "$cow" "$cow.base"
	elif [ -e "$cow" ] && [ "$(cat "$cow.base" 2>/dev/null)" != "$base_id" ]; then
		die "$image changed since $cow was made; start a new overlay with --reset"
	fi
	echo "$base_id" >"$cow.base"
else
	cow="$run_dir/overlay.cow"
fi

# shellcheck disable=SC2054 # the commas belong to the kernel arguments
cmdline=(
	"ubd0=$cow,$image" root=/dev/ubda rw
	"mem=$mem" init=/sbin/sysptvm-init
	"umid=$umid" "uml_dir=$run_dir"
	con=null ssl=null con0=fd:0,fd:1
)

if [ "$run_mode" = 1 ]; then
	printf '%s\n' "$run_cmd" >"$run_dir/cmd"
	: >"$run_dir/stdout"
	: >"$run_dir/stderr"
	cmdline+=("sysptvm.run=$run_dir")
	console="$run_dir/console.log"
	# Made before the tails start: tail -f gives up on a file that is not
	# there yet, and the redirection below may come after it.
	: >"$console"
	# UML makes its console fds non-blocking; give it its own, never ours.
	setsid setpriv --pdeathsig TERM -- "$kernel" "${cmdline[@]}" "${kargs[@]}" \
		</dev/null >"$console" 2>&1 &
	uml_pid=$!
	# Whole lines each (sed -u writes a line at a time): a caller that
	# reads stdout and stderr through one pipe gets them interleaved
	# line by line, never a line of one cut by a piece of the other.
	follow() { tail -s 0.1 -n +1 -f --pid="$uml_pid" "$1" | sed -u ''; }
	follow "$run_dir/stdout" &
	tails+=($!)
	follow "$run_dir/stderr" >&2 &
	tails+=($!)
	if [ "$verbose" = 1 ]; then
		follow "$console" >&2 &
		tails+=($!)
	fi
else
	if [ -t 0 ]; then saved_tty=$(stty -g); fi
	start=(setsid)
	if we_are_in_the_foreground; then
		start=(perl -MPOSIX -e "$FOREGROUND_EXEC" --)
		took_terminal=1
	fi
	exec 4>&2
	if [ "$verbose" = 0 ]; then
		# printk goes to the serial line ttyS0, which writes to UML's
		# stderr; the shell gets the console tty0 (the terminal) to itself.
		mkdir -p "$top/build/boot-logs"
		log="$top/build/boot-logs/boot-$(date +%Y%m%d-%H%M%S)-$$.log"
		# Keep the newest twenty.
		find "$top/build/boot-logs" -name 'boot-*.log' -printf '%T@ %p\n' |
			sort -rn | tail -n +20 | cut -d' ' -f2- | xargs -r rm -f
		: >"$log"
		echo "$prog: the kernel log goes to ${log#"$top"/}; --verbose shows it here" >&2
		cmdline+=(console=ttyS0 ssl0=fd:2 console_msg_format=syslog sysptvm.tty=tty0)
		mkfifo "$run_dir/console.fifo"
		quiet_console "$run_dir/console.fifo" "$log" &
		filter_pid=$!
		exec 4>"$run_dir/console.fifo"
	fi
	# A background job's stdin would be /dev/null: hand the terminal over.
	exec 3<&0
	"${start[@]}" setpriv --pdeathsig TERM -- "$kernel" "${cmdline[@]}" "${kargs[@]}" \
		<&3 3<&- 2>&4 4>&- &
	exec 3<&- 4>&-
	uml_pid=$!
fi

if [ "$timeout" -gt 0 ]; then
	# The watchdog holds none of our fds (a caller's $(...) would wait for
	# it) and ends with us, however we end.
	setpriv --pdeathsig TERM -- "$top/scripts/watchdog.sh" "$timeout" \
		"$run_dir/timed-out" TERM "-$uml_pid" $$ </dev/null >/dev/null 2>&1 &
	watchdog=$!
fi

uml_status=0
# bash would name a signal that ended UML ("Aborted"); the lines below say
# what matters.
{ wait "$uml_pid"; } 2>/dev/null || uml_status=$?
uml_pid_done=$uml_pid
uml_pid=
[ -z "${watchdog:-}" ] || kill "$watchdog" 2>/dev/null || true
watchdog=
# Let the tails print what is left, then stop them.
for t in "${tails[@]}"; do wait "$t" 2>/dev/null || true; done
tails=()
# Guest processes that outlived the UML main process, if any.
kill -KILL -- "-$uml_pid_done" 2>/dev/null || true
if [ "$took_terminal" = 1 ]; then
	give_terminal_back
	took_terminal=0
fi
if [ -n "$filter_pid" ]; then
	# The FIFO's writers are gone: the filter reads to the end and stops.
	for _ in $(seq 50); do
		kill -0 "$filter_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$filter_pid" 2>/dev/null || true
	filter_pid=
fi

if [ -e "$run_dir/timed-out" ]; then
	echo "$prog: timed out after $timeout s; the guest was killed" >&2
	exit 124
fi

if [ "$run_mode" = 1 ]; then
	if [ ! -s "$run_dir/status" ]; then
		cause=$(boot_failure_cause "$console") || true
		echo "$prog: the guest did not run the command to the end (UML exit status $uml_status)" >&2
		say_cause "$console"
		echo "$prog: the last lines of its console:" >&2
		tail -n 30 "$console" | sed 's/^/  > /' >&2
		record_boot FAIL "${cause:-$(tail -n 5 "$console")}"
		exit 125
	fi
	record_boot ok
	# The command ran to the end, but a UML that then crashed is news.
	[ "$uml_status" = 0 ] ||
		echo "$prog: the UML exited with status $uml_status after the command" >&2
	status=$(cat "$run_dir/status")
	[[ "$status" =~ ^[0-9]+$ ]] || die "the guest reported a bad status: '$status'"
	exit "$status"
fi
if [ -n "${log:-}" ] && ! grep -q '^sysptvm: root shell on' "$log"; then
	echo "$prog: the guest did not reach its shell (UML exit status $uml_status)" >&2
	say_cause "$log"
	echo "$prog: the whole log: ${log#"$top"/}" >&2
	exit 125
fi
exit "$uml_status"
