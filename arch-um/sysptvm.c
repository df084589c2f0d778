// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: UML kernel-side support.
 *
 * The boot log names the sysptvm patch series this kernel was built from, so
 * that a test (or a bug report) can tell which build is running.  The build
 * generates sysptvm_series.h from the project's patches and source files.
 */

#include <linux/init.h>
#include <linux/printk.h>
#include "sysptvm_series.h"

static int __init sysptvm_report_series(void)
{
	pr_info("sysptvm: built from patch series %s\n", SYSPTVM_SERIES);
	return 0;
}
late_initcall(sysptvm_report_series);
