#!/usr/bin/env bash
# Run a command in one of the project's places, with one contract for all
# of them (the model is vng -- CMD).
#
#   scripts/run-in.sh PLACE [OPTIONS] -- CMD   (options before PLACE too)
#   scripts/run-in.sh --list          the places, with what each one is
#
# CMD runs as root (bash -c; busybox sh in the qemu initramfs).  Its stdout
# is ours, its stderr ours, and our status is CMD's.  124: the time-out
# ended it (named on stderr).  125: CMD did not run to its end; the
# kernel's lines that say why are on stderr (tests/guest/boot-failure-cause.sh).
# 1: the place could not be set up (a kernel or image missing, named on
# stderr), before anything booted.  2: bad usage.  Nothing is left
# running, whatever ends the run.
#
# Options:
#   -t, --timeout SEC   end the run after SEC seconds (default 600)
#   -m, --mem SIZE      memory of the place's outer system (UML or qemu)
#   -M, --inner-mem SIZE  memory of the nested UML (default 192M)
#   -k, --kernel FILE   another kernel for the outer system (a UML, or a
#                       bzImage for the qemu places)
#   -K, --inner FILE    another UML (a path in the image) for the nested one
#   -u, --inner-umid NAME  the nested UML's umid (nested-PID by default)
#   -a, --args ARGS     more boot parameters (one word list) for the
#                       place's own kernel: the innermost UML, or qemu's
#   -c, --cpu MODEL     qemu's CPU model (scripts/qemu-host.sh)
#   -s, --share HOST:GUEST  directory HOST of this machine at GUEST: hostfs
#                       in the outer UML, 9p under qemu; a nested UML sees
#                       it through its hostfs root
#   -v, --verbose       the console of the place's own kernel on stderr
#   -V, --consoles      every console on stderr: the outer system's too
#       --keep, --reset   the outer UML's overlay (boot.sh --keep, --reset)
#       --inner-command   print, and do not run, the command line that runs
#                       CMD in the nested UML of a nested place, for a
#                       script that runs several in one outer system
#   -h, --help          this text
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The places, the one list of them: NAME|BACK END|OUTER|INNER ARGS|WHAT.
# OUTER is the outer system's kernel and boot parameters; the back ends:
#   uml     build/linux (boot.sh) on this machine
#   nested  a UML in the image (nested-uml) inside the outer UML
#   qemu    a native kernel under qemu: the initramfs (busybox), or the
#           guests' image (rootfs); qemu-uml runs a UML in the image there
PLACES=(
	"uml|uml|||our UML on this machine, in the mode its probe chooses"
	"sysemu|uml|usesysemu||our UML on this machine, with PTRACE_SYSEMU"
	"ptrace|uml|nosysptvm nosysemu||our UML on this machine, two stops per call"
	"stock|uml|@stock||stock 6.12 UML (build/linux-stock) on this machine"
	"nested-sysptvm|nested|||our UML in our UML: PTRACE_VM tags from its host"
	"nested-sysemu|nested||usesysemu|our UML in our UML, with PTRACE_SYSEMU"
	"nested-ptrace|nested||nosysptvm nosysemu|our UML in our UML, two stops per call"
	"nested-in-stock|nested|@stock||our UML in stock 6.12 UML, which gives neither SYSEMU nor the tags"
	"qemu|qemu|||build/bzImage (PTRACE_VM natively) under qemu, the initramfs"
	"qemu-stock|qemu|@stock||build/bzImage-stock under qemu, the initramfs"
	"qemu-rootfs|qemu|@rootfs||build/bzImage under qemu, in the guests' image"
	"qemu-sysptvm|qemu-uml|@rootfs||our UML on build/bzImage under qemu: the tags natively"
)

place_list() {
	local p name what
	for p in "${PLACES[@]}"; do
		IFS='|' read -r name _ _ _ what <<<"$p"
		printf '%-16s %s\n' "$name" "$what"
	done
}

bad_usage() {
	echo "run-in: $*" >&2
	echo "usage: scripts/run-in.sh PLACE [OPTIONS] -- CMD (--help, --list)" >&2
	exit 2
}

timeout=600 mem='' inner_mem=192M kernel='' inner=/usr/local/bin/linux args='' cpu=''
share='' verbose=0 keep=() place='' dashdash=0 print_inner=0 inner_umid=
while [ $# -gt 0 ]; do
	case "$1" in
	-t|--timeout) [ $# -ge 2 ] || bad_usage "$1 needs seconds"; timeout=$2; shift ;;
	-m|--mem) [ $# -ge 2 ] || bad_usage "$1 needs a size"; mem=$2; shift ;;
	-M|--inner-mem) [ $# -ge 2 ] || bad_usage "$1 needs a size"; inner_mem=$2; shift ;;
	-k|--kernel) [ $# -ge 2 ] || bad_usage "$1 needs a file"; kernel=$2; shift ;;
	-K|--inner) [ $# -ge 2 ] || bad_usage "$1 needs a file"; inner=$2; shift ;;
	-u|--inner-umid) [ $# -ge 2 ] || bad_usage "$1 needs a name"; inner_umid=$2; shift ;;
	-a|--args) [ $# -ge 2 ] || bad_usage "$1 needs boot parameters"; args+=" $2"; shift ;;
	-c|--cpu) [ $# -ge 2 ] || bad_usage "$1 needs a CPU model"; cpu=$2; shift ;;
	-s|--share) [ $# -ge 2 ] || bad_usage "$1 needs HOST:GUEST"; share=$2; shift ;;
	-v|--verbose) verbose=1 ;;
	-V|--consoles) verbose=2 ;;
	--keep|--reset) keep+=("$1") ;;
	--inner-command) print_inner=1 ;;
	--list) place_list; exit 0 ;;
	-h|--help) usage_text "$0"; exit 0 ;;
	--) dashdash=1; shift; break ;;
	-*) bad_usage "unknown option $1" ;;
	*) [ -z "$place" ] || bad_usage "two places, '$place' and '$1' (a CMD comes after --)"; place=$1 ;;
	esac
	shift
done
[ -n "$place" ] || bad_usage "no PLACE"
[ "$dashdash" = 1 ] || bad_usage "no -- CMD after $place"
[ $# -eq 1 ] || bad_usage "CMD is one word (quote it), not $# of them"
cmd=$1
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || bad_usage "--timeout takes whole seconds, not '$timeout'"
for size in "$mem" "$inner_mem"; do
	[ -z "$size" ] || [[ "$size" =~ ^[0-9]+[KMG]$ ]] || bad_usage "a size is like 512M or 1G, not '$size'"
done

spec=
for p in "${PLACES[@]}"; do
	[ "${p%%|*}" != "$place" ] || spec=$p
done
[ -n "$spec" ] || bad_usage "no place '$place'; the places: $(place_list | awk '{ print $1 }' | paste -sd' ')"
IFS='|' read -r _ backend outer inner_args _ <<<"$spec"
case "$backend" in uml|nested) ;; *) [ ${#keep[@]} -eq 0 ] || bad_usage "${keep[0]} is for the UML places" ;; esac
case "$backend" in qemu*) ;; *) [ -z "$cpu" ] || bad_usage "--cpu is for the qemu places" ;; esac
case "$share" in ''|/*:/*) ;; *) bad_usage "--share takes HOST:GUEST, two absolute paths, not '$share'" ;; esac

# The place's own kernel's parameters, as words.
read -ra own_args <<<"$inner_args $args"
verbose_opt=() outer_verbose=()
[ "$verbose" = 0 ] || verbose_opt=(-v)
[ "$verbose" != 2 ] || outer_verbose=(-v)
# In the outer UML, --share is a hostfs mount before anything else.
# A share that cannot be mounted is a place that could not run CMD: 125.
mount_share=
if [ -n "$share" ]; then
	mount_share=$(printf '{ mkdir -p %q && mount -t hostfs none %q -o %q || exit 125; }\n' \
		"${share#*:}" "${share#*:}" "${share%%:*}")
	mount_share+=$'\n'
fi

# Run CMD in a UML nested in the one the command line runs it in: a
# command line for that UML (the image's nested-uml, from tests/guest/).
# Its time-out is the outer one's minus the outer boot's share.
nested_cmd() {
	local secs=$((timeout > 120 ? timeout - 60 : (timeout * 3 + 3) / 4))
	printf 'nested-uml %s' "${verbose_opt[*]:+-v }"
	[ -z "$inner_umid" ] || printf -- '-u %q ' "$inner_umid"
	printf -- '-t %d -m %s %q %q' "$secs" "$inner_mem" "$inner" "$cmd"
	[ ${#own_args[@]} -eq 0 ] || printf ' %q' "${own_args[@]}"
	echo
}

if [ "$print_inner" = 1 ]; then
	case "$backend" in nested|qemu-uml) nested_cmd; exit 0 ;; esac
	bad_usage "--inner-command is for the places with a nested UML"
fi

case "$backend" in
uml|nested)
	boot=("$SYSPTVM_TOP/boot.sh" --no-build --timeout "$timeout" "${keep[@]}")
	[ -z "$mem" ] || boot+=(--mem "$mem")
	case "$outer" in
	@stock) boot+=(--kernel "${kernel:-$SYSPTVM_TOP/build/linux-stock}") ;;
	*) [ -z "$kernel" ] || boot+=(--kernel "$kernel") ;;
	esac
	read -ra outer_args <<<"${outer#@stock}"
	if [ "$backend" = uml ]; then
		exec "${boot[@]}" "${verbose_opt[@]}" --run "$mount_share$cmd" "${outer_args[@]}" "${own_args[@]}"
	fi
	exec "${boot[@]}" "${outer_verbose[@]}" --run "$mount_share$(nested_cmd)" "${outer_args[@]}"
	;;
qemu|qemu-uml)
	qemu=("$SYSPTVM_TOP/scripts/qemu-host.sh" --timeout "$timeout")
	[ -z "$mem" ] || qemu+=(--mem "$mem")
	[ -z "$cpu" ] || qemu+=(--cpu "$cpu")
	[ -z "$share" ] || qemu+=(--share "$share")
	case "$outer" in
	@stock) qemu+=(--kernel "${kernel:-$SYSPTVM_TOP/build/bzImage-stock}") ;;
	@rootfs) qemu+=(--rootfs); [ -z "$kernel" ] || qemu+=(--kernel "$kernel") ;;
	*) [ -z "$kernel" ] || qemu+=(--kernel "$kernel") ;;
	esac
	if [ "$backend" = qemu ]; then
		[ ${#own_args[@]} -eq 0 ] || qemu+=(--append "${own_args[*]}")
		exec "${qemu[@]}" "${verbose_opt[@]}" --run "$cmd"
	fi
	exec "${qemu[@]}" "${outer_verbose[@]}" --run "$(nested_cmd)"
	;;
esac
