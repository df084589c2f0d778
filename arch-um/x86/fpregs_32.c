// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the FP state of a 32-bit UML process, for its tracers
 * (ptrace_32.c), its signal frames (signal.c) and its core dumps.
 *
 * The state is taken from the process's own regs.fp, where um_fp_sync()
 * puts it (arch/um/kernel/lazyfp.c), not from the host process that runs
 * at the time: for a ptrace request that is the tracer's.  regs.fp holds
 * what the host's PTRACE_GETFPXREGS gave (the FXSAVE layout), or, on a
 * host without FXSR, what its PTRACE_GETFPREGS gave (the FSAVE layout of
 * struct user_i387_struct).  Tracers and signal frames get both layouts
 * as i386 gives them: arch/x86/kernel/fpu/regset.c and signal.c.
 *
 * On an x86_64 host the FXSAVE area is the host's 64-bit one, whose fcs
 * and fos hold the upper halves of the FPU's instruction and data
 * pointers, not selectors; the FSAVE layout then shows them as 0 (and
 * fop in the upper half of fcs), where a native x86_64 kernel shows the
 * process's cs and ds.
 */

#include <linux/bits.h>
#include <linux/elfcore.h>
#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/lazyfp.h>
#include <asm/sigcontext.h>
#include <asm/user.h>
#include <registers.h>
#include "fpregs_32.h"
#include "fpstate.h"

/* An MXCSR mask for an FXSAVE area that gives none. */
#define MXCSR_DEFAULT_MASK	0x0000ffbf

static struct user_fxsr_struct *fxsr_of(struct task_struct *t)
{
	return (struct user_fxsr_struct *)t->thread.regs.regs.fp;
}

static struct user_i387_struct *fsave_of(struct task_struct *t)
{
	return (struct user_i387_struct *)t->thread.regs.regs.fp;
}

/* The FXSAVE tag bits (1: in use) from the i387 tag word (11: empty). */
static u16 twd_i387_to_fxsr(u16 twd)
{
	u16 tag = 0;
	int i;

	for (i = 0; i < 8; i++) {
		if (((twd >> (2 * i)) & 3) != 3)
			tag |= BIT(i);
	}
	return tag;
}

/*
 * The i387 tag word from the FXSAVE tag bits and the registers: a tag is
 * by physical register, the registers are stored from the top of the
 * stack.
 */
static u32 twd_fxsr_to_i387(const struct user_fxsr_struct *fx)
{
	const struct _fpxreg *st = (const struct _fpxreg *)fx->st_space;
	unsigned int top = (fx->swd >> 11) & 7;
	u32 twd = 0xffff0000;
	int i;

	for (i = 0; i < 8; i++) {
		const struct _fpxreg *r = &st[(i - top) & 7];
		u32 tag;

		if (!(fx->twd & BIT(i)))
			tag = 3;		/* empty */
		else if ((r->exponent & 0x7fff) == 0x7fff)
			tag = 2;		/* special */
		else if (!(r->exponent & 0x7fff))
			tag = memchr_inv(r->significand, 0,
					 sizeof(r->significand)) ? 2 : 1;
		else
			tag = (r->significand[3] & 0x8000) ? 0 : 2;
		twd |= tag << (2 * i);
	}
	return twd;
}

static void fxsr_to_i387(struct user_i387_struct *env,
			 const struct user_fxsr_struct *fx)
{
	struct _fpreg *to = (struct _fpreg *)env->st_space;
	const struct _fpxreg *from = (const struct _fpxreg *)fx->st_space;
	int i;

	env->cwd = fx->cwd | 0xffff0000;
	env->swd = fx->swd | 0xffff0000;
	env->twd = twd_fxsr_to_i387(fx);
	env->fip = fx->fip;
	env->fcs = (u16)fx->fcs | ((u32)fx->fop << 16);
	env->foo = fx->foo;
	env->fos = fx->fos;
	for (i = 0; i < 8; i++)
		memcpy(&to[i], &from[i], sizeof(to[i]));
}

static void i387_to_fxsr(struct user_fxsr_struct *fx,
			 const struct user_i387_struct *env)
{
	const struct _fpreg *from = (const struct _fpreg *)env->st_space;
	struct _fpxreg *to = (struct _fpxreg *)fx->st_space;
	int i;

	fx->cwd = env->cwd;
	fx->swd = env->swd;
	fx->twd = twd_i387_to_fxsr(env->twd);
	fx->fop = (u32)env->fcs >> 16;
	fx->fip = env->fip;
	fx->fcs = env->fcs & 0xffff;
	fx->foo = env->foo;
	fx->fos = env->fos;
	for (i = 0; i < 8; i++)
		memcpy(&to[i], &from[i], sizeof(from[i]));
}

static u32 mxcsr_mask_of(const struct user_fxsr_struct *fx)
{
	return fx->reserved ? fx->reserved : MXCSR_DEFAULT_MASK;
}

/* PTRACE_GETFPREGS and core dumps: the x87 state in the FSAVE layout. */
static int fpregs_get_to(struct task_struct *t, struct user_i387_struct *env)
{
	int err = um_fp_sync(t);

	if (err)
		return err;
	if (have_fpx_regs)
		fxsr_to_i387(env, fxsr_of(t));
	else
		memcpy(env, fsave_of(t), sizeof(*env));
	return 0;
}

int um_fpregs_get(struct task_struct *child,
		  struct user_i387_struct __user *buf)
{
	struct user_i387_struct env;
	int err = fpregs_get_to(child, &env);

	if (err)
		return err;
	return copy_to_user(buf, &env, sizeof(env)) ? -EFAULT : 0;
}

/* PTRACE_SETFPREGS: the x87 state; MXCSR and the SSE registers stay. */
int um_fpregs_set(struct task_struct *child,
		  const struct user_i387_struct __user *buf)
{
	struct user_i387_struct env;
	int err;

	if (copy_from_user(&env, buf, sizeof(env)))
		return -EFAULT;
	err = um_fp_sync(child);
	if (err)
		return err;
	if (have_fpx_regs)
		i387_to_fxsr(fxsr_of(child), &env);
	else
		memcpy(fsave_of(child), &env, sizeof(env));
	um_fp_changed(child);
	return 0;
}

/* PTRACE_GETFPXREGS: the FXSAVE area, where the host has one. */
int um_fpxregs_get(struct task_struct *child,
		   struct user_fxsr_struct __user *buf)
{
	int err;

	if (!have_fpx_regs)
		return -ENODEV;
	err = um_fp_sync(child);
	if (err)
		return err;
	return copy_to_user(buf, fxsr_of(child), sizeof(*buf)) ? -EFAULT : 0;
}

/*
 * PTRACE_SETFPXREGS: as on i386, an MXCSR with reserved bits set is
 * refused.  The host's MXCSR mask stays: it describes the host.
 */
int um_fpxregs_set(struct task_struct *child,
		   const struct user_fxsr_struct __user *buf)
{
	struct user_fxsr_struct new;
	u32 mask;
	int err;

	if (!have_fpx_regs)
		return -ENODEV;
	if (copy_from_user(&new, buf, sizeof(new)))
		return -EFAULT;
	err = um_fp_sync(child);
	if (err)
		return err;
	mask = mxcsr_mask_of(fxsr_of(child));
	if (new.mxcsr & ~mask)
		return -EINVAL;
	new.reserved = mask;
	memcpy(fxsr_of(child), &new, sizeof(new));
	um_fp_changed(child);
	return 0;
}

/* A core dump's NT_PRFPREG note, taken as PTRACE_GETFPREGS takes it. */
int elf_core_copy_task_fpregs(struct task_struct *t, elf_fpregset_t *fpu)
{
	return fpregs_get_to(t, fpu) == 0;
}

/* The FP state of a process that never used it: what FNINIT leaves. */
static void reset_fpstate(struct task_struct *t)
{
	if (have_fpx_regs) {
		struct user_fxsr_struct *fx = fxsr_of(t);
		u32 mask = mxcsr_mask_of(fx);

		memset(fx, 0, sizeof(*fx));
		fx->cwd = 0x37f;
		fx->mxcsr = 0x1f80;
		fx->reserved = mask;
	} else {
		struct user_i387_struct *env = fsave_of(t);

		memset(env, 0, sizeof(*env));
		env->cwd = 0xffff037f;
		env->swd = 0xffff0000;
		env->twd = 0xffffffff;
		env->fos = 0xffff0000;
	}
}

/*
 * A signal frame's FP state: the FSAVE layout, then the status word and
 * the magic, and after them, where the host has FXSR, the FXSAVE area, as
 * i386 writes them.  0 or -errno.
 */
int um_fpstate_to_sigframe(void __user *frame, struct pt_regs *regs)
{
	struct _fpstate_32 __user *to = frame;
	struct task_struct *t = current;
	struct user_i387_struct env;
	int err = fpregs_get_to(t, &env);

	if (err)
		return err;
	if (copy_to_user(to, &env, sizeof(env)) ||
	    put_user((u16)env.swd, &to->status) ||
	    put_user(have_fpx_regs ? X86_FXSR_MAGIC : 0xffff, &to->magic))
		return -EFAULT;
	if (have_fpx_regs &&
	    copy_to_user(&to->_fxsr_env[0], fxsr_of(t),
			 sizeof(struct user_fxsr_struct)))
		return -EFAULT;
	return 0;
}

/*
 * sigreturn: the FXSAVE area of the frame with the x87 state of its FSAVE
 * part, which the handler may have changed, as i386 takes them; reserved
 * MXCSR bits are cleared.  No FP state at all (fpstate NULL) gives the
 * init state.  0 or -errno.
 */
int um_fpstate_from_sigframe(struct pt_regs *regs, const void __user *frame)
{
	const struct _fpstate_32 __user *from = frame;
	struct task_struct *t = current;
	struct user_fxsr_struct fx;
	struct user_i387_struct env;
	int err = um_fp_sync(t);
	u32 mask;

	if (err)
		return err;
	if (!from) {
		reset_fpstate(t);
	} else if (!have_fpx_regs) {
		if (copy_from_user(&env, from, sizeof(env)))
			return -EFAULT;
		memcpy(fsave_of(t), &env, sizeof(env));
	} else {
		if (copy_from_user(&fx, &from->_fxsr_env[0], sizeof(fx)) ||
		    copy_from_user(&env, from, sizeof(env)))
			return -EFAULT;
		i387_to_fxsr(&fx, &env);
		mask = mxcsr_mask_of(fxsr_of(t));
		fx.mxcsr &= mask;
		fx.reserved = mask;
		memcpy(fxsr_of(t), &fx, sizeof(fx));
	}
	um_fp_changed(t);
	return 0;
}
