/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: the FP state of a UML process on x86_64 in its signal frames,
 * and what a tracer may write there (fpframe.c).  The callers own the
 * state: each function acts on regs->regs.fp as it is.
 */
#ifndef __UM_X86_FPFRAME_H
#define __UM_X86_FPFRAME_H

#include <linux/compiler_types.h>

struct pt_regs;
struct user_i387_struct;

unsigned long um_sigframe_fp_size(void);
unsigned long um_sigframe_uc_flags(void);
int um_fpframe_to_user(void __user *to, struct pt_regs *regs);
int um_fpframe_from_user(struct pt_regs *regs, const void __user *from);
int um_fxsave_set(struct pt_regs *regs, const struct user_i387_struct *buf);
int um_xstate_set(struct pt_regs *regs, const void *xsave);

#endif
