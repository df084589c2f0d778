// SPDX-License-Identifier: GPL-2.0
/*
 * A target for the gdb FP test in the guest: loads known values into
 * xmm0 (and the upper halves of ymm0 and zmm0 where the CPU has AVX and
 * AVX-512) and MXCSR, then stops at an int3 for gdb to read them.
 *   xmm0: 16 bytes of 0x11; ymm0 bits 128-255: 0x22; zmm0 bits 256-511:
 *   0x33; MXCSR: 0x7f80 (round toward zero, all exceptions masked).
 */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t xcr0(void)
{
	unsigned int a, b, c, d;
	uint32_t lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
		return 3;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

int main(void)
{
	static uint8_t zmm[64] __attribute__((aligned(64)));
	uint32_t mxcsr = 0x7f80;
	uint64_t x = xcr0();

	memset(zmm, 0x11, 16);
	memset(zmm + 16, 0x22, 16);
	memset(zmm + 32, 0x33, 32);
	unsigned int a, b, c, d;

	/*
	 * Where this CPU's XSAVE area keeps the upper halves of zmm0-15
	 * (component 6): gdb 13 assumes Intel's 1152, and AMD's Zen 4 has 896.
	 */
	__cpuid_count(0xd, 6, a, b, c, d);
	printf("avx=%d avx512=%d zmm-hi256-offset=%u\n",
	       (x & 6) == 6, (x & 0xe6) == 0xe6, b);
	fflush(stdout);
	if ((x & 0xe6) == 0xe6)
		asm volatile("vmovdqu64 %0, %%zmm0\n\t"
			     "ldmxcsr %1\n\t"
			     "int3" : : "m"(zmm), "m"(mxcsr) : "xmm0");
	else if ((x & 6) == 6)
		asm volatile("vmovdqu %0, %%ymm0\n\t"
			     "ldmxcsr %1\n\t"
			     "int3" : : "m"(*(uint8_t (*)[32])zmm), "m"(mxcsr) : "xmm0");
	else
		asm volatile("movdqu %0, %%xmm0\n\t"
			     "ldmxcsr %1\n\t"
			     "int3" : : "m"(*(uint8_t (*)[16])zmm), "m"(mxcsr) : "xmm0");
	return 0;
}
