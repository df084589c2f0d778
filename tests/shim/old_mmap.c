// SPDX-License-Identifier: GPL-2.0
/*
 * An LD_PRELOAD shim for UML on the host: mmap() as a host older than
 * Linux 4.17 has it, which does not know MAP_FIXED_NOREPLACE and so takes
 * the address for a hint only.  A test (tests/addrspace.sh) boots UML
 * with it to check the probe of the top of the address space on such a
 * host, where a page in use looks like one above the top to mmap().
 *
 *   cc -shared -fPIC -o old_mmap.so old_mmap.c -ldl
 *   LD_PRELOAD=./old_mmap.so linux ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/mman.h>
#include <sys/types.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static void *(*real)(void *, size_t, int, int, int, off_t);

	if (!real)
		real = dlsym(RTLD_NEXT, "mmap");
	return real(addr, len, prot, flags & ~MAP_FIXED_NOREPLACE, fd, off);
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
	__attribute__((alias("mmap")));
