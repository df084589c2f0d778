/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: the FP state of 32-bit UML processes for their tracers
 * (fpregs_32.c).  The functions that i386 shares with x86_64, for signal
 * frames and PTRACE_GETFPREGS, are in fpstate.h.
 */
#ifndef __UM_X86_FPREGS_32_H
#define __UM_X86_FPREGS_32_H

#include <linux/compiler_types.h>

struct task_struct;
struct user_fxsr_struct;

/* Whether the host gave an FXSAVE area (os-Linux/registers.c). */
extern int have_fpx_regs;

int um_fpxregs_get(struct task_struct *child,
		   struct user_fxsr_struct __user *buf);
int um_fpxregs_set(struct task_struct *child,
		   const struct user_fxsr_struct __user *buf);

#endif
