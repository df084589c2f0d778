// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the layout of the host CPU's XSAVE area (host side).
 *
 * A signal frame need not hold the whole XSAVE area: the AMX tile data
 * (8 KiB) is used only by a process that asked the host for it with
 * arch_prctl(ARCH_REQ_XCOMP_PERM), which no UML process can do.  Native
 * x86_64 leaves it out of signal frames for the same reason, so that a
 * stack of a few KiB still takes a frame; the stub's signal stack is one
 * page.
 */

#include <cpuid.h>
#include <os.h>

#define XFEATURE_XTILE_DATA	18
#define XSAVE_LEGACY_AND_HEADER	576

/*
 * The bytes of the standard-format XSAVE area up to the end of the last
 * component in xcr0 that a UML process can use, at most full; those
 * components in *features, and where each ends in ends[] (0 for one that
 * is not there).  CPUID leaf 0xD, subleaf i, gives the size (EAX) and
 * offset (EBX) of component i.
 */
unsigned long os_xstate_frame_size(unsigned long long xcr0,
				   unsigned long full,
				   unsigned long long *features,
				   unsigned long ends[64])
{
	unsigned int size, offset, ecx, edx, i;
	unsigned long end = XSAVE_LEGACY_AND_HEADER;

	*features = xcr0 & 3;
	for (i = 0; i < 64; i++)
		ends[i] = 0;
	for (i = 2; i < 63; i++) {
		if (!(xcr0 & (1ULL << i)) || i == XFEATURE_XTILE_DATA)
			continue;
		__cpuid_count(0xd, i, size, offset, ecx, edx);
		if (!size || offset + size > full)
			continue;
		*features |= 1ULL << i;
		ends[i] = offset + size;
		if (offset + size > end)
			end = offset + size;
	}
	return end < full ? end : full;
}
