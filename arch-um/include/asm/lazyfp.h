/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysptvm: the FP state of UML processes, moved between UML and the host
 * only when needed (arch/um/kernel/lazyfp.c).
 */
#ifndef __UM_LAZYFP_H
#define __UM_LAZYFP_H

struct task_struct;

/* Make @t's regs.fp hold its FP state; 0, or a negative errno. */
int um_fp_sync(struct task_struct *t);
/* @t's regs.fp was written: the host process gets it before @t runs. */
void um_fp_changed(struct task_struct *t);
/* copy_thread(): @p has its own FP state, in its regs.fp. */
void um_fp_new_thread(struct task_struct *p);
/* __switch_to(): @prev stops running for now. */
void um_fp_switch_out(struct task_struct *prev);

#endif /* __UM_LAZYFP_H */
