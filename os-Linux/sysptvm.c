// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: host-side (os-Linux) support.
 *
 * Which ptrace interface UML can drive its guest processes with depends on
 * the host kernel, so the boot log names it next to the probe results.
 */

#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <init.h>
#include <os.h>
#include <sysptvm.h>

void __init os_report_host_kernel(void)
{
	struct utsname host;

	if (uname(&host) < 0) {
		os_info("Host kernel: unknown (uname failed, errno = %d)\n",
			errno);
		return;
	}
	os_info("Host kernel: %s %s %s\n", host.sysname, host.release,
		host.machine);
}

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* The x86_64 user address space with 4-level host page tables. */
#define TOP_ADDRESS_LIMIT (1UL << 47)

/* A page below the top is free or in use; above it, mmap() fails. */
static bool page_below_top(unsigned long addr)
{
	void *p = mmap((void *) addr, UM_KERN_PAGE_SIZE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		       -1, 0);

	if (p == MAP_FAILED)
		return errno == EEXIST;
	munmap(p, UM_KERN_PAGE_SIZE);
	return p == (void *) addr;
}

/*
 * The top of the address space this process can map.  On an x86_64 host it
 * is just below 128 TiB; inside a UML it is the task size of that UML, which
 * ends below its own stub.  A UML that assumes a fixed top cannot map its
 * stub there, so nested UMLs need the top probed.
 */
unsigned long __init os_probe_top_address(void)
{
	int on_stack;
	unsigned long below = (unsigned long) &on_stack & ~(UM_KERN_PAGE_SIZE - 1);
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
