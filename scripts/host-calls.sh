#!/usr/bin/env bash
# Count, from outside, the host calls a UML makes per guest getpid(), per
# fork + exec of /bin/true and per page fault (issue 12), in each PLACE:
#
#   stock           build/linux-stock on this machine (PTRACE_SYSEMU)
#   sysemu          build/linux on this machine, usesysemu
#   ptrace          build/linux on this machine, nosysptvm nosysemu
#   nested-sysptvm  build/linux inside build/linux, in sysptvm mode: counted
#                   inside the outer guest
#   qemu-sysptvm    build/linux on build/bzImage under qemu (TCG), in
#                   sysptvm mode: counted natively there
#
#   scripts/host-calls.sh [--out DIR] [PLACE...]     (all by default)
#
# The counter is tests/guest/count-host-calls.sh: strace without -f on the
# UML's kernel thread, around phases of tests/guest/hostcall_workload.c, the
# difference of two phases of each workload, with the calls of the UML's
# interrupts (timer, I/O) apart.  It prints, and writes to DIR/PLACE.txt
# (default build/host-calls):
#   hostcalls PLACE WORKLOAD PER-ROUND CALL=PER-ROUND... irq=PER-ROUND
# A place that fails is named on stderr and in the status (1); the others
# still run.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SYSPTVM_TOP"

out=build/host-calls
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	-h|--help) usage_text "$0"; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
all_places=(stock sysemu ptrace nested-sysptvm qemu-sysptvm)
[ $# -gt 0 ] || set -- "${all_places[@]}"
for p; do
	[[ " ${all_places[*]} " == *" $p "* ]] || die "unknown place '$p' (${all_places[*]})"
done
command -v strace >/dev/null || die "strace is not installed: run 'make deps'"
mkdir -p "$out"

# The phases of each speed class: two of each workload.  A nested UML or
# TCG runs a round 5 to 50 times slower.
phases() {	# fast|slow
	case "$1" in
	fast) echo "getpid:500 getpid:3000 fault:100 fault:600 forkexec:3 forkexec:15" ;;
	slow) echo "getpid:200 getpid:1200 fault:50 fault:250 forkexec:2 forkexec:8" ;;
	esac
}

# In the outer system of PLACE (a guest, or qemu): start the nested UML of
# PLACE (scripts/run-in.sh) with the workload, and count it there.
# shellcheck disable=SC2016 # expanded where it runs
inner_cmd() {	# PLACE PHASES
	local d=/tmp/host-calls
	echo "mkdir -p $d
		$(scripts/run-in.sh "$1" -u host-calls-inner --inner-command -- "hostcall_workload $d $2") >$d/uml.out 2>&1 &"'
		count-host-calls -t 300 -w $! '"$d host-calls-inner $2"'; st=$?
		[ $st = 0 ] || kill %1 2>/dev/null
		wait; [ $st = 0 ] || cat '"$d"'/uml.out >&2; exit $st'
}

# On this machine: run the workload in PLACE and count it from here.
count_outer() {	# PLACE
	local dir rc=0 p
	read -ra p <<<"$(phases fast)"
	dir=$(mktemp -d "${TMPDIR:-/tmp}/sysptvm-host-calls.XXXXXX")
	chmod 755 "$dir"
	SYSPTVM_UMID_PREFIX="sysptvm-host-calls-$$" scripts/run-in.sh "$1" --timeout 300 \
		--share "$dir:/mnt" -- "hostcall_workload /mnt ${p[*]}" >"$dir/boot.out" 2>&1 &
	local boot=$!
	bash tests/guest/count-host-calls.sh -t 120 -w "$boot" "$dir" "sysptvm-host-calls-$$-" "${p[@]}" || rc=$?
	# A counter that gave up leaves the guest waiting for it.
	[ "$rc" = 0 ] || kill "$boot" 2>/dev/null || true
	wait "$boot" || rc=$?
	[ "$rc" = 0 ] || { tail -n 20 "$dir/boot.out" >&2; rm -rf "$dir"; return 1; }
	rm -rf "$dir"
}

failed=()
for place; do
	say "host-calls: $place"
	rc=0
	case "$place" in
	stock|sysemu|ptrace) count_outer "$place" ;;
	nested-sysptvm)
		scripts/run-in.sh uml --timeout 900 --mem 1G -- "$(inner_cmd "$place" "$(phases slow)")" ;;
	qemu-sysptvm)
		[ -r build/bzImage ] || die "no build/bzImage: run 'make host-kernel'"
		scripts/run-in.sh qemu-rootfs --timeout 900 -- "$(inner_cmd "$place" "$(phases slow)")" ;;
	esac >"$out/$place.raw" || rc=$?
	sed -n "s/^hostcalls /hostcalls $place /p" "$out/$place.raw" >"$out/$place.txt"
	cat "$out/$place.txt"
	if [ "$rc" != 0 ] || ! grep -q "^hostcalls $place getpid " "$out/$place.txt"; then
		echo "host-calls: $place failed (status $rc); its output is in $out/$place.raw" >&2
		failed+=("$place")
	fi
done
[ ${#failed[@]} -eq 0 ] || die "no count for: ${failed[*]}"
