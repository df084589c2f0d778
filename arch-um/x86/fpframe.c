// SPDX-License-Identifier: GPL-2.0
/*
 * sysptvm: the FP state of a UML process on x86_64, as its signal frames
 * hold it and as its tracers may write it.
 *
 * The state lives in the process's own registers, regs->fp, as the host's
 * ptrace gives it: an XSAVE area of host_fp_size bytes in the standard
 * format (the NT_X86_XSTATE regset), whose software-reserved bytes start
 * with the host's XCR0, or, on a host without XSAVE, the 512-byte FXSAVE
 * area.  The first 512 bytes have the FXSAVE layout either way.  What a
 * process or a tracer writes there is checked as the host will check it,
 * so that a bad value costs an error, not the process.  The callers make
 * regs->fp hold the state before, and see that it reaches the host after.
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
#include <asm/ucontext.h>
#include <asm/user.h>
#include <registers.h>
#include <os.h>
#include "fpframe.h"

#define FXSAVE_SIZE		sizeof(struct _fpstate_64)
#define XSAVE_MIN_SIZE		(FXSAVE_SIZE + sizeof(struct xsave_hdr))
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
 * all that a UML process can use (see os_xstate_frame_size()), which is
 * also what the host takes from a UML process at PTRACE_SETREGSET.
 */
static unsigned long frame_xstate_size __ro_after_init;
static u64 frame_xfeatures __ro_after_init = XFEATURE_MASK_FPSSE;
/* Where each component of the XSAVE area ends (CPUID leaf 0xD). */
static unsigned long xfeature_end[64] __ro_after_init;

static int __init frame_xstate_init(void)
{
	unsigned long gp[MAX_REG_NR];
	unsigned long *fp;
	u64 xcr0;

	if (!fp_is_xstate())
		return 0;
	fp = kmalloc(host_fp_size, GFP_KERNEL);
	if (!fp)
		panic("sysptvm: no memory for the boot FP state (%lu bytes)\n",
		      (unsigned long)host_fp_size);
	get_safe_registers(gp, fp);
	/*
	 * ptrace's XSTATE image keeps the host's XCR0 in the first word of
	 * sw_reserved, where a signal frame has its _fpx_sw_bytes
	 * (USER_XSTATE_XCR0_WORD in asm/user.h).
	 */
	memcpy(&xcr0, &((struct _fpstate_64 *)fp)->sw_reserved, sizeof(xcr0));
	kfree(fp);
	frame_xstate_size = os_xstate_frame_size(xcr0 ? : XFEATURE_MASK_FPSSE,
						 host_fp_size, &frame_xfeatures,
						 xfeature_end);
	pr_info("sysptvm: signal frames hold %lu of the %lu bytes of XSTATE (features %#llx)\n",
		frame_xstate_size, (unsigned long)host_fp_size, frame_xfeatures);
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

/* The uc_flags of a signal frame: UC_FP_XSTATE when it holds an XSAVE area. */
unsigned long um_sigframe_uc_flags(void)
{
	return fp_is_xstate() ? UC_FP_XSTATE : 0;
}

/*
 * Write the state into a signal frame as native x86_64 does: the XSAVE
 * area, with sw bytes that say how large it is and MAGIC2 after it, so
 * that a handler (and sigreturn) can tell it from a bare FXSAVE area.
 * x87 and SSE are marked in use, as native marks them, so that what a
 * handler writes there is restored even if they were in their init state.
 */
int um_fpframe_to_user(void __user *to, struct pt_regs *regs)
{
	struct _fpstate_64 __user *fx = to;
	struct xsave_hdr __user *hdr = to + FXSAVE_SIZE;
	struct _fpx_sw_bytes sw = { 0 };
	u64 xfeatures;

	if (!fp_is_xstate()) {
		if (copy_to_user(to, regs->regs.fp, FXSAVE_SIZE) ||
		    copy_to_user(&fx->sw_reserved, &sw, sizeof(sw)))
			return -EFAULT;
		return 0;
	}

	if (copy_to_user(to, regs->regs.fp, frame_xstate_size))
		return -EFAULT;
	sw.magic1 = FP_XSTATE_MAGIC1;
	sw.extended_size = frame_xstate_size + FP_XSTATE_MAGIC2_SIZE;
	sw.xfeatures = frame_xfeatures;
	sw.xstate_size = frame_xstate_size;
	xfeatures = (xsave_hdr_of(regs)->xfeatures | XFEATURE_MASK_FPSSE) &
		    frame_xfeatures;
	if (put_user(FP_XSTATE_MAGIC2, (__u32 __user *)(to + frame_xstate_size)) ||
	    put_user(xfeatures, &hdr->xfeatures) ||
	    copy_to_user(&fx->sw_reserved, &sw, sizeof(sw)))
		return -EFAULT;
	return 0;
}

/* An FP state the host would load: the FXSAVE defaults, all else init. */
static void reset_fpstate(struct pt_regs *regs, u32 mxcsr_mask)
{
	struct _fpstate_64 *fx = fxsave_of(regs);

	memset(fx, 0, offsetof(struct _fpstate_64, sw_reserved));
	fx->cwd = 0x37f;
	fx->mxcsr = 0x1f80;
	fx->mxcsr_mask = mxcsr_mask;
	if (fp_is_xstate())
		memset(xsave_hdr_of(regs), 0, host_fp_size - FXSAVE_SIZE);
}

/*
 * sigreturn: take the state from the frame, as native
 * fpu__restore_sig() does.  No FP state at all (fpstate NULL) gives the
 * init state.  A frame whose sw bytes and MAGIC2 describe an XSAVE area
 * of at least the legacy area and header, and at most ours, restores the
 * features it says it holds; the others, and any feature whose registers
 * lie beyond the frame's size, get their init state.  A frame without
 * the magic restores the FXSAVE part only.  A state the host would refuse
 * is not taken: the process gets the init state and sigreturn fails
 * (SIGSEGV), as for a bad frame.
 */
int um_fpframe_from_user(struct pt_regs *regs, const void __user *from)
{
	const struct _fpstate_64 __user *ufx = from;
	struct _fpstate_64 *fx = fxsave_of(regs);
	struct xsave_hdr *hdr = xsave_hdr_of(regs);
	/* The host's sw bytes (its XCR0) stay; the frame's are checked. */
	struct _fpx_sw_bytes sw, host_sw = fx->sw_reserved;
	u32 mask = mxcsr_mask_of(regs), magic2;
	unsigned long size = FXSAVE_SIZE;
	u64 restore = XFEATURE_MASK_FPSSE;
	int i;

	if (!from) {
		reset_fpstate(regs, mask);
		return 0;
	}
	if (copy_from_user(&sw, &ufx->sw_reserved, sizeof(sw)))
		return -EFAULT;
	if (fp_is_xstate() && sw.magic1 == FP_XSTATE_MAGIC1 &&
	    sw.xstate_size >= XSAVE_MIN_SIZE &&
	    sw.xstate_size <= frame_xstate_size &&
	    sw.xstate_size <= sw.extended_size) {
		if (get_user(magic2, (const __u32 __user *)(from + sw.xstate_size)))
			return -EFAULT;
		if (magic2 == FP_XSTATE_MAGIC2) {
			size = sw.xstate_size;
			restore = sw.xfeatures & frame_xfeatures;
		}
	}

	/* What the frame does not hold (AMX tile data) stays as it is. */
	if (copy_from_user(fx, from, size)) {
		fx->sw_reserved = host_sw;
		reset_fpstate(regs, mask);
		return -EFAULT;
	}
	fx->sw_reserved = host_sw;
	fx->mxcsr_mask = mask;
	if (fp_is_xstate() && size == FXSAVE_SIZE) {
		memset(hdr, 0, host_fp_size - FXSAVE_SIZE);
		hdr->xfeatures = XFEATURE_MASK_FPSSE;
	}

	if ((fx->mxcsr & ~mask) ||
	    (fp_is_xstate() &&
	     (hdr->xcomp_bv || (hdr->xfeatures & ~frame_xfeatures) ||
	      memchr_inv(hdr->reserved, 0, sizeof(hdr->reserved))))) {
		reset_fpstate(regs, mask);
		return -EINVAL;
	}
	if (fp_is_xstate()) {
		hdr->xfeatures &= restore | XFEATURE_MASK_FPSSE;
		for (i = 2; i < 64; i++)
			if (xfeature_end[i] > size)
				hdr->xfeatures &= ~BIT_ULL(i);
	}
	return 0;
}

/*
 * PTRACE_SETFPREGS and NT_PRFPREG: as native, the x87 and SSE registers
 * are then in use and an MXCSR with reserved bits set is refused.  The
 * host's sw bytes and MXCSR mask stay: they describe the host, not the
 * tracee.
 */
int um_fxsave_set(struct pt_regs *regs, const struct user_i387_struct *buf)
{
	struct _fpstate_64 *fx = fxsave_of(regs);
	u32 mask = mxcsr_mask_of(regs);
	struct _fpstate_64 new;

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

/*
 * NT_X86_XSTATE: an XSAVE area (host_fp_size bytes) that the host will
 * take, checked as native xstateregs_set() checks it: a standard-format
 * header, features that a UML process may have (not the AMX tile data,
 * which needs a permission no UML process gets), no reserved MXCSR bits.
 */
int um_xstate_set(struct pt_regs *regs, const void *xsave)
{
	const struct _fpstate_64 *new = xsave;
	const struct xsave_hdr *hdr = xsave + FXSAVE_SIZE;
	struct _fpstate_64 *fx = fxsave_of(regs);
	struct _fpx_sw_bytes host_sw = fx->sw_reserved;
	u32 mask = mxcsr_mask_of(regs);

	if (!fp_is_xstate())
		return -ENODEV;
	if ((new->mxcsr & ~mask) || hdr->xcomp_bv ||
	    (hdr->xfeatures & ~frame_xfeatures) ||
	    memchr_inv(hdr->reserved, 0, sizeof(hdr->reserved)))
		return -EINVAL;
	memcpy(regs->regs.fp, xsave, host_fp_size);
	fx->sw_reserved = host_sw;
	fx->mxcsr_mask = mask;
	return 0;
}
