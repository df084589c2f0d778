// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the register sets of a UML process on x86_64, for
 * PTRACE_GETREGSET and PTRACE_SETREGSET: NT_PRSTATUS, NT_PRFPREG and
 * NT_X86_XSTATE, all read from and written to the tracee's own saved
 * state, as PTRACE_GETREGS and PTRACE_GETFPREGS are.
 *
 * NT_X86_XSTATE is as large as the host's (host_fp_size) and has its
 * layout, with the host's XCR0 in the first word of sw_reserved.  Native
 * x86_64 takes only a buffer of exactly that size; this one also takes a
 * shorter one that covers at least the FXSAVE area and the XSAVE header,
 * and leaves the rest as it is, so that a UML with a fixed smaller buffer
 * (Debian's 6.1 keeps 2696 bytes) runs inside this one on any host.
 */

#include <linux/elf.h>
#include <linux/errno.h>
#include <linux/regset.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/ptrace.h>
#include <asm/user.h>
#include <asm/lazyfp.h>
#include <registers.h>
#include "fpstate.h"

enum um_regset { REGSET_GENERAL, REGSET_FP, REGSET_XSTATE };

#define FXSAVE_SIZE	sizeof(struct user_i387_struct)
#define XSAVE_MIN_SIZE	(FXSAVE_SIZE + 64)	/* the legacy area and the header */

/* One register at a time, through getreg() and putreg() as PTRACE_GETREGS. */
static int genregs_get(struct task_struct *target,
		       const struct user_regset *regset, struct membuf to)
{
	unsigned int offset;

	for (offset = 0; offset < sizeof(struct user_regs_struct) && to.left;
	     offset += sizeof(unsigned long))
		membuf_store(&to, getreg(target, offset));
	return 0;
}

static int genregs_set(struct task_struct *target,
		       const struct user_regset *regset, unsigned int pos,
		       unsigned int count, const void *kbuf,
		       const void __user *ubuf)
{
	unsigned long regs[sizeof(struct user_regs_struct) / sizeof(long)];
	unsigned int first = pos, offset;
	int err;

	for (offset = 0; offset < sizeof(regs); offset += sizeof(long))
		regs[offset / sizeof(long)] = getreg(target, offset);
	err = user_regset_copyin(&pos, &count, &kbuf, &ubuf, regs, 0,
				 sizeof(regs));
	if (err)
		return err;
	for (offset = round_down(first, sizeof(long)); offset < pos;
	     offset += sizeof(long)) {
		err = putreg(target, offset, regs[offset / sizeof(long)]);
		if (err)
			return err;
	}
	return 0;
}

static int fpregs_get(struct task_struct *target,
		      const struct user_regset *regset, struct membuf to)
{
	struct user_i387_struct fp;
	int err = um_fpregs_get_to(target, &fp);

	if (err)
		return err;
	return membuf_write(&to, &fp, sizeof(fp));
}

static int fpregs_set(struct task_struct *target,
		      const struct user_regset *regset, unsigned int pos,
		      unsigned int count, const void *kbuf,
		      const void __user *ubuf)
{
	struct user_i387_struct fp;
	int err;

	/* As native xfpregs_set(): all of it or nothing. */
	if (pos || count != sizeof(fp))
		return -EINVAL;
	err = user_regset_copyin(&pos, &count, &kbuf, &ubuf, &fp, 0,
				 sizeof(fp));
	if (err)
		return err;
	return um_fpregs_set_from(target, &fp);
}

static int xstate_active(struct task_struct *target,
			 const struct user_regset *regset)
{
	return regset->n;
}

static int xstate_get(struct task_struct *target,
		      const struct user_regset *regset, struct membuf to)
{
	int err;

	if (host_fp_size <= FXSAVE_SIZE)
		return -ENODEV;
	err = um_fp_sync(target);
	if (err)
		return err;
	return membuf_write(&to, target->thread.regs.regs.fp, host_fp_size);
}

static int xstate_set(struct task_struct *target,
		      const struct user_regset *regset, unsigned int pos,
		      unsigned int count, const void *kbuf,
		      const void __user *ubuf)
{
	void *xsave;
	int err;

	if (host_fp_size <= FXSAVE_SIZE)
		return -ENODEV;
	if (pos || count < XSAVE_MIN_SIZE || count > host_fp_size)
		return -EFAULT;
	err = um_fp_sync(target);
	if (err)
		return err;
	xsave = kmemdup(target->thread.regs.regs.fp, host_fp_size, GFP_KERNEL);
	if (!xsave)
		return -ENOMEM;
	err = user_regset_copyin(&pos, &count, &kbuf, &ubuf, xsave, 0,
				 host_fp_size);
	if (!err)
		err = um_xstate_set_from(target, xsave);
	kfree(xsave);
	return err;
}

static struct user_regset um_x86_64_regsets[] __ro_after_init = {
	[REGSET_GENERAL] = {
		.core_note_type	= NT_PRSTATUS,
		.n		= sizeof(struct user_regs_struct) / sizeof(long),
		.size		= sizeof(long),
		.align		= sizeof(long),
		.regset_get	= genregs_get,
		.set		= genregs_set,
	},
	[REGSET_FP] = {
		.core_note_type	= NT_PRFPREG,
		.n		= sizeof(struct user_i387_struct) / sizeof(long),
		.size		= sizeof(long),
		.align		= sizeof(long),
		.regset_get	= fpregs_get,
		.set		= fpregs_set,
	},
	/* .n is set at boot from host_fp_size: 0 on a host without XSAVE. */
	[REGSET_XSTATE] = {
		.core_note_type	= NT_X86_XSTATE,
		.size		= sizeof(u64),
		.align		= sizeof(u64),
		.active		= xstate_active,
		.regset_get	= xstate_get,
		.set		= xstate_set,
	},
};

static const struct user_regset_view um_x86_64_view = {
	.name		= "x86_64",
	.e_machine	= EM_X86_64,
	.regsets	= um_x86_64_regsets,
	.n		= ARRAY_SIZE(um_x86_64_regsets),
};

const struct user_regset_view *task_user_regset_view(struct task_struct *task)
{
	return &um_x86_64_view;
}

static int __init um_regsets_init(void)
{
	if (host_fp_size > FXSAVE_SIZE)
		um_x86_64_regsets[REGSET_XSTATE].n = host_fp_size / sizeof(u64);
	return 0;
}
arch_initcall(um_regsets_init);
