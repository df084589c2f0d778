# shellcheck shell=bash
# make check-partialvm: partialvm's scenario list in the places make check
# leaves out (tests/partialvm.sh has the rest, and the helpers).
# shellcheck source=tests/partialvm.sh
. tests/partialvm.sh

# Every tracer on the host kernel under qemu, in the guests' image, and
# proot beside them; ptvm is make check's.
# timeout: 1800 s
test_partialvm_every_tracer_on_qemu_host() {
	local out
	out=$(run_in qemu-rootfs -t 1700 -- "$(pvm_scenarios_cmd /usr/local/bin seccomp seccomp-all ptrace proot)" 2>&1) || true
	pvm_report qemu "$out" seccomp seccomp-all ptrace
	pvm_compare_proot qemu "$out" seccomp
}

# Every tracer in ours nested in ours, in sysptvm mode: the inner UML
# gives its processes the tags as the outer does.
# timeout: 1800 s
test_partialvm_nested_in_ours() {
	local out
	out=$(run_in nested-sysptvm -t 1700 -m 768M -M 384M -- "$(pvm_scenarios_cmd /usr/local/bin ptvm seccomp seccomp-all ptrace)" 2>&1) || true
	pvm_report nested "$out" ptvm seccomp seccomp-all ptrace
}
