/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: the FP state of UML processes on x86_64 (fpstate.c), for the
 * signal frames (signal.c) and the tracers (ptrace_64.c, regset.c).
 */
#ifndef __UM_X86_FPSTATE_H
#define __UM_X86_FPSTATE_H

#include <linux/compiler_types.h>

struct pt_regs;
struct task_struct;
struct user_i387_struct;

unsigned long um_sigframe_fp_size(void);
unsigned long um_sigframe_uc_flags(void);
int um_fpstate_to_sigframe(void __user *to, struct pt_regs *regs);
int um_fpstate_from_sigframe(struct pt_regs *regs, const void __user *from);
int um_fpregs_get_to(struct task_struct *child,
		     struct user_i387_struct *buf);
int um_fpregs_get(struct task_struct *child,
		  struct user_i387_struct __user *buf);
int um_fpregs_set(struct task_struct *child,
		  const struct user_i387_struct __user *buf);
int um_fpregs_set_from(struct task_struct *child,
		       const struct user_i387_struct *buf);
int um_xstate_set_from(struct task_struct *child, const void *xsave);

#endif
