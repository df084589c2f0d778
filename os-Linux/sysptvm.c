// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: host-side (os-Linux) support.
 *
 * Which ptrace interface UML can drive its guest processes with depends on
 * the host kernel, so the boot log names it next to the probe results.
 */

#include <errno.h>
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
