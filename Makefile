# sysptvm: User-Mode Linux with PTRACE_VM.  'make help' lists the targets.
#
# The prerequisites below are the real inputs of each product, so a target
# with nothing to do costs a second, and a change to one file in arch-um/
# rebuilds the kernel (incrementally, in the cache) and the image, not the
# debootstrap base.

SHELL := /bin/bash
.DEFAULT_GOAL := all
# Never two kernel builds at once on this 2-core machine.
.NOTPARALLEL:

B := build
# The cache, from the one place that knows it (scripts/lib.sh); read only
# by the targets that name it.
CACHE_DIR = $(shell . scripts/lib.sh && echo "$$SYSPTVM_CACHE")
KERNEL_SOURCE := $(wildcard /usr/src/linux-source-6.12.tar.xz)
KERNEL_SCRIPTS := scripts/kernel.sh scripts/kbuild.sh scripts/lib.sh
OUR_INPUTS := patches/series $(wildcard patches/*.patch) \
	$(shell find arch-um os-Linux -type f)
HOST_INPUTS := host/x86_64.config scripts/host-kernel.sh scripts/kbuild.sh scripts/lib.sh
# Stock takes the host-compatibility prefix of the series.
STOCK_INPUTS := arch-um/sysptvm.config patches/series $(wildcard patches/*.patch)

# The guest tests use the kernel's kselftest harness, from the extracted
# tree.  Nothing here may ask for an installed package or the cache when make
# reads this file: on a new machine 'make deps' has not run yet.  The
# harness is reached through build/kselftest, a link made after deps.
KSELFTEST := $(B)/kselftest/tools/testing/selftests
GUEST_CFLAGS := -static -O2 -Wall -Wextra -pthread -Itests/guest -I$(KSELFTEST)
GUEST_BINS := $(patsubst tests/guest/%.c,$(B)/guest/bin/%,$(wildcard tests/guest/*.c)) \
	$(patsubst tests/guest/%.sh,$(B)/guest/bin/%,$(wildcard tests/guest/*.sh))
GUEST_SBINS := $(patsubst rootfs/src/%.c,$(B)/guest/sbin/%,$(wildcard rootfs/src/*.c))
# AddressSanitizer programs cannot be static: they use the guest's libc and
# libasan8 (rootfs/packages), bookworm's as on the host.
ASAN_BINS := $(patsubst tests/guest/asan/%.c,$(B)/guest/bin/%,$(wildcard tests/guest/asan/*.c))
GUEST_BINS += $(ASAN_BINS)
# The partial virtual machine (partialvm/) and its test programs, static,
# beside the guest programs: in the image, the qemu initramfs, and run
# from build/guest/bin on this machine.  partialvm-test-notags is the tool
# with ptvm's tags dropped, which must fail the stop counts.
PVM_SRC := $(wildcard partialvm/*.c) $(wildcard partialvm/*.h) tests/guest/ptrace_vm.h
PVM_CFLAGS := -static -O2 -Wall -Wextra -Werror -I$(B)/partialvm
PVM_BINS := $(addprefix $(B)/guest/bin/,partialvm partialvm-test-notags \
	partialvm-workload partialvm-calls partialvm-scenarios partialvm-bench)
GUEST_BINS += $(PVM_BINS)
ROOTFS_INPUTS := rootfs/mkbase.sh rootfs/mkimage.sh rootfs/packages \
	$(shell find rootfs/overlay -type f)

.PHONY: partialvm check-partialvm bench-partialvm FORCE all help test-tools upstream-uml check-series soak soak-smoke strace-suite host-calls check-host check-i386 host-kernel host-kernel-stock host-initramfs selftests deps kernel stock rootfs guest check bench bench-quick bench-smoke clean distclean series

all: $(B)/linux $(B)/rootfs.img

help:
	@echo 'sysptvm make targets:'
	@echo '  make            build/linux and build/rootfs.img (= make all)'
	@echo '  make deps       install the Debian packages the build needs'
	@echo '  make kernel     build/linux: linux-source-6.12 + patches/ + arch-um/ + os-Linux/'
	@echo '  make stock      build/linux-stock: the same source and config, unpatched'
	@echo '  make kernel-7.3 build/7.3/linux: linux-source-7.3 (trixie-backports, fetched'
	@echo '                  into the cache) + patches-7.3/ + its files of arch-um/, os-Linux/'
	@echo '  make stock-7.3  build/7.3/linux-stock: upstream 7.3 as Debian ships it'
	@echo '  make rootfs     build/rootfs.img: Debian bookworm minbase + rootfs/ + tests'
	@echo '  make guest      the static guest programs (tests/guest/, rootfs/src/)'
	@echo '  make partialvm  build/guest/bin/partialvm: the partial virtual machine'
	@echo '                  (partialvm/, docs/partialvm.md) and its test programs'
	@echo '  make check-partialvm  its scenarios in the places make check leaves out:'
	@echo '                  every tracer under qemu, nested in ours'
	@echo '  make bench-partialvm  its tracers against sid'"'"'s PRoot and VUOS'"'"'s umvu,'
	@echo '                  natively, in the guest, under qemu (make bench runs it too):'
	@echo '                  build/bench/partialvm/report.md'
	@echo '  make host-kernel  build/bzImage: x86_64 tinyconfig + host/x86_64.config,'
	@echo '                  the whole series (PTRACE_VM natively), for qemu'
	@echo '  make host-kernel-stock  build/bzImage-stock: the same without our series'
	@echo '  make host-initramfs  build/host-initramfs.cpio.gz: busybox, the guest'
	@echo '                  programs and build/linux, for scripts/qemu-host.sh'
	@echo '  make check      build what is missing (also the host kernels), then run tests/run'
	@echo '  make test-tools build/test-tools/: the shims and programs that tests run on'
	@echo '                  this machine (tests/shim/, tests/host-tools/)'
	@echo '  make check-host the longer runs on build/bzImage under qemu (tests/check-host/):'
	@echo '                  every boot parameter combination, modes switched under load'
	@echo '  make selftests  build/selftests: the kernel'"'"'s ptrace, seccomp,'
	@echo '                  syscall_user_dispatch and seven x86 selftests, static,'
	@echo '                  for the guest and the native runs'
	@echo '  make bench      time the guest workloads in every configuration and mode'
	@echo '                  (about 30 min): build/bench/report.md, *.csv, *.png'
	@echo '  make bench-quick  the same with fewer runs and smaller counts (minutes)'
	@echo '  make bench-smoke  tiny counts, one run: checks the harness (make check runs it)'
	@echo '  make upstream-uml  fetch sid'"'"'s user-mode-linux for the bench (build/upstream-uml/:'
	@echo '                  the kernel, or the reason it could not be had)'
	@echo '  make soak       the long robustness run (about 2 hours): trinity, stress-ng,'
	@echo '                  the ptrace fuzzer and mode switches in every mode, strace'"'"'s'
	@echo '                  test suite in the guest and natively: build/soak/SOAK.md'
	@echo '                  (SOAK_PARTS="trinity ..." for some parts; soak-smoke: seconds)'
	@echo '  make strace-suite  fetch and build strace'"'"'s source and test suite (cached)'
	@echo '  make host-calls  count the host calls per guest getpid, page fault and fork+exec'
	@echo '                   in each mode, from outside the UML (build/host-calls/)'
	@echo '  make series     build/series/: the series in its posted form (git format-patch,'
	@echo '                  a cover letter), our files in the patches that add them'
	@echo '  make check-series  build every step of the series (UML, and the host kernel'
	@echo '                  where a step touches it) and checkpatch each patch'
	@echo '  make series-fixes  build/7.3/series-fixes/: the fixes of the 7.3 series'
	@echo '                  alone, against 7.3, with their own cover letter, to post first'
	@echo '  make check-series-fixes  every step of them built, checkpatch on each'
	@echo '  make series-7.3, check-series-7.3  the same for the whole 7.3 series'
	@echo '  make host-kernel-7.3, host-kernel-stock-7.3  build/7.3/bzImage(-stock): the'
	@echo '                  native 7.3 kernels, with the tags and without, for qemu'
	@echo '  make check-7.3  the 7.3 tests that do not fit into make check (tests/check-7.3/)'
	@echo '  make host-deb   build/7.3/deb/: Debian packages of 7.3 with the tags, on'
	@echo "                  Debian's amd64 config (bindeb-pkg; hours cold), booted once"
	@echo '                  under qemu to show that our UML takes sysptvm mode there'
	@echo '  make check-i386 a 32-bit UML (SUBARCH=i386) with the series, and the FP state'
	@echo '                  its tracers and signal handlers see, against the same program'
	@echo '                  natively, both on a stock bzImage with IA32 emulation under qemu'
	@echo '  make clean      remove build/'
	@echo '  make distclean  also remove the cache ($(CACHE_DIR))'
	@echo 'Then: ./boot.sh (a root shell in the guest), ./boot.sh --help.'

deps:
	@scripts/deps.sh

kernel: $(B)/linux
stock: $(B)/linux-stock
rootfs: $(B)/rootfs.img
guest: $(GUEST_BINS) $(GUEST_SBINS)

$(B)/linux: $(OUR_INPUTS) $(KERNEL_SCRIPTS) $(KERNEL_SOURCE) | deps
	@scripts/kernel.sh ours $@

$(B)/linux-stock: $(STOCK_INPUTS) $(KERNEL_SCRIPTS) $(KERNEL_SOURCE) | deps
	@scripts/kernel.sh stock $@

# The 7.3 line (scripts/lib.sh: SYSPTVM_KERNEL_LINE): its series in patches-7.3/,
# its products in build/7.3/.  Its source is fetched into the cache
# (trixie-backports); build/7.3/source names the version, and changes, so
# rebuilding what depends on it, only when the archive has a new one.
L73 := $(B)/7.3
OUR_INPUTS_73 := patches-7.3/series patches-7.3/files $(wildcard patches-7.3/*.patch) \
	$(shell find arch-um os-Linux -type f)
STOCK_INPUTS_73 := arch-um/sysptvm.config arch-um/sysptvm-7.3.config patches-7.3/series \
	$(wildcard patches-7.3/*.patch)
.PHONY: kernel-7.3 stock-7.3 source-7.3 host-kernel-7.3 host-kernel-stock-7.3 check-7.3 host-deb
kernel-7.3: $(L73)/linux
stock-7.3: $(L73)/linux-stock
source-7.3: $(L73)/source
$(L73)/source: FORCE | deps
	@mkdir -p $(@D)
	@v=$$(SYSPTVM_KERNEL_LINE=7.3 bash -c '. scripts/lib.sh && v=$$(linux_source_debian_version) && echo "$$LINUX_SOURCE_PKG $$v"') || exit 1; \
	[ "$$(cat $@ 2>/dev/null)" = "$$v" ] || echo "$$v" >$@
$(L73)/linux: $(OUR_INPUTS_73) $(KERNEL_SCRIPTS) $(L73)/source | deps
	@SYSPTVM_KERNEL_LINE=7.3 scripts/kernel.sh ours $@
$(L73)/linux-stock: $(STOCK_INPUTS_73) $(KERNEL_SCRIPTS) $(L73)/source | deps
	@SYSPTVM_KERNEL_LINE=7.3 scripts/kernel.sh stock $@
# The native 7.3 kernels, from the trees of the two UMLs: the tags
# natively (ours), and upstream as Debian ships it (stock).
host-kernel-7.3: $(L73)/bzImage
host-kernel-stock-7.3: $(L73)/bzImage-stock
$(L73)/bzImage: $(L73)/linux $(HOST_INPUTS) | deps
	@SYSPTVM_KERNEL_LINE=7.3 scripts/host-kernel.sh ours $@
$(L73)/bzImage-stock: $(L73)/linux-stock $(HOST_INPUTS) | deps
	@SYSPTVM_KERNEL_LINE=7.3 scripts/host-kernel.sh stock $@
# Debian packages of 7.3 with the tags, on Debian's config (scripts/host-deb.sh).
host-deb: all $(L73)/linux | deps
	@scripts/host-deb.sh $(L73)/deb
# The 7.3 tests that do not fit into make check's time (tests/check-7.3/).
check-7.3: all $(HOST_CHECK_INPUTS) $(L73)/linux $(L73)/linux-stock $(L73)/bzImage $(L73)/bzImage-stock
	@tests/run --set check-7.3

$(B)/guest/bin/%: tests/guest/%.c $(wildcard tests/guest/*.h) | $(B)/kselftest
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $<

$(ASAN_BINS): $(B)/guest/bin/%: tests/guest/asan/%.c
	@mkdir -p $(@D)
	$(CC) -fsanitize=address -g -O1 -Wall -Wextra -o $@ $<

$(B)/guest/bin/%: tests/guest/%.sh
	@mkdir -p $(@D)
	install -m 755 $< $@

partialvm: $(PVM_BINS)
# Call names for --stats, from the C library's kernel headers.
$(B)/partialvm/sysnames.h: | deps
	@mkdir -p $(@D)
	@{ echo '/* Made by the Makefile from <asm/unistd_64.h>. */'; \
	  echo 'static const char *const sysnames[] = {'; \
	  echo '#include <asm/unistd_64.h>' | $(CC) -E -dM - | \
		awk '$$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ { printf "\t[%s] = \"%s\",\n", $$3, substr($$2, 6) }' | sort -t[ -k2n; \
	  echo '};'; } >$@.new && mv -f $@.new $@
$(B)/guest/bin/partialvm: $(PVM_SRC) $(B)/partialvm/sysnames.h
	@mkdir -p $(@D)
	$(CC) $(PVM_CFLAGS) -o $@ $(filter %.c,$^)
$(B)/guest/bin/partialvm-test-notags: $(PVM_SRC) $(B)/partialvm/sysnames.h
	@mkdir -p $(@D)
	$(CC) $(PVM_CFLAGS) -DPARTIALVM_DROP_TAGS -o $@ $(filter %.c,$^)
$(B)/guest/bin/partialvm-workload: partialvm/tests/workload.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $<
$(B)/guest/bin/partialvm-calls: partialvm/tests/calls.c | $(B)/kselftest
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $<
$(B)/guest/bin/partialvm-scenarios: partialvm/tests/scenarios.sh
	@mkdir -p $(@D)
	install -m 755 $< $@
$(B)/guest/bin/partialvm-bench: partialvm/tests/bench.sh
	@mkdir -p $(@D)
	install -m 755 $< $@
# Sid's proot and umvu for partialvm's benchmark (a link to the cache, or
# the reasons they could not be had); checked at every run, cheap once
# fetched.
$(B)/partialvm-refs: FORCE | deps
	@scripts/partialvm-refs.sh --record $@ >/dev/null
bench-partialvm: all $(B)/bzImage $(QEMU_HOST) $(B)/partialvm-refs
	@scripts/partialvm-bench.sh
check-partialvm: all $(B)/bzImage $(QEMU_HOST)
	@tests/run --set check-partialvm

# Checked at every run (cheap), so that a new version of the source gets a
# new link; an order-only prerequisite, so it rebuilds nothing by itself.
$(B)/kselftest: FORCE | deps
	@mkdir -p $(B)
	@tree=$$(bash -c '. scripts/lib.sh && pristine_tree') || exit 1; \
	[ -r "$$tree/tools/testing/selftests/kselftest_harness.h" ] || \
		{ echo "make: no kselftest_harness.h in $$tree" >&2; exit 1; }; \
	[ "$$(readlink $@)" = "$$tree" ] || ln -sfn "$$tree" $@

$(B)/guest/sbin/%: rootfs/src/%.c
	@mkdir -p $(@D)
	$(CC) $(GUEST_CFLAGS) -o $@ $<

$(B)/rootfs.img: $(ROOTFS_INPUTS) $(B)/linux $(B)/linux-stock $(GUEST_BINS) $(GUEST_SBINS) | deps
	@mkdir -p $(B)/guest/bin $(B)/guest/sbin
	@rootfs/mkimage.sh $@ $(B)/linux $(B)/linux-stock $(B)/guest/bin $(B)/guest/sbin

# What scripts/qemu-host.sh needs besides a bzImage: the initramfs, the
# kernel's cpio writer and the host's TSC rate (host/tsc-khz.c).
QEMU_HOST := $(B)/host-initramfs.cpio.gz $(B)/gen_init_cpio $(B)/tsc-khz
HOST_CHECK_INPUTS := $(B)/bzImage $(B)/bzImage-stock $(QEMU_HOST) $(B)/selftests/programs
# What make bench boots besides build/linux: the stock UML, the host
# kernel under qemu, Debian's 6.1 UML (the image's base) and sid's
# user-mode-linux (scripts/upstream-uml.sh, or the reason it could not be
# fetched).
BENCH_INPUTS := all $(B)/bzImage $(QEMU_HOST) $(B)/debian-6.1-uml.path upstream-uml \
	$(B)/partialvm-refs
check: all $(HOST_CHECK_INPUTS) $(BENCH_INPUTS) $(B)/i386-compile.txt test-tools \
	$(L73)/linux $(L73)/linux-stock
	@tests/run

# Programs that tests run on this machine itself, built here and not in
# the middle of a test: the LD_PRELOAD shims of tests/shim/ and the
# programs of tests/host-tools/.
TEST_TOOLS := $(patsubst tests/shim/%.c,$(B)/test-tools/%.so,$(wildcard tests/shim/*.c)) \
	$(patsubst tests/host-tools/%.c,$(B)/test-tools/%,$(wildcard tests/host-tools/*.c))
test-tools: $(TEST_TOOLS)
$(B)/test-tools/%.so: tests/shim/%.c | deps
	@mkdir -p $(@D)
	$(CC) -Wall -shared -fPIC -o $@ $< -ldl
$(B)/test-tools/%: tests/host-tools/%.c | deps
	@mkdir -p $(@D)
	$(CC) -Wall -O2 -o $@ $<

check-host: all $(HOST_CHECK_INPUTS)
	@tests/run --set check-host

# The files that the series changes or that the project installs, compiled
# for a 32-bit UML (tests/pipeline.sh reads the report).
$(B)/i386-compile.txt: $(B)/linux scripts/compile-i386.sh scripts/kbuild.sh | deps
	@set -o pipefail; scripts/compile-i386.sh 2>&1 | tee $@.new && mv -f $@.new $@

# make check-i386 (tests/check-i386/): a stock bzImage with IA32 emulation,
# a 32-bit UML with the series from build/linux's tree, the 32-bit test
# program; not the guest image, which it does not boot.
I386_INPUTS := $(B)/bzImage-stock-ia32 $(B)/i386/linux $(B)/i386/fpregs32_test $(QEMU_HOST)
check-i386: $(I386_INPUTS)
	@tests/run --set check-i386
$(B)/bzImage-stock-ia32: $(B)/linux-stock host/ia32.config $(HOST_INPUTS) | deps
	@scripts/host-kernel.sh stock-ia32 $@
$(B)/i386/linux: $(B)/linux scripts/i386-uml.sh scripts/kbuild.sh | deps
	@scripts/i386-uml.sh $@
$(B)/i386/fpregs32_test: tests/i386/fpregs32_test.c | deps
	@mkdir -p $(@D)
	gcc -m32 -static -O2 -mno-sse -Wall -Wextra -Werror -o $@ $<

$(B)/tsc-khz: host/tsc-khz.c | deps
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -o $@ $<
# A file that names Debian's 6.1 UML in the cached base of the image.
$(B)/debian-6.1-uml.path: $(B)/rootfs.img rootfs/mkbase.sh
	@echo "$$(rootfs/mkbase.sh)/usr/bin/linux.uml" >$@.new && mv -f $@.new $@
# Checked at every run (cheap when fetched; sid's lists once a day).
upstream-uml: | deps
	@scripts/upstream-uml.sh --record $(B)/upstream-uml >/dev/null

bench: $(BENCH_INPUTS)
	@scripts/bench.sh
	@scripts/partialvm-bench.sh

bench-quick: $(BENCH_INPUTS)
	@scripts/bench.sh --quick
	@scripts/partialvm-bench.sh --quick

bench-smoke: $(BENCH_INPUTS)
	@scripts/bench.sh --smoke

# SOAK_PARTS names some of the parts (scripts/soak.sh --list); all by
# default.  The full soak runs strace's test suite, built here.
soak: all strace-suite
	@scripts/soak.sh $(SOAK_PARTS)

soak-smoke: all
	@scripts/soak.sh --smoke -o $(B)/soak-smoke $(SOAK_PARTS)

strace-suite: | deps
	@scripts/strace-suite.sh >/dev/null

host-calls: all $(HOST_CHECK_INPUTS)
	@scripts/host-calls.sh

series: | deps
	@scripts/series.sh

check-series: | deps
	@scripts/check-series.sh

# The 7.3 line's series (build/7.3/series), and its fixes alone, to post
# first (build/7.3/series-fixes: make series-fixes).
.PHONY: series-7.3 check-series-7.3 series-fixes check-series-fixes
series-7.3: | deps
	@SYSPTVM_KERNEL_LINE=7.3 scripts/series.sh
check-series-7.3: | deps
	@SYSPTVM_KERNEL_LINE=7.3 scripts/check-series.sh
series-fixes: | deps
	@SYSPTVM_KERNEL_LINE=7.3 scripts/series.sh --fixes
check-series-fixes: | deps
	@SYSPTVM_KERNEL_LINE=7.3 scripts/check-series.sh --fixes

host-kernel: $(B)/bzImage
host-kernel-stock: $(B)/bzImage-stock
host-initramfs: $(B)/host-initramfs.cpio.gz

$(B)/bzImage: $(B)/linux $(HOST_INPUTS) | deps
	@scripts/host-kernel.sh ours $@

$(B)/bzImage-stock: $(B)/linux-stock $(HOST_INPUTS) | deps
	@scripts/host-kernel.sh stock $@

# The kernel's own initramfs writer, so that no cpio package is needed.
$(B)/gen_init_cpio: | $(B)/kselftest
	$(CC) -O2 -o $@ $(B)/kselftest/usr/gen_init_cpio.c

# The kernel's ptrace, seccomp and syscall_user_dispatch selftests, static,
# for the guest and the native runs.
selftests: $(B)/selftests/programs
$(B)/selftests/programs: scripts/selftests.sh | $(B)/kselftest deps
	@scripts/selftests.sh $(B)/selftests

$(B)/host-initramfs.cpio.gz: host/init scripts/host-initramfs.sh $(B)/linux $(GUEST_BINS) $(B)/gen_init_cpio | deps
	@scripts/host-initramfs.sh $@ $(B)/linux $(B)/guest/bin

clean:
	rm -rf $(B)

distclean: clean
	rm -rf $(CACHE_DIR)
