#!/usr/bin/env bash
# Install the Debian packages the build and the tests need, when missing.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

packages=(
	"$LINUX_SOURCE_PKG"	# the kernel source (/usr/src/linux-source-6.12.tar.xz)
	build-essential bc bison flex libelf-dev libssl-dev	# kernel build
	ccache rsync patch xz-utils
	debootstrap e2fsprogs util-linux	# rootfs image, setpriv, setsid
	expect	# boot tests, the benchmark harness
	tmux	# a terminal for boot.sh in the console tests (tests/console.sh)
	gnuplot-nox	# benchmark charts
	shellcheck
	qemu-system-x86 busybox-static	# the native host kernel under qemu
	libcap-dev	# the kernel's seccomp selftests, built statically
	strace	# counting UML's host calls from outside (tests/hostcalls.sh)
	patchelf	# upstream UML with trixie's libc beside it (make bench)
	gawk	# strace's test suite natively (make soak)
	gcc-multilib	# the 32-bit compile test (scripts/compile-i386.sh)
	proot	# the reference of behaviour for partialvm (tests/partialvm.sh)
)

install_missing_packages deps "${packages[@]}"
