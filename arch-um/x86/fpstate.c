// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the FP state of a UML process on x86_64, as its signal frames
 * and its tracers see it.
 *
 * The state lives in the process's own registers, regs->fp, as the host's
 * ptrace gave it at the last stop: an XSAVE area of host_fp_size bytes in
 * the standard format (the NT_X86_XSTATE regset), whose software-reserved
 * bytes start with the host's XCR0, or, on a host without XSAVE, the
 * 512-byte FXSAVE area.  The first 512 bytes have the FXSAVE layout either
 * way.  What a process or a tracer writes there is checked as the host
 * will check it, so that a bad value costs an error, not the process.
 */

#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/init.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/sigcontext.h>
#include <asm/user.h>
#include <registers.h>
#include <sysptvm.h>
#include "fpstate.h"

#define FXSAVE_SIZE		sizeof(struct _fpstate_64)
#define XFEATURE_MASK_FPSSE	0x3ULL
/* The MXCSR bits a CPU takes when FXSAVE leaves its mask 0 (SDM 11.6.6). */
#define MXCSR_DEFAULT_MASK	0x0000ffbf

/* The XSAVE header that follows the FXSAVE area. */
struct xsave_hdr {
	u64 xfeatures;
	u64 xcomp_bv;
	u64 reserved[6];
};

static bool fp_is_xstate(void)
{
	return host_fp_size > FXSAVE_SIZE;
}

static struct _fpstate_64 *fxsave_of(struct pt_regs *regs)
{
	return (struct _fpstate_64 *)regs->regs.fp;
}

static struct xsave_hdr *xsave_hdr_of(struct pt_regs *regs)
{
	return (struct xsave_hdr *)((char *)regs->regs.fp + FXSAVE_SIZE);
}

static u32 mxcsr_mask_of(struct pt_regs *regs)
{
	return fxsave_of(regs)->mxcsr_mask ? : MXCSR_DEFAULT_MASK;
}

/*
 * The part of the XSAVE area that a signal frame holds, and its features:
 * all but what no UML process can use (see os_xstate_frame_size()).
 */
static unsigned long frame_xstate_size;
static u64 frame_xfeatures;
/* The features of the host's XSAVE area: its XCR0. */
static u64 host_xcr0 = XFEATURE_MASK_FPSSE;

static int __init frame_xstate_init(void)
{
	unsigned long gp[MAX_REG_NR];
	unsigned long *fp;
	u64 xcr0;

	if (!fp_is_xstate())
		return 0;
	fp = kmalloc(host_fp_size, GFP_KERNEL);
	if (!fp)
		return -ENOMEM;
	get_safe_registers(gp, fp);
	/*
	 * ptrace's XSTATE image keeps the host's XCR0 in the first word of
	 * sw_reserved, where a signal frame has its _fpx_sw_bytes
	 * (USER_XSTATE_XCR0_WORD in asm/user.h).
	 */
	xcr0 = *(u64 *)&((struct _fpstate_64 *)fp)->sw_reserved;
	kfree(fp);
	if (xcr0)
		host_xcr0 = xcr0;
	frame_xstate_size = os_xstate_frame_size(host_xcr0, host_fp_size,
						 &frame_xfeatures);
	pr_info("sysptvm: signal frames hold %lu of the %d bytes of XSTATE (features %#llx)\n",
		frame_xstate_size, host_fp_size, frame_xfeatures);
	return 0;
}
arch_initcall(frame_xstate_init);

/* The bytes of FP state in a signal frame: the XSAVE part and MAGIC2. */
unsigned long um_sigframe_fp_size(void)
{
	if (fp_is_xstate())
		return frame_xstate_size + FP_XSTATE_MAGIC2_SIZE;
	return FXSAVE_SIZE;
}

/*
 * What AT_MINSIGSTKSZ says: the largest frame setup_signal_stack_si()
 * builds, with the red zone and the alignment of its parts.
 */
unsigned long um_sigframe_size(void)
{
	return round_up(um_sigframe_fp_size() + um_rt_sigframe_size +
			128 + 64 + 16, 64);
}

/*
 * Write the state into a signal frame as native x86_64 does: the XSAVE
 * area, with sw bytes that say how large it is and MAGIC2 after it, so
 * that a handler (and sigreturn) can tell it from a bare FXSAVE area.
 */
int um_fpstate_to_sigframe(void __user *to, struct pt_regs *regs)
{
	struct _fpstate_64 __user *fx = to;
	struct xsave_hdr __user *hdr = to + FXSAVE_SIZE;
	struct _fpx_sw_bytes sw = { 0 };

	if (!fp_is_xstate())
		return copy_to_user(to, regs->regs.fp, FXSAVE_SIZE) ||
		       copy_to_user(&fx->sw_reserved, &sw, sizeof(sw)) ?
		       -EFAULT : 0;

	if (copy_to_user(to, regs->regs.fp, frame_xstate_size))
		return -EFAULT;
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.extended_size = frame_xstate_size + FP_XSTATE_MAGIC2_SIZE;
	sw.xfeatures = frame_xfeatures;
	sw.xstate_size = frame_xstate_size;
	if (put_user(FP_XSTATE_MAGIC2, (__u32 __user *)(to + frame_xstate_size)) ||
	    put_user(xsave_hdr_of(regs)->xfeatures & frame_xfeatures,
		     &hdr->xfeatures))
		return -EFAULT;
	if (copy_to_user(&fx->sw_reserved, &sw, sizeof(sw)))
		return -EFAULT;
	return 0;
}

/* An FP state the host would load: the FXSAVE defaults, all else init. */
static void reset_fpstate(struct pt_regs *regs)
{
	struct _fpstate_64 *fx = fxsave_of(regs);
	size_t keep = offsetof(struct _fpstate_64, sw_reserved);

	memset(fx, 0, keep);
	fx->cwd = 0x37f;
	fx->mxcsr = 0x1f80;
	if (fp_is_xstate())
		memset(xsave_hdr_of(regs), 0, host_fp_size - FXSAVE_SIZE);
}

/*
 * sigreturn: take the state from the frame.  A frame without the XSTATE
 * magic restores the FXSAVE part and puts the rest in its init state, as
 * native does.  A state the host would refuse is not taken: the process
 * gets a clean state and sigreturn fails (SIGSEGV), as for a bad frame.
 */
int um_fpstate_from_sigframe(struct pt_regs *regs, const void __user *from)
{
	const struct _fpstate_64 __user *ufx = from;
	struct _fpstate_64 *fx = fxsave_of(regs);
	struct xsave_hdr *hdr = xsave_hdr_of(regs);
	/* The host's sw bytes (its XCR0) stay; the frame's are checked. */
	struct _fpx_sw_bytes sw, host_sw = fx->sw_reserved;
	u32 mask = mxcsr_mask_of(regs), magic2 = 0;
	bool whole = false;

	if (copy_from_user(&sw, &ufx->sw_reserved, sizeof(sw)))
		return -EFAULT;
	if (fp_is_xstate() && sw.magic1 == FP_XSTATE_MAGIC1 &&
	    sw.extended_size == frame_xstate_size + FP_XSTATE_MAGIC2_SIZE &&
	    sw.xstate_size == frame_xstate_size &&
	    !get_user(magic2, (const __u32 __user *)(from + frame_xstate_size)) &&
	    magic2 == FP_XSTATE_MAGIC2)
		whole = true;

	/* What the frame does not hold (AMX tile data) stays as it is. */
	if (copy_from_user(fx, from, whole ? frame_xstate_size : FXSAVE_SIZE)) {
		fx->sw_reserved = host_sw;
		reset_fpstate(regs);
		return -EFAULT;
	}
	fx->sw_reserved = host_sw;
	fx->mxcsr_mask = mask;
	if (fp_is_xstate() && !whole) {
		memset(hdr, 0, host_fp_size - FXSAVE_SIZE);
		hdr->xfeatures = XFEATURE_MASK_FPSSE;
	}

	if ((fx->mxcsr & ~mask) ||
	    (fp_is_xstate() && (hdr->xcomp_bv || (hdr->xfeatures & ~frame_xfeatures) ||
				memchr_inv(hdr->reserved, 0, sizeof(hdr->reserved))))) {
		reset_fpstate(regs);
		return -EINVAL;
	}
	return 0;
}

/* PTRACE_GETFPREGS: the FXSAVE part of the tracee's own state. */
int um_fpregs_get(struct task_struct *child, struct user_i387_struct __user *buf)
{
	if (copy_to_user(buf, child->thread.regs.regs.fp, sizeof(*buf)))
		return -EFAULT;
	return 0;
}

/*
 * PTRACE_SETFPREGS and NT_PRFPREG: as native, the x87 and SSE registers
 * are then in use and an MXCSR with reserved bits set is refused.  The
 * host's sw bytes and MXCSR mask stay: they describe the host, not the
 * tracee.
 */
int um_fpregs_set_from(struct task_struct *child,
		       const struct user_i387_struct *buf)
{
	struct pt_regs *regs = &child->thread.regs;
	struct _fpstate_64 *fx = fxsave_of(regs);
	struct _fpstate_64 new;
	u32 mask = mxcsr_mask_of(regs);

	BUILD_BUG_ON(sizeof(new) != sizeof(*buf));
	memcpy(&new, buf, sizeof(new));
	if (new.mxcsr & ~mask)
		return -EINVAL;
	new.mxcsr_mask = mask;
	memcpy(fx, &new, offsetof(struct _fpstate_64, sw_reserved));
	if (fp_is_xstate())
		xsave_hdr_of(regs)->xfeatures |= XFEATURE_MASK_FPSSE;
	return 0;
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
 * NT_X86_XSTATE: an XSAVE area (host_fp_size bytes) that the host will
 * take, checked as native xstateregs_set() checks it: a standard-format
 * header, features of the host's XCR0 only, no reserved MXCSR bits.
 */
int um_xstate_set_from(struct task_struct *child, const void *xsave)
{
	struct pt_regs *regs = &child->thread.regs;
	const struct _fpstate_64 *new = xsave;
	const struct xsave_hdr *hdr = xsave + FXSAVE_SIZE;
	struct _fpstate_64 *fx = fxsave_of(regs);
	struct _fpx_sw_bytes host_sw = fx->sw_reserved;
	u32 mask = mxcsr_mask_of(regs);

	if (!fp_is_xstate())
		return -ENODEV;
	if ((new->mxcsr & ~mask) || hdr->xcomp_bv ||
	    (hdr->xfeatures & ~host_xcr0) ||
	    memchr_inv(hdr->reserved, 0, sizeof(hdr->reserved)))
		return -EINVAL;
	memcpy(regs->regs.fp, xsave, host_fp_size);
	fx->sw_reserved = host_sw;
	fx->mxcsr_mask = mask;
	return 0;
}
