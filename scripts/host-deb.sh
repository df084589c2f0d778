#!/usr/bin/env bash
# make host-deb: a Debian package of the 7.3 kernel with the PTRACE_VM
# tags, for a user to install on an x86_64 host.  See --help.
set -euo pipefail
export SYSPTVM_KERNEL_LINE=7.3
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/kbuild.sh
. "$SYSPTVM_TOP/scripts/kbuild.sh"
prog=${0##*/}

usage() {
	cat <<USAGE
usage: $prog [--no-boot | --config-only] OUTDIR
       $prog --boot-only OUTDIR

Build linux-image and linux-headers packages (make bindeb-pkg) of 7.3 on
the tree of ours-7.3 (patches-7.3/series: the tags natively, 0023-0024),
configured as Debian configures its amd64 kernel of the same version
(Debian's linux-config-7.3, fetched with apt-get download and a private
sources list) with host/deb-7.3.config merged on it: no debug info, none of
Debian's keys (modules are signed with a key the build makes), and what
scripts/qemu-host.sh's boot needs built in.
The packages go to OUTDIR, with the kernel image as OUTDIR/vmlinuz.

Then boot that kernel once under qemu (scripts/run-in.sh qemu-sysptvm:
our UML in the guests' image on it) and check that our UML takes its
sysptvm mode there.

It builds the whole of Debian's config, thousands of modules: on 2 cores
it takes hours cold (docs/mainline.md gives the time measured), which is
why it is not part of make check.

  --no-boot     build only
  --config-only configure only, and print where the .config is
  --boot-only   boot the kernel of OUTDIR only
  -h, --help    this text

Needs the tree of ours-7.3 (make kernel-7.3) and, for the boot,
build/rootfs.img and build/linux (make).  Installs dpkg-dev, kmod and
cpio when missing (bindeb-pkg needs them).  Exit status: 0 when the
packages were built (and the boot showed sysptvm mode), 1 otherwise.
USAGE
}

boot=1 build=1 config_only=0
while [ $# -gt 0 ]; do
	case "$1" in
	--no-boot) boot=0 ;;
	--config-only) config_only=1 boot=0 ;;
	--boot-only) build=0 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 1 ] || { usage >&2; exit 2; }
outdir=$1
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

# Debian's amd64 config of the line's source version: the package of the
# same version as linux-source-7.3 (one source package builds both), from
# the same private sources list (line_source_fetch).  Prints its path.
debian_config() {
	local pkg="linux-config-$SYSPTVM_KERNEL_LINE" dir file
	line_source_fetch
	dir=$(dirname "$LINUX_SOURCE_TARBALL")
	file="$dir/config.amd64_none_amd64"
	if [ ! -s "$file" ]; then
		say "host-deb: fetching $pkg $LINE_SOURCE_VERSION (Debian's configs)"
		rm -rf "$dir/config.tmp" && mkdir -p "$dir/config.tmp"
		private_apt_download "$dir/config.tmp" "$pkg" "$LINE_SOURCE_VERSION"
		dpkg-deb -x "$dir"/config.tmp/*.deb "$dir/config.tmp/x" ||
			die "cannot unpack $(ls "$dir"/config.tmp/*.deb)"
		local xz
		xz=$(find "$dir/config.tmp/x" -name 'config.amd64_none_amd64.xz' | head -n 1)
		[ -n "$xz" ] || die "$pkg $LINE_SOURCE_VERSION has no config.amd64_none_amd64.xz"
		xz -dc "$xz" >"$file.new" && mv "$file.new" "$file"
		rm -rf "$dir/config.tmp"
	fi
	say "host-deb: Debian's config: $pkg $LINE_SOURCE_VERSION (config.amd64_none_amd64)" >&2
	printf '%s\n' "$file"
}

if [ "$build" = 1 ]; then
	# What bindeb-pkg runs besides the compiler (scripts/package/).
	install_missing_packages host-deb dpkg-dev kmod cpio
	config=$(debian_config)
	tree=$(variant_tree ours)
	require_variant_tree ours
	kbuild_target host-deb "$tree" _build-deb x86_64
	kbuild_config "$config" --fragment "$SYSPTVM_TOP/host/deb-7.3.config" \
		--require CONFIG_DEBUG_INFO_NONE=y --require CONFIG_SERIAL_8250_CONSOLE=y \
		--require CONFIG_VIRTIO_BLK=y --require CONFIG_EXT4_FS=y \
		--localversion -sysptvm
	if [ "$config_only" = 1 ]; then
		say "host-deb: configured: $KB_OBJ/.config"
		exit 0
	fi
	# bindeb-pkg writes the packages beside the object directory.
	rm -f "$tree"/*.deb "$tree"/*.buildinfo "$tree"/*.changes
	start=$(date +%s)
	say "host-deb: building the packages (Debian's whole config: hours cold on 2 cores)"
	# -d: the packages' Build-Depends (debhelper-compat, libdw-dev) are
	# Debian's build's, for BTF and its own rules; this build needs neither.
	kbuild_make "$KB_OBJ/build.log" bindeb-pkg DPKG_FLAGS=-d || exit 1
	say "host-deb: built in $(($(date +%s) - start)) s"
	debs=$(find "$tree" "$KB_OBJ" -maxdepth 1 -name 'linux-*.deb')
	[ -n "$debs" ] || die "bindeb-pkg made no package (see $KB_OBJ/build.log)"
	rm -f "$outdir"/linux-*.deb
	# shellcheck disable=SC2086 # file names without spaces
	mv $debs "$outdir"/
	image=$(find "$outdir" -maxdepth 1 -name 'linux-image-*.deb' ! -name '*-dbg_*' | head -n 1)
	[ -n "$image" ] || die "no linux-image package among $(ls "$outdir")"
	rm -rf "$outdir/x" && dpkg-deb -x "$image" "$outdir/x"
	cp "$(find "$outdir/x/boot" -name 'vmlinuz-*' | head -n 1)" "$outdir/vmlinuz"
	rm -rf "$outdir/x"
	for f in "$outdir"/*.deb; do say "host-deb: $f ($(du -h "$f" | cut -f1))"; done
fi

[ "$boot" = 1 ] || exit 0
[ -s "$outdir/vmlinuz" ] || die "no $outdir/vmlinuz: build it first (make host-deb)"
say "host-deb: booting $outdir/vmlinuz under qemu, our UML in the guests' image on it"
out=$("$SYSPTVM_TOP/scripts/run-in.sh" qemu-sysptvm --kernel "$outdir/vmlinuz" -V --timeout 900 -- \
	'uname -r; echo uml-ran' 2>&1) || true
printf '%s\n' "$out" | grep -E 'Linux version|Driving processes|Checking ptrace new tags|uml-ran' >&2 || true
mode='Driving processes with PTRACE_SYSCALL + PTRACE_SYSCALL_SKIPCALL (sysptvm)'
if ! grep -qF "$mode" <<<"$out" || ! grep -qx 'uml-ran' <<<"$out"; then
	printf '%s\n' "$out" | tail -n 40 >&2
	die "our UML did not run in sysptvm mode on $outdir/vmlinuz (above)"
fi
say "host-deb: our UML took sysptvm mode on $(grep -m1 -o 'Linux version [^ ]*' <<<"$out" || echo "$outdir/vmlinuz")"
