#!/usr/bin/env bash
# Boot a native x86_64 kernel under qemu (TCG) with an initramfs that holds
# busybox, the static guest programs and build/linux, run one command, print
# its output and exit with its status.  See --help.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
prog=${0##*/}

usage() {
	cat <<USAGE
usage: $prog [OPTIONS] --run CMD

Boot build/bzImage (the x86_64 kernel with PTRACE_VM, 'make host-kernel')
under qemu-system-x86_64 with TCG, run CMD (busybox sh) as root natively on
it, print its stdout and its stderr (apart: stderr comes through a second
serial line) and exit with its status.
The initramfs has busybox, the static guest programs of build/guest/bin and
build/linux as /usr/local/bin/linux; /dev/shm is a tmpfs that allows exec,
as UML needs.  With --rootfs, CMD runs in bash chrooted into the guests'
Debian image instead (build/rootfs.img on a virtio disk, written to a
snapshot that is dropped): strace, gdb, the guest programs, nested-uml and
/usr/local/bin/linux are there, as in a guest of boot.sh.

Options:
  -r, --run CMD        the command (required)
  -k, --kernel FILE    the bzImage (default build/bzImage; the reference
                       without our series is build/bzImage-stock)
  -c, --cpu MODEL      qemu's CPU model (default $DEFAULT_CPU).  It decides
                       the XSTATE size UML finds; qemu64 has no XSAVE, so
                       UML takes its FXSAVE path there
  -m, --mem SIZE       memory (default 1G)
  -R, --rootfs         run CMD in build/rootfs.img (see above)
  -i, --image FILE     the image for --rootfs (default build/rootfs.img)
  -s, --share HOST:GUEST  make directory HOST available at GUEST (9p)
  -a, --append ARGS    more kernel parameters
  -t, --timeout SEC    kill qemu after SEC seconds (default 600; status 124)
  -v, --verbose        show the kernel's console output on stderr
  -h, --help           this text

Exit status: CMD's, 124 on a time-out, 125 when the command did not run to
its end (with the console's lines that say why), 2 for bad usage, 1 for
other errors.  The qemu command line is
printed before it runs; nothing is left running afterwards.
USAGE
}
DEFAULT_CPU=Haswell-noTSX

kernel="$SYSPTVM_TOP/build/bzImage"
cpu=$DEFAULT_CPU mem=1G timeout=600 verbose=0 cmd='' share='' rootfs=0 more=
image="$SYSPTVM_TOP/build/rootfs.img"
while [ $# -gt 0 ]; do
	case "$1" in
	-r|--run) [ $# -ge 2 ] || { usage >&2; exit 2; }; cmd=$2; shift ;;
	-k|--kernel) kernel=$2; shift ;;
	-c|--cpu) cpu=$2; shift ;;
	-m|--mem) mem=$2; shift ;;
	-R|--rootfs) rootfs=1 ;;
	-i|--image) image=$2; rootfs=1; shift ;;
	-s|--share) share=$2; shift ;;
	-a|--append) more+=" $2"; shift ;;
	-t|--timeout) timeout=$2; shift ;;
	-v|--verbose) verbose=1 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "$prog: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
[ -n "$cmd" ] || { echo "$prog: --run CMD is required" >&2; usage >&2; exit 2; }
[[ "$timeout" =~ ^[0-9]+$ ]] || { echo "$prog: --timeout takes whole seconds" >&2; exit 2; }
[ -r "$kernel" ] || die "no kernel at $kernel: build it with 'make host-kernel' (or 'make host-kernel-stock')"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing: run 'make deps'"
base="$SYSPTVM_TOP/build/host-initramfs.cpio.gz"
[ -r "$base" ] || die "no $base: build it with 'make host-initramfs'"

run_dir='' qemu_pid='' watchdog='' tail_pid=''
# shellcheck disable=SC2317 # called from the traps
cleanup() {
	local rc=$?
	# Ours alone: a child forked for a background job keeps our traps
	# until it has reset them, and one that a signal reaches in that
	# window (the watchdog, killed as soon as a guest that died at once is
	# reaped) would run this in its own copy and remove the run directory
	# under us.
	[ "$BASHPID" = "$$" ] || exit "$rc"
	trap - EXIT INT TERM HUP
	[ -z "$qemu_pid" ] || kill -KILL "$qemu_pid" 2>/dev/null || true
	[ -z "$watchdog" ] || kill "$watchdog" 2>/dev/null || true
	[ -z "$tail_pid" ] || kill "$tail_pid" 2>/dev/null || true
	[ -z "$run_dir" ] || rm -rf "$run_dir"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/sysptvm-qemu.XXXXXX")

# The command, as a second cpio archive after the base one.
printf '%s\n' "$cmd" >"$run_dir/cmd"
printf 'file /cmd %s 0644 0 0\n' "$run_dir/cmd" >"$run_dir/list"
"$SYSPTVM_TOP/build/gen_init_cpio" "$run_dir/list" | gzip -1 >"$run_dir/cmd.cpio.gz"
cat "$base" "$run_dir/cmd.cpio.gz" >"$run_dir/initramfs.cpio.gz"

append="console=ttyS0 panic=-1 quiet sysptvm.share=${share#*:}$more"
# The clock.  The config has no ACPI, so no HPET and no PM timer: the kernel
# calibrates the TSC against the PIT, which fails when the host is loaded
# (a vCPU descheduled in the middle), and is then left on jiffies, a clock
# in 4 ms steps.  Under TCG every vCPU reads the host's own TSC, so its
# rate is the host's, measured here (host/tsc-khz.c), and it is as reliable
# as the host's.  Without a constant TSC on the host, the kernel is left to
# its calibration, and bench-workloads refuses a jiffies clock.
tsc_khz="$SYSPTVM_TOP/build/tsc-khz"
[ -x "$tsc_khz" ] || die "no $tsc_khz: build it with 'make build/tsc-khz' (make check and make bench do)"
if khz=$("$tsc_khz"); then
	append+=" tsc_early_khz=$khz tsc=reliable"
else
	echo "$prog: the guest calibrates its TSC itself (it may fall back to jiffies)" >&2
fi
# ttyS0 is the console, ttyS1 the command's stderr (host/init).
args=(-accel tcg -cpu "$cpu" -m "$mem" -smp 2 -display none -monitor none -no-reboot
	-serial "file:$run_dir/console" -serial "file:$run_dir/stderr"
	-kernel "$kernel" -initrd "$run_dir/initramfs.cpio.gz")
if [ "$rootfs" = 1 ]; then
	[ -r "$image" ] || die "no root image at $image: build it with 'make rootfs'"
	# The image is only read (snapshot=on), and a UML booted on it at the
	# same time holds a POSIX read lock over the whole file (ubd locks its
	# backing file), which qemu's own lock test takes for a writer.
	args+=(-drive "file=$image,if=virtio,format=raw,snapshot=on,file.locking=off")
	append+=" sysptvm.rootfs=/dev/vda"
fi
args+=(-append "$append")
if [ -n "$share" ]; then
	[ -d "${share%%:*}" ] || die "--share: no directory ${share%%:*}"
	args+=(-virtfs "local,path=${share%%:*},mount_tag=share,security_model=none,id=share")
fi
echo "$prog: qemu-system-x86_64 ${args[*]}" >&2
: >"$run_dir/console"
: >"$run_dir/stderr"
qemu-system-x86_64 "${args[@]}" </dev/null >"$run_dir/qemu.log" 2>&1 &
qemu_pid=$!
# The watchdog holds none of our fds (a caller's $(...) would wait for it)
# and ends with us, however we end.
setpriv --pdeathsig TERM -- "$SYSPTVM_TOP/scripts/watchdog.sh" "$timeout" \
	"$run_dir/timed-out" KILL "$qemu_pid" $$ </dev/null >/dev/null 2>&1 &
watchdog=$!
if [ "$verbose" = 1 ]; then
	tail -s 0.2 -n +1 -f --pid="$qemu_pid" "$run_dir/console" >&2 &
	tail_pid=$!
fi
wait "$qemu_pid" || true
qemu_pid=
kill "$watchdog" 2>/dev/null || true
wait "$watchdog" 2>/dev/null || true
watchdog=
[ -z "$tail_pid" ] || wait "$tail_pid" 2>/dev/null || true
tr -d '\r' <"$run_dir/console" >"$run_dir/console.txt"
status=$(sed -n 's/^SYSPTVM-STATUS \([0-9]*\)$/\1/p' "$run_dir/console.txt" | tail -n 1)
# The command's output, also when it did not finish, without the line break
# that init puts before the status line.
awk '/^SYSPTVM-BEGIN$/ { on = 1; next } /^SYSPTVM-STATUS [0-9]+$/ { on = 0 } on' \
	"$run_dir/console.txt" | sed '$ { /^$/d }'
tr -d '\r' <"$run_dir/stderr" >&2
[ ! -e "$run_dir/timed-out" ] || { echo "$prog: timed out after $timeout s" >&2; exit 124; }
if [ -z "$status" ]; then
	echo "$prog: the command did not run to its end" >&2
	"$SYSPTVM_TOP/tests/guest/boot-failure-cause.sh" --say "$prog" "$run_dir/console.txt"
	echo "$prog: the last lines of the console:" >&2
	cat "$run_dir/qemu.log" "$run_dir/console.txt" | tail -n 30 | sed 's/^/  > /' >&2
	exit 125
fi
exit "$status"
