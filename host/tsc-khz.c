// SPDX-License-Identifier: GPL-2.0
/*
 * tsc-khz: print the rate of this machine's TSC in kHz, measured against
 * CLOCK_MONOTONIC_RAW over a quarter of a second (the median of five).
 *
 * qemu with TCG gives its guests the host's TSC (cpu_get_host_ticks), so a
 * guest kernel booted with tsc_early_khz=<this> needs no calibration: a
 * calibration against the PIT fails when the host is loaded, and with no
 * ACPI (hence no HPET or PM timer) the guest is then left on jiffies.
 *
 * Exit status 1, and nothing printed, when the TSC's rate is not constant
 * (no constant_tsc in /proc/cpuinfo) or the measurements disagree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int constant_tsc(void)
{
	char line[8192];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			found = strstr(line, " constant_tsc") != NULL;
			break;
		}
	fclose(f);
	return found;
}

int main(void)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	double khz[5];
	int i;

	if (!constant_tsc()) {
		fprintf(stderr, "tsc-khz: no constant_tsc in /proc/cpuinfo\n");
		return 1;
	}
	for (i = 0; i < 5; i++) {
		double t0 = now_ns();
		unsigned long long c0 = __rdtsc();

		nanosleep(&pause, NULL);
		khz[i] = (__rdtsc() - c0) / (now_ns() - t0) * 1e6;
	}
	qsort(khz, 5, sizeof(khz[0]), cmp);
	/* A migration or a jump between the samples: no figure at all. */
	if (khz[3] - khz[1] > khz[2] / 1000) {
		fprintf(stderr, "tsc-khz: the samples disagree (%.0f to %.0f kHz)\n",
			khz[0], khz[4]);
		return 1;
	}
	printf("%.0f\n", khz[2]);
	return 0;
}
