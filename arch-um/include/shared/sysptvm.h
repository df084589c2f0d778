/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: the interface between the UML kernel (arch/um/kernel/) and the
 * host side (arch/um/os-Linux/).  Plain C types only: both sides include it.
 */
#ifndef __UM_SYSPTVM_H
#define __UM_SYSPTVM_H

/* os-Linux/sysptvm.c */
extern void os_report_host_kernel(void);
extern unsigned long os_probe_top_address(void);
extern void check_sysptvm(void);
extern int os_ptrace_resume_request(int singlestep, unsigned long *addr);

#endif /* __UM_SYSPTVM_H */
