// SPDX-License-Identifier: GPL-2.0
/*
 * The XSAVE size of this machine's CPU for the features its kernel enabled
 * (CPUID leaf 0xD, subleaf 0, EBX), or 0 without XSAVE: what UML's FP probe
 * must find (tests/fp.sh).
 */
#include <cpuid.h>
#include <stdio.h>

int main(void)
{
	unsigned int a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE)) {
		puts("0");
		return 0;
	}
	__cpuid_count(0xd, 0, a, b, c, d);
	printf("%u\n", b);
	return 0;
}
