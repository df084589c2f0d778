#!/usr/bin/env bash
# Build the kernel's own ptrace and seccomp selftests, statically, from the
# pristine Debian source, to run natively under qemu on build/bzImage and on
# build/bzImage-stock (tests/host.sh).
#   scripts/host-selftests.sh OUTDIR
# The uapi headers are those of the same source (make headers_install), so
# the tests see the 6.12 interface, not the build machine's linux-libc-dev.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
out=$1
tree=$(pristine_tree)
hdr="$SYSPTVM_CACHE/selftest-headers-$(basename "$tree")"
if [ ! -e "$hdr/.complete" ]; then
	say "host-selftests: installing the uapi headers of $tree"
	rm -rf "$hdr"
	run make -s -C "$tree" O="$hdr/obj" ARCH=x86_64 headers_install INSTALL_HDR_PATH="$hdr"
	rm -rf "$hdr/obj"
	touch "$hdr/.complete"
fi
st="$tree/tools/testing/selftests"
cflags=(-static -O2 -Wall -pthread -isystem "$hdr/include" -I"$st")
mkdir -p "$out"
for t in get_syscall_info peeksiginfo vmaccess get_set_sud; do
	run gcc "${cflags[@]}" -std=gnu99 -o "$out/$t" "$st/ptrace/$t.c"
done
run gcc "${cflags[@]}" -o "$out/seccomp_bpf" "$st/seccomp/seccomp_bpf.c" -lcap
say "host-selftests: $(find "$out" -type f | wc -l) programs in $out"
