/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PTRACE_VM and PTRACE_SYSEMU for processes inside UML: the system call
 * entry and exit reports, called from syscall_trace_enter/leave().
 */
#ifndef __UM_PTRACE_VM_H
#define __UM_PTRACE_VM_H

#include <linux/types.h>

struct pt_regs;

/* At every system call entry, traced or not. */
void ptrace_vm_syscall_begin(void);
/*
 * After the syscall-entry report: permit is what it returned, emulated
 * whether PTRACE_SYSEMU resumed us into the call.  Returns nonzero when
 * the system call must not be run.
 */
int ptrace_vm_syscall_entry(bool permit, bool emulated);
void ptrace_vm_syscall_exit(struct pt_regs *regs);

#endif /* __UM_PTRACE_VM_H */
