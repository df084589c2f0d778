// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the top of the host's address space, on x86_64 (host side).
 */

#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <init.h>
#include <os.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* The x86_64 user address space with 4-level host page tables. */
#define TOP_ADDRESS_LIMIT (1UL << 47)

/*
 * A page below the top is in use or free; above it, nothing can be mapped.
 * A page in use is one mincore() knows.  Of the others, one that mmap()
 * gives at its address is free.  A host older than Linux 4.17 takes
 * MAP_FIXED_NOREPLACE for a hint, and gives another address both for a
 * page above the top and for a page in use: mincore() tells them apart.
 */
static bool __init page_below_top(unsigned long addr)
{
	unsigned char in_core;
	void *p;

	if (mincore((void *)addr, UM_KERN_PAGE_SIZE, &in_core) == 0)
		return true;
	p = mmap((void *)addr, UM_KERN_PAGE_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return errno == EEXIST;
	munmap(p, UM_KERN_PAGE_SIZE);
	return p == (void *)addr;
}

/*
 * The top of the address space this process can map.  On an x86_64 host it
 * is just below 128 TiB; inside a UML it is the task size of that UML, which
 * ends below its own stub.  A UML that assumes a fixed top cannot map its
 * stub there, so nested UMLs need the top probed.
 */
unsigned long __init os_get_top_address(void)
{
	int on_stack;
	unsigned long below = (unsigned long)&on_stack & ~(UM_KERN_PAGE_SIZE - 1);
	unsigned long above = TOP_ADDRESS_LIMIT;

	os_info("Checking the top of the address space...");
	while (above - below > UM_KERN_PAGE_SIZE) {
		unsigned long mid = below + ((above - below) / 2 &
					     ~(UM_KERN_PAGE_SIZE - 1));

		if (page_below_top(mid))
			below = mid;
		else
			above = mid;
	}
	os_info("0x%lx\n", above);
	return above;
}
