// SPDX-License-Identifier: GPL-2.0
/*
 * The address space a process gets: that of an x86_64 process on the host
 * (47 bits), not the 512 GiB of three-level page tables.  The same program
 * runs natively, as the reference, and in the guest (tests/addrspace.sh).
 *
 * The stack starts in the top TiB below 128 TiB: natively at about
 * 0x7ffc00000000, in our UML below its stub at 0x7f8000000000, in a UML
 * nested in ours below 0x7f0000000000.  Three-level page tables put it
 * below 0x8000000000.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <kselftest_harness.h>
#pragma GCC diagnostic ignored "-Wsign-compare"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define TiB (1UL << 40)

/* Map a page at ADDR exactly, write it, read it back, unmap it. */
static int map_at(struct __test_metadata *_metadata, unsigned long addr)
{
	volatile unsigned char *p;

	p = mmap((void *)addr, getpagesize(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		TH_LOG("mmap(%#lx, MAP_FIXED_NOREPLACE): %s", addr, strerror(errno));
		return -1;
	}
	if ((unsigned long)p != addr) {
		TH_LOG("mmap(%#lx, MAP_FIXED_NOREPLACE) gave %p", addr, p);
		munmap((void *)p, getpagesize());
		return -1;
	}
	p[0] = 0x5a;
	p[getpagesize() - 1] = 0xa5;
	if (p[0] != 0x5a || p[getpagesize() - 1] != 0xa5) {
		TH_LOG("the page at %#lx did not keep what was written", addr);
		return -1;
	}
	return munmap((void *)p, getpagesize());
}

/* The address of issue 13: 1 TiB, above three-level page tables' end. */
TEST(mmap_fixed_noreplace_at_1_tib)
{
	ASSERT_EQ(0, map_at(_metadata, 1 * TiB));
}

/* Further up: 64 TiB, and 100 TiB (where ASan's allocator lives, 96 TiB). */
TEST(mmap_fixed_noreplace_high_up)
{
	ASSERT_EQ(0, map_at(_metadata, 64 * TiB));
	ASSERT_EQ(0, map_at(_metadata, 100 * TiB));
}

TEST(stack_is_in_the_top_tib)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);

	TH_LOG("stack at %#lx", sp);
	ASSERT_GE(sp, 126 * TiB);
	ASSERT_LT(sp, 128 * TiB);
}

TEST_HARNESS_MAIN
