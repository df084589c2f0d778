// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the FP state of a UML process on x86_64 for its signal frames
 * and its tracers, moved between UML and the host only when needed
 * (arch/um/kernel/lazyfp.c): read out before it is read or written here,
 * handed back after it is written.  The frames and the checks are
 * fpframe.c's.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/user.h>
#include <asm/lazyfp.h>
#include <linux/elfcore.h>
#include "fpframe.h"
#include "fpstate.h"

int um_fpstate_to_sigframe(void __user *to, struct pt_regs *regs)
{
	if (um_fp_sync(current))
		return -EFAULT;
	return um_fpframe_to_user(to, regs);
}

int um_fpstate_from_sigframe(struct pt_regs *regs, const void __user *from)
{
	int err = um_fp_sync(current);

	if (err)
		return err;
	err = um_fpframe_from_user(regs, from);
	um_fp_changed(current);
	return err;
}

/*
 * PTRACE_GETFPREGS and NT_PRFPREG: the FXSAVE part of the tracee's own
 * state; as native, the bytes after the xmm registers read as zero.
 */
int um_fpregs_get_to(struct task_struct *child, struct user_i387_struct *buf)
{
	int err = um_fp_sync(child);

	if (err)
		return err;
	memcpy(buf, child->thread.regs.regs.fp, sizeof(*buf));
	memset(buf->padding, 0, sizeof(buf->padding));
	return 0;
}

int um_fpregs_get(struct task_struct *child, struct user_i387_struct __user *buf)
{
	struct user_i387_struct fp;
	int err = um_fpregs_get_to(child, &fp);

	if (err)
		return err;
	if (copy_to_user(buf, &fp, sizeof(fp)))
		return -EFAULT;
	return 0;
}

/* A core dump's NT_PRFPREG note, taken as PTRACE_GETFPREGS takes it. */
int elf_core_copy_task_fpregs(struct task_struct *t, elf_fpregset_t *fpu)
{
	return um_fpregs_get_to(t, fpu) == 0;
}

/* PTRACE_SETFPREGS and NT_PRFPREG: checked as um_fxsave_set() checks. */
int um_fpregs_set_from(struct task_struct *child,
		       const struct user_i387_struct *buf)
{
	int err = um_fp_sync(child);

	if (err)
		return err;
	err = um_fxsave_set(&child->thread.regs, buf);
	if (!err)
		um_fp_changed(child);
	return err;
}

int um_fpregs_set(struct task_struct *child,
		  const struct user_i387_struct __user *buf)
{
	struct user_i387_struct new;

	if (copy_from_user(&new, buf, sizeof(new)))
		return -EFAULT;
	return um_fpregs_set_from(child, &new);
}

/*
 * NT_X86_XSTATE: checked as um_xstate_set() checks.  The caller has the
 * whole area, read out with um_fp_sync() if partial.
 */
int um_xstate_set_from(struct task_struct *child, const void *xsave)
{
	int err = um_xstate_set(&child->thread.regs, xsave);

	if (!err)
		um_fp_changed(child);
	return err;
}
